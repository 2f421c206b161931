import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from regua.audit.models import AuditEntry
from regua.dunning.models import DunningRun, Notice, NoticeItem
from regua.privacy.retention import prune_history
from regua.privacy.tests.builders import make_sent_notice
from regua.receivables.models import Receivable
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")
NOW = datetime.datetime(2031, 12, 1, 9, 0, tzinfo=SP)
OLD = NOW - datetime.timedelta(days=1826)
RECENT = NOW - datetime.timedelta(days=1824)
FINAL = ["sent", "failed", "discarded", "skipped"]
IN_FLIGHT = ["pending", "held", "sending", "retry", "uncertain"]


@pytest.fixture
def customer():
    return make_customer("C1")


@pytest.fixture
def a_range():
    return make_range(15, 30, 1)


def notice_at(when, status, customer, a_range, time_machine, **fields):
    time_machine.move_to(when, tick=False)
    branch = make_branch(f"B{Receivable.objects.count()}")
    receivable = make_receivable(branch, customer, when.date() - datetime.timedelta(days=20))
    return make_sent_notice(a_range, [receivable], status=status, **fields)


@pytest.fixture
def history(customer, a_range, time_machine):
    """One notice per state made just before and just after the five-year mark."""
    notices = {
        (age, status): notice_at(when, status, customer, a_range, time_machine)
        for age, when in (("old", OLD), ("recent", RECENT))
        for status in FINAL + IN_FLIGHT
    }
    time_machine.move_to(NOW, tick=False)
    return notices


def test_it_deletes_only_old_notices_in_a_final_state(history):
    result = prune_history(user="dpo")

    kept = set(Notice.objects.values_list("pk", flat=True))
    for (age, status), notice in history.items():
        assert (notice.pk in kept) == (age == "recent" or status in IN_FLIGHT), (age, status)
    assert result.notices == 4
    assert result.by_status == {"discarded": 1, "failed": 1, "sent": 1, "skipped": 1}


def test_it_deletes_the_items_of_the_deleted_notices_and_keeps_the_titulos(history):
    pruned = [n.pk for (age, status), n in history.items() if age == "old" and status in FINAL]

    result = prune_history(user="dpo")

    assert result.items == 4
    assert not NoticeItem.objects.filter(notice_id__in=pruned).exists()
    assert NoticeItem.objects.count() == 14
    assert Receivable.objects.count() == 18


def test_it_deletes_the_runs_left_empty_and_keeps_the_others(
    history, customer, a_range, time_machine
):
    time_machine.move_to(OLD, tick=False)
    empty_old_run = DunningRun.objects.create(user="ana", reference_date=OLD.date())
    time_machine.move_to(NOW, tick=False)
    empty_recent_run = DunningRun.objects.create(user="ana", reference_date=NOW.date())
    pruned_runs = [
        n.run_id for (age, status), n in history.items() if age == "old" and status in FINAL
    ]

    result = prune_history(user="dpo")

    runs = set(DunningRun.objects.values_list("pk", flat=True))
    assert result.runs == 5
    assert not runs & {*pruned_runs, empty_old_run.pk}
    assert empty_recent_run.pk in runs
    assert {n.run_id for n in Notice.objects.all()} <= runs


def test_a_run_keeping_an_unfinished_notice_stays(customer, a_range, time_machine):
    sent = notice_at(OLD, "sent", customer, a_range, time_machine)
    time_machine.move_to(OLD, tick=False)
    held = make_sent_notice(
        a_range,
        [make_receivable(make_branch("Z"), customer, OLD.date())],
        status="held",
        run=sent.run,
    )
    time_machine.move_to(NOW, tick=False)

    result = prune_history(user="dpo")

    assert (result.notices, result.runs) == (1, 0)
    assert list(Notice.objects.values_list("pk", flat=True)) == [held.pk]
    assert DunningRun.objects.filter(pk=sent.run_id).exists()


def test_a_dry_run_counts_and_changes_nothing(history):
    result = prune_history(dry_run=True, user="dpo")

    assert (result.notices, result.items, result.runs, result.dry_run) == (4, 4, 4, True)
    assert Notice.objects.count() == 18
    assert not AuditEntry.objects.filter(action="privacy.prune_history").exists()


def test_it_writes_one_audit_entry_with_the_counts(history):
    prune_history(user="dpo")

    entry = AuditEntry.objects.get(action="privacy.prune_history")
    assert entry.user == "dpo"
    assert entry.changes["notices"] == 4
    assert entry.changes["items"] == 4
    assert entry.changes["runs"] == 4
    assert entry.changes["older_than_days"] == 1825
    assert entry.changes["cutoff"] == "2026-12-02T09:00:00-03:00"
    assert "4 cartas" in entry.description


def test_the_retention_period_comes_from_the_settings(history, settings):
    settings.REGUA_HISTORY_RETENTION_DAYS = 1823

    result = prune_history(user="dpo")

    assert (result.older_than_days, result.notices) == (1823, 8)


def test_older_than_days_overrides_the_setting(history):
    assert prune_history(older_than_days=1830, user="dpo").notices == 0
    assert prune_history(older_than_days=1, user="dpo").notices == 8


def test_the_command_reports_and_respects_dry_run(history, capsys):
    call_command("privacy", "prune", "--dry-run", "--user", "dpo")

    out = capsys.readouterr().out
    assert (
        "Histórico anterior a 02/12/2026 (retenção de 1825 dias): 4 cartas seriam apagadas" in out
    )
    assert "nada foi apagado" in out
    assert Notice.objects.count() == 18

    call_command("privacy", "prune", "--older-than-days", "1825", "--user", "dpo")

    assert "4 cartas apagadas, com 4 títulos de cartas, e 4 emissões" in capsys.readouterr().out
    assert Notice.objects.count() == 14


def test_the_command_refuses_a_period_below_one_day_and_a_user_without_permission(history):
    User.objects.create_user("caixa")

    with pytest.raises(CommandError, match="pelo menos 1 dia"):
        call_command("privacy", "prune", "--older-than-days", "0")
    with pytest.raises(CommandError, match="não tem a permissão necessária"):
        call_command("privacy", "prune", "--user", "caixa")

    assert Notice.objects.count() == 18


def test_the_help_says_which_notices_go_and_that_r5_blocks_are_released(capsys):
    with pytest.raises(SystemExit) as exit:
        call_command("privacy", "prune", "--help")

    assert exit.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "estado final" in text
    assert "nunca são apagadas" in text
    assert "libera o bloqueio de reenvio (R5)" in text


def test_pruned_notices_take_their_print_batches_pdf_with_them(history):
    from regua.letters.models import PrintBatch

    old, recent = history[("old", "sent")], history[("recent", "sent")]
    batches = []
    for number, notice in ((1, old), (2, recent)):
        batch = PrintBatch.objects.create(
            number=number, created_by="ana", state="posted", pdf=b"%PDF lote"
        )
        Notice.objects.filter(pk=notice.pk).update(print_batch=batch)
        batches.append(batch)

    prune_history(user="dpo")

    for batch in batches:
        batch.refresh_from_db()
    assert [b.pdf is None for b in batches] == [True, False]
