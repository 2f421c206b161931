"""LGPD access request: everything Régua holds about one customer, as JSON (LGPD art. 18, II)."""

import base64
import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.audit.models import AuditEntry
from regua.dunning import lifecycle
from regua.dunning.history import with_items
from regua.dunning.models import Notice
from regua.receivables.models import Customer, Pause, Receivable
from regua.receivables.pauses import pause_json

FORMAT = "regua.privacy.export/1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(value: datetime.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def customer_data(customer: Customer) -> dict[str, Any]:
    return {
        "code": customer.code,
        "name": customer.name,
        "document": customer.document,
        "email": customer.email,
        "billing_email": customer.billing_email,
        "phone": customer.phone,
        "address": customer.address,
        "district": customer.district,
        "city": customer.city,
        "state": customer.state,
        "zip_code": customer.zip_code,
        "invalid_emails": list(customer.invalid_emails or []),
        "do_not_dun": customer.do_not_dun,
        "do_not_dun_until": _date(customer.do_not_dun_until),
        "do_not_dun_reason": customer.do_not_dun_reason,
        "redacted_at": _datetime(customer.redacted_at),
        "postal_address_invalid": customer.postal_address_invalid,
    }


def receivable_data(receivable: Receivable) -> dict[str, Any]:
    return {
        "branch": receivable.branch.code,
        "creditor": receivable.branch.legal_name,
        "document": receivable.document,
        "installment": receivable.installment,
        "issue_date": _date(receivable.issue_date),
        "due_date": _date(receivable.due_date),
        "amount": _money(receivable.amount),
        "paid_amount": _money(receivable.paid_amount),
        "paid_date": _date(receivable.paid_date),
        "balance": _money(receivable.balance),
        "collection": receivable.collection.code if receivable.collection else None,
        "digitable_line": receivable.digitable_line,
        "our_number": receivable.our_number,
        "cancelled": receivable.cancelled,
        "settled": receivable.settled,
        "do_not_dun": receivable.do_not_dun,
        "do_not_dun_until": _date(receivable.do_not_dun_until),
        "do_not_dun_reason": receivable.do_not_dun_reason,
    }


def notice_data(notice: Notice) -> dict[str, Any]:
    """A notice as sent, with its texts, recipients, answers and the letter itself."""
    items = sorted(
        notice.items.all(),
        key=lambda i: (i.due_date, i.receivable.document, i.receivable.installment, i.pk),
    )
    return {
        "id": notice.pk,
        "run": notice.run_id,
        "created_at": _datetime(notice.created_at),
        "sent_at": _datetime(notice.sent_at),
        "user": notice.user,
        "branch": notice.branch.code,
        "creditor": notice.branch.legal_name,
        "status": notice.status,
        "status_display": notice.get_status_display(),
        "reason": notice.reason or None,
        "reference_date": _date(notice.reference_date),
        "range": {"start": notice.range_start, "end": notice.range_end},
        "template": notice.template_number,
        "generation": notice.generation,
        "recipients": list(notice.recipients or []),
        "accepted_recipients": list(notice.accepted_recipients or []),
        "refused_recipients": dict(notice.refused_recipients or {}),
        "subject": notice.subject,
        "body_text": notice.body_text,
        "body_html": notice.body_html,
        "smtp_response": notice.smtp_response,
        "total_balance": _money(notice.total_balance),
        "reviewed_by": notice.reviewed_by,
        "reviewed_at": _datetime(notice.reviewed_at),
        "pdf_base64": base64.b64encode(bytes(notice.pdf)).decode() if notice.pdf else None,
        "channels": lifecycle.channels_of(notice),
        "posted_at": _datetime(notice.posted_at),
        "returned_at": _datetime(notice.returned_at),
        "receivables": [
            {
                "branch": item.receivable.branch.code,
                "document": item.receivable.document,
                "installment": item.receivable.installment,
                "due_date": _date(item.due_date),
                "effective_due_date": _date(item.effective_due_date),
                "days_overdue": item.days_overdue,
                "range": {"start": item.range_start, "end": item.range_end},
                "balance": _money(item.balance),
                "fine": _money(item.fine),
                "interest": _money(item.interest),
                "updated_amount": _money(item.updated_amount),
            }
            for item in items
        ],
    }


def customer_export(customer: Customer) -> dict[str, Any]:
    """The JSON document of everything kept about ``customer`` (nothing is recorded)."""
    receivables = Receivable.objects.filter(customer=customer).select_related(
        "branch", "collection"
    )
    notices = with_items(
        Notice.objects.filter(customer=customer)
        .select_related("branch")
        .order_by("created_at", "pk")
    )
    audit = AuditEntry.objects.filter(
        object_type=Customer._meta.label_lower, object_id=str(customer.pk)
    ).order_by("created_at", "pk")
    return {
        "format": FORMAT,
        "generated_at": _datetime(timezone.now()),
        "customer": customer_data(customer),
        "receivables": [
            receivable_data(r)
            for r in receivables.order_by("due_date", "branch__code", "document", "installment")
        ],
        "notices": [notice_data(n) for n in notices],
        # "Não cobrar até" set in Régua (R4): who set it, why, until when, who lifted it.
        "pauses": [
            pause_json(p)
            for p in Pause.objects.filter(Q(customer=customer) | Q(receivable__customer=customer))
            .select_related("customer", "receivable__branch", "receivable__customer")
            .order_by("created_at", "pk")
        ],
        "audit": [
            {
                "at": _datetime(e.created_at),
                "user": e.user,
                "action": e.action,
                "description": e.description,
                "changes": e.changes,
            }
            for e in audit
        ],
    }


def record_export(customer: Customer, data: dict[str, Any], *, user: str) -> None:
    """Write to the audit log that ``user`` was handed ``customer``'s data."""
    log.record(
        user,
        "privacy.export_customer",
        customer,
        f"Dados pessoais do cliente {customer.code} exportados (LGPD): "
        f"{ptbr.count(len(data['receivables']), 'título', 'títulos')}, "
        f"{ptbr.count(len(data['notices']), 'carta', 'cartas')}.",
        {"receivables": len(data["receivables"]), "notices": len(data["notices"])},
    )


def export_customer(customer: Customer, *, user: str) -> dict[str, Any]:
    """``customer_export``, recorded in the audit log: handing out personal data is accounted for."""
    data = customer_export(customer)
    record_export(customer, data, user=user)
    return data


def write_json(data: dict[str, Any], destination: str | Path) -> None:
    """Write the export to ``destination`` ("-" is standard output), readable by its owner only."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if str(destination) == "-":
        sys.stdout.write(text)
        return
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
