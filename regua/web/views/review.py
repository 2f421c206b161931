"""Revisão (R8): held letters — PDF preview, approve or discard with a reason, batch print."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from regua.delivery import dispatch
from regua.dunning.models import DunningRun, Notice
from regua.letters import review
from regua.web.permissions import requires


@requires("dunning.review_notices")
def review_list(request: HttpRequest) -> HttpResponse:
    held = review.list_held()
    runs = sorted({n.run for n in held}, key=lambda r: r.pk)
    selected = None
    pk = request.GET.get("carta")
    if pk and pk.isdigit():
        selected = next((n for n in held if n.pk == int(pk)), None)
    if selected is None and held:
        selected = held[0]
    return render(
        request,
        "web/review.html",
        {"nav": "review", "held": held, "runs": runs, "selected": selected},
    )


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
    dispatch(result.done, "queue")
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
