"""Server-side permission checks for every page (R11): pages, posts, downloads, fragments."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from regua.access.permissions import permission_label

View = Callable[..., HttpResponseBase]


def forbidden(request: HttpRequest, perm: str) -> HttpResponse:
    return render(
        request,
        "web/forbidden.html",
        {"permission": perm, "permission_label": permission_label(perm)},
        status=403,
    )


def requires(perm: str | None) -> Callable[[View], View]:
    """Let the view run only for a signed-in, active user holding ``perm``.

    Anonymous users are sent to the login page; a signed-in user without the
    permission gets a 403 page naming it. ``None`` asks only for a login.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if any("\0" in value for value in request.GET.values()):
                # A NUL byte in a search would reach PostgreSQL, which refuses
                # it: the 400 page ("Pedido inválido"), not a 500.
                raise BadRequest("caractere nulo num parâmetro da URL")
            user = request.user
            if not user.is_authenticated or not user.is_active:
                return redirect_to_login(request.get_full_path())
            if perm is not None and not user.has_perm(perm):
                return forbidden(request, perm)
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator


def acting_name(request: HttpRequest) -> str:
    """The name recorded in history and audit for what this request does."""
    return request.user.get_username()
