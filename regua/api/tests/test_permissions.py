"""Every endpoint × a user without its permission (403 naming it) and with it (success)."""

import json

import pytest

from regua.api.tests.base import bearer, make_token, make_user

pytestmark = pytest.mark.django_db

DRY_RUN = {"date": "2026-11-30", "dry_run": True}
TITULO = {
    "branch": "1",
    "document": "NEW",
    "installment": "1",
    "customer": "C1",
    "due_date": "2026-12-10",
    "amount": "10.00",
}
RANGE = {"start": 31, "end": 60, "template": 3, "generation": "email"}
PAYMENT = {"branch": "1", "document": "D1", "installment": "1", "paid_amount": "0.00"}

# (method, url, permission, JSON body, success status); "{notice}" and "{run}" are filled in.
ENDPOINTS = [
    ("get", "/api/v1/runs", "dunning.run_dunning", None, 200),
    ("post", "/api/v1/runs", "dunning.run_dunning", DRY_RUN, 200),
    ("get", "/api/v1/runs/{run}", "dunning.run_dunning", None, 200),
    ("get", "/api/v1/notices", "dunning.view_history", None, 200),
    ("get", "/api/v1/notices/{notice}", "dunning.view_history", None, 200),
    ("get", "/api/v1/history", "dunning.view_history", None, 200),
    ("post", "/api/v1/receivables", "receivables.import_data", [TITULO], 200),
    ("post", "/api/v1/payments", "receivables.import_data", [PAYMENT], 200),
    ("get", "/api/v1/pauses", "dunning.view_history", None, 200),
    ("post", "/api/v1/pauses", "dunning.run_dunning", {"customer": "C1", "reason": "promise"}, 201),
    ("get", "/api/v1/ranges", "dunning.manage_ranges", None, 200),
    ("post", "/api/v1/ranges", "dunning.manage_ranges", RANGE, 201),
]
EVERY_PERMISSION = sorted({endpoint[2] for endpoint in ENDPOINTS})


def call(client, method, url, body, notices, secret):
    url = url.format(notice=notices["sent"].id, run=notices["sent"].run_id)
    if body is None:
        return getattr(client, method)(url, **bearer(secret))
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(secret)
    )


@pytest.mark.parametrize(("method", "url", "perm", "body", "ok"), ENDPOINTS)
def test_a_user_without_the_permission_is_refused_naming_it(
    client, notices, method, url, perm, body, ok
):
    others = [p for p in EVERY_PERMISSION if p != perm]
    secret = make_token(make_user("bia", *others, "audit.manage_users"))

    response = call(client, method, url, body, notices, secret)

    assert response.status_code == 403
    assert response.json()["permission"] == perm
    assert perm in response.json()["error"]
    assert response.json()["error"].startswith("Permissão necessária: Pode ")


@pytest.mark.parametrize(("method", "url", "perm", "body", "ok"), ENDPOINTS)
def test_a_user_with_the_permission_is_served(client, notices, method, url, perm, body, ok):
    secret = make_token(make_user("ana", perm))

    response = call(client, method, url, body, notices, secret)

    assert response.status_code == ok, response.content


def test_a_superuser_holds_every_permission(client, notices):
    secret = make_token(make_user("root", is_superuser=True))

    for method, url, _, body, ok in ENDPOINTS:
        assert call(client, method, url, body, notices, secret).status_code == ok, url
