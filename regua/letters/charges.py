"""Fine and interest on an overdue título, shown on the letter (R9); never booked.

The fine is a percentage of the balance, charged once the título is overdue.
Interest is monthly and pro rata die: balance × monthly % / 30 × days overdue,
where days overdue count from the effective due date (R2). Nothing is charged
before or on the (effective) due date. Each amount is rounded half up to cents.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from regua.letters.formatting import round_cents

if TYPE_CHECKING:  # the sandbox imports this module: no model at run time
    from regua.receivables.models import Branch, CollectionType

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
DAYS_IN_MONTH = 30


@dataclass(frozen=True, slots=True)
class Rates:
    fine_percent: Decimal
    monthly_interest_percent: Decimal


@dataclass(frozen=True, slots=True)
class Charges:
    fine: Decimal
    interest: Decimal
    updated_amount: Decimal


def rates_for(branch: "Branch", collection: "CollectionType | None") -> Rates:
    """The collection type's percentages where it has them, else the branch's (R9)."""
    fine = collection.fine_percent if collection is not None else None
    interest = collection.monthly_interest_percent if collection is not None else None
    return Rates(
        fine_percent=branch.fine_percent if fine is None else fine,
        monthly_interest_percent=branch.monthly_interest_percent if interest is None else interest,
    )


def days_overdue(effective_due_date: datetime.date, reference_date: datetime.date) -> int:
    return (reference_date - effective_due_date).days


def compute_charges(balance: Decimal, days: int, rates: Rates) -> Charges:
    """Fine and pro rata die interest on ``balance`` overdue by ``days`` days."""
    if days <= 0 or balance <= 0:
        return Charges(fine=ZERO, interest=ZERO, updated_amount=round_cents(balance))
    fine = round_cents(balance * rates.fine_percent / HUNDRED)
    interest = round_cents(
        balance * rates.monthly_interest_percent * days / (HUNDRED * DAYS_IN_MONTH)
    )
    return Charges(
        fine=fine, interest=interest, updated_amount=round_cents(balance) + fine + interest
    )
