"""Agendamentos: automatic runs at a time of day, through regua.delivery.schedules."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from regua.delivery import schedules
from regua.delivery.models import Schedule
from regua.dunning.models import GroupBy
from regua.receivables.models import Branch, CollectionType
from regua.web.forms import codes
from regua.web.permissions import acting_name, requires


class ScheduleForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=100)
    time_of_day = forms.TimeField(
        label="Horário", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    business_days_only = forms.BooleanField(
        label="Somente em dias úteis", required=False, initial=True
    )
    branch = forms.ChoiceField(label="Filial", required=False)
    collections = forms.MultipleChoiceField(
        label="Cobrança", required=False, help_text="nenhuma marcada: todas"
    )
    customers = forms.CharField(
        label="Clientes", required=False, help_text="códigos separados por vírgula"
    )
    group_by = forms.ChoiceField(label="Agrupamento", choices=GroupBy.choices)
    active = forms.BooleanField(label="Ativo", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["branch"]).choices = [("", "Todas")] + [
            (b.code, str(b)) for b in Branch.objects.all()
        ]
        cast(forms.ChoiceField, self.fields["collections"]).choices = [
            (c.code, str(c)) for c in CollectionType.objects.filter(dunnable=True)
        ]

    def filters(self) -> dict[str, object]:
        data = self.cleaned_data
        found: dict[str, object] = {}
        if data["branch"]:
            found["branch"] = data["branch"]
        if data["collections"]:
            found["collections"] = list(data["collections"])
        if data["customers"]:
            found["customers"] = list(codes(data["customers"]))
        return found


@requires("delivery.manage_schedules")
@require_http_methods(["GET", "POST"])
def schedule_list(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule = schedules.add_schedule(
                acting_name(request),
                name=data["name"],
                time_of_day=data["time_of_day"],
                business_days_only=data["business_days_only"],
                filters=form.filters(),
                group_by=data["group_by"],
                active=data["active"],
            )
        except schedules.ScheduleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Agendamento {schedule.name} criado.")
            return redirect("schedules")
    return render(
        request,
        "web/schedules.html",
        {
            "nav": "schedules",
            "schedules": Schedule.objects.all(),
            "next_run": schedules.next_run_at(),
            "form": form,
        },
    )


@requires("delivery.manage_schedules")
@require_POST
def schedule_remove(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule, pk=pk)
    name = schedule.name
    schedules.remove_schedule(acting_name(request), schedule)
    messages.success(request, f"Agendamento {name} removido.")
    return redirect("schedules")
