"""Feriados (R2): the calendar of a year and the holidays the company registers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from regua.dunning import calendar
from regua.dunning.models import Holiday
from regua.web.forms import HolidayForm
from regua.web.permissions import acting_name, requires


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("ano", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2200 else timezone.localdate().year


@requires("dunning.manage_holidays")
@require_http_methods(["GET", "POST"])
def holiday_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = calendar.add_holiday(user=acting_name(request), **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Feriado cadastrado: {holiday}.")
            return redirect(f"{request.path}?ano={holiday.date.year}")
    return render(
        request,
        "web/holidays.html",
        {
            "nav": "holidays",
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "entries": calendar.holidays_of_year(year),
            "form": form,
        },
    )


@requires("dunning.manage_holidays")
@require_POST
def holiday_remove(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(Holiday, pk=pk)
    year = holiday.date.year
    label = str(holiday)
    calendar.remove_holiday(holiday, user=acting_name(request))
    messages.success(request, f"Feriado removido: {label}.")
    return redirect(f"{reverse('holidays')}?ano={year}")
