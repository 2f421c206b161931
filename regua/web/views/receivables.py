"""Títulos: the search box of every page and the título's own page (routine 1203's
"Hist. Cobrança" per duplicata): its data, where it stands today, its notices, its pause."""

import re

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from regua import ptbr
from regua.dunning import lifecycle
from regua.dunning.models import Notice, NoticeItem
from regua.receivables import pauses
from regua.receivables.models import Pause, Receivable
from regua.web.permissions import requires
from regua.web.standing import standings
from regua.web.views.pauses import PauseForm


def channels(notice: Notice) -> list[str]:
    """How the notice went (DOMAIN's channels), in words, with the posting when there was one."""
    words = [str(lifecycle.Channel(c).label) for c in lifecycle.channels_of(notice)]
    if notice.posted_at:
        words[-1] += f" (postada em {ptbr.date(timezone.localdate(notice.posted_at))})"
    return words


_SEPARATOR = re.compile(r"\s*[/\-]\s*")


def search_query(text: str) -> Q | None:
    """What a clerk types for a duplicata: ``123456``, ``123456/2``, ``123456-2`` or the
    full key ``1/123456/2``; every reading that fits is searched."""
    text = text.strip()
    if not text:
        return None
    query = Q(document=text)
    parts = _SEPARATOR.split(text)
    if len(parts) >= 2:
        query |= Q(document="/".join(parts[:-1]), installment=parts[-1])
        query |= Q(document="-".join(parts[:-1]), installment=parts[-1])
    if len(parts) >= 3:
        query |= Q(branch__code=parts[0], document="/".join(parts[1:-1]), installment=parts[-1])
    return query


@requires("dunning.view_history")
def receivable_search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    query = search_query(text)
    found = (
        Receivable.objects.filter(query)
        .select_related("branch", "customer")
        .order_by("document", "installment", "branch__code")
        if query is not None
        else Receivable.objects.none()
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    if page.paginator.count == 1:
        return redirect("receivable", pk=page.object_list[0].pk)
    return render(
        request,
        "web/receivable_search.html",
        {"nav": "customers", "query": text, "page": page},
    )


@requires("dunning.view_history")
def receivable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receivable = get_object_or_404(
        Receivable.objects.select_related("branch", "customer", "collection"), pk=pk
    )
    today = timezone.localdate()
    [standing] = standings([receivable], today, explain=True)
    items = (
        NoticeItem.objects.filter(receivable=receivable)
        .select_related("notice")
        .defer("notice__pdf", "notice__body_text", "notice__body_html")
        .annotate(has_pdf=Q(notice__pdf__isnull=False))
        .order_by("-notice__created_at", "-notice_id")
    )
    rows = [(item, channels(item.notice), item.has_pdf) for item in items]
    pause = pauses.open_pause(receivable=receivable)
    customer_pause = pauses.open_pause(customer=receivable.customer)
    return render(
        request,
        "web/receivable_detail.html",
        {
            "nav": "customers",
            "receivable": receivable,
            "customer": receivable.customer,
            "standing": standing,
            "today": today,
            "rows": rows,
            "pause": pause,
            "pause_in_force": pause is not None and pause.in_force_on(today),
            "customer_pause": customer_pause,
            "customer_pause_in_force": customer_pause is not None
            and customer_pause.in_force_on(today),
            "erp_blocked": receivable.is_blocked_on(today),
            "past_pauses": Pause.objects.filter(receivable=receivable, lifted_at__isnull=False),
            "pause_form": PauseForm(),
            "pause_action": reverse("receivable_pause", args=[receivable.pk]),
        },
    )
