"""/api/v1/ranges: the delay ranges (R3) and their A/B split of models (issue 16)."""

import json

import pytest

from regua.api.tests.base import bearer, make_token, make_user
from regua.audit.models import AuditEntry
from regua.dunning.models import DelayRange

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(db):
    return make_token(make_user("erp", "dunning.manage_ranges"))


def post(client, secret, body):
    return client.post(
        "/api/v1/ranges", data=json.dumps(body), content_type="application/json", **bearer(secret)
    )


def test_a_range_with_an_ab_split_is_created_and_listed_back(client, secret):
    response = post(
        client,
        secret,
        {"start": 1, "end": 15, "template": 1, "generation": "email", "template_b": 2, "share": 40},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    saved = DelayRange.objects.get()
    assert created == {
        "id": saved.pk,
        "name": "",
        "start": 1,
        "end": 15,
        "template": 1,
        "generation": "email",
        "min_balance": "0.00",
        "boleto": False,
        "active": True,
        "template_b": 2,
        "share": 40,
    }
    assert AuditEntry.objects.get(action="range.add").user == "erp"
    post(client, secret, {"start": 16, "end": 30, "template": 3, "generation": "email"})

    listed = client.get("/api/v1/ranges", **bearer(secret)).json()

    assert listed["count"] == 2
    assert listed["results"][0] == created
    assert (listed["results"][1]["template_b"], listed["results"][1]["share"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"template_b": 2}, "um não vale sem o outro"),
        ({"template_b": 2, "share": 100}, "de 1 a 99"),
        ({"template_b": 2, "share": "20"}, "Campo share inválido: use um número inteiro."),
        ({"template_b": 1, "share": 50}, "O modelo B deve ser diferente do modelo da faixa."),
        ({"colour": "azul"}, "Campo desconhecido: colour"),
    ],
)
def test_a_bad_range_is_refused_with_a_message_and_nothing_saved(client, secret, body, message):
    base = {"start": 1, "end": 15, "template": 1, "generation": "email"}
    response = post(client, secret, {**base, **body})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not DelayRange.objects.exists()


def test_a_missing_field_is_named(client, secret):
    response = post(client, secret, {"start": 1, "template": 1})
    assert response.status_code == 400
    assert response.json()["error"] == "Campo obrigatório ausente: end, generation."
