"""A request that cannot get SQLite's write lock in time answers 503, not a 500 or a hang."""

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

BUSY_MESSAGE = "Outra operação está gravando, tente de novo."
RETRY_AFTER_SECONDS = 5


def is_write_lock_timeout(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


class DatabaseBusyMiddleware:
    """Turns SQLite's "database is locked" (after the busy timeout) into 503 with a clear message.

    The view's transaction was rolled back by then: nothing was half-written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_write_lock_timeout(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
        else:
            response = HttpResponse(
                f'<!doctype html><html lang="pt-BR"><title>Régua</title>'
                f"<p>{BUSY_MESSAGE}</p></html>",
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
