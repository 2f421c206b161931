"""Não cobrar até (R4) from the customer and título pages: set and lift a pause."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regua.receivables import pauses
from regua.receivables.models import Customer, Pause, PauseReason, Receivable
from regua.web.permissions import acting_name, requires

PERMISSION = "dunning.run_dunning"


class PauseForm(forms.Form):
    until = forms.DateField(
        label="Não cobrar até",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="em branco: até alguém retirar a suspensão",
        error_messages={"invalid": "Data inválida; use dd/mm/aaaa."},
    )
    reason = forms.ChoiceField(label="Motivo", choices=PauseReason.choices)
    note = forms.CharField(label="Observação", required=False, max_length=200)


def _set(request: HttpRequest, target: Customer | Receivable, back: str) -> HttpResponse:
    form = PauseForm(request.POST)
    if not form.is_valid():
        for field_name, errors in form.errors.items():
            label = form.fields[field_name].label if field_name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect(back)
    options: dict[str, Any] = {
        "until": form.cleaned_data["until"],
        "reason": form.cleaned_data["reason"],
        "note": form.cleaned_data["note"],
        "user": acting_name(request),
    }
    try:
        if isinstance(target, Customer):
            pause = pauses.pause_customer(target, **options)
        else:
            pause = pauses.pause_receivable(target, **options)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(back)
    if pause.until:
        messages.success(
            request,
            _("Cobrança suspensa até %(date)s.") % {"date": pause.until.strftime("%d/%m/%Y")},
        )
    else:
        messages.success(request, _("Cobrança suspensa até alguém retirar a suspensão."))
    return redirect(back)


@requires(PERMISSION)
@require_POST
def customer_pause(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return _set(request, customer, reverse("customer", args=[customer.pk]))


@requires(PERMISSION)
@require_POST
def receivable_pause(request: HttpRequest, pk: int) -> HttpResponse:
    receivable = get_object_or_404(Receivable.objects.select_related("branch"), pk=pk)
    return _set(request, receivable, reverse("receivable", args=[receivable.pk]))


@requires(PERMISSION)
@require_POST
def pause_lift(request: HttpRequest, pk: int) -> HttpResponse:
    pause = get_object_or_404(Pause, pk=pk)
    if pauses.lift(pause, acting_name(request)):
        messages.success(request, _("Suspensão retirada: a cobrança volta na próxima emissão."))
    else:
        messages.info(request, _("Esta suspensão já tinha sido retirada."))
    if pause.customer_id:
        return redirect("customer", pk=pause.customer_id)
    return redirect("receivable", pk=pause.receivable_id)
