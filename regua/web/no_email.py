"""Clientes sem e-mail válido (R7) as one work list: customer, títulos, amount, link.

Each run records a ``skipped`` notice with reason ``no_email`` for such a customer
(the history keeps them, R10); a person needs one line per customer to fix, not
a pile of dead notices. Shown after a run (that run's) and on the Painel (the
last 30 days', leaving out customers whose e-mail has been fixed since).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from regua.dunning.models import DunningRun, Notice, NoticeItem, NoticeStatus
from regua.dunning.recipients import recipients_for
from regua.receivables.models import Customer, Receivable

DAYS = 30
PAINEL_ROWS = 10


@dataclass
class Row:
    customer: Customer
    titulos: int  # open títulos among its skipped notices
    amount: Decimal  # their balance today
    last_skipped: datetime.datetime
    fixed: bool  # it has a valid address now


def work_list(*, run: DunningRun | None = None, days: int = DAYS) -> list[Row]:
    """The customers skipped for lack of a valid e-mail, largest open amount first."""
    notices = Notice.objects.filter(status=NoticeStatus.SKIPPED, reason="no_email")
    if run is not None:
        notices = notices.filter(run=run)
    else:
        notices = notices.filter(created_at__gte=timezone.now() - datetime.timedelta(days=days))
    last = dict(
        notices.order_by()
        .values("customer_id")
        .annotate(at=Max("created_at"))
        .values_list("customer_id", "at")
    )
    if not last:
        return []
    open_titulos = (
        Receivable.objects.open()
        .filter(
            pk__in=NoticeItem.objects.filter(notice__in=notices).values("receivable_id"),
        )
        .values_list("customer_id", "amount", "paid_amount")
    )
    counts: dict[int, int] = dict.fromkeys(last, 0)
    amounts: dict[int, Decimal] = dict.fromkeys(last, Decimal("0.00"))
    for customer_id, amount, paid in open_titulos:
        counts[customer_id] += 1
        amounts[customer_id] += amount - paid
    customers = Customer.objects.in_bulk(list(last))
    rows = [
        Row(
            customer=customers[pk],
            titulos=counts[pk],
            amount=amounts[pk],
            last_skipped=last[pk],
            fixed=bool(recipients_for(customers[pk])),
        )
        for pk in last
    ]
    rows.sort(key=lambda row: (-row.amount, row.customer.code))
    return rows


def painel_context() -> dict[str, Any]:
    """The Painel's part: customers still without a valid e-mail (the fixed ones left out)."""
    rows = [row for row in work_list() if not row.fixed]
    return {
        "no_email_rows": rows[:PAINEL_ROWS],
        "no_email_count": len(rows),
        "no_email_total": sum((row.amount for row in rows), Decimal("0.00")),
    }
