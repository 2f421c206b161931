"""The product's pages plus one that fails, to see the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from regua.urls import urlpatterns as product


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("falha de teste")


urlpatterns = [path("falha-de-teste/", fail), *product]
