"""LGPD redaction: remove a customer's personal data, keep the amounts and dates (R10).

This is R10's one exception to "history is never edited after sending". The
customer's name, document, e-mails, phone and address are replaced; in its
notices the recipients, subject, bodies and PDF go, while ranges, amounts,
dates, states and títulos stay, so the collection history still adds up. Copies
of those values in free text (the SMTP server's answers, the audit log) are
replaced too. One audit entry records who did it, why, and how much changed.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.audit.models import AuditEntry
from regua.dunning import lifecycle
from regua.dunning.models import Notice
from regua.privacy.signals import customer_redacted
from regua.privacy.storage import compact_after_commit
from regua.receivables.models import Customer, Pause, Receivable

REDACTED = "[removido LGPD]"

# Customer fields holding personal data, and what they become. The ERP code and
# the "do not dun" mark are kept: the collection still needs them.
CUSTOMER_FIELDS: dict[str, Any] = {
    "name": REDACTED,
    "document": "",
    "email": "",
    "billing_email": "",
    "phone": "",
    "address": "",
    "district": "",
    "city": "",
    "state": "",
    "zip_code": "",
    "invalid_emails": [],
}


# Shorter values would match unrelated text ("SP", "12").
_MIN_VALUE_LENGTH = 3


class RedactionRefused(Exception):
    """The redaction cannot be done now; the message says why, in Portuguese."""


@dataclass(frozen=True)
class RedactionResult:
    customer: Customer
    notices: int
    pdfs_removed: int
    audit_entries: int
    receivables_kept: int
    other_records: int


def personal_values(customer: Customer, notices: Iterable[Notice]) -> list[str]:
    """The customer's personal values to look for in free text, longest first."""
    values = {
        customer.name,
        customer.document,
        customer.phone,
        customer.address,
        *re.split(r"[;,\s]+", customer.email),
        *re.split(r"[;,\s]+", customer.billing_email),
        *(str(a) for a in customer.invalid_emails or []),
    }
    for notice in notices:
        values.update(str(a) for a in notice.recipients or [])
        values.update(str(a) for a in notice.accepted_recipients or [])
        values.update(str(a) for a in (notice.refused_recipients or {}))
    cleaned = {v.strip() for v in values if v}
    return sorted(
        (v for v in cleaned if len(v) >= _MIN_VALUE_LENGTH and v != REDACTED),
        key=lambda v: (-len(v), v),
    )


def scrub_text(text: str, values: list[str]) -> str:
    """``text`` with every occurrence of ``values`` (any case) replaced by the placeholder."""
    for value in values:
        # Whole words only: a short name must not eat into other words ("Ana" in "Mariana").
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def scrub_json(data: Any, values: list[str]) -> Any:
    """``data`` (decoded JSON) with the values replaced in every string, keys included."""
    if isinstance(data, str):
        return scrub_text(data, values)
    if isinstance(data, list):
        return [scrub_json(item, values) for item in data]
    if isinstance(data, dict):
        return {scrub_text(str(k), values): scrub_json(v, values) for k, v in data.items()}
    return data


def redact_customer(customer: Customer, *, reason: str, user: str) -> RedactionResult:
    """Remove ``customer``'s personal data from Régua, audited as done by ``user``.

    Refused (``RedactionRefused``) while one of its notices is still on its way:
    discard it in review or let it be sent first. May be repeated (for example
    after an import brought the data back).
    """
    reason = reason.strip()
    if not reason:
        raise RedactionRefused("Informe o motivo da remoção (por exemplo, o protocolo do pedido).")
    with transaction.atomic():
        result = _redact(customer, reason, user)
    compact_after_commit()
    return result


def _redact(customer: Customer, reason: str, user: str) -> RedactionResult:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    notices = list(Notice.objects.filter(customer=customer).order_by("pk"))
    # A notice still on its way: redacting it would send a letter without
    # recipients or text, so the redaction waits for it.
    waiting = [n for n in notices if n.status in lifecycle.ONGOING]
    if waiting:
        listed = ", ".join(f"{n.pk} ({n.get_status_display().lower()})" for n in waiting[:20])
        raise RedactionRefused(
            f"O cliente {customer.code} tem "
            f"{ptbr.count(len(waiting), 'carta ainda não concluída', 'cartas ainda não concluídas')}: "
            f"{listed}. {ptbr.plural(len(waiting), 'Descarte-a', 'Descarte-as')} na revisão "
            "ou aguarde o envio antes de remover os dados."
        )

    values = personal_values(customer, notices)
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(**CUSTOMER_FIELDS, redacted_at=now)
    customer.refresh_from_db()
    # "Do not dun" notes are free text ("promessa do Sr. ..."): keep the note, not the person.
    if customer.do_not_dun_reason:
        scrubbed = scrub_text(customer.do_not_dun_reason, values)
        Customer.objects.filter(pk=customer.pk).update(do_not_dun_reason=scrubbed)
    for receivable in Receivable.objects.filter(customer=customer).exclude(do_not_dun_reason=""):
        scrubbed = scrub_text(receivable.do_not_dun_reason, values)
        if scrubbed != receivable.do_not_dun_reason:
            Receivable.objects.filter(pk=receivable.pk).update(do_not_dun_reason=scrubbed)
    # Pauses set in Régua carry a free-text note too (R4): the same treatment.
    for pause in Pause.objects.filter(
        Q(customer=customer) | Q(receivable__customer=customer)
    ).exclude(note=""):
        scrubbed = scrub_text(pause.note, values)
        if scrubbed != pause.note:
            Pause.objects.filter(pk=pause.pk).update(note=scrubbed)

    pdfs = 0
    for notice in notices:
        pdfs += notice.pdf is not None
        Notice.objects.filter(pk=notice.pk).update(
            recipients=[REDACTED for _ in notice.recipients or []],
            accepted_recipients=[REDACTED for _ in notice.accepted_recipients or []],
            refused_recipients={
                f"{REDACTED} {i}": scrub_json(answer, values)
                for i, answer in enumerate((notice.refused_recipients or {}).values(), 1)
            },
            subject=REDACTED if notice.subject else "",
            body_text=REDACTED if notice.body_text else "",
            body_html="",
            pdf=None,
            smtp_response=scrub_text(notice.smtp_response, values),
            reason=scrub_text(notice.reason, values)[:200],
        )

    audit_entries = _scrub_audit(customer, values)
    notice_ids = [n.pk for n in notices]
    responses = customer_redacted.send(
        sender=Customer, customer=customer, notice_ids=notice_ids, values=values, user=user
    )
    other = 0
    for _, response in responses:
        answer: object = response
        if isinstance(answer, int):
            other += answer
    receivables = Receivable.objects.filter(customer=customer).count()
    safe_reason = scrub_text(reason, values)
    log.record(
        user,
        "privacy.redact_customer",
        customer,
        f"Dados pessoais do cliente {customer.code} removidos (LGPD): "
        f"{ptbr.count(len(notices), 'carta', 'cartas')}, {ptbr.count(pdfs, 'PDF', 'PDFs')} e "
        f"{ptbr.count(audit_entries, 'registro', 'registros')} de auditoria; "
        f"{ptbr.count(receivables, 'título mantido', 'títulos mantidos')} com valores e datas. "
        f"Motivo: {safe_reason}",
        {
            "reason": safe_reason,
            "customer_fields": sorted(CUSTOMER_FIELDS),
            "notices": len(notices),
            "pdfs_removed": pdfs,
            "audit_entries": audit_entries,
            "receivables_kept": receivables,
            "other_records": other,
        },
    )
    return RedactionResult(customer, len(notices), pdfs, audit_entries, receivables, other)


def _scrub_audit(customer: Customer, values: list[str]) -> int:
    """Replace the personal values in audit entries (a customer edit keeps old and new values)."""
    about_customer = Q(object_type=Customer._meta.label_lower, object_id=str(customer.pk))
    mentions = Q()
    for value in values:
        # JSON on SQLite is stored with non-ASCII letters escaped ("\u00e3").
        escaped = json.dumps(value)[1:-1]
        mentions |= Q(description__icontains=value) | Q(changes_text__icontains=value)
        if escaped != value:
            mentions |= Q(changes_text__icontains=escaped)
    entries = AuditEntry.objects.annotate(changes_text=Cast("changes", TextField())).filter(
        about_customer | mentions if values else about_customer
    )
    count = 0
    for entry in entries.iterator():
        changes = entry.changes
        if entry.object_type == Customer._meta.label_lower and entry.object_id == str(customer.pk):
            changes = {
                name: (_placeholders(change) if name in CUSTOMER_FIELDS else change)
                for name, change in (changes or {}).items()
            }
        description = scrub_text(entry.description, values)
        changes = scrub_json(changes, values)
        if description != entry.description or changes != entry.changes:
            AuditEntry.objects.filter(pk=entry.pk).update(description=description, changes=changes)
            count += 1
    return count


def _placeholders(change: Any) -> Any:
    """An audit diff's [old, new] with every non-empty value replaced."""
    if isinstance(change, list):
        return [REDACTED if item else item for item in change]
    return REDACTED if change else change
