import pytest

from regua.api.tests.base import bearer, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth():
    return bearer(make_token(make_user("ana", "dunning.view_history")))


def ids(response):
    assert response.status_code == 200, response.content
    return [n["id"] for n in response.json()["results"]]


def test_it_shows_a_customers_history_newest_first(client, auth, notices):
    response = client.get("/api/v1/history", {"customer": "C1"}, **auth)

    assert ids(response) == [notices["held"].id, notices["sent"].id]
    first = response.json()["results"][1]
    assert first["user"] == "ana"
    assert first["created_at"] is not None
    assert first["recipients"] == ["contatoC1@cliente.com.br"]


def test_it_shows_the_history_of_one_titulo(client, auth, notices):
    d1 = client.get("/api/v1/history", {"receivable": "1/D1/1"}, **auth)
    d2 = client.get("/api/v1/history", {"receivable": "1/D2/2"}, **auth)

    assert ids(d1) == [notices["sent"].id]
    assert ids(d2) == [notices["held"].id, notices["sent"].id]


def test_a_titulo_with_no_history_has_an_empty_list(client, auth, notices):
    response = client.get("/api/v1/history", {"receivable": "1/D2/1"}, **auth)

    assert ids(response) == []
    assert response.json()["count"] == 0


def test_a_malformed_titulo_is_a_bad_request(client, auth, notices):
    response = client.get("/api/v1/history", {"receivable": "D1"}, **auth)

    assert response.status_code == 400
    assert response.json()["error"].startswith(
        "Parâmetro receivable inválido. Título inválido: 'D1'"
    )
