"""Pauses over the API ("não cobrar até", R4): the same service as the pages and `regua pause`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse

from regua.api.decorators import ApiError, requires, route
from regua.api.pagination import paginate
from regua.api.params import SMALL_BODY, flag, parse_date, read_json
from regua.dunning.history import parse_receivable_key
from regua.receivables import pauses
from regua.receivables.models import Customer, Pause, Receivable

RUN_DUNNING = "dunning.run_dunning"
VIEW_HISTORY = "dunning.view_history"
FIELDS = frozenset({"customer", "receivable", "until", "reason", "note"})


@requires(VIEW_HISTORY)
def list_pauses(request: HttpRequest) -> JsonResponse:
    """Pauses in force today, newest first; ``?all=1`` also those lifted or past their date."""
    return JsonResponse(
        paginate(request, pauses.listed(lifted=flag(request, "all")), pauses.pause_json)
    )


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name) or ""
    if not isinstance(value, str):
        raise ApiError(400, f"Campo {name} inválido: use texto.")
    return value


@requires(RUN_DUNNING)
def create_pause(request: HttpRequest) -> JsonResponse:
    """Pause one customer (``customer``: code) or one título (``receivable``: key)."""
    body = read_json(request, SMALL_BODY)
    if not isinstance(body, dict):
        raise ApiError(400, "Envie um objeto JSON com customer ou receivable, reason e until.")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ApiError(
            400, f"Campo desconhecido: {', '.join(unknown)}; use {', '.join(sorted(FIELDS))}."
        )
    customer_code, receivable_key = _text(body, "customer"), _text(body, "receivable")
    if bool(customer_code) == bool(receivable_key):
        raise ApiError(400, "Informe customer (código do cliente) ou receivable, não os dois.")
    until = None if body.get("until") in (None, "") else parse_date(body["until"], "until")
    options: dict[str, Any] = {
        "until": until,
        "reason": _text(body, "reason"),
        "note": _text(body, "note"),
        "user": request.user.get_username(),
    }
    try:
        if customer_code:
            customer = Customer.objects.filter(code=customer_code).first()
            if customer is None:
                raise ApiError(404, f"Cliente {customer_code!r} não encontrado.")
            pause = pauses.pause_customer(customer, **options)
        else:
            try:
                branch, document, installment = parse_receivable_key(receivable_key)
            except ValueError as bad:
                raise ApiError(400, str(bad)) from None
            receivable = Receivable.objects.filter(
                branch__code=branch, document=document, installment=installment
            ).first()
            if receivable is None:
                raise ApiError(404, f"Título {receivable_key!r} não encontrado.")
            pause = pauses.pause_receivable(receivable, **options)
    except ValidationError as refused:
        raise ApiError(400, " ".join(refused.messages)) from None
    response = JsonResponse(pauses.pause_json(pause), status=201)
    response["Location"] = f"/api/v1/pauses/{pause.pk}"
    return response


@requires(RUN_DUNNING)
def lift_pause(request: HttpRequest, pause_id: int) -> JsonResponse:
    pause = Pause.objects.filter(pk=pause_id).first()
    if pause is None:
        raise ApiError(404, f"Suspensão {pause_id} não encontrada.")
    if not pauses.lift(pause, request.user.get_username()):
        raise ApiError(409, f"A suspensão {pause_id} já foi retirada.")
    return JsonResponse(pauses.pause_json(pause))


collection = route(GET=list_pauses, POST=create_pause)
lift = route(POST=lift_pause)
