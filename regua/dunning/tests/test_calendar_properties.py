"""The stored calendar and its windows agree with a day-by-day reading of R2 (issue 20's sweep).

Windows at the edges of closed stretches, the year's last business day of each
place, registered holidays on a weekend, on the last business day or on
Carnival: random cases, each checked against ``reference.Calendar`` (which
walks one day at a time) or, for the window arithmetic, against brute force.
"""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from regua.dunning import calendar, reference

D = datetime.date
DAY = datetime.timedelta(days=1)
BASE = D(2027, 1, 1)

PROFILE = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def next_open(day: datetime.date, closed: set[datetime.date]) -> datetime.date:
    while day in closed:
        day += DAY
    return day


@PROFILE
@given(
    closed_offsets=st.sets(st.integers(0, 34)),
    first_offset=st.integers(0, 40),
    length=st.integers(0, 8),
)
@example(closed_offsets={5, 6, 7}, first_offset=7, length=0)  # issue 20: the window's day closed
@example(closed_offsets={5, 6, 7}, first_offset=6, length=1)  # and the day before it
@example(closed_offsets={5, 6, 7}, first_offset=5, length=2)  # a whole closed stretch
@example(closed_offsets={5, 6, 7}, first_offset=8, length=0)  # the day after a stretch
@example(closed_offsets={0, 1, 2, 3, 4}, first_offset=4, length=0)  # a stretch at the edge
def test_a_window_holds_exactly_the_due_dates_that_lead_into_it(
    closed_offsets, first_offset, length
):
    closed = {BASE + n * DAY for n in closed_offsets}
    first = BASE + first_offset * DAY
    last = first + length * DAY
    # Brute force: every due date from well before the window, moved forward.
    leading = [
        due
        for due in (first - 60 * DAY + n * DAY for n in range(60 + length + 1))
        if first <= next_open(due, closed) <= last
    ]

    window = calendar.window_from_closed(closed, first, last)

    if not leading:
        assert window is None
    else:
        assert window == (leading[0], leading[-1])
        assert len(leading) == (leading[-1] - leading[0]).days + 1


PLACES = (("SP", "São Paulo"), ("SP", "Campinas"), ("RJ", "Rio de Janeiro"), ("SP", ""))
HOLIDAY_PLACES = (("", ""), ("SP", ""), ("SP", "São Paulo"), ("RJ", ""))
# Year ends on a Thursday (2026), a Friday (2027), a Sunday (2028); Carnival in February
# (2027, 2028 on the 29th) and in March (2025 is before the span, 2030 after it).
YEARS = (2026, 2027, 2028)


def interesting_day(year: int, kind: str, shift: int) -> datetime.date:
    """A day near what the sweep is about: the year's end, Carnival, a weekend."""
    if kind == "year_end":
        return D(year, 12, 31) - shift * DAY
    if kind == "carnival":
        return reference.carnival(year)[0] + (shift - 2) * DAY
    saturday = D(year, 6, 1) + ((5 - D(year, 6, 1).weekday()) % 7) * DAY
    return saturday + shift * DAY


holiday_days = st.builds(
    interesting_day,
    st.sampled_from(YEARS),
    st.sampled_from(["year_end", "carnival", "weekend"]),
    st.integers(0, 5),
)


@pytest.mark.django_db
@PROFILE
@given(
    holidays=st.lists(st.tuples(holiday_days, st.sampled_from(HOLIDAY_PLACES)), max_size=4),
    place=st.sampled_from(PLACES),
    year=st.sampled_from(YEARS),
    kind=st.sampled_from(["year_end", "carnival", "weekend"]),
    length=st.integers(0, 4),
)
@example(  # a state holiday on the year's last business day: the closing moves to the 30th
    holidays=[(D(2026, 12, 31), ("SP", ""))], place=("SP", "Campinas"), year=2026,
    kind="year_end", length=2,
)  # fmt: skip
@example(  # a holiday on Carnival Tuesday, and one on the Saturday before
    holidays=[(D(2027, 2, 9), ("", "")), (D(2027, 2, 6), ("SP", "São Paulo"))],
    place=("SP", "São Paulo"), year=2027, kind="carnival", length=0,
)  # fmt: skip
def test_the_stored_calendar_agrees_with_the_day_by_day_reading(
    holidays, place, year, kind, length
):
    with transaction.atomic():
        for day, (state, city) in holidays:
            with contextlib.suppress(ValidationError):  # the same place and day twice
                calendar.add_holiday(day, state=state, city=city, user="ana")
        branch = reference.Branch(1, "1", *place)
        plain = reference.Calendar(
            reference.RegisteredHoliday(h.date, h.state, h.city)
            for h in calendar.Holiday.objects.all()
        )

        # The year's last business day of this place, whatever was registered.
        closing = calendar.PlaceCalendar(*place).year_end_closing(year)
        assert closing == plain.year_end_closing(year, branch)
        assert not plain.is_business_day(closing, branch)

        # Each day's effective due date, around the chosen spot.
        start = interesting_day(year, kind, 0) - 10 * DAY
        days = [start + n * DAY for n in range(25)]
        for day in days:
            expected = plain.effective_due_date(day, branch, move=True)
            assert calendar.effective_due_date(place, day, move=True) == expected, day

        # Windows of effective due dates starting on each of those days.
        for first in days[5:20]:
            last = first + length * DAY
            leading = [
                due
                for due in (first - 45 * DAY + n * DAY for n in range(46 + length))
                if first <= plain.effective_due_date(due, branch, move=True) <= last
            ]
            expected_window = (leading[0], leading[-1]) if leading else None
            assert calendar.due_date_window(place, first, last, move=True) == expected_window
        transaction.set_rollback(True)
