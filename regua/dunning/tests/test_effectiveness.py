"""Efetividade da régua: every figure of a hand-built history, computed by hand."""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from regua.dunning.effectiveness import effectiveness
from regua.receivables.models import PaymentEvent, Receivable
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")
DUE = datetime.date(2026, 10, 1)
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
D = Decimal


def day(d: int) -> datetime.date:
    return datetime.date(2026, 10, d)


def sent(d: int) -> datetime.datetime:
    # Late in the evening in São Paulo: already the next day in UTC.
    return datetime.datetime(2026, 10, d, 22, 30, tzinfo=SP)


def pay(receivable: Receivable, amount: str, d: int, kind: str = "payment") -> None:
    PaymentEvent.objects.create(
        receivable=receivable,
        amount=D(amount),
        paid_date=day(d),
        kind=kind,
        recorded_at=datetime.datetime(2026, 11, 1, tzinfo=SP),
    )


@pytest.fixture
def history():
    """Ranges 1–15 (model 1) and 16–30 (model 2); every título of 100,00 falls due 01/10.

    A: 40,00 paid on 01/10, before any notice; notified 60,00 on 05/10; pays 60,00 on 09/10.
    B: notified 100,00 on 05/10; pays 30,00 on 20/10 (partial, 15 days later); a failed
       notice of the second range on 18/10 does not count.
    E: notified 100,00 on 05/10; a snapshot settled it on 12/10 (baixa presumida).
    C: notified on 06/10 (range 1) and 19/10 (range 2); pays 110,00 on 25/10 (capped at 100,00).
    G: notified on 06/10; imported before events existed, paid 100,00 on 08/10.
    D: paused, never notified; pays 50,00 on 10/10.
    """
    first = make_range(1, 15, template=1, name="Lembrete")
    second = make_range(16, 30, template=2, name="Aviso")
    branch = make_branch("1")
    c1, c2 = make_customer("C1"), make_customer("C2")
    a = make_receivable(branch, c1, DUE, document="A", paid_amount=D("40.00"))
    b = make_receivable(branch, c1, DUE, document="B")
    e = make_receivable(branch, c1, DUE, document="E")
    c = make_receivable(branch, c2, DUE, document="C")
    g = make_receivable(branch, c2, DUE, document="G")
    d = make_receivable(branch, c2, DUE, document="D", do_not_dun=True)
    pay(a, "40.00", 1)
    make_notice(first, [a, b, e], status="sent", sent_at=sent(5), reference_date=day(5))
    make_notice(first, [c, g], status="sent", sent_at=sent(6), reference_date=day(6))
    make_notice(second, [b], status="failed", reference_date=day(18))
    make_notice(second, [c], status="sent", sent_at=sent(19), reference_date=day(19))
    pay(a, "60.00", 9)
    pay(b, "30.00", 20)
    pay(e, "100.00", 12, kind="presumed")
    pay(c, "110.00", 25)
    pay(d, "50.00", 10)
    Receivable.objects.filter(pk=g.pk).update(paid_amount=D("100.00"), paid_date=day(8))
    return first, second


def figures(row):
    return {
        "notices": row.notices,
        "titulos": row.titulos,
        "notified": row.notified,
        "paid_7": row.paid_7,
        "paid_15": row.paid_15,
        "paid_30": row.paid_30,
        "recovered": row.recovered,
        "presumed": row.presumed,
        "titulos_paid": row.titulos_paid,
        "median_days": row.median_days,
        "went_on": row.went_on,
        "rate": row.rate,
    }


FIRST_RANGE = {
    "notices": 2,
    "titulos": 5,  # A, B, E, C, G
    "notified": D("460.00"),  # 60 + 100 + 100 + 100 + 100
    "paid_7": D("260.00"),  # A 60 (4 days), E 100 (7 days), G 100 (2 days)
    "paid_15": D("290.00"),  # + B 30 (15 days)
    "paid_30": D("290.00"),
    "recovered": D("290.00"),  # C's payment went to the later notice
    "presumed": D("100.00"),  # E
    "titulos_paid": 4,
    "median_days": D("5.5"),  # 2, 4, 7, 15
    "went_on": 1,  # C
    "rate": D("0.6304"),  # 290 / 460
}
SECOND_RANGE = {
    "notices": 1,
    "titulos": 1,
    "notified": D("100.00"),
    "paid_7": D("100.00"),  # C: 110 on the 6th day, capped at the 100 notified
    "paid_15": D("100.00"),
    "paid_30": D("100.00"),
    "recovered": D("100.00"),
    "presumed": D("0.00"),
    "titulos_paid": 1,
    "median_days": D("6.0"),
    "went_on": 0,
    "rate": D("1.0000"),
}
TOTAL = {
    "notices": 3,
    "titulos": 6,
    "notified": D("560.00"),
    "paid_7": D("360.00"),
    "paid_15": D("390.00"),
    "paid_30": D("390.00"),
    "recovered": D("390.00"),
    "presumed": D("100.00"),
    "titulos_paid": 5,
    "median_days": D("6.0"),  # 2, 4, 6, 7, 15
    "went_on": 1,
    "rate": D("0.6964"),
}


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_each_figure_per_range_matches_the_hand_computed_history(history):
    report = effectiveness(*OCTOBER, by="range")

    assert [r.label for r in report.rows] == [
        "Lembrete (1 a 15 dias)",
        "Aviso (16 a 30 dias)",
    ]
    assert figures(report.rows[0]) == FIRST_RANGE
    assert figures(report.rows[1]) == SECOND_RANGE
    assert figures(report.total) == TOTAL


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_reference_group_counts_each_titulo_and_range_once_and_never_a_notice_payment(
    history,
):
    report = effectiveness(*OCTOBER, by="range")

    # Range 1 opened 02/10: only D had no notice; its 50,00 of 10/10 (8 days) is its own.
    # Range 2 opened 17/10: B (100,00 still due; its 30,00 went to its notice) and
    # D (50,00 left); A, E and G were already paid, C had its notice.
    assert [(r.label, r.comparable) for r in report.reference] == [
        ("Lembrete (1 a 15 dias)", False),
        ("Aviso (16 a 30 dias)", False),
    ]
    first, second = report.reference
    assert (first.notices, first.titulos, first.notified) == (0, 1, D("100.00"))
    assert (first.paid_7, first.paid_15, first.recovered) == (D("0.00"), D("50.00"), D("50.00"))
    assert (first.median_days, first.rate) == (D("8.0"), D("0.5000"))
    assert (second.titulos, second.notified, second.recovered) == (2, D("150.00"), D("0.00"))
    assert second.median_days is None
    total = report.reference_total
    assert (total.titulos, total.notified, total.recovered) == (3, D("250.00"), D("50.00"))


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_by_template_branch_and_month_the_totals_are_the_same(history):
    by_template = effectiveness(*OCTOBER, by="template")
    assert [r.label for r in by_template.rows] == [
        "Modelo 1 – " + by_template.rows[0].label.split(" – ", 1)[1],
        "Modelo 2 – " + by_template.rows[1].label.split(" – ", 1)[1],
    ]
    assert figures(by_template.rows[0]) == FIRST_RANGE
    assert figures(by_template.rows[1]) == SECOND_RANGE
    assert [r.label for r in by_template.reference] == ["Sem carta"]
    assert by_template.reference[0].titulos == 3
    assert by_template.reference[0].median_days == D("8.0")  # D's 50,00, the only one

    by_branch = effectiveness(*OCTOBER, by="branch")
    assert [r.label for r in by_branch.rows] == ["1 - Exemplo 1"]
    assert figures(by_branch.rows[0]) == TOTAL

    by_month = effectiveness(*OCTOBER, by="month")
    assert [r.label for r in by_month.rows] == ["10/2026"]
    assert figures(by_month.rows[0]) == TOTAL
    assert figures(by_month.total) == TOTAL


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_period_selects_notices_by_the_day_they_were_sent_in_sao_paulo(history):
    # Sent on 19/10 at 22:30 in São Paulo (20/10 in UTC): in a period ending on the 19th.
    report = effectiveness(datetime.date(2026, 10, 19), datetime.date(2026, 10, 19))
    assert [(r.label, r.notices, r.recovered) for r in report.rows] == [
        ("Aviso (16 a 30 dias)", 1, D("100.00"))
    ]
    nothing = effectiveness(datetime.date(2026, 10, 7), datetime.date(2026, 10, 16))
    assert (nothing.rows, nothing.total.notices, nothing.total.titulos) == ([], 0, 0)


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_a_small_group_says_few_data_and_a_large_one_gets_an_interval(history):
    report = effectiveness(*OCTOBER)
    assert report.rows[0].few_data
    assert report.rows[0].interval is None
    assert report.rows[0].paid_share == D("0.8000")


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_command_prints_the_same_figures_as_json(history, regua_cli):
    result = regua_cli(
        "report", "effectiveness", "--from", "2026-10-01", "--to", "2026-10-31", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by"] == "range"
    assert [r["recovered"] for r in data["rows"]] == ["290.00", "100.00"]
    assert data["total"]["notified"] == "560.00"
    assert data["total"]["median_days"] == "6.0"
    assert [r["titulos"] for r in data["not_comparable"]] == [1, 2]
    assert "não comparável" in data["attribution"]


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_command_prints_a_table_in_portuguese(history, regua_cli):
    result = regua_cli("report", "effectiveness", "--from", "2026-10-01", "--to", "2026-10-31")
    assert result.returncode == 0, result.stderr
    assert "Lembrete (1 a 15 dias)" in result.stdout
    assert "R$ 460,00" in result.stdout
    assert "63,0 %" in result.stdout
    assert "não comparável" in result.stdout


def test_the_command_refuses_a_bad_period(regua_cli):
    result = regua_cli("report", "effectiveness", "--from", "2026-10-31", "--to", "2026-10-01")
    assert result.returncode == 2
    assert "o início (31/10/2026) é posterior ao fim (01/10/2026)" in result.stderr


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_without_a_period_the_reference_starts_at_the_first_run_and_ends_today(history):
    report = effectiveness()

    assert figures(report.total) == TOTAL
    # The first run is of 05/10: range 1's window of 02/10 (D) is before it.
    assert [(r.label, r.titulos) for r in report.reference] == [("Aviso (16 a 30 dias)", 2)]
    with time_machine.travel("2026-10-16 09:00 -03:00", tick=False):
        # Range 2's windows open on 17/10: not yet.
        assert effectiveness().reference == []


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_command_writes_the_report_as_csv_br(history, regua_cli, tmp_path):
    out = tmp_path / "efetividade.csv"
    result = regua_cli(
        "report",
        "effectiveness",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--format",
        "csv-br",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "6 linhas gravadas" in result.stderr  # 2 ranges, total, 2 não comparáveis, total
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Código;Faixa;Grupo;Cartas;Títulos;Saldo cobrado")
    assert ";Total;carta enviada;3;6;560,00;360,00;390,00;390,00;390,00;100,00;69,6%;" in lines[3]


# Moments around São Paulo's last daylight-saving changes and around local midnight, in
# UTC, with and without microseconds.
MOMENTS = [
    datetime.datetime(1975, 6, 1, 2, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2018, 1, 10, 1, 30, tzinfo=datetime.UTC),  # summer time: 23:30 the 9th
    datetime.datetime(2018, 1, 10, 2, 0, tzinfo=datetime.UTC),
    datetime.datetime(2018, 11, 4, 2, 59, 59, 999999, tzinfo=datetime.UTC),  # before it starts
    datetime.datetime(2018, 11, 4, 3, 0, tzinfo=datetime.UTC),
    datetime.datetime(2019, 2, 17, 1, 59, 59, tzinfo=datetime.UTC),  # before it ends
    datetime.datetime(2019, 2, 17, 2, 0, tzinfo=datetime.UTC),
    datetime.datetime(2019, 2, 17, 2, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 11, 30, 2, 59, 59, 500000, tzinfo=datetime.UTC),
    datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.UTC),
]


def test_the_day_a_notice_was_sent_is_the_day_on_sao_paulos_calendar():
    """The SQL the report and the Painel use agrees with the zone database, every moment."""
    from django.db import connection

    from regua.dunning.effectiveness import local_date_sql
    from regua.dunning.models import Notice

    rng = make_range(1, 15, template=1)
    customer, branch = make_customer("C1"), make_branch("1")
    notices = {}
    for i, moment in enumerate(MOMENTS):
        receivable = make_receivable(branch, customer, DUE, document=f"M{i}")
        notice = make_notice(rng, [receivable], status="sent", sent_at=moment)
        notices[notice.pk] = moment.astimezone(SP).date()
    sql, params = local_date_sql("n.sent_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n.id, {sql} FROM {Notice._meta.db_table} n",  # noqa: S608 - fixed fragment
            params,
        )
        found = dict(cursor.fetchall())
    assert {pk: str(day) for pk, day in found.items()} == {
        pk: day.isoformat() for pk, day in notices.items()
    }
