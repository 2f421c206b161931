"""Clientes: search, the statement (extrato) and its "Hist. Cobrança" (routine 1203)."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from regua.dunning.models import Notice, NoticeItem
from regua.receivables.models import Customer, Receivable
from regua.web.permissions import requires


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


def _open_receivables(customer: Customer) -> list[Receivable]:
    return list(
        Receivable.objects.open()
        .filter(customer=customer)
        .select_related("branch", "collection")
        .order_by("due_date", "branch__code", "document", "installment")
    )


def _history(customer: Customer) -> list[Notice]:
    items = NoticeItem.objects.select_related("receivable").order_by("due_date", "id")
    return list(
        Notice.objects.filter(customer=customer)
        .select_related("branch", "run")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-created_at", "-id")
    )


@requires("dunning.view_history")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    receivables = _open_receivables(customer)
    return render(
        request,
        "web/customer_detail.html",
        {
            "nav": "customers",
            "customer": customer,
            "tab": "open",
            "receivables": receivables,
            "total": sum(r.balance for r in receivables),
        },
    )


@requires("dunning.view_history")
def customer_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    """One tab of the statement, as an htmx fragment."""
    customer = get_object_or_404(Customer, pk=pk)
    if tab == "open":
        receivables = _open_receivables(customer)
        context = {
            "customer": customer,
            "receivables": receivables,
            "total": sum(r.balance for r in receivables),
        }
        return render(request, "web/_customer_open.html", context)
    if tab == "history":
        return render(
            request,
            "web/_customer_history.html",
            {"customer": customer, "notices": _history(customer)},
        )
    raise Http404("aba desconhecida")
