"""Screens whose engine has not landed yet answer with a plain page, permission checked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from regua.web.permissions import View, requires


def waiting(perm: str, title: str, nav: str) -> View:
    @requires(perm)
    def view(request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(request, "web/waiting.html", {"title": title, "nav": nav})

    return view
