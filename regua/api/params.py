"""Reading a request's JSON body and query parameters, with Portuguese errors (400/413)."""

import datetime
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from regua.api.decorators import ApiError
from regua.dunning.dates import out_of_range

# A run's options fit in a few kilobytes; rows to import get more room, and
# files bigger than that go as a CSV/XLSX upload.
SMALL_BODY = 64 * 1024
ROWS_BODY = 10 * 1024 * 1024
UPLOAD_BODY = 200 * 1024 * 1024


def _too_big(limit: int) -> ApiError:
    return ApiError(413, f"Corpo da requisição grande demais: o limite é {limit // 1024} KB.")


def check_size(request: HttpRequest, limit: int) -> None:
    """Refuse, before reading anything, a body that announces more than ``limit`` bytes."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "Cabeçalho Content-Length inválido.") from None
    if length > limit:
        raise _too_big(limit)


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes (also when no length is announced)."""
    check_size(request, limit)
    body = request.read(limit + 1)
    if len(body) > limit:
        raise _too_big(limit)
    return body


def read_json(request: HttpRequest, limit: int) -> Any:
    """The body parsed as JSON (numbers with a fraction as Decimal, never float); empty is ``None``."""
    body = read_body(request, limit)
    if not body.strip():
        return None
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise ApiError(400, "O corpo da requisição não está em UTF-8.") from None
    except RecursionError:
        raise ApiError(
            400, "JSON inválido: listas ou objetos aninhados em níveis demais."
        ) from None
    except json.JSONDecodeError as failure:
        raise ApiError(
            400,
            f"JSON inválido na linha {failure.lineno}, coluna {failure.colno}: {failure.msg}.",
        ) from None


def positive_int(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(400, f"Parâmetro {name} inválido: {raw!r} não é um número inteiro positivo.")
    if maximum is not None and value > maximum:
        raise ApiError(400, f"Parâmetro {name} inválido: o máximo é {maximum}.")
    return value


def parse_date(value: object, name: str) -> datetime.date:
    """A date written YYYY-MM-DD within the years Régua accepts, else a 400 naming the field."""
    if isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            problem = out_of_range(day)
            if problem:
                raise ApiError(400, f"Campo {name} inválido: {problem}.")
            return day
    raise ApiError(400, f"Campo {name} inválido: {value!r} não é uma data AAAA-MM-DD.")


def flag(request: HttpRequest, name: str) -> bool:
    raw = (request.GET.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "nao", "não", "n"):
        return False
    if raw in ("1", "true", "yes", "sim", "s"):
        return True
    raise ApiError(400, f"Parâmetro {name} inválido: {raw!r}; use 1 ou 0.")
