"""Hand-built notices for the dunning tests."""

import datetime
from decimal import Decimal

from regua.dunning.models import DelayRange, DunningRun, Notice, NoticeItem
from regua.receivables.models import Receivable


def make_notice(
    delay_range: DelayRange,
    receivables: list[Receivable],
    *,
    status: str = "pending",
    reference_date: datetime.date = datetime.date(2026, 11, 30),
    user: str = "ana",
    **fields: object,
) -> Notice:
    first = receivables[0]
    run = DunningRun.objects.create(user=user, reference_date=reference_date)
    notice = Notice.objects.create(
        run=run,
        branch=first.branch,
        customer=first.customer,
        delay_range=delay_range,
        range_start=delay_range.start_day,
        range_end=delay_range.end_day,
        template=delay_range.template,
        template_number=delay_range.template.number,
        generation=delay_range.generation,
        reference_date=reference_date,
        user=user,
        status=status,
        total_balance=sum((r.balance for r in receivables), Decimal("0.00")),
        **fields,
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=notice,
            receivable=r,
            delay_range=delay_range,
            due_date=r.due_date,
            effective_due_date=r.due_date,
            days_overdue=(reference_date - r.due_date).days,
            range_start=delay_range.start_day,
            range_end=delay_range.end_day,
            balance=r.balance,
            blocks=status in ("pending", "held", "sending", "retry", "sent", "uncertain"),
        )
        for r in receivables
    )
    return notice
