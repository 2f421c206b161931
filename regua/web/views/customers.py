"""Clientes: search, the statement (extrato) and its "Hist. Cobrança" (routine 1203)."""

from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from regua.dunning.models import Notice, NoticeItem
from regua.receivables import pauses
from regua.receivables.models import Customer, Pause, Receivable
from regua.web import no_email
from regua.web.permissions import requires
from regua.web.standing import standings
from regua.web.views.pauses import PauseForm


@requires("dunning.view_history")
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    customers = Customer.objects.all()
    if query:
        customers = customers.filter(
            Q(code__iexact=query)
            | Q(name__icontains=query)
            | Q(document__icontains=query)
            | Q(email__icontains=query)
            | Q(billing_email__icontains=query)
        )
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    return render(request, "web/customers.html", {"nav": "customers", "query": query, "page": page})


def _open_receivables(customer: Customer) -> dict[str, Any]:
    """The open títulos with where each stands today (days overdue, updated amount) and totals."""
    receivables = list(
        Receivable.objects.open()
        .filter(customer=customer)
        .select_related("branch", "collection")
        .order_by("due_date", "branch__code", "document", "installment")
    )
    rows = standings(receivables, timezone.localdate())
    return {
        "rows": rows,
        "receivables": receivables,
        "total": sum((r.balance for r in receivables), Decimal("0.00")),
        "updated_total": sum((s.updated_amount for s in rows), Decimal("0.00")),
    }


def _pause_context(customer: Customer) -> dict[str, Any]:
    today = timezone.localdate()
    pause = pauses.open_pause(customer=customer)
    return {
        "pause": pause,
        "pause_in_force": pause is not None and pause.in_force_on(today),
        "erp_blocked": customer.is_blocked_on(today),
        "pause_form": PauseForm(),
        "pause_action": reverse("customer_pause", args=[customer.pk]),
        "paused_receivables": Pause.objects.in_force(today)
        .filter(receivable__customer=customer)
        .select_related("receivable__branch"),
    }


def _history(customer: Customer) -> list[Notice]:
    items = NoticeItem.objects.select_related("receivable").order_by("due_date", "id")
    return list(
        Notice.objects.filter(customer=customer)
        .select_related("branch", "run")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-created_at", "-id")
    )


def _page(request: HttpRequest, customer: Customer, tab: str) -> HttpResponse:
    context: dict[str, Any] = {"nav": "customers", "customer": customer, "tab": tab}
    if tab == "open":
        context.update(_open_receivables(customer))
    else:
        context["notices"] = _history(customer)
    context.update(_pause_context(customer))
    return render(request, "web/customer_detail.html", context)


@requires("dunning.view_history")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(Customer, pk=pk), "open")


@requires("dunning.view_history")
def customer_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    """One tab of the statement: an htmx fragment when the tab is clicked, the whole
    page when its URL is opened (each tab has its own address)."""
    customer = get_object_or_404(Customer, pk=pk)
    if tab not in ("open", "history"):
        raise Http404("aba desconhecida")
    if not request.headers.get("HX-Request"):
        return _page(request, customer, tab)
    if tab == "open":
        context = {"customer": customer, **_open_receivables(customer)}
        return render(request, "web/_customer_open.html", context)
    return render(
        request,
        "web/_customer_history.html",
        {"customer": customer, "notices": _history(customer)},
    )


@requires("dunning.view_history")
def without_email(request: HttpRequest) -> HttpResponse:
    """Clientes sem e-mail válido: one line per customer skipped with no_email (30 days)."""
    rows = no_email.work_list()
    return render(
        request,
        "web/customers_without_email.html",
        {"nav": "customers", "rows": rows, "days": no_email.DAYS},
    )
