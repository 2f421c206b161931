"""Errors answer in Portuguese, in the product's layout, without a traceback."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "regua.web.tests.error_urls"


def test_a_missing_page_answers_404_in_portuguese_in_the_layout(production, client):
    response = client.get("/nao-existe/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Página não encontrada" in page
    assert 'class="topbar"' in page and "regua.css" in page
    assert "Not Found" not in page


def test_an_error_answers_500_in_portuguese_without_the_traceback(production):
    client = Client(raise_request_exception=False)
    response = client.get("/falha-de-teste/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Algo deu errado do nosso lado" in page
    assert "regua.css" in page
    assert "falha de teste" not in page and "Traceback" not in page
