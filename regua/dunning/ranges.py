"""Delay ranges (R3): active ranges may leave gaps but never overlap.

Every path that saves a range (pages, API, command line, admin through
``DelayRange.clean``) goes through ``save_range``, so the rule and its message
live here once.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from regua.audit import log
from regua.dunning.ab import new_salt
from regua.dunning.models import DelayRange, DunningLock, GenerationType, Notice, NoticeItem

# Days a range may name, either way: a century. With the run's date inside the
# accepted years (dunning.dates), every due date the selection derives stays a date.
MAX_DAYS = 36_500

FIELDS = [
    "name",
    "start_day",
    "end_day",
    "template",
    "generation",
    "min_balance",
    "send_boleto",
    "active",
    "template_b",
    "share",
]


class RangeOverlap(ValidationError):
    """An active range would share days with another active range."""

    def __init__(self, start_day: int, end_day: int, other: DelayRange) -> None:
        self.other = other
        super().__init__(
            f"A faixa de {start_day} a {end_day} dias se sobrepõe à faixa {other.describe()}: "
            "faixas ativas não podem ter dias em comum.",
            code="range_overlap",
        )


def check_overlap(start_day: int, end_day: int, *, exclude: int | None = None) -> None:
    """Raise RangeOverlap naming the first active range sharing a day with start..end."""
    others = DelayRange.objects.filter(active=True, start_day__lte=end_day, end_day__gte=start_day)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    other = others.order_by("start_day", "pk").first()
    if other is not None:
        raise RangeOverlap(start_day, end_day, other)


def _template(template: int | models.Model) -> models.Model:
    # The letters app sits above dunning: its model is reached through the range's
    # foreign key, never imported.
    templates = DelayRange._meta.get_field("template").related_model
    if isinstance(template, templates):
        return template
    found = templates._default_manager.filter(number=template).first()
    if found is None:
        numbers = ", ".join(
            str(n) for n in templates._default_manager.values_list("number", flat=True)
        )
        raise ValidationError(f"O modelo {template} não existe (modelos disponíveis: {numbers}).")
    return found


def _money(value: Decimal | str | int) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"Saldo mínimo inválido: {value!r}.") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(f"O saldo mínimo não pode ser negativo nem inválido: {value}.")
    return amount.quantize(Decimal("0.01"))


def _split(
    template: int | models.Model, template_b: int | models.Model | None, share: int | None
) -> tuple[models.Model | None, int | None]:
    """The A/B split's model B and share (issue 16): both or neither, share 1 to 99."""
    if template_b is None and share is None:
        return None, None
    if template_b is None or share is None:
        raise ValidationError(
            "O teste A/B precisa do modelo B e da parcela de clientes no modelo B "
            "(--template-b e --share), um não vale sem o outro."
        )
    if not 1 <= share <= 99:
        raise ValidationError(
            f"Parcela de clientes no modelo B inválida: {share} (use de 1 a 99, em porcentagem)."
        )
    model_b = _template(template_b)
    if model_b.pk == _template(template).pk:
        raise ValidationError("O modelo B deve ser diferente do modelo da faixa.")
    return model_b, share


def save_range(
    *,
    user: str,
    start_day: int,
    end_day: int,
    template: int | models.Model,
    generation: str = GenerationType.EMAIL,
    name: str = "",
    min_balance: Decimal | str | int = Decimal("0.00"),
    send_boleto: bool = False,
    active: bool = True,
    instance: DelayRange | None = None,
    template_b: int | models.Model | None = None,
    share: int | None = None,
) -> DelayRange:
    """Create a range, or change ``instance``; refuse what breaks R3. Audited."""
    if start_day > end_day:
        raise ValidationError(
            f"O início da faixa ({start_day}) deve ser menor ou igual ao fim ({end_day})."
        )
    if generation not in GenerationType.values:
        raise ValidationError(
            f"Tipo de geração inválido: {generation!r} (use email ou email_and_letter)."
        )
    for day in (start_day, end_day):
        if not -MAX_DAYS <= day <= MAX_DAYS:
            raise ValidationError(
                f"Dia {day} fora do intervalo aceito para uma faixa (de -36.500 a 36.500, "
                "cem anos antes ou depois do vencimento)."
            )
    model_b, share = _split(template, template_b, share)
    values: dict[str, Any] = {
        "name": name.strip(),
        "start_day": start_day,
        "end_day": end_day,
        "template": _template(template),
        "generation": generation,
        "min_balance": _money(min_balance),
        "send_boleto": bool(send_boleto),
        "active": active,
        "template_b": model_b,
        "share": share,
    }
    with transaction.atomic():
        # One range edit at a time, so two overlapping ranges cannot both pass the check.
        DunningLock.acquire("ranges")
        before = None
        if instance is not None and instance.pk is not None:
            before = DelayRange.objects.select_for_update().get(pk=instance.pk)
        if active:
            check_overlap(start_day, end_day, exclude=before.pk if before else None)
        delay_range = instance or DelayRange()
        for field, value in values.items():
            setattr(delay_range, field, value)
        if model_b is not None and not delay_range.ab_salt:
            delay_range.ab_salt = new_salt()
        delay_range.save()
        changes = log.diff(before, delay_range, FIELDS)
        log.record(
            user,
            "range.change" if before else "range.add",
            delay_range,
            f"Faixa de atraso {'alterada' if before else 'criada'}: {delay_range.describe()}",
            changes,
        )
    return delay_range


def has_history(delay_range: DelayRange) -> bool:
    return (
        Notice.objects.filter(delay_range=delay_range).exists()
        or NoticeItem.objects.filter(delay_range=delay_range).exists()
    )


def remove_range(delay_range: DelayRange, user: str) -> str:
    """Delete a range, or deactivate it when notices used it (R3). Returns what was done:
    "deleted" or "deactivated"."""
    with transaction.atomic():
        DunningLock.acquire("ranges")
        description = delay_range.describe()
        if has_history(delay_range):
            delay_range.active = False
            delay_range.save(update_fields=["active", "updated_at"])
            log.record(
                user,
                "range.deactivate",
                delay_range,
                f"Faixa de atraso desativada (tem histórico): {description}",
                {"active": ["True", "False"]},
            )
            return "deactivated"
        log.record(user, "range.delete", delay_range, f"Faixa de atraso excluída: {description}")
        delay_range.delete()
        return "deleted"


def range_json(delay_range: DelayRange) -> dict[str, Any]:
    """The shape of `regua ranges list --json`."""
    return {
        "id": delay_range.pk,
        "name": delay_range.name,
        "start": delay_range.start_day,
        "end": delay_range.end_day,
        "template": delay_range.template.number,
        "generation": delay_range.generation,
        "min_balance": str(delay_range.min_balance.quantize(Decimal("0.01"))),
        "boleto": delay_range.send_boleto,
        "active": delay_range.active,
        "template_b": delay_range.template_b.number if delay_range.template_b else None,
        "share": delay_range.share,
    }
