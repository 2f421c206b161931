"""The reference reading of R1–R7 on small cases worked out by hand from DOMAIN.md.

No database: the reference takes plain data. The differential tests then hold the
selection to it on random portfolios.
"""

import datetime
from decimal import Decimal
from typing import Any

from regua.dunning import reference as ref

D = datetime.date
SP = ref.Branch(1, "1", "SP", "São Paulo")
RJ = ref.Branch(2, "2", "RJ", "Rio de Janeiro")
ANA = ref.Customer(1, "C1", email="ana@cliente.test")
EMAIL = ref.Range(1, 1, 15)
LETTER = ref.Range(2, 16, 30, "email_and_letter")
MONDAY = D(2026, 11, 30)


def titulo(n: int, due: datetime.date, amount: str = "100.00", **fields: Any) -> ref.Titulo:
    values: dict[str, Any] = {"branch": SP, "customer": ANA, "document": str(n)}
    values.update(fields)
    return ref.Titulo(id=n, installment="1", due_date=due, amount=Decimal(amount), **values)


def lines(outcome: ref.Outcome) -> list[tuple[str, int, int]]:
    return [
        (line.titulo.document, line.days_overdue, line.range.start_day)
        for notice in outcome.notices
        for line in notice.lines
    ]


def test_the_issues_titulos_are_40_days_overdue_and_not_in_a_range_of_41():
    customer = ref.Customer(1, "1", email="c1@x.test")
    branch = ref.Branch(1, "1", "SP", "")
    titulos = [
        titulo(100, D(2027, 2, 6), customer=customer, branch=branch),  # Saturday
        titulo(101, D(2027, 2, 8), customer=customer, branch=branch),  # Carnival Monday
        titulo(102, D(2027, 2, 10), customer=customer, branch=branch),
    ]
    world = ref.World(titulos, [ref.Range(1, 41, 41)])

    assert ref.run(world, D(2027, 3, 22)).notices == []
    assert lines(ref.run(world, D(2027, 3, 23))) == [
        ("100", 41, 41),
        ("101", 41, 41),
        ("102", 41, 41),
    ]


def test_the_calendar_closes_carnival_the_years_last_business_day_and_registered_holidays():
    plain = ref.Calendar([ref.RegisteredHoliday(D(2026, 12, 31), "SP", "sao paulo")])

    assert plain.effective_due_date(D(2028, 2, 26), SP, move=True) == D(2028, 3, 1)  # 29/02
    assert plain.year_end_closing(2026, RJ) == D(2026, 12, 31)
    assert plain.year_end_closing(2026, SP) == D(2026, 12, 30)  # the 31st is a city holiday
    assert plain.year_end_closing(2022, RJ) == D(2022, 12, 30)  # the 31st is a Saturday
    assert plain.effective_due_date(D(2026, 12, 30), SP, move=True) == D(2027, 1, 4)
    assert plain.effective_due_date(D(2026, 12, 30), RJ, move=True) == D(2026, 12, 30)
    assert plain.effective_due_date(D(2026, 12, 30), SP, move=False) == D(2026, 12, 30)


def test_a_skipped_titulo_gets_the_first_reason_in_r4s_order():
    paused = ref.Pause(on=True)
    blocked_customer = ref.Customer(2, "C2", email="b@c.test", pause=paused)
    titulos = [
        titulo(1, D(2026, 11, 20), collection="DESD", collection_dunnable=False, pause=paused),
        titulo(2, D(2026, 11, 20), pause=paused, customer=blocked_customer),
        titulo(3, D(2026, 11, 20), customer=blocked_customer),
        titulo(4, D(2026, 11, 20), pause=ref.Pause(on=True, until=D(2026, 11, 29))),
    ]
    outcome = ref.run(ref.World(titulos, [EMAIL]), MONDAY)

    assert [(line.titulo.id, line.reason) for line in outcome.skipped] == [
        (1, "collection_not_dunnable"),
        (2, "receivable_blocked"),
        (3, "customer_blocked"),
    ]
    assert lines(outcome) == [("4", 7, 1)]  # its pause ended yesterday (20/11 moved to 23/11)


def test_history_blocks_the_same_and_lower_ranges_until_the_due_date_changes():
    due = D(2026, 11, 10)  # 20 days overdue on Monday 30/11: range 16..30
    sent_higher = ref.HistoryNotice(1, D(2026, 11, 1), "sent", (ref.HistoryItem(1, due, 16),))
    failed = ref.HistoryNotice(1, D(2026, 11, 1), "failed", (ref.HistoryItem(2, due, 16),))
    world = ref.World(
        [titulo(1, due), titulo(2, due), titulo(3, D(2026, 11, 12))],
        [EMAIL, LETTER],
        history=[sent_higher, failed],
    )

    outcome = ref.run(world, MONDAY)

    assert [(line.titulo.id, line.reason) for line in outcome.skipped] == [(1, "already_sent")]
    # Prorrogação: the same título with another due date starts a new cycle.
    moved = ref.World([titulo(1, D(2026, 11, 11))], [EMAIL, LETTER], history=[sent_higher])
    assert lines(ref.run(moved, MONDAY)) == [("1", 19, 16)]


def test_a_notice_per_branch_and_customer_speaks_with_its_highest_range():
    world = ref.World(
        [
            titulo(1, D(2026, 11, 25)),
            titulo(2, D(2026, 11, 10)),
            titulo(3, D(2026, 11, 25), branch=RJ),
        ],
        [EMAIL, LETTER],
    )

    by_customer = ref.run(world, MONDAY)
    by_titulo = ref.run(world, MONDAY, group_by="receivable")

    assert [(n.branch.code, n.range.id, n.status, len(n.lines)) for n in by_customer.notices] == [
        ("1", LETTER.id, "held", 2),
        ("2", EMAIL.id, "pending", 1),
    ]
    assert [(n.range.id, n.status) for n in by_titulo.notices] == [
        (LETTER.id, "held"),
        (EMAIL.id, "pending"),
        (EMAIL.id, "pending"),
    ]


def test_the_minimum_balance_and_interval_look_at_the_whole_notice():
    minimum = ref.Range(1, 1, 15, min_balance=Decimal("150.00"))
    titulos = [titulo(1, D(2026, 11, 25)), titulo(2, D(2026, 11, 24), amount="40.00")]
    recent = ref.HistoryNotice(1, D(2026, 11, 28), "sent", ())

    assert lines(ref.run(ref.World(titulos, [minimum]), MONDAY)) == []
    together = ref.run(ref.World([*titulos, titulo(3, D(2026, 11, 23))], [minimum]), MONDAY)
    assert len(lines(together)) == 3
    by_titulo = ref.run(ref.World(titulos, [minimum]), MONDAY, group_by="receivable")
    assert {line.reason for line in by_titulo.skipped} == {"below_minimum"}
    spaced = ref.World(titulos, [EMAIL], history=[recent], min_interval_days=3)
    assert {line.reason for line in ref.run(spaced, MONDAY).skipped} == {"min_interval"}
    assert lines(
        ref.run(ref.World(titulos, [EMAIL], history=[recent], min_interval_days=2), MONDAY)
    )


def test_recipients_are_the_collection_emails_else_the_main_one_without_refused_ones():
    def to(**fields: Any) -> tuple[str, ...]:
        return ref.recipients(ref.Customer(1, "C1", **fields))

    assert to(billing_email="a@x.test; b@x.test, A@x.test", email="m@x.test") == (
        "a@x.test",
        "b@x.test",
    )
    assert to(billing_email="não é e-mail", email="m@x.test") == ("m@x.test",)
    assert to(billing_email="a@x.test", email="m@x.test", invalid_emails=("A@x.test",)) == (
        "m@x.test",
    )
    assert to(billing_email="", email="  ") == ()
    outcome = ref.run(
        ref.World([titulo(1, D(2026, 11, 25), customer=ref.Customer(3, "C3"))], [EMAIL]), MONDAY
    )
    assert [(n.status, n.reason) for n in outcome.notices] == [("skipped", "no_email")]
