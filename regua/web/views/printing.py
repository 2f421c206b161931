"""Cartas para imprimir (R7, R8): the print queue, numbered batches, posted and returned letters.

Building a batch's PDF runs in the background (``regua.letters.printing``); its
page polls the progress. Printing is a POST (it counts the printing, and a
second one must say it is a reprint), as are posting and returns.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from regua import ptbr
from regua.dunning.models import Notice
from regua.letters import printing
from regua.letters.models import PrintBatch
from regua.web.permissions import requires

PAGE_SIZE = 100
RECENT_BATCHES = 20


@requires(printing.PERMISSION)
def print_queue(request: HttpRequest) -> HttpResponse:
    """The letters waiting for a batch, a page at a time, and the recent batches."""
    waiting = printing.queue()
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("pagina"))
    batches = PrintBatch.objects.all()[:RECENT_BATCHES]
    return render(
        request,
        "web/print_queue.html",
        {"nav": "print", "page": page, "waiting": page.paginator.count, "batches": batches},
    )


@requires(printing.PERMISSION)
@require_POST
def print_batch_create(request: HttpRequest) -> HttpResponse:
    try:
        batch = printing.create_batch(request.user)
    except printing.PrintError as error:
        messages.error(request, str(error))
        return redirect("print_queue")
    return redirect("print_batch", number=batch.number)


@requires(printing.PERMISSION)
def print_batch(request: HttpRequest, number: int) -> HttpResponse:
    """A batch: its progress while it is built (the fragment htmx polls), then its letters."""
    batch = get_object_or_404(PrintBatch, number=number)
    if request.headers.get("HX-Request"):
        return render(request, "web/_print_batch_progress.html", {"batch": batch})
    notices = printing.batch_notices(batch).select_related("customer")
    return render(
        request, "web/print_batch.html", {"nav": "print", "batch": batch, "notices": notices}
    )


def _batch(number: int) -> PrintBatch:
    return get_object_or_404(PrintBatch, number=number)


@requires(printing.PERMISSION)
@require_POST
def print_batch_pdf(request: HttpRequest, number: int) -> HttpResponse:
    batch = _batch(number)
    try:
        pdf = printing.batch_pdf(batch, request.user, reprint=request.POST.get("reimprimir") == "1")
    except printing.PrintError as error:
        messages.error(request, str(error))
        return redirect("print_batch", number=number)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lote-{batch.number}.pdf"'
    return response


@requires(printing.PERMISSION)
@require_POST
def print_batch_posted(request: HttpRequest, number: int) -> HttpResponse:
    batch = _batch(number)
    try:
        sent = printing.mark_posted(batch, request.user)
    except printing.PrintError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Lote {batch.number} marcado como postado: "
            f"{ptbr.count(sent, 'carta enviada', 'cartas enviadas')}.",
        )
    return redirect("print_batch", number=number)


@requires(printing.PERMISSION)
@require_POST
def notice_returned(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        printing.mark_returned(notice.pk, request.user)
    except printing.PrintError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Carta {notice.pk} marcada como devolvida: o endereço do cliente fica inválido "
            "até ser corrigido.",
        )
    if notice.print_batch is not None:
        return redirect("print_batch", number=notice.print_batch.number)
    return redirect("notice", pk=notice.pk)
