"""The selection agrees with the reference reading of DOMAIN.md on random portfolios (issue 20).

Each example is a scenario: branches in different states and cities,
registered holidays, customers with good, bad and refused addresses, ranges
(one-day, negative, with gaps and minimum balances), títulos due around a
Carnival, an Easter or a year's end, and a sequence of steps — runs (some on
closed days, dry or recorded, grouped either way, with filters), payments,
extensions (prorrogação), pauses, range edits and removals, holidays added and
removed, notices that went out, failed or were discarded (recorded notices are
left to the workers, which never run here). After each run the
real one's notices and skipped títulos must equal ``reference.run``'s exactly,
in order: the reference reads the same data from the database and keeps the
history as data, from its own notices.

``make test`` runs a small fixed (derandomized) set of 60; ``make slow`` a large
random one (``REGUA_DIFFERENTIAL_EXAMPLES``, default 1200: about ten minutes on
PostgreSQL). A failure hypothesis finds is shrunk and kept below as an ``@example``.
"""

import contextlib
import datetime
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from regua.dunning import calendar, reference
from regua.dunning.models import (
    DelayRange,
    DunningSettings,
    Holiday,
    Notice,
    NoticeItem,
)
from regua.dunning.ranges import remove_range, save_range
from regua.dunning.runs import RunResult, execute_run
from regua.dunning.selection import Filters, SelectionError
from regua.receivables.models import Branch, CollectionType, Customer, Receivable
from regua.test import make_branch, make_customer, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)

# Days around which a scenario's dates fall: Carnival in March (2025) and in February,
# a Carnival Tuesday on 29 February (2028), Easter, year ends on a weekday, a
# Saturday (2022) and a Sunday (2028), a national holiday on a Monday.
ANCHORS = (
    D(2025, 3, 3),
    D(2026, 2, 16),
    D(2027, 2, 8),
    D(2028, 2, 28),
    D(2027, 3, 26),
    D(2025, 12, 31),
    D(2026, 12, 31),
    D(2022, 12, 31),
    D(2028, 12, 31),
    D(2027, 10, 12),
    D(2026, 11, 30),
)
PLACES = (
    ("SP", "São Paulo"),
    ("SP", "sao  paulo"),
    ("SP", "Campinas"),
    ("RJ", "Rio de Janeiro"),
    ("MG", "Belo Horizonte"),
    ("SP", ""),
)
HOLIDAY_PLACES = (("", ""), ("SP", ""), ("SP", "São Paulo"), ("SP", "Campinas"), ("RJ", ""))
EMAILS = (
    "",
    "c@x.test",
    "a@x.test; b@x.test",
    "a@x.test, A@x.test",
    "não é e-mail",
    "  ",
    "cobranca@localhost",
    "x@y",
)
OUTCOMES = ("sent", "failed", "discarded", "uncertain", "retry")


@dataclass(frozen=True)
class Scenario:
    """Plain data, so a shrunk failure can be written down as an ``@example``.

    Dates are days from ``anchor``. Branch i has code str(i + 1); customer i "C{i + 1}";
    título i document str(100 + i). Collections: None, "BK" (dunnable), "DESD" (not).
    """

    anchor: datetime.date
    places: tuple[tuple[str, str], ...]
    holidays: tuple[tuple[int, str, str], ...]  # (day, state, city)
    customers: tuple[tuple[str, str, bool, int | None], ...]  # billing, e-mail, paused, until
    ranges: tuple[tuple[int, int, str, int], ...]  # start, end, generation, minimum in cents
    # branch, customer, due day, amount in cents, collection, paused, until
    titulos: tuple[tuple[int, int, int, int, str | None, bool, int | None], ...]
    move: bool
    min_interval: int
    steps: tuple[tuple[Any, ...], ...]


# --- Scenarios ----------------------------------------------------------------------------


@st.composite
def ranges_strategy(draw: st.DrawFn) -> tuple[tuple[int, int, str, int], ...]:
    ranges = []
    start = draw(st.integers(-12, 12))
    for _ in range(draw(st.integers(2, 5))):
        length = draw(st.sampled_from([0, 0, 1, 3, 7, 15, 30]))
        generation = draw(st.sampled_from(["email", "email", "email_and_letter"]))
        minimum = draw(st.sampled_from([0, 0, 0, 5000, 20000]))
        ranges.append((start, start + length, generation, minimum))
        start = start + length + 1 + draw(st.sampled_from([0, 0, 0, 1, 3]))
    return tuple(ranges)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    places = tuple(draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=3)))
    n_customers = draw(st.integers(1, 3))
    customers = tuple(
        (
            draw(st.sampled_from(EMAILS)),
            draw(st.sampled_from(EMAILS)),
            draw(st.sampled_from([False] * 4 + [True])),
            draw(st.none() | st.integers(-10, 60)),
        )
        for _ in range(n_customers)
    )
    holidays = tuple(
        {
            (draw(st.integers(-70, 80)), *draw(st.sampled_from(HOLIDAY_PLACES)))
            for _ in range(draw(st.integers(0, 3)))
        }
    )
    day = draw(st.integers(-5, 25))  # the first run's
    titulos = tuple(
        (
            draw(st.integers(0, len(places) - 1)),
            draw(st.integers(0, n_customers - 1)),
            day - draw(st.integers(-12, 60)),  # due so as to be in or near a range
            draw(st.sampled_from([1, 999, 10000, 15000, 50000])),
            draw(st.sampled_from([None, None, "BK", "BK", "DESD"])),
            draw(st.sampled_from([False] * 5 + [True])),
            draw(st.none() | st.integers(-10, 60)),
        )
        for _ in range(draw(st.integers(3, 10)))
    )
    steps: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(2, 5))):
        for _ in range(draw(st.integers(0, 2))):
            steps.append(draw(changes(len(titulos), n_customers)))
        steps.append(
            (
                "run",
                day,
                draw(st.sampled_from(["customer", "customer", "receivable"])),
                draw(st.sampled_from([False, False, True])),
                draw(filters_strategy(len(places), n_customers)),
            )
        )
        day += draw(st.sampled_from([0, 1, 1, 2, 3, 7, 15]))
    return Scenario(
        anchor=draw(st.sampled_from(ANCHORS)),
        places=places,
        holidays=holidays,
        customers=customers,
        ranges=draw(ranges_strategy()),
        titulos=titulos,
        move=draw(st.sampled_from([True, True, True, False])),
        min_interval=draw(st.sampled_from([0, 0, 1, 3, 10, 30])),
        steps=tuple(steps),
    )


def filters_strategy(n_places: int, n_customers: int) -> st.SearchStrategy[tuple[Any, ...]]:
    # Half the runs without filters: a filter mostly leaves nothing to compare.
    return st.one_of(
        *[st.just(())] * 6,
        st.tuples(st.just("branch"), st.integers(0, n_places - 1)),
        st.tuples(st.just("customer"), st.integers(0, n_customers - 1)),
        st.tuples(st.just("due"), st.integers(-45, 25), st.integers(0, 30)),
        st.tuples(st.just("collection"), st.sampled_from(["BK", "DESD"])),
        st.tuples(st.just("issued"), st.integers(-75, -20), st.integers(0, 20)),
    )


def changes(n_titulos: int, n_customers: int) -> st.SearchStrategy[tuple[Any, ...]]:
    titulo = st.integers(0, n_titulos - 1)
    customer = st.integers(0, n_customers - 1)
    until = st.none() | st.integers(-10, 60)
    return st.one_of(
        st.tuples(st.just("pay"), titulo, st.sampled_from([0, 500, 5000, 100000])),
        st.tuples(st.just("extend"), titulo, st.integers(-45, 40)),
        st.tuples(st.just("cancel"), titulo),
        st.tuples(st.just("pause"), titulo, st.booleans(), until),
        st.tuples(st.just("pause_customer"), customer, st.booleans(), until),
        st.tuples(st.just("emails"), customer, st.sampled_from(EMAILS), st.sampled_from(EMAILS)),
        st.tuples(st.just("refuse"), customer, st.sampled_from(["a@x.test", "c@x.test"])),
        st.tuples(
            st.just("range"),
            st.integers(0, 3),
            st.integers(-12, 40),
            st.sampled_from([0, 0, 1, 3, 10]),
            st.sampled_from([0, 0, 5000, 20000]),
        ),
        st.tuples(st.just("drop_range"), st.integers(0, 3)),
        st.tuples(st.just("add_range"), st.integers(-12, 60), st.sampled_from([0, 1, 5])),
        st.tuples(st.just("holiday"), st.integers(-70, 80), st.sampled_from(HOLIDAY_PLACES)),
        st.tuples(st.just("unholiday"), st.integers(0, 5)),
        st.tuples(st.just("outcome"), st.integers(0, 20), st.sampled_from(OUTCOMES)),
        st.tuples(st.just("move"), st.booleans()),
    )


# --- Playing a scenario -------------------------------------------------------------------


class Play:
    """A scenario in the database, with the reference's history beside it."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.day = lambda n: s.anchor + n * DAY
        self.move = s.move
        self.settings = DunningSettings.objects.create(
            move_due_dates=s.move, min_interval_days=s.min_interval
        )
        self.branches = [
            make_branch(str(i + 1), state=state, city=city)
            for i, (state, city) in enumerate(s.places)
        ]
        self.customers = [
            make_customer(
                f"C{i + 1}",
                billing_email=billing,
                email=email,
                do_not_dun=paused,
                do_not_dun_until=None if until is None else self.day(until),
                # Every other customer has a full postal address (R7's letter-only notice).
                address="Rua das Flores, 10" if i % 2 else "",
                zip_code="01001-000" if i % 2 else "",
            )
            for i, (billing, email, paused, until) in enumerate(s.customers)
        ]
        # DESD (split into other títulos) is never dunned; the database may know it already.
        collections = {
            code: CollectionType.objects.update_or_create(
                code=code, defaults={"dunnable": dunnable}
            )[0]
            for code, dunnable in (("BK", True), ("DESD", False))
        }
        for day, state, city in s.holidays:
            self.add_holiday(day, state, city)
        for start, end, generation, minimum in s.ranges:
            save_range(
                user="ana", start_day=start, end_day=end, template=1 + start % 3,
                generation=generation, min_balance=Decimal(minimum) / 100,
            )  # fmt: skip
        self.titulos = [
            make_receivable(
                self.branches[b],
                self.customers[c],
                self.day(due),
                Decimal(cents) / 100,
                document=str(100 + i),
                collection=collections[code] if code else None,
                do_not_dun=paused,
                do_not_dun_until=None if until is None else self.day(until),
            )
            for i, (b, c, due, cents, code, paused, until) in enumerate(s.titulos)
        ]
        # The reference's history: each recorded notice's id and its history entry.
        self.history: list[tuple[int, reference.HistoryNotice]] = []

    def add_holiday(self, day: int, state: str, city: str) -> None:
        with contextlib.suppress(ValidationError):  # already registered there: refused
            calendar.add_holiday(self.day(day), state=state, city=city, user="ana")

    def change(self, step: tuple[Any, ...]) -> None:
        kind, *args = step
        if kind == "pay":
            t = self.titulos[args[0]]
            t.paid_amount = Decimal(args[1]) / 100
            t.save()
        elif kind == "extend":
            t = self.titulos[args[0]]
            t.due_date = self.day(args[1])
            t.save()
        elif kind == "cancel":
            t = self.titulos[args[0]]
            t.cancelled = True
            t.save()
        elif kind in ("pause", "pause_customer"):
            obj: Receivable | Customer = (
                self.titulos[args[0]] if kind == "pause" else self.customers[args[0]]
            )
            obj.do_not_dun = args[1]
            obj.do_not_dun_until = None if args[2] is None else self.day(args[2])
            obj.save()
        elif kind == "emails":
            customer = self.customers[args[0]]
            customer.billing_email, customer.email = args[1], args[2]
            customer.invalid_emails = []  # an edit lifts the refusal (R7)
            customer.save()
        elif kind == "refuse":
            customer = self.customers[args[0]]
            customer.invalid_emails = [*customer.invalid_emails, args[1]]
            customer.save()
        elif kind == "range":
            ranges = list(DelayRange.objects.filter(active=True).order_by("start_day"))
            if ranges:
                instance = ranges[args[0] % len(ranges)]
                try:
                    save_range(
                        user="ana", instance=instance, start_day=args[1],
                        end_day=args[1] + args[2], template=instance.template,
                        generation=instance.generation, min_balance=Decimal(args[3]) / 100,
                    )  # fmt: skip
                except ValidationError:
                    instance.refresh_from_db()  # overlapping: refused (R3)
        elif kind == "drop_range":
            ranges = list(DelayRange.objects.filter(active=True).order_by("start_day"))
            if ranges:
                remove_range(ranges[args[0] % len(ranges)], "ana")
        elif kind == "add_range":
            with contextlib.suppress(ValidationError):  # overlapping: refused (R3)
                save_range(user="ana", start_day=args[0], end_day=args[0] + args[1], template=2)
        elif kind == "holiday":
            self.add_holiday(args[0], *args[1])
        elif kind == "unholiday":
            holidays = list(Holiday.objects.order_by("pk"))
            if holidays:
                calendar.remove_holiday(holidays[args[0] % len(holidays)], user="ana")
        elif kind == "outcome":
            self.outcome(args[0], args[1])
        elif kind == "move":
            self.move = args[0]
            DunningSettings.objects.filter(pk=self.settings.pk).update(move_due_dates=args[0])
        else:
            raise AssertionError(kind)

    def outcome(self, k: int, status: str) -> None:
        """What delivery or a reviewer did to a notice still on its way: it went out, was
        retried, failed for good, was discarded or left uncertain (one state change)."""
        open_ones = [
            i for i, (_, n) in enumerate(self.history) if n.status in ("pending", "held", "retry")
        ]
        if not open_ones:
            return
        i = open_ones[k % len(open_ones)]
        notice_id, entry = self.history[i]
        Notice.objects.filter(pk=notice_id).update(status=status)
        NoticeItem.objects.filter(notice_id=notice_id).update(blocks=status in reference.BLOCKING)
        self.history[i] = (
            notice_id,
            reference.HistoryNotice(entry.customer_id, entry.reference_date, status, entry.items),
        )

    def world(self) -> reference.World:
        """The data a run reads, as plain values (the history is the reference's own)."""
        branches = {
            b.pk: reference.Branch(b.pk, b.code, b.state, b.city) for b in Branch.objects.all()
        }
        customers = {
            c.pk: reference.Customer(
                c.pk,
                c.code,
                c.billing_email,
                c.email,
                tuple(c.invalid_emails),
                reference.Pause(c.do_not_dun, c.do_not_dun_until),
                address=c.address,
                city=c.city,
                state=c.state,
                zip_code=c.zip_code,
                postal_address_invalid=c.postal_address_invalid,
            )  # fmt: skip
            for c in Customer.objects.all()
        }
        titulos = [
            reference.Titulo(
                id=t.pk,
                branch=branches[t.branch_id],
                customer=customers[t.customer_id],
                document=t.document,
                installment=t.installment,
                due_date=t.due_date,
                amount=t.amount,
                paid_amount=t.paid_amount,
                issue_date=t.issue_date,
                cancelled=t.cancelled,
                settled=t.settled,
                collection=t.collection.code if t.collection else None,
                collection_dunnable=t.collection.dunnable if t.collection else True,
                pause=reference.Pause(t.do_not_dun, t.do_not_dun_until),
            )
            for t in Receivable.objects.select_related("collection")
        ]
        ranges = [
            reference.Range(r.pk, r.start_day, r.end_day, r.generation, r.min_balance)
            for r in DelayRange.objects.filter(active=True)
        ]
        holidays = [
            reference.RegisteredHoliday(h.date, h.state, h.city) for h in Holiday.objects.all()
        ]
        return reference.World(
            titulos=titulos,
            ranges=ranges,
            holidays=holidays,
            history=[entry for _, entry in self.history],
            move_due_dates=self.move,
            min_interval_days=self.s.min_interval,
        )

    def filters(self, spec: tuple[Any, ...]) -> tuple[Filters, reference.Filters]:
        values: dict[str, Any] = {}
        if spec and spec[0] == "branch":
            values["branch"] = str(spec[1] + 1)
        elif spec and spec[0] == "customer":
            values["customers"] = (f"C{spec[1] + 1}",)
        elif spec and spec[0] == "due":
            values["due_from"] = self.day(spec[1])
            values["due_to"] = self.day(spec[1] + spec[2])
        elif spec and spec[0] == "collection":
            values["collections"] = (spec[1],)
        elif spec and spec[0] == "issued":  # títulos are issued 30 days before they fall due
            values["issued_from"] = self.day(spec[1])
            values["issued_to"] = self.day(spec[1] + spec[2])
        return Filters(**values), reference.Filters(**values)

    def run(self, day: int, group_by: str, dry_run: bool, spec: tuple[Any, ...]) -> None:
        date = self.day(day)
        filters, reference_filters = self.filters(spec)
        world = self.world()
        if not world.ranges:
            with pytest.raises(SelectionError, match="Nenhuma faixa de atraso ativa"):
                execute_run(date, user="ana", filters=filters, group_by=group_by, dry_run=True)
            return
        result = execute_run(date, user="ana", filters=filters, group_by=group_by, dry_run=dry_run)
        expected = reference.run(world, date, reference_filters, group_by)

        describe(world, date, expected, group_by)
        assert real_skips(result) == reference_skips(expected), f"skips on {date}"
        assert real_notices(result) == reference_notices(expected), f"notices on {date}"
        if not dry_run:
            ids = [p.notice_id for p in result.notices if p.notice_id is not None]
            assert len(ids) == len(result.notices)
            self.history.extend(zip(ids, reference.history_of(expected, date), strict=True))


def describe(
    world: reference.World, date: datetime.date, expected: reference.Outcome, group_by: str
) -> None:
    """What the examples covered (``--hypothesis-show-statistics`` lists it)."""
    plain = reference.Calendar(world.holidays)
    branches = {t.branch for t in world.titulos}
    if any(not plain.is_business_day(date, b) for b in branches):
        event("a run on a closed day")
    for r in world.ranges:
        window = [date - n * DAY for n in range(r.start_day, r.end_day + 1)]
        if any(not any(plain.is_business_day(d, b) for d in window) for b in branches):
            event("a range whose window is all closed days")
    event(f"grouped by {group_by}")
    for line in expected.skipped:
        event(f"skipped: {line.reason}")
    for notice in expected.notices:
        event(f"notice: {notice.status}")
        if any(line.effective_due_date != line.titulo.due_date for line in notice.lines):
            event("a notice with a moved due date")


def real_notices(result: RunResult) -> list[tuple[Any, ...]]:
    return [
        (
            p.branch,
            p.customer,
            p.delay_range.pk,
            p.status,
            p.reason,
            tuple(p.recipients),
            p.total_balance,
            tuple(
                (
                    line.receivable_id,
                    line.due_date,
                    line.effective_due_date,
                    line.days_overdue,
                    line.delay_range.pk,
                    line.balance,
                )
                for line in p.lines
            ),
        )  # fmt: skip
        for p in result.notices
    ]


def reference_notices(outcome: reference.Outcome) -> list[tuple[Any, ...]]:
    return [
        (
            n.branch.code,
            n.customer.code,
            n.range.id,
            n.status,
            n.reason,
            n.recipients,
            sum((line.titulo.balance for line in n.lines), Decimal("0.00")),
            tuple(
                (
                    line.titulo.id,
                    line.titulo.due_date,
                    line.effective_due_date,
                    line.days_overdue,
                    line.range.id,
                    line.titulo.balance,
                )
                for line in n.lines
            ),
        )  # fmt: skip
        for n in outcome.notices
    ]


def real_skips(result: RunResult) -> list[tuple[Any, ...]]:
    return [
        (
            line.receivable_id,
            line.reason,
            line.effective_due_date,
            line.days_overdue,
            line.delay_range.pk,
        )  # fmt: skip
        for line in result.skipped
    ]


def reference_skips(outcome: reference.Outcome) -> list[tuple[Any, ...]]:
    return [
        (line.titulo.id, line.reason, line.effective_due_date, line.days_overdue, line.range.id)
        for line in outcome.skipped
    ]


def play(s: Scenario) -> None:
    """The whole scenario in a transaction rolled back at the end: each example starts
    from an empty database."""
    with transaction.atomic():
        scene = Play(s)
        for step in s.steps:
            if step[0] == "run":
                scene.run(*step[1:])
            else:
                scene.change(step)
        transaction.set_rollback(True)


# --- The tests ------------------------------------------------------------------------------

# The issue's reproduction: a one-day range on Carnival Tuesday, after Carnival Monday
# and a weekend; the títulos are 40 days overdue on 22/03/2027, 41 the next day.
ISSUE_20 = Scenario(
    anchor=D(2027, 2, 8),
    places=(("SP", ""),),
    holidays=(),
    customers=(("", "c1@x.test", False, None),),
    ranges=((41, 41, "email", 0),),
    titulos=(
        (0, 0, -2, 10000, None, False, None),
        (0, 0, 0, 10000, None, False, None),
        (0, 0, 2, 10000, None, False, None),
    ),  # fmt: skip
    move=True,
    min_interval=0,
    steps=(("run", 42, "customer", False, ()), ("run", 43, "customer", False, ())),
)

# Found by this test before the fix, shrunk: a one-day range on Carnival Tuesday 2025
# (in March) took a título due Carnival Monday, whose effective due date is Wednesday.
CARNIVAL_TUESDAY = Scenario(
    anchor=D(2025, 3, 3),
    places=(("SP", "São Paulo"),),
    holidays=(),
    customers=(("", "", False, None),),
    ranges=((0, 0, "email", 0),),
    titulos=((0, 0, 0, 1, None, False, None),),
    move=True,
    min_interval=0,
    steps=(("run", 1, "customer", False, ()),),
)

SMALL = settings(
    max_examples=int(os.environ.get("REGUA_DIFFERENTIAL_SMALL", "60")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LARGE = settings(
    max_examples=int(os.environ.get("REGUA_DIFFERENTIAL_EXAMPLES", "1200")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def regressions(test: Any) -> Any:
    """The examples every profile runs first: the issue's, and the failures found so far."""
    for scenario in (ISSUE_20, CARNIVAL_TUESDAY):
        test = example(scenario)(test)
    return test


@SMALL
@given(scenarios())
@regressions
def test_the_selection_agrees_with_the_reference(s):
    play(s)


@pytest.mark.slow
@LARGE
@given(scenarios())
@regressions
def test_the_selection_agrees_with_the_reference_on_many_portfolios(s):
    play(s)
