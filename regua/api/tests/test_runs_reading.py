import pytest

from regua.api.tests.base import bearer, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth():
    return bearer(make_token(make_user("ana", "dunning.run_dunning")))


def test_it_lists_runs_newest_first_with_their_counts(client, auth, notices):
    response = client.get("/api/v1/runs", **auth)

    assert response.status_code == 200
    runs = response.json()["results"]
    assert [r["id"] for r in runs] == [
        notices["skipped"].run_id,
        notices["held"].run_id,
        notices["sent"].run_id,
    ]
    assert runs[1]["date"] == "2026-11-28"
    assert runs[1]["user"] == "ana"
    assert set(runs[1]) >= {"candidates", "notices", "sent", "held", "skipped", "failed"}


def test_it_shows_one_run(client, auth, notices):
    run = notices["held"].run

    response = client.get(f"/api/v1/runs/{run.id}", **auth)

    assert response.status_code == 200
    assert response.json()["id"] == run.id
    assert response.json()["group"] == "customer"


def test_an_unknown_run_is_not_found(client, auth, db):
    response = client.get("/api/v1/runs/424242", **auth)

    assert response.status_code == 404
    assert response.json() == {"error": "Emissão 424242 não encontrada."}
