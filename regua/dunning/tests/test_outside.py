"""Títulos "fora de qualquer faixa" (R3): counted and listed apart, never among the skips."""

import datetime
from decimal import Decimal

import pytest

from regua.dunning.outside import outside_ranges
from regua.dunning.selection import Filters
from regua.test import make_branch, make_customer, make_range, make_receivable, select

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 30)  # a Monday


@pytest.fixture
def portfolio():
    make_range(1, 15)
    make_range(31, 60)  # a gap from 16 to 30 days
    branch = make_branch("1")
    customer = make_customer("C1")

    def titulo(document, due, amount="100.00", **fields):
        return make_receivable(branch, customer, due, amount, document=document, **fields)

    return titulo


def test_titulos_in_a_gap_or_beyond_the_last_range_are_counted_and_listed(portfolio):
    portfolio("IN", D(2026, 11, 23))  # 7 days: in 1–15
    portfolio("GAP", D(2026, 11, 10), "250.10")  # 20 days: between 15 and 31
    portfolio("OLD", D(2026, 9, 1), "80.05")  # 90 days: beyond 60
    portfolio("NOTYET", D(2026, 12, 10))  # falls due in 10 days: before any range
    portfolio("PAID", D(2026, 9, 2), paid_amount=Decimal("100.00"))  # R1: not open

    outside = outside_ranges(TODAY)

    assert outside.count == 2
    assert outside.total == Decimal("330.15")
    assert [
        (line.receivable.document, line.days_overdue, line.where_label) for line in outside.lines
    ] == [
        ("OLD", 90, "além da última faixa"),
        ("GAP", 20, "entre faixas"),
    ]
    selection = select(TODAY)
    assert [line.document for line in selection.candidates] == ["IN"]
    assert selection.skipped == []  # the run's skips hold only títulos in a range


def test_a_due_date_moved_to_the_next_business_day_is_read_as_the_run_reads_it(portfolio):
    # Due Sunday 15/11 (also a holiday): effective Monday 16/11, 14 days at 30/11 → in 1–15.
    portfolio("MOVED", D(2026, 11, 15))
    # Due Saturday 14/11: effective 16/11 too; nominally 16 days (the gap), really 14.
    portfolio("SAT", D(2026, 11, 14))
    # Due Sunday 29/11: nominally 1 day late, really due today (0): before every range.
    portfolio("SUN", D(2026, 11, 29))

    assert outside_ranges(TODAY).count == 0
    assert sorted(line.document for line in select(TODAY).candidates) == ["MOVED", "SAT"]


def test_the_run_filters_apply_and_the_list_stops_at_the_limit(portfolio):
    for n in range(5):
        portfolio(f"OLD{n}", D(2026, 8, 1 + n))
    other = make_customer("C2")
    make_receivable(make_branch("2"), other, D(2026, 8, 1), document="ELSE")

    outside = outside_ranges(TODAY, Filters(customers=("C1",)), limit=3)

    assert outside.count == 5
    assert len(outside.lines) == 3
    assert outside_ranges(TODAY, Filters(excluded_customers=("C1",))).count == 1


def test_without_active_ranges_nothing_is_outside(portfolio):
    from regua.dunning.models import DelayRange

    portfolio("OLD", D(2026, 8, 1))
    DelayRange.objects.update(active=False)
    assert outside_ranges(TODAY).count == 0


def test_a_customer_left_out_in_the_preview_is_not_selected(portfolio):
    portfolio("IN", D(2026, 11, 23))
    make_receivable(make_branch("2"), make_customer("C2"), D(2026, 11, 23), document="OTHER")

    selection = select(TODAY, Filters(excluded_customers=("C1",)))

    assert [line.document for line in selection.candidates] == ["OTHER"]
    assert Filters(excluded_customers=("C1",)).as_json() == {"excluded_customers": ["C1"]}
    assert Filters.from_json({"excluded_customers": ["C1"]}).excluded_customers == ("C1",)


def test_an_unknown_customer_left_out_is_refused_naming_it(portfolio):
    from regua.dunning.selection import SelectionError

    with pytest.raises(SelectionError) as refused:
        select(TODAY, Filters(excluded_customers=("C1", "X9", "X8")))
    assert refused.value.messages == ["Clientes deixados de fora não encontrados: X9, X8."]
