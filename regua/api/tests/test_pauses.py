"""/api/v1/pauses: set, list and lift "não cobrar até" (R4) from an integration."""

import datetime
import json

import pytest
import time_machine

from regua.api.tests.base import bearer, make_token, make_user
from regua.audit.models import AuditEntry
from regua.receivables.models import Pause
from regua.test import make_branch, make_customer, make_receivable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def secret(db):
    branch = make_branch("1")
    customer = make_customer("C1")
    make_receivable(branch, customer, datetime.date(2026, 11, 10), document="123", installment="2")
    return make_token(make_user("erp", "dunning.run_dunning", "dunning.view_history"))


def post(client, secret, url, body=None):
    return client.post(
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        **bearer(secret),
    )


def test_a_customer_paused_listed_and_lifted(client, secret):
    created = post(
        client,
        secret,
        "/api/v1/pauses",
        {"customer": "C1", "until": "2026-12-31", "reason": "acordo", "note": "3 parcelas"},
    )
    assert created.status_code == 201, created.content
    pause = Pause.objects.get()
    assert created["Location"] == f"/api/v1/pauses/{pause.pk}"
    body = created.json()
    assert {k: body[k] for k in ("customer", "receivable", "until", "reason", "note")} == {
        "customer": "C1",
        "receivable": None,
        "until": "2026-12-31",
        "reason": "agreement",
        "note": "3 parcelas",
    }
    assert (body["created_by"], body["in_force"]) == ("erp", True)

    listed = client.get("/api/v1/pauses", **bearer(secret)).json()
    assert [p["id"] for p in listed["results"]] == [pause.pk]

    lifted = post(client, secret, f"/api/v1/pauses/{pause.pk}/lift")
    assert lifted.status_code == 200
    assert (lifted.json()["lifted_by"], lifted.json()["in_force"]) == ("erp", False)
    assert client.get("/api/v1/pauses", **bearer(secret)).json()["count"] == 0
    assert client.get("/api/v1/pauses?all=1", **bearer(secret)).json()["count"] == 1
    again = post(client, secret, f"/api/v1/pauses/{pause.pk}/lift")
    assert (again.status_code, again.json()["error"]) == (
        409,
        f"A suspensão {pause.pk} já foi retirada.",
    )
    audited = AuditEntry.objects.filter(action__startswith="pause.").order_by("id")
    assert list(audited.values_list("user", "action")) == [
        ("erp", "pause.set"),
        ("erp", "pause.lift"),
    ]


def test_a_titulo_paused_by_its_key(client, secret):
    created = post(client, secret, "/api/v1/pauses", {"receivable": "1/123/2", "reason": "protest"})
    assert created.status_code == 201, created.content
    assert created.json()["receivable"] == {"branch": "1", "document": "123", "installment": "2"}
    assert created.json()["until"] is None


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"reason": "acordo"}, 400, "Informe customer (código do cliente) ou receivable"),
        ({"customer": "C9", "reason": "acordo"}, 404, "Cliente 'C9' não encontrado."),
        ({"receivable": "1/999/1", "reason": "acordo"}, 404, "Título '1/999/1' não encontrado."),
        ({"receivable": "123", "reason": "acordo"}, 400, "Título inválido: '123'"),
        ({"customer": "C1", "reason": "férias"}, 400, "Motivo inválido: 'férias'."),
        (
            {"customer": "C1", "reason": "acordo", "until": "2026-11-01"},
            400,
            "A data de “não cobrar até” (01/11/2026) já passou",
        ),
        (
            {"customer": "C1", "reason": "acordo", "until": "31/12/2026"},
            400,
            "Campo until inválido: '31/12/2026' não é uma data AAAA-MM-DD.",
        ),
        ({"customer": "C1", "reason": "acordo", "cor": "azul"}, 400, "Campo desconhecido: cor"),
    ],
)
def test_bad_input_is_refused_naming_it_and_nothing_is_written(
    client, secret, body, status, message
):
    response = post(client, secret, "/api/v1/pauses", body)
    assert response.status_code == status
    assert response.json()["error"].startswith(message)
    assert not Pause.objects.exists()


def test_lifting_an_unknown_pause_is_a_404(client, secret):
    response = post(client, secret, "/api/v1/pauses/999/lift")
    assert (response.status_code, response.json()["error"]) == (
        404,
        "Suspensão 999 não encontrada.",
    )
