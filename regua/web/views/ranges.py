"""Faixas de atraso: list, add, edit, deactivate — through regua.dunning.ranges (R3)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from regua.dunning import ranges
from regua.dunning.models import DelayRange, Notice
from regua.web.forms import RangeForm
from regua.web.permissions import acting_name, requires
from regua.web.timeline import timeline


@requires("dunning.manage_ranges")
def range_list(request: HttpRequest) -> HttpResponse:
    all_ranges = list(
        DelayRange.objects.select_related("template", "template_b").order_by("-active", "start_day")
    )
    return render(
        request,
        "web/ranges.html",
        {"nav": "ranges", "ranges": all_ranges, "timeline": timeline(all_ranges)},
    )


@requires("dunning.manage_ranges")
@require_http_methods(["GET", "POST"])
def range_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(DelayRange, pk=pk) if pk is not None else None
    initial = {}
    if instance is not None:
        initial = {
            "name": instance.name,
            "start_day": instance.start_day,
            "end_day": instance.end_day,
            "template": instance.template,
            "generation": instance.generation,
            "min_balance": instance.min_balance,
            "send_boleto": instance.send_boleto,
            "active": instance.active,
            "template_b": instance.template_b,
            "share": instance.share,
        }
    form = RangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = ranges.save_range(
                user=acting_name(request), instance=instance, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Faixa {saved.describe()} salva.")
            return redirect("ranges")
    return render(
        request,
        "web/range_form.html",
        {"nav": "ranges", "form": form, "instance": instance},
    )


@requires("dunning.manage_ranges")
@require_http_methods(["GET", "POST"])
def range_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, saying what will happen (R3): deleted when no notice
    used the range, deactivated (its history kept) when some did. POST does it."""
    delay_range = get_object_or_404(DelayRange, pk=pk)
    description = delay_range.describe()
    if request.method == "GET":
        notices = Notice.objects.filter(delay_range=delay_range).count()
        return render(
            request,
            "web/range_remove.html",
            {
                "nav": "ranges",
                "range": delay_range,
                "description": description,
                "notices": notices,
                "has_history": notices > 0 or ranges.has_history(delay_range),
            },
        )
    done = ranges.remove_range(delay_range, acting_name(request))
    if done == "deactivated":
        messages.success(request, f"Faixa {description} desativada: ela tem histórico de cartas.")
    else:
        messages.success(request, f"Faixa {description} excluída.")
    return redirect("ranges")
