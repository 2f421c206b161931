"""Emitir: filters, a preview (a dry run), the confirmed run and its live progress."""

import dataclasses
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from regua.delivery import dispatch
from regua.delivery.models import EmailSettings
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun, NoticeStatus
from regua.dunning.outside import outside_ranges
from regua.dunning.runs import RunResult, execute_run
from regua.dunning.selection import REASON_LABELS
from regua.receivables.models import Customer
from regua.web import no_email, preview, sending
from regua.web.forms import RunForm, codes
from regua.web.permissions import acting_name, requires


def _skipped(result: RunResult) -> list[dict[str, Any]]:
    names = dict(
        Customer.objects.filter(pk__in={line.customer_id for line in result.skipped}).values_list(
            "pk", "name"
        )
    )
    return [
        {
            "line": line,
            "customer_name": names.get(line.customer_id, ""),
            "reason": REASON_LABELS.get(line.reason or "", line.reason),
        }
        for line in result.skipped
    ]


@requires("dunning.run_dunning")
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    bound = request.method == "POST" or "reference_date" in data
    form = RunForm(
        data if bound else None,
        initial={"reference_date": timezone.localdate(), "group_by": "customer"},
    )
    context: dict[str, Any] = {
        "nav": "run",
        "form": form,
        "email_ready": EmailSettings.load().is_ready,
    }
    if bound and form.is_valid():
        filters = form.filters()
        # The customers a clerk unticked in the preview stay out of this emission.
        leave_out = codes(request.POST.get("leave_out", ""))
        if request.method == "POST" and leave_out:
            filters = dataclasses.replace(filters, excluded_customers=leave_out)
        options = {
            "reference_date": form.cleaned_data["reference_date"],
            "user": acting_name(request),
            "filters": filters,
            "group_by": form.cleaned_data["group_by"],
        }
        try:
            if request.method == "POST":
                result = execute_run(**options)
            else:
                result = execute_run(**options, dry_run=True)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if request.method == "POST":
                assert result.run is not None
                # The workers deliver; the run page follows them in the database.
                dispatch(result.pending, "queue")
                messages.success(request, f"Emissão {result.run.pk} registrada.")
                return redirect("run", pk=result.run.pk)
            context.update(
                preview=True,
                groups=preview.groups(result),
                skipped=_skipped(result),
                counts=preview.counts(result),
                outside=outside_ranges(options["reference_date"], filters),
                hidden=[(k, v) for k, values in request.GET.lists() for v in values],
            )
    return render(request, "web/run_new.html", context)


def _run_context(run: DunningRun) -> dict[str, Any]:
    state = sending.progress(run)
    problems = []
    if state["finished"] or state["stalled"]:
        problems = list(
            run.notice_set.filter(status__in=lifecycle.NEEDS_ATTENTION).select_related("customer")
        )
    labels = dict(NoticeStatus.choices)
    by_status = [
        (labels.get(s, s), n)
        for s, n in sorted(state["by_status"].items())  # type: ignore[attr-defined]
    ]
    return {"run": run, "state": state, "by_status": by_status, "problems": problems}


@requires("dunning.run_dunning")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(DunningRun, pk=pk)
    return render(
        request,
        "web/run_detail.html",
        {"nav": "run", "no_email_rows": no_email.work_list(run=run), **_run_context(run)},
    )


@requires("dunning.run_dunning")
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls with htmx until nothing is moving."""
    run = get_object_or_404(DunningRun, pk=pk)
    return render(request, "web/_run_progress.html", _run_context(run))
