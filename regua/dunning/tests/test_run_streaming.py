"""Runs of any size: notices handed out a group at a time, written as plain rows."""

import datetime
import io
import json
import random
import string

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import connection

from regua.dunning import recording
from regua.dunning.models import Notice, NoticeItem
from regua.dunning.recipients import is_valid_email
from regua.dunning.runs import Collected, execute_run, notice_json_text
from regua.dunning.selection import stream
from regua.test import make_branch, make_customer, make_range, make_receivable, select

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)


@pytest.fixture
def portfolio():
    make_range(1, 15, 1)
    make_range(16, 30, 2, "email_and_letter")
    branches = [make_branch("2"), make_branch("10", city="Campinas")]
    # Codes whose order as text differs from their ids' order.
    customers = [make_customer(code) for code in ("Z9", "a1", "B5", "10", "9")]
    for n in range(30):
        make_receivable(
            branches[n % 2],
            customers[n % 5],
            TODAY - datetime.timedelta(days=3 + n % 28),
            f"{10 + n}.00",
            document=f"D{n % 7}",
            installment=str(n),
        )
    make_receivable(branches[0], customers[0], TODAY - datetime.timedelta(days=3), do_not_dun=True)


class Heard(Collected):
    def __init__(self):
        super().__init__()
        self.restarts = 0

    def restart(self):
        super().restart()
        self.restarts += 1


def test_the_lines_come_in_notice_order_by_codes_as_text(portfolio):
    lines = list(stream(TODAY))
    keys = [(x.branch, x.customer, x.due_date, x.document, x.installment) for x in lines]

    assert keys == sorted(keys)
    assert len(lines) == 31 and sum(1 for x in lines if x.reason) == 1
    selection = select(TODAY)
    assert [x.receivable_id for x in selection.candidates] == [
        x.receivable_id for x in lines if not x.reason
    ]
    assert [x.receivable_id for x in selection.skipped] == [
        x.receivable_id for x in lines if x.reason
    ]


def test_a_listener_hears_every_notice_and_skip_and_the_result_keeps_none(portfolio):
    kept = execute_run(TODAY, user="ana", dry_run=True)
    heard = Heard()

    result = execute_run(TODAY, user="ana", listener=heard)

    assert (result.notices, result.skipped) == ([], [])
    assert heard.restarts == 1
    assert [p.as_json() | {"id": None} for p in heard.notices] == [
        p.as_json() for p in kept.notices
    ]
    assert [x.receivable_id for x in heard.skipped] == [x.receivable_id for x in kept.skipped]
    assert result.totals.notices == len(heard.notices) == Notice.objects.count() == 10
    assert result.totals.candidates == NoticeItem.objects.count() == 30
    assert sorted(result.pending) == sorted(
        Notice.objects.filter(status="pending").values_list("pk", flat=True)
    )
    recorded = {n.pk: n for n in Notice.objects.all()}
    for planned in heard.notices:
        assert planned.notice_id is not None
        notice = recorded[planned.notice_id]
        assert (notice.branch_id, notice.customer_id, notice.status) == (
            planned.branch_id,
            planned.customer_id,
            planned.status,
        )
        assert notice.total_balance == planned.total_balance
        assert sorted(notice.items.values_list("receivable_id", flat=True)) == sorted(
            line.receivable_id for line in planned.lines
        )


def test_ids_of_deleted_notices_are_never_given_again(portfolio):
    first = execute_run(TODAY, user="ana")
    highest = max(Notice.objects.values_list("pk", flat=True))
    NoticeItem.objects.all().delete()
    Notice.objects.all().delete()

    second = execute_run(TODAY, user="ana")

    ids = [p.notice_id or 0 for p in second.notices]
    assert min(ids) > highest
    assert second.totals.notices == first.totals.notices


def test_the_json_of_regua_run_is_the_results_json(portfolio):
    out = io.StringIO()
    call_command("run", "--date", TODAY.isoformat(), "--json", "--no-wait", stdout=out)
    printed = json.loads(out.getvalue())

    again = execute_run(TODAY, user="ana", dry_run=True).as_json()
    assert printed["dry_run"] is False and printed["run"] is not None
    assert len(printed["notices"]) == 10
    # Everything is recorded now: the same selection skips every título as already sent.
    assert {s["reason"] for s in again["skipped"]} == {"already_sent", "receivable_blocked"}
    assert [s["reason"] for s in printed["skipped"]] == ["receivable_blocked"]


def test_the_text_report_lists_every_notice_and_the_totals(portfolio):
    out = io.StringIO()
    call_command("run", "--date", TODAY.isoformat(), "--no-wait", stdout=out)
    text = out.getvalue()

    assert text.count("  carta ") == 10
    assert text.count(" dias, saldo R$ ") == 30
    assert "Títulos fora desta emissão:" in text
    assert text.rstrip().endswith("10 cartas, 30 títulos, saldo R$ 735,00; 1 título fora.")


def _django_accepts(address):
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def test_the_quick_email_check_agrees_with_djangos_validator():
    rng = random.Random(7)
    local = string.ascii_letters + string.digits + ".-_+!#'\"@ "
    domain = string.ascii_lowercase + string.digits + "-.çã"
    addresses = ["a@b.co", "x@localhost", "é@b.com", '"a b"@c.com', "a..b@c.com", "a@-b.com"]
    for _ in range(3000):
        addresses.append(
            "".join(rng.choice(local) for _ in range(rng.randint(0, 12)))
            + "@"
            + "".join(rng.choice(domain) for _ in range(rng.randint(0, 14)))
            + rng.choice(["", ".br", ".com", ".c", ".c0m", "-", ".xn--p1ai"])
        )
    disagreements = [a for a in addresses if is_valid_email(a) != _django_accepts(a)]

    assert disagreements == []
    assert sum(map(is_valid_email, addresses)) > 100  # the check accepted some, refused others


def test_the_notice_json_written_straight_is_the_notice_json():
    make_range(1, 30, 1)
    branch = make_branch('F"1\\')
    customer = make_customer("Çé/\u2028", billing_email="a@b.com.br, c@d.com")
    for n, document in enumerate(['D"1', "D\\2", "D\n3", "Ünï"]):
        make_receivable(branch, customer, TODAY - datetime.timedelta(days=5), f"{n}.1{n}", document)
    blocked = make_customer("X", email="")
    make_receivable(branch, blocked, TODAY - datetime.timedelta(days=6), "0.01")

    planned = execute_run(TODAY, user="ana").notices

    assert [p.status for p in planned] == ["skipped", "pending"]  # "X" sorts before "Ç"
    for p in planned:
        assert json.loads(notice_json_text(p)) == p.as_json()
        assert notice_json_text(p) == json.dumps(p.as_json(), ensure_ascii=False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_big_run_leaves_the_planner_statistics_of_what_it_wrote(portfolio, monkeypatch):
    monkeypatch.setattr(recording, "ANALYZE_AFTER", 30)

    execute_run(TODAY, user="ana")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class"
            " WHERE relname IN ('dunning_notice', 'dunning_noticeitem')"
        )
        assert dict(cursor.fetchall()) == {"dunning_notice": 10, "dunning_noticeitem": 30}
