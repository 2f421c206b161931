"""What every API view shares: bearer tokens, permissions, JSON errors in Portuguese."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from regua.access.permissions import permission_label
from regua.api.tokens import TokenRefused, authenticate

Handler = Callable[..., HttpResponse]


class ApiError(Exception):
    """Raised by a handler to answer with ``{"error": message, **extra}`` and ``status``."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def requires(perm: str) -> Callable[[Handler], Handler]:
    """Mark a handler as needing ``perm`` ("app_label.codename"), checked by ``route``."""

    def decorator(handler: Handler) -> Handler:
        handler.required_permission = perm  # type: ignore[attr-defined]
        return handler

    return decorator


def route(**handlers: Handler) -> Handler:
    """One URL's view: authenticate the token, pick the handler by method, check its permission.

    The API knows no sessions and no cookies: a request counts only with
    ``Authorization: Bearer <token>``, which is also why CSRF does not apply
    here (a browser never adds that header by itself to a cross-site request).
    Every handler must carry ``@requires``.
    """
    for method, handler in handlers.items():
        if not getattr(handler, "required_permission", None):
            raise TypeError(f"{handler.__name__} ({method}) has no @requires permission")
    allowed = ", ".join(sorted(handlers))

    @csrf_exempt
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            token = authenticate(request.headers.get("Authorization"))
        except TokenRefused as refused:
            response = error(401, str(refused))
            response["WWW-Authenticate"] = 'Bearer realm="regua"'
            return response
        # The token's user, never the session's: the API takes no cookie login.
        request.user = token.user
        request.api_token = token  # type: ignore[attr-defined]
        handler = handlers.get(request.method or "")
        if handler is None:
            response = error(405, f"Método {request.method} não permitido aqui; use {allowed}.")
            response["Allow"] = allowed
            return response
        for name, value in request.GET.items():
            if "\0" in value:
                # PostgreSQL refuses a NUL in any text it compares: a 400 here, not a 500 there.
                return error(400, f"Parâmetro {name} inválido: contém um caractere nulo.")
        perm: str = handler.required_permission  # type: ignore[attr-defined]
        if not token.user.has_perm(perm):
            return error(
                403,
                f"Permissão necessária: {permission_label(perm)} ({perm}).",
                permission=perm,
            )
        try:
            return handler(request, *args, **kwargs)
        except ApiError as failure:
            return error(failure.status, failure.message, **failure.extra)

    view.methods = sorted(handlers)  # type: ignore[attr-defined]
    view.handlers = handlers  # type: ignore[attr-defined]
    return view
