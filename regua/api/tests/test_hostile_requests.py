"""Requests built to break the API get a 4xx with a message in Portuguese, never a 500."""

import datetime
import json
import zoneinfo

import pytest
import time_machine

from regua.api.tests.base import bearer, make_token, make_user
from regua.dunning.models import DunningRun, Notice
from regua.receivables.models import Receivable
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo"))


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def overdue(db):
    branch = make_branch("1")
    make_range(16, 30, 2)
    customer = make_customer("C1", email="financeiro@c1.com.br")
    make_receivable(branch, customer, datetime.date(2026, 11, 10), "100.00", document="D1")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_page_far_past_the_last_is_an_empty_page(client, notices):
    auth = bearer(make_token(make_user("ana", "dunning.view_history")))

    response = client.get("/api/v1/notices", {"page": "999999999999999999999"}, **auth)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["results"]) == (3, 999999999999999999999, [])


@pytest.mark.parametrize(
    ("date", "shown"), [("9999-12-31", "31/12/9999"), ("0001-01-01", "01/01/0001")]
)
def test_a_run_date_outside_the_accepted_years_is_a_bad_request(client, overdue, date, shown):
    auth = bearer(make_token(make_user("ana", "dunning.run_dunning")))

    response = client.post(
        "/api/v1/runs", data=json.dumps({"date": date}), content_type="application/json", **auth
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": f"Campo date inválido: a data {shown} está fora do intervalo aceito "
        "(01/01/1900 a 31/12/2199)."
    }
    assert (DunningRun.objects.count(), Notice.objects.count()) == (0, 0)


def test_a_run_body_nested_past_the_parsers_depth_is_a_bad_request(client, overdue):
    auth = bearer(make_token(make_user("ana", "dunning.run_dunning")))

    response = client.post(
        "/api/v1/runs", data=nested(30_000), content_type="application/json", **auth
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "JSON inválido: listas ou objetos aninhados em níveis demais."
    }
    assert DunningRun.objects.count() == 0


def test_rows_nested_100000_deep_are_a_bad_request(client, db):
    auth = bearer(make_token(make_user("ana", "receivables.import_data")))

    response = client.post(
        "/api/v1/receivables", data=nested(100_000), content_type="application/json", **auth
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "JSON inválido: listas ou objetos aninhados em níveis demais."
    }
    assert not Receivable.objects.exists()


def test_a_run_id_too_long_for_the_database_is_a_bad_request(client, notices):
    auth = bearer(make_token(make_user("ana", "dunning.view_history")))

    response = client.get("/api/v1/notices", {"run": "999999999999999999999"}, **auth)

    assert response.status_code == 400
    assert response.json() == {
        "error": "Parâmetro run inválido: '999999999999999999999' não é o id de uma emissão."
    }


@pytest.mark.parametrize("url", ["/api/v1/history", "/api/v1/notices"])
def test_a_nul_byte_in_a_query_parameter_is_a_bad_request(client, notices, url):
    auth = bearer(make_token(make_user("ana", "dunning.view_history")))

    response = client.get(url, {"customer": "C1\x00"}, **auth)

    assert response.status_code == 400
    assert response.json() == {"error": "Parâmetro customer inválido: contém um caractere nulo."}
