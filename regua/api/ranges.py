"""Faixas de atraso over the API: the same service as the pages and `regua ranges` (R3),
with the A/B split of models (issue 16)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse

from regua.api.decorators import ApiError, requires, route
from regua.api.pagination import paginate
from regua.api.params import SMALL_BODY, read_json
from regua.dunning import ranges
from regua.dunning.models import DelayRange, GenerationType

MANAGE_RANGES = "dunning.manage_ranges"
REQUIRED = ("start", "end", "template", "generation")
FIELDS = frozenset({*REQUIRED, "name", "min_balance", "boleto", "template_b", "share", "active"})


@requires(MANAGE_RANGES)
def list_ranges(request: HttpRequest) -> JsonResponse:
    """Every range, as `regua ranges list --json` lists them."""
    rows = DelayRange.objects.select_related("template", "template_b").order_by("start_day", "pk")
    return JsonResponse(paginate(request, rows, ranges.range_json))


def _integer(body: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    value = body.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"Campo {name} inválido: use um número inteiro.")
    return value


def _boolean(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ApiError(400, f"Campo {name} inválido: use true ou false.")
    return value


def _text(body: dict[str, Any], name: str, default: str) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise ApiError(400, f"Campo {name} inválido: use texto.")
    return value


@requires(MANAGE_RANGES)
def create_range(request: HttpRequest) -> JsonResponse:
    """A new range; ``template_b`` and ``share`` (1 to 99) make it an A/B split."""
    body = read_json(request, SMALL_BODY)
    if not isinstance(body, dict):
        raise ApiError(400, "Envie um objeto JSON com start, end, template e generation.")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ApiError(
            400, f"Campo desconhecido: {', '.join(unknown)}; use {', '.join(sorted(FIELDS))}."
        )
    missing = [name for name in REQUIRED if body.get(name) is None]
    if missing:
        raise ApiError(400, f"Campo obrigatório ausente: {', '.join(missing)}.")
    generation = _text(body, "generation", GenerationType.EMAIL)
    start, end, template = (_integer(body, n) for n in ("start", "end", "template"))
    assert start is not None and end is not None and template is not None
    min_balance = body.get("min_balance", "0.00")
    if not isinstance(min_balance, str):
        raise ApiError(400, 'Campo min_balance inválido: use texto, como "50.00".')
    try:
        saved = ranges.save_range(
            user=request.user.get_username(),
            start_day=start,
            end_day=end,
            template=template,
            generation=generation,
            name=_text(body, "name", ""),
            min_balance=min_balance,
            send_boleto=_boolean(body, "boleto", False),
            active=_boolean(body, "active", True),
            template_b=_integer(body, "template_b", optional=True),
            share=_integer(body, "share", optional=True),
        )
    except ValidationError as refused:
        raise ApiError(400, " ".join(refused.messages)) from None
    return JsonResponse(ranges.range_json(saved), status=201)


collection = route(GET=list_ranges, POST=create_range)
