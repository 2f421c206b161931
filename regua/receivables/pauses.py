"""Pausing dunning from Régua ("não cobrar até", R4): set, lift and list pauses.

The one service behind the pages, the API and ``regua pause``: each call checks
its input, writes the pause and its audit entry in one transaction, and
raises :class:`PauseError` with a Portuguese message naming what is wrong.
The selection reads pauses in force (``Pause.objects.in_force(day)``) beside the
ERP's ``do_not_dun`` columns; imports never touch them.
"""

import datetime
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from regua.audit.log import record
from regua.receivables.models import Customer, Pause, PauseReason, Receivable


class PauseError(ValidationError):
    """A pause that cannot be set or lifted (exit status 2 on the command line, 400 in the API)."""


def _plain(text: str) -> str:
    letters = unicodedata.normalize("NFKD", text)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold().strip()


def parse_reason(text: str) -> str:
    """A reason's code from its code or its Portuguese name ("acordo", "Promessa de pagamento")."""
    wanted = _plain(text)
    for choice in PauseReason:
        label = _plain(str(choice.label))
        if wanted in (choice.value, label) or (wanted and label.startswith(wanted)):
            return str(choice.value)
    names = ", ".join(f"{c.value} ({c.label})" for c in PauseReason)
    raise PauseError(f"Motivo inválido: {text!r}. Use um destes: {names}.")


def _check(until: datetime.date | None, reason: str, note: str, today: datetime.date) -> str:
    reason = parse_reason(reason)
    if until is not None and until < today:
        raise PauseError(
            f"A data de “não cobrar até” ({until:%d/%m/%Y}) já passou; "
            f"informe uma data a partir de {today:%d/%m/%Y} ou deixe em branco."
        )
    if len(note) > 200:
        raise PauseError(f"Observação longa demais: {len(note)} caracteres (máximo 200).")
    return reason


def _describe(pause: Pause) -> dict[str, Any]:
    return {
        "until": pause.until.isoformat() if pause.until else None,
        "reason": pause.reason,
        "note": pause.note,
    }


def _set(
    target: dict[str, Any],
    label: str,
    *,
    until: datetime.date | None,
    reason: str,
    note: str,
    user: str,
    today: datetime.date | None,
) -> Pause:
    today = today or timezone.localdate()
    code = _check(until, reason, note.strip(), today)
    now = timezone.now()
    with transaction.atomic():
        # One pause not lifted per customer or título: a new one replaces it.
        previous = Pause.objects.select_for_update().filter(lifted_at__isnull=True, **target)
        for old in previous:
            old.lifted_at, old.lifted_by = now, user
            old.save(update_fields=["lifted_at", "lifted_by"])
        pause = Pause.objects.create(
            until=until,
            reason=code,
            note=note.strip(),
            created_by=user,
            created_at=now,
            **target,
        )
        record(
            user,
            "pause.set",
            pause,
            f"Cobrança suspensa: {label}"
            + (f" até {until:%d/%m/%Y}" if until else " sem data para terminar")
            + f" ({pause.get_reason_display()})",
            _describe(pause),
        )
    return pause


def pause_customer(
    customer: Customer,
    *,
    until: datetime.date | None,
    reason: str,
    note: str = "",
    user: str,
    today: datetime.date | None = None,
) -> Pause:
    """Stop dunning every título of ``customer`` (until ``until``, inclusive, or until lifted)."""
    return _set(
        {"customer": customer},
        f"cliente {customer.code}",
        until=until,
        reason=reason,
        note=note,
        user=user,
        today=today,
    )


def pause_receivable(
    receivable: Receivable,
    *,
    until: datetime.date | None,
    reason: str,
    note: str = "",
    user: str,
    today: datetime.date | None = None,
) -> Pause:
    """Stop dunning one título (until ``until``, inclusive, or until lifted)."""
    return _set(
        {"receivable": receivable},
        f"título {receivable}",
        until=until,
        reason=reason,
        note=note,
        user=user,
        today=today,
    )


def lift(pause: Pause, user: str) -> bool:
    """Lift a pause; False when it was already lifted (by someone else, meanwhile)."""
    with transaction.atomic():
        lifted = Pause.objects.filter(pk=pause.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=user
        )
        if lifted:
            pause.refresh_from_db()
            target = (
                f"cliente {pause.customer.code}"
                if pause.customer_id and pause.customer
                else f"título {pause.receivable}"
            )
            record(user, "pause.lift", pause, f"Suspensão da cobrança retirada: {target}")
    return bool(lifted)


def open_pause(
    *, customer: Customer | None = None, receivable: Receivable | None = None
) -> Pause | None:
    """The pause not lifted of a customer or a título (in force or past its date), if any."""
    target: dict[str, Any] = {"customer": customer} if customer else {"receivable": receivable}
    return Pause.objects.filter(lifted_at__isnull=True, **target).first()


def pause_json(pause: Pause, today: datetime.date | None = None) -> dict[str, Any]:
    """A pause as the API and ``regua pause list --json`` show it."""
    today = today or timezone.localdate()
    receivable = pause.receivable
    return {
        "id": pause.pk,
        "customer": pause.customer.code if pause.customer else receivable.customer.code,  # type: ignore[union-attr]
        "receivable": (
            {
                "branch": receivable.branch.code,
                "document": receivable.document,
                "installment": receivable.installment,
            }
            if receivable
            else None
        ),
        "until": pause.until.isoformat() if pause.until else None,
        "reason": pause.reason,
        "reason_label": pause.get_reason_display(),
        "note": pause.note,
        "created_by": pause.created_by,
        "created_at": timezone.localtime(pause.created_at).isoformat(timespec="seconds"),
        "lifted_by": pause.lifted_by or None,
        "lifted_at": (
            timezone.localtime(pause.lifted_at).isoformat(timespec="seconds")
            if pause.lifted_at
            else None
        ),
        "in_force": pause.in_force_on(today),
    }


def listed(today: datetime.date | None = None, *, lifted: bool = False) -> Any:
    """Pauses in force at ``today`` (with ``lifted``: every pause ever set), newest first."""
    today = today or timezone.localdate()
    pauses = Pause.objects.select_related(
        "customer", "receivable__branch", "receivable__customer"
    ).order_by("-created_at", "-id")
    return pauses if lifted else pauses.in_force(today)
