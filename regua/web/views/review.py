"""Revisão (R8): held letters — PDF preview, approve or discard with a reason, batch print."""

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from regua.delivery import dispatch
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun, Notice
from regua.letters import review
from regua.receivables.models import Branch
from regua.web import bulk_review
from regua.web.models import ReviewBatch
from regua.web.permissions import requires

PAGE_SIZE = 50
# What a page of the list reads of each letter (never its PDF or bodies).
LISTED = (
    "id",
    "run__id",
    "run__reference_date",
    "branch__code",
    "customer__code",
    "customer__name",
    "template__number",
    "total_balance",
    "range_start",
    "range_end",
    "recipients",
    "status",
    "channels",
)
SORTS = {
    "": ("run_id", "branch__code", "customer__name", "id"),
    "valor": ("total_balance", "id"),
    "-valor": ("-total_balance", "id"),
    "cliente": ("customer__name", "customer__code", "id"),
}


def _money(text: str) -> Decimal | None:
    text = text.strip().replace("R$", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def filtered(params: Any) -> tuple[QuerySet[Notice], dict[str, str], list[str]]:
    """The held letters matching Revisão's filters (branch, range, template, run, channel,
    amount),
    sorted as asked; with the filters as given and the problems found in them."""
    notices = review.held_notices()
    given = {name: (params.get(name) or "").strip() for name in FILTERS}
    problems = []
    if given["filial"]:
        notices = notices.filter(branch__code=given["filial"])
    for name, field in (
        ("faixa", "range_start"),
        ("modelo", "template_number"),
        ("emissao", "run_id"),
    ):
        if given[name]:
            if given[name].lstrip("-").isdigit():
                notices = notices.filter(**{field: int(given[name])})
            else:
                problems.append(
                    f"Filtro {FILTERS[name]} inválido: {given[name]!r} não é um número."
                )
    if given["canal"] == "carta":
        notices = notices.filter(channels=lifecycle.LETTER)
    elif given["canal"] == "email":
        notices = notices.exclude(channels=lifecycle.LETTER)
    elif given["canal"]:
        problems.append(f"Filtro canal inválido: {given['canal']!r}; use email ou carta.")
    for name, lookup in (("valor_min", "total_balance__gte"), ("valor_max", "total_balance__lte")):
        if given[name]:
            amount = _money(given[name])
            if amount is None:
                problems.append(f"Filtro {FILTERS[name]} inválido: {given[name]!r}; use 1.234,56.")
            else:
                notices = notices.filter(**{lookup: amount})
    sort = params.get("ordem", "")
    notices = notices.order_by(*SORTS.get(sort, SORTS[""]))
    given["ordem"] = sort if sort in SORTS else ""
    return notices, given, problems


FILTERS = {
    "filial": "filial",
    "faixa": "faixa (primeiro dia)",
    "modelo": "modelo",
    "emissao": "emissão",
    "valor_min": "valor mínimo",
    "valor_max": "valor máximo",
    "canal": "canal",
}


@requires("dunning.review_notices")
def review_list(request: HttpRequest) -> HttpResponse:
    """One page of held letters; no PDF is built here (the viewer asks for the selected one)."""
    notices, given, problems = filtered(request.GET)
    for problem in problems:
        messages.error(request, problem)
    page = Paginator(notices.only(*LISTED), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    selected = None
    pk = request.GET.get("carta")
    if pk and pk.isdigit():
        selected = next((n for n in rows if n.pk == int(pk)), None)
        if selected is None:
            selected = review.held_notices().only(*LISTED).filter(pk=int(pk)).first()
    if selected is None and rows:
        selected = rows[0]
    position = next((i for i, n in enumerate(rows) if selected and n.pk == selected.pk), None)
    query = urlencode({k: v for k, v in given.items() if v})
    return render(
        request,
        "web/review.html",
        {
            "nav": "review",
            "page": page,
            "held": rows,
            "selected": selected,
            "previous": rows[position - 1] if position else None,
            "next": rows[position + 1]
            if position is not None and position + 1 < len(rows)
            else None,
            "given": given,
            "query": query,
            "matching": page.paginator.count,
            # The batch prints of the runs on this page (a few), not of every run held.
            "print_runs": sorted({n.run for n in rows}, key=lambda r: r.pk),
            "runs": DunningRun.objects.filter(
                pk__in=review.held_notices().order_by().values("run_id")
            ).order_by("pk"),
            "branches": Branch.objects.filter(
                pk__in=review.held_notices().order_by().values("branch_id")
            ),
            "batches": ReviewBatch.objects.filter(finished_at__isnull=True)[:5],
        },
    )


@requires("dunning.review_notices")
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    """Approve or discard the letters ticked, or every letter matching the filters."""
    if request.POST.get("escopo") == "todas":
        notices, _, problems = filtered(request.POST)
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return redirect("review")
        ids = list(notices.values_list("pk", flat=True))
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    try:
        batch = bulk_review.start(
            ids, request.POST.get("acao", ""), request.user, request.POST.get("reason", "")
        )
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('review')}?{request.POST.get('query', '')}")
    return redirect("review_batch", pk=batch.pk)


@requires("dunning.review_notices")
def review_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A review batch's progress: the page, or (for htmx) the fragment it polls."""
    batch = get_object_or_404(ReviewBatch, pk=pk)
    template = (
        "web/_review_batch.html" if request.headers.get("HX-Request") else "web/review_batch.html"
    )
    return render(request, template, {"nav": "review", "batch": batch})


@requires("dunning.review_notices")
@xframe_options_sameorigin
def review_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter of a held notice as it would be sent, for the preview beside the list."""
    notice = get_object_or_404(Notice, pk=pk)
    response = HttpResponse(review.letter_of(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="carta-{notice.pk}.pdf"'
    return response


@requires("dunning.review_notices")
def review_batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every held letter of a run in one PDF, for printing and posting."""
    run = get_object_or_404(DunningRun, pk=pk)
    try:
        pdf = review.held_letters_pdf(run)
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect("review")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cartas-emissao-{run.pk}.pdf"'
    return response


def _next_held() -> str:
    remaining = review.held_notices().first()
    url = reverse("review")
    return f"{url}?carta={remaining.pk}" if remaining else url


def _report(request: HttpRequest, result: review.ReviewResult, done: str) -> None:
    for notice_id in result.done:
        messages.success(request, done.format(id=notice_id))
    for notice_id in result.paid:
        messages.success(
            request, f"Carta {notice_id} descartada automaticamente: todos os títulos foram pagos."
        )
    for notice_id, why in result.refused.items():
        messages.error(request, f"Carta {notice_id}: {why}.")


@requires("dunning.review_notices")
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    result = review.approve([notice.pk], request.user)
    dispatch(result.to_send, "queue")
    if result.by_post:
        _report(request, result, "Carta {id} aprovada: está na fila de cartas para imprimir.")
    else:
        _report(request, result, "Carta {id} aprovada: enviando com a carta em PDF.")
    return redirect(_next_held())


@requires("dunning.review_notices")
@require_POST
def review_discard(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        result = review.discard([notice.pk], request.user, request.POST.get("reason", ""))
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('review')}?carta={notice.pk}")
    _report(request, result, "Carta {id} descartada.")
    return redirect(_next_held())
