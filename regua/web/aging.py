"""The open balance by aging bucket shown on the Painel."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum

from regua.receivables.models import Receivable


@dataclass(frozen=True)
class Bucket:
    label: str
    balance: Decimal


# (label, first day, last day) of calendar days past the due date; None = unbounded.
BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("a vencer", None, 0),
    ("1–15", 1, 15),
    ("16–30", 16, 30),
    ("31–60", 31, 60),
    ("61–90", 61, 90),
    ("90+", 91, None),
)


def _due_between(today: datetime.date, first: int | None, last: int | None) -> Q:
    q = Q()
    if first is not None:
        q &= Q(due_date__lte=today - datetime.timedelta(days=first))
    if last is not None:
        q &= Q(due_date__gte=today - datetime.timedelta(days=last))
    return q


def open_balance_by_bucket(today: datetime.date) -> list[Bucket]:
    """The open balance (R1) per bucket of days past the calendar due date, in one query.

    A quick picture for the dashboard: it counts calendar days from the due date
    as recorded, without R2's move to the next business day.
    """
    balance = ExpressionWrapper(
        F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    sums = Receivable.objects.open().aggregate(
        **{
            f"b{i}": Sum(balance, filter=_due_between(today, first, last))
            for i, (_, first, last) in enumerate(BUCKETS)
        }
    )
    return [
        Bucket(label, Decimal(sums[f"b{i}"] or 0).quantize(Decimal("0.01")))
        for i, (label, _, _) in enumerate(BUCKETS)
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    balance: Decimal
    x: int
    y: int
    width: int
    height: int


def bars(buckets: list[Bucket], *, height: int = 160, top: int = 20, step: int = 90) -> list[Bar]:
    """Geometry of a vertical bar chart (SVG units), bars scaled to the largest balance."""
    largest = max((b.balance for b in buckets), default=Decimal(0))
    result = []
    for i, bucket in enumerate(buckets):
        h = int(bucket.balance * height / largest) if largest > 0 else 0
        result.append(
            Bar(
                bucket.label,
                bucket.balance,
                x=20 + i * step,
                y=top + height - h,
                width=step - 30,
                height=h,
            )
        )
    return result
