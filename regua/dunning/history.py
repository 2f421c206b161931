"""Notice history (R10): the one JSON shape of a notice."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from regua.dunning.models import Notice


def money(value: Decimal | None) -> str | None:
    """Money as a string with two decimals ("123.45")."""
    if value is None:
        return None
    return str(value.quantize(Decimal("0.01")))


def _datetime(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def notice_json(notice: Notice, *, history: bool = False) -> dict[str, Any]:
    """The JSON shape of a notice used by `regua run --json`, the review list and the API.

    With ``history`` it also carries "created_at", "sent_at" and "user", as
    `regua history --json` prints it. Prefetch ``items__receivable__branch`` when
    listing many notices.
    """
    items = sorted(
        notice.items.all(),
        key=lambda i: (
            i.due_date,
            i.receivable.branch.code,
            i.receivable.document,
            i.receivable.installment,
            i.pk,
        ),
    )
    data: dict[str, Any] = {
        "id": notice.pk,
        "branch": notice.branch.code,
        "customer": notice.customer.code,
        "status": notice.status,
        "reason": notice.reason or None,
        "range": {
            "id": notice.delay_range_id,
            "start": notice.range_start,
            "end": notice.range_end,
        },
        "template": notice.template_number,
        "generation": notice.generation,
        "recipients": list(notice.recipients),
        "receivables": [
            {
                "branch": item.receivable.branch.code,
                "document": item.receivable.document,
                "installment": item.receivable.installment,
                "days_overdue": item.days_overdue,
                "range": {"start": item.range_start, "end": item.range_end},
                "balance": money(item.balance),
            }
            for item in items
        ],
    }
    if history:
        data["created_at"] = _datetime(notice.created_at)
        data["sent_at"] = _datetime(notice.sent_at)
        data["user"] = notice.user
    return data
