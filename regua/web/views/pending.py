"""Pendências: failed and uncertain notices, resent or discarded by a person (audited)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from regua.delivery import outbox
from regua.dunning import lifecycle
from regua.dunning.models import Notice
from regua.web.permissions import requires


@requires("dunning.review_notices")
def pending_list(request: HttpRequest) -> HttpResponse:
    notices = (
        Notice.objects.filter(status__in=lifecycle.RESENDABLE)
        .select_related("customer", "branch")
        .order_by("status", "-created_at")
    )
    return render(request, "web/pending.html", {"nav": "pending", "notices": notices})


@requires("dunning.review_notices")
@require_POST
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        outbox.resend(notice, request.user)  # type: ignore[arg-type]
    except outbox.NoticeStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Carta {notice.pk} posta para reenvio.")
    return redirect("pending")


@requires("dunning.review_notices")
@require_POST
def notice_discard(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        outbox.discard(notice, request.user, request.POST.get("reason", ""))  # type: ignore[arg-type]
    except outbox.NoticeStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Carta {notice.pk} descartada.")
    return redirect("pending")
