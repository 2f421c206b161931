"""E-mails capturados: the messages capture mode kept instead of sending (demo, development)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from regua.delivery.capture import read_captured
from regua.delivery.models import CapturedEmail, EmailSettings
from regua.web.permissions import requires


@requires("dunning.view_history")
def captured_list(request: HttpRequest) -> HttpResponse:
    emails = (
        CapturedEmail.objects.select_related("notice__customer")
        # The list needs none of the bodies, and the raw message may carry a PDF.
        .defer("raw", "body_text", "body_html")
        .order_by("-created_at", "-id")
    )
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/captured_emails.html",
        {"nav": "captured", "page": page, "captures": EmailSettings.load().captures},
    )


@requires("dunning.view_history")
def captured_detail(request: HttpRequest, pk: int) -> HttpResponse:
    captured = get_object_or_404(
        CapturedEmail.objects.select_related("notice__customer"),
        pk=pk,
    )
    return render(
        request,
        "web/captured_email_detail.html",
        {"nav": "captured", "captured": captured, "content": read_captured(captured)},
    )
