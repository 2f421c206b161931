import pytest

from regua.api.tests.base import bearer, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth():
    return bearer(make_token(make_user("ana", "dunning.view_history")))


def test_it_walks_the_pages_in_order(client, auth, notices):
    pages = [
        client.get("/api/v1/notices", {"page": n, "page_size": 2}, **auth).json() for n in (1, 2, 3)
    ]

    assert [(p["count"], p["page"], p["page_size"], p["pages"]) for p in pages] == [
        (3, 1, 2, 2),
        (3, 2, 2, 2),
        (3, 3, 2, 2),
    ]
    seen = [n["id"] for p in pages for n in p["results"]]
    assert seen == [notices["skipped"].id, notices["held"].id, notices["sent"].id]
    assert pages[2]["results"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "Parâmetro page inválido"),
        ({"page": "dois"}, "Parâmetro page inválido"),
        ({"page_size": "501"}, "o máximo é 500"),
        ({"page_size": "-1"}, "Parâmetro page_size inválido"),
    ],
)
def test_bad_paging_is_a_bad_request(client, auth, db, params, message):
    response = client.get("/api/v1/notices", params, **auth)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_largest_page_is_accepted(client, auth, notices):
    response = client.get("/api/v1/notices", {"page_size": 500}, **auth)

    assert response.status_code == 200
    assert response.json()["page_size"] == 500
    assert len(response.json()["results"]) == 3
