"""Títulos "fora de qualquer faixa": overdue enough for the ranges, but in none of them.

R3 says títulos in a gap between active ranges, or beyond the last one, get
nothing. So that nothing disappears silently, Emitir's preview counts and lists
them apart from the run's skips (which hold only títulos that fall in a range,
with R4's reasons, and whose pinned JSON does not change).

A título counts here when it is open (R1), matches the run's filters, its days
overdue (R2) reach the lowest range's first day, and no active range holds them.
The ranges' windows of due dates (``selection._range_windows``) decide, as they
do for the run itself, so both always agree on what "in a range" means.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import F, Sum

from regua.dunning import calendar
from regua.dunning.models import DelayRange
from regua.dunning.selection import Filters, _cents, _range_windows
from regua.receivables.models import Receivable

GAP = "gap"
BEYOND = "beyond"
LABELS = {GAP: "entre faixas", BEYOND: "além da última faixa"}


@dataclass
class OutsideLine:
    receivable: Receivable
    effective_due_date: datetime.date
    days_overdue: int
    where: str  # GAP or BEYOND

    @property
    def where_label(self) -> str:
        return LABELS[self.where]


@dataclass
class Outside:
    count: int = 0
    total: Decimal = Decimal("0.00")
    lines: list[OutsideLine] = field(default_factory=list)  # the first ``limit`` of them


def outside_ranges(
    reference_date: datetime.date, filters: Filters | None = None, *, limit: int = 200
) -> Outside:
    """The count, total balance and first ``limit`` títulos outside every active range."""
    filters = filters or Filters()
    ranges = list(DelayRange.objects.filter(active=True).order_by("start_day"))
    if not ranges:
        return Outside()
    move = calendar.move_due_dates_enabled()
    lowest = ranges[0].start_day
    highest = max(r.end_day for r in ranges)
    # Títulos whose due date moved (R2) so far that they are not yet in the lowest
    # range: a window just below it, as wide as the longest run of closed days.
    below = DelayRange(start_day=lowest - calendar.MAX_CLOSED_RUN - 1, end_day=lowest - 1)
    windows, _ = _range_windows(reference_date, [*ranges, below], filters, move)
    queryset = (
        Receivable.objects.open()
        .filter(filters.q())
        .filter(due_date__lte=reference_date - datetime.timedelta(days=lowest))
    )
    if windows:
        queryset = queryset.exclude(reduce(or_, (condition for condition, _ in windows)))
    # Whole cents: exact on SQLite too, where decimals are stored as floats.
    count = queryset.count()
    if not count:
        return Outside()
    cents = queryset.aggregate(cents=Sum(_cents(F("amount") - F("paid_amount"))))["cents"]
    places: dict[calendar.Place, calendar.PlaceCalendar] = {}
    lines = []
    for receivable in queryset.select_related("branch", "customer").order_by(
        "branch__code", "customer__code", "due_date", "document", "installment"
    )[:limit]:
        place = (receivable.branch.state, receivable.branch.city)
        if place not in places:
            places[place] = calendar.PlaceCalendar(*place)
        effective = (
            places[place].next_business_day(receivable.due_date) if move else receivable.due_date
        )
        days = (reference_date - effective).days
        lines.append(OutsideLine(receivable, effective, days, BEYOND if days > highest else GAP))
    return Outside(count=count, total=Decimal(cents or 0).scaleb(-2), lines=lines)
