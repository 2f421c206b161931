"""One notice as it was sent (R10): the detail behind a row of "Hist. Cobrança"."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from regua.dunning.models import Notice
from regua.web.permissions import requires


@requires("dunning.view_history")
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        Notice.objects.select_related("branch", "customer", "run", "delay_range", "template"),
        pk=pk,
    )
    items = notice.items.select_related("receivable__branch").order_by("due_date", "id")
    return render(
        request,
        "web/notice_detail.html",
        {"nav": "customers", "notice": notice, "items": items, "has_pdf": bool(notice.pdf)},
    )


@requires("dunning.view_history")
@xframe_options_sameorigin
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    if not notice.pdf:
        raise Http404("Esta carta não tem PDF.")
    response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="carta-{notice.pk}.pdf"'
    return response
