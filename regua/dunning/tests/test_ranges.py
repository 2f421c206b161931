import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from regua.audit.models import AuditEntry
from regua.dunning.models import DelayRange
from regua.dunning.ranges import RangeOverlap, remove_range, save_range
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

pytestmark = pytest.mark.django_db


def add(start, end, **fields):
    return save_range(user="ana", start_day=start, end_day=end, template=1, **fields)


LEMBRETE = "“Lembrete” (-5 a 0 dias"
PRIMEIRO = "“Primeiro aviso” (10 a 15 dias"
SEGUNDO = "“Segundo aviso” (20 a 30 dias"


@pytest.mark.parametrize(
    ("start", "end", "other"),
    [
        (-10, -5, LEMBRETE),  # shares the first day
        (-5, 0, LEMBRETE),  # the same days
        (0, 0, LEMBRETE),  # the last day only
        (8, 12, PRIMEIRO),
        (14, 20, PRIMEIRO),  # touches two: the lower one is named
        (20, 40, SEGUNDO),
        (-100, 100, LEMBRETE),  # covers them all
    ],
)
def test_an_overlapping_range_is_refused_naming_the_other_range(start, end, other):
    add(-5, 0, name="Lembrete")
    add(10, 15, name="Primeiro aviso")
    add(20, 30, name="Segundo aviso")

    with pytest.raises(RangeOverlap) as raised:
        add(start, end)

    assert other in raised.value.messages[0]
    assert f"A faixa de {start} a {end} dias se sobrepõe" in raised.value.messages[0]
    assert DelayRange.objects.count() == 3


@pytest.mark.parametrize(("start", "end"), [(-30, -6), (1, 9), (16, 19), (31, 365)])
def test_ranges_may_leave_gaps_between_them(start, end):
    add(-5, 0)
    add(10, 15)
    add(20, 30)

    assert add(start, end).pk


def test_an_inactive_range_does_not_collide():
    add(10, 20, active=False)

    assert add(15, 25).active


def test_reactivating_a_range_that_now_overlaps_is_refused():
    old = add(10, 20, active=False)
    add(15, 25)

    with pytest.raises(RangeOverlap, match="15 a 25 dias"):
        save_range(user="ana", instance=old, start_day=10, end_day=20, template=1, active=True)


def test_editing_a_range_does_not_collide_with_itself_and_is_audited():
    r = add(10, 20, name="Aviso")

    save_range(user="bia", instance=r, start_day=10, end_day=25, template=2, name="Aviso")

    r.refresh_from_db()
    assert (r.end_day, r.template.number) == (25, 2)
    entry = AuditEntry.objects.get(action="range.change")
    assert entry.user == "bia"
    assert entry.changes["end_day"] == ["20", "25"]


def test_model_validation_uses_the_same_rule():
    add(10, 20)
    candidate = DelayRange(start_day=5, end_day=10, template=DelayRange.objects.get().template)

    with pytest.raises(ValidationError, match=r"se sobrepõe à faixa \(10 a 20 dias"):
        candidate.full_clean()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_day": 10, "end_day": 5}, "menor ou igual"),
        ({"template": 9}, "O modelo 9 não existe"),
        ({"generation": "fax"}, "Tipo de geração inválido"),
        ({"min_balance": "-1"}, "saldo mínimo"),
    ],
)
def test_invalid_ranges_are_refused_with_a_message(fields, message):
    values = {"start_day": 1, "end_day": 5, "template": 1, **fields}
    with pytest.raises(ValidationError, match=message):
        save_range(user="ana", **values)


def test_removing_a_range_without_history_deletes_it():
    r = add(1, 5)

    assert remove_range(r, "ana") == "deleted"

    assert not DelayRange.objects.exists()
    assert AuditEntry.objects.filter(action="range.delete", user="ana").exists()


def test_removing_a_range_with_history_deactivates_it():
    r = make_range(1, 5)
    receivable = make_receivable(make_branch(), make_customer(), r.created_at.date())
    make_notice(r, [receivable])

    assert remove_range(r, "ana") == "deactivated"

    r.refresh_from_db()
    assert not r.active
    assert AuditEntry.objects.filter(action="range.deactivate", user="ana").exists()


def test_regua_ranges_add_prints_the_id_and_list_json_has_the_pinned_keys(capsys):
    call_command(
        "ranges", "add", "--start", "-5", "--end", "0", "--template", "1",
        "--generation", "email", "--name", "Lembrete", "--min-balance", "50",
    )  # fmt: skip
    new_id = int(capsys.readouterr().out.strip())

    call_command("ranges", "list", "--json")

    assert json.loads(capsys.readouterr().out) == [
        {
            "id": new_id,
            "name": "Lembrete",
            "start": -5,
            "end": 0,
            "template": 1,
            "generation": "email",
            "min_balance": "50.00",
            "boleto": False,
            "active": True,
            "template_b": None,
            "share": None,
        }
    ]
    assert DelayRange.objects.get().min_balance == Decimal("50.00")


def test_regua_ranges_add_boleto_sets_enviar_boleto_shown_in_list_and_json(capsys):
    call_command(
        "ranges", "add", "--start", "1", "--end", "30", "--template", "2",
        "--generation", "email", "--boleto",
    )  # fmt: skip
    capsys.readouterr()
    call_command("ranges", "list", "--json")
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["boleto"] is True
    call_command("ranges", "list")
    assert "enviar boleto" in capsys.readouterr().out
    assert DelayRange.objects.get().send_boleto


def test_regua_ranges_remove_says_what_it_did(capsys):
    r = add(1, 5, name="Curta")

    call_command("ranges", "remove", str(r.pk))

    assert "excluída" in capsys.readouterr().out


def test_regua_ranges_add_overlapping_exits_2_naming_the_other_range(regua_cli):
    first = regua_cli(
        "ranges", "add", "--start", "10", "--end", "20", "--template", "2",
        "--generation", "email_and_letter", "--name", "Aviso",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    first_id = int(first.stdout.strip())

    second = regua_cli(
        "ranges", "add", "--start", "15", "--end", "30", "--template", "3", "--generation", "email"
    )

    assert second.returncode == 2
    assert f"“Aviso” (10 a 20 dias, id {first_id})" in second.stderr
    assert second.stdout == ""
    assert DelayRange.objects.count() == 1


def test_regua_ranges_bad_arguments_exit_2(regua_cli):
    result = regua_cli("ranges", "add", "--start", "x", "--end", "3", "--template", "1",
                       "--generation", "email")  # fmt: skip
    assert result.returncode == 2
    missing = regua_cli("ranges", "remove", "999")
    assert missing.returncode == 2
    assert "Faixa 999 não encontrada" in missing.stderr


def test_call_command_errors_are_command_errors():
    add(1, 5)
    with pytest.raises(CommandError, match="se sobrepõe"):
        call_command(
            "ranges",
            "add",
            "--start",
            "3",
            "--end",
            "8",
            "--template",
            "1",
            "--generation",
            "email",
        )
