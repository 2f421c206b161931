"""Where a título stands today, as the customer and título pages show it: its effective
due date and why (R2), days overdue, and the balance updated with fine and interest (R9)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from regua import ptbr
from regua.dunning import calendar
from regua.letters.charges import compute_charges, rates_for
from regua.letters.formatting import weekday
from regua.receivables.models import Receivable


@dataclass
class Standing:
    receivable: Receivable
    effective_due_date: datetime.date
    days_overdue: int
    fine: Decimal
    interest: Decimal
    updated_amount: Decimal
    # The closed days between the due date and the effective one, with why (R2).
    moved_because: list[tuple[datetime.date, str]] = field(default_factory=list)

    @property
    def charges(self) -> Decimal:
        """Fine and interest together."""
        return self.fine + self.interest

    @property
    def moved(self) -> bool:
        return self.effective_due_date != self.receivable.due_date

    @property
    def due_date_shown(self) -> str:
        return due_date_shown(self.receivable.due_date, self.effective_due_date)


def due_date_shown(due: datetime.date, effective: datetime.date | None) -> str:
    """As the letters write it (R2): "29/11/2026 (domingo), prorrogado para 30/11/2026"."""
    if effective is None or effective == due:
        return ptbr.date(due)
    return gettext("%(due)s (%(weekday)s), prorrogado para %(effective)s") % {
        "due": ptbr.date(due),
        "weekday": weekday(due),
        "effective": ptbr.date(effective),
    }


def standings(
    receivables: Iterable[Receivable], today: datetime.date, *, explain: bool = False
) -> list[Standing]:
    """Each título's standing at ``today`` (its branch and collection loaded by the caller).

    The calendars are computed in Python once per place, as ``CalendarDay`` is filled;
    ``explain`` also says why each moved due date moved (one more query per título moved).
    """
    move = calendar.move_due_dates_enabled()
    places: dict[calendar.Place, calendar.PlaceCalendar] = {}
    found = []
    for receivable in receivables:
        place = (receivable.branch.state, receivable.branch.city)
        if place not in places:
            places[place] = calendar.PlaceCalendar(*place)
        due = receivable.due_date
        effective = places[place].next_business_day(due) if move else due
        days = (today - effective).days
        charges = compute_charges(
            receivable.balance, days, rates_for(receivable.branch, receivable.collection)
        )
        standing = Standing(
            receivable=receivable,
            effective_due_date=effective,
            days_overdue=days,
            fine=charges.fine,
            interest=charges.interest,
            updated_amount=charges.updated_amount,
        )
        if explain and effective != due:
            standing.moved_because = calendar.why_closed(
                place, due, effective - datetime.timedelta(days=1)
            )
        found.append(standing)
    return found
