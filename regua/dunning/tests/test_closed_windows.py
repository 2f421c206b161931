"""A range whose whole window of effective due dates is closed days selects nothing (issue 20).

Every título due 06/02/2027 (Saturday), 08/02/2027 (Carnival Monday) or
10/02/2027 has the effective due date 10/02/2027 (R2): on 22/03/2027 they are
40 days overdue, so a range 41..41 — whose effective due date, 09/02/2027, is
Carnival Tuesday, after Carnival Monday and a weekend — has none of them (R3).
"""

import datetime
import json

import pytest

from regua.dunning.models import Notice
from regua.dunning.runs import execute_run
from regua.test import make_branch, make_customer, make_range, make_receivable

D = datetime.date
RUN_DATE = D(2027, 3, 22)


def _portfolio() -> None:
    branch = make_branch("1", legal_name="Exemplo Ltda", state="SP")
    customer = make_customer("1", name="Cliente Um", email="c1@x.test")
    for document, due in (("100", D(2027, 2, 6)), ("101", D(2027, 2, 8)), ("102", D(2027, 2, 10))):
        make_receivable(branch, customer, due, document=document, installment="1")


def _lines(result) -> list[tuple[str, int, int, int]]:
    return [
        (line.document, line.days_overdue, line.delay_range.start_day, line.delay_range.end_day)
        for notice in result.notices
        for line in notice.lines
    ]


@pytest.mark.django_db
def test_a_range_whose_window_is_all_closed_days_selects_nothing():
    _portfolio()
    make_range(41, 41)

    result = execute_run(RUN_DATE, user="ana", dry_run=True)

    assert result.notices == []
    assert result.skipped == []


@pytest.mark.django_db
def test_the_titulos_get_the_range_the_day_their_days_overdue_reach_it():
    _portfolio()
    make_range(41, 41)

    today = execute_run(RUN_DATE, user="ana")
    tomorrow = execute_run(RUN_DATE + datetime.timedelta(days=1), user="ana")

    assert _lines(today) == []
    # Not sent early, so not kept out the next day as already sent.
    assert _lines(tomorrow) == [("100", 41, 41, 41), ("101", 41, 41, 41), ("102", 41, 41, 41)]
    assert tomorrow.skipped == []
    assert Notice.objects.count() == 1


@pytest.mark.django_db
def test_a_range_before_it_takes_them_at_their_days_overdue():
    _portfolio()
    make_range(41, 41)
    make_range(40, 40, 2)

    result = execute_run(RUN_DATE, user="ana", dry_run=True)

    assert _lines(result) == [("100", 40, 40, 40), ("101", 40, 40, 40), ("102", 40, 40, 40)]


@pytest.mark.django_db(transaction=True)
def test_regua_run_lists_nothing_for_the_issues_reproduction(regua_cli):
    _portfolio()
    added = regua_cli(
        "ranges", "add", "--start", "41", "--end", "41", "--template", "1",
        "--generation", "email", "--user", "ana",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr

    result = regua_cli("run", "--date", "2027-03-22", "--dry-run", "--json", "--user", "ana")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "run": None,
        "date": "2027-03-22",
        "dry_run": True,
        "notices": [],
        "skipped": [],
    }
