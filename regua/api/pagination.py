"""``?page=`` and ``?page_size=`` for every API list."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from regua.api.params import positive_int

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    shape: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of ``rows`` as ``{"count", "page", "page_size", "pages", "results"}``.

    A page past the last is an empty list, so a client may loop until it gets one.
    """
    page = positive_int(request, "page", 1)
    size = positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (page - 1) * size
    # Past the last page nothing is asked of the database: an OFFSET beyond a
    # 64-bit integer (?page=999999999999999999999) would make it fail.
    page_rows = rows[start : start + size] if start < count else []
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "pages": (count + size - 1) // size,
        "results": [shape(row) for row in page_rows],
    }
