"""Brazilian formats for money, dates and notice states in the pages."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from regua import ptbr
from regua.web.standing import due_date_shown

register = template.Library()


@register.filter
def due_shown(due: datetime.date, effective: datetime.date | None) -> str:
    """The due date, and the business day it moved to when it moved (R2)."""
    return due_date_shown(due, effective)


@register.filter
def brl(value: Decimal | int | str | None) -> str:
    """R$ 1.234,56 — computed on Decimal, never float; nothing for no value."""
    if value is None or value == "":
        return ""
    return ptbr.money(Decimal(value))


@register.filter
def dmy(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def days_label(days: int | None) -> str:
    """Days overdue in words: "vence em 3 dias", "vence hoje", "12 dias de atraso"."""
    if days is None:
        return ""
    if days < 0:
        return f"vence em {-days} dia{'s' if days < -1 else ''}"
    if days == 0:
        return "vence hoje"
    return f"{days} dia{'s' if days > 1 else ''} de atraso"


@register.filter
def reason_label(reason: str | None) -> str:
    """R4/R7's reason codes in Portuguese ("cliente sem e-mail válido")."""
    from regua.dunning.selection import REASON_LABELS

    return REASON_LABELS.get(reason or "", reason or "")


@register.filter
def percent_br(share: Decimal | None) -> str:
    """0.6304 → "63,0 %"; None → "—"."""
    if share is None or share == "":
        return "—"
    amount = (Decimal(share) * 100).quantize(Decimal("0.1"))
    return f"{amount}".replace(".", ",") + " %"


@register.filter
def decimal_br1(value: Decimal | None) -> str:
    """5.5 → "5,5"."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.1'))}".replace(".", ",")


@register.filter
def add_total(rows: list, total: object) -> list:
    """The rows with their total row last (tables whose last row is the total)."""
    return [*rows, total]
