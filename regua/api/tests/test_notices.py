import pytest

from regua.api.tests.base import bearer, make_token, make_user
from regua.dunning.history import notice_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth():
    return bearer(make_token(make_user("ana", "dunning.view_history")))


def test_it_lists_notices_newest_first_in_the_history_shape(client, auth, notices):
    response = client.get("/api/v1/notices", **auth)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [n["id"] for n in body["results"]] == [
        notices["skipped"].id,
        notices["held"].id,
        notices["sent"].id,
    ]
    assert body["results"][2] == notice_json(notices["sent"], history=True)
    assert body["results"][2]["receivables"][1] == {
        "branch": "1",
        "document": "D2",
        "installment": "2",
        "days_overdue": 20,
        "range": {"start": 1, "end": 15},
        "balance": "250.00",
    }


def test_it_filters_notices_by_status_and_customer(client, auth, notices):
    held = client.get("/api/v1/notices", {"status": "held"}, **auth).json()
    c2 = client.get("/api/v1/notices", {"customer": "C2"}, **auth).json()
    both = client.get("/api/v1/notices", {"customer": "C1", "status": "sent"}, **auth).json()

    assert [n["id"] for n in held["results"]] == [notices["held"].id]
    assert [(n["id"], n["reason"]) for n in c2["results"]] == [(notices["skipped"].id, "no_email")]
    assert [n["id"] for n in both["results"]] == [notices["sent"].id]


def test_it_filters_notices_by_run(client, auth, notices):
    run_id = notices["held"].run_id

    body = client.get("/api/v1/notices", {"run": run_id}, **auth).json()

    assert [n["id"] for n in body["results"]] == [notices["held"].id]


def test_an_unknown_status_is_a_bad_request_naming_the_valid_ones(client, auth, notices):
    response = client.get("/api/v1/notices", {"status": "enviada"}, **auth)

    assert response.status_code == 400
    assert "status inválido: 'enviada'" in response.json()["error"]
    assert "sent" in response.json()["error"]


def test_it_shows_one_notice(client, auth, notices):
    notice = notices["held"]

    response = client.get(f"/api/v1/notices/{notice.id}", **auth)

    assert response.status_code == 200
    assert response.json() == notice_json(notice, history=True)
    assert response.json()["status"] == "held"
    assert response.json()["generation"] == "email_and_letter"


def test_an_unknown_notice_is_not_found(client, auth, db):
    response = client.get("/api/v1/notices/999", **auth)

    assert response.status_code == 404
    assert response.json() == {"error": "Carta 999 não encontrada."}
