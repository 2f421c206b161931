import datetime
import hashlib

import pytest
import time_machine
from django.test import Client

from regua.api.models import ApiToken
from regua.api.tests.base import bearer, make_token, make_user
from regua.api.tokens import revoke_token

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices"


@pytest.fixture
def reader():
    return make_user("ana", "dunning.view_history")


def test_it_refuses_a_request_without_a_token(client):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json() == {
        "error": "Autenticação necessária: envie o cabeçalho Authorization: Bearer <token>."
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_wrong_token(client, reader):
    secret = make_token(reader)

    response = client.get(URL, **bearer(secret[:-1] + ("A" if secret[-1] != "A" else "B")))

    assert response.status_code == 401
    assert response.json() == {"error": "Token de API inválido."}


def test_it_refuses_a_made_up_token(client):
    response = client.get(URL, **bearer("qualquer-coisa"))

    assert response.status_code == 401
    assert response.json()["error"] == "Token de API inválido."


def test_it_refuses_another_authorization_scheme(client, reader):
    secret = make_token(reader)

    response = client.get(URL, HTTP_AUTHORIZATION=f"Basic {secret}")

    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]


def test_it_refuses_a_revoked_token(client, reader):
    secret = make_token(reader)
    assert client.get(URL, **bearer(secret)).status_code == 200

    revoke_token(ApiToken.objects.get(user=reader), by="admin")
    response = client.get(URL, **bearer(secret))

    assert response.status_code == 401
    assert response.json() == {"error": "Token de API revogado."}


def test_it_refuses_the_token_of_an_inactive_user(client, reader):
    secret = make_token(reader)
    reader.is_active = False
    reader.save()

    response = client.get(URL, **bearer(secret))

    assert response.status_code == 401
    assert response.json() == {"error": "O usuário deste token de API está inativo."}


def test_a_signed_in_browser_session_is_not_a_token(client, reader):
    client.force_login(reader)

    response = client.get(URL)

    assert response.status_code == 401


def test_it_stores_only_the_hash_and_a_short_prefix(reader):
    secret = make_token(reader)

    token = ApiToken.objects.get(user=reader)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < 16 < len(secret)
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert not any(secret in value for value in stored)


def test_it_records_when_a_token_was_last_used(client, reader):
    secret = make_token(reader)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)):
        client.get(URL, **bearer(secret))

    token = ApiToken.objects.get(user=reader)
    assert token.last_used_at == datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def test_a_post_with_a_token_needs_no_csrf_cookie(reader):
    secret = make_token(reader)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(URL, data="{}", content_type="application/json", **bearer(secret))

    # Past CSRF and authentication: the notices list just takes no POST.
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "POST" in response.json()["error"]
