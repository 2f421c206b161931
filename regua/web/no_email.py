"""Clientes sem e-mail válido (R7) as one work list: customer, títulos, amount, link.

Each run records a ``skipped`` notice with reason ``no_email`` for such a customer
(``no_address`` in an "Email e Carta" range, where a postal address would have
done for a letter by post; the history keeps them, R10); a person needs one line
per customer to fix, not
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
from regua.dunning.recipients import has_postal_address, recipients_for
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
    no_address: bool = False  # "Email e Carta": no e-mail and no usable postal address either


def work_list(*, run: DunningRun | None = None, days: int = DAYS) -> list[Row]:
    """The customers skipped for lack of a valid e-mail, largest open amount first."""
    notices = Notice.objects.filter(
        status=NoticeStatus.SKIPPED, reason__in=("no_email", "no_address")
    )
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
    without_address = set(
        notices.filter(reason="no_address").values_list("customer_id", flat=True).distinct()
    )
    rows = []
    for pk in last:
        customer = customers[pk]
        no_address = pk in without_address
        fixed = bool(recipients_for(customer)) or (no_address and has_postal_address(customer))
        rows.append(
            Row(customer, counts[pk], amounts[pk], last[pk], fixed=fixed, no_address=no_address)
        )
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
