import datetime
import json
import zoneinfo

import pytest
import time_machine

from regua.api.tests.base import bearer, make_token, make_user
from regua.audit.models import AuditEntry
from regua.dunning.models import DunningRun, Notice, NoticeItem
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo"))
DUE = datetime.date(2026, 11, 10)  # 20 days overdue on 30/11/2026


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def overdue(db):
    """Two customers in range 16..30 (one without e-mail) and a título in no range."""
    branch = make_branch("1")
    make_range(16, 30, 2)
    c1 = make_customer("C1", email="financeiro@c1.com.br")
    c2 = make_customer("C2", email="")
    make_receivable(branch, c1, DUE, "100.00", document="D1")
    make_receivable(branch, c2, DUE, "50.00", document="D2")
    make_receivable(branch, c1, datetime.date(2026, 11, 25), "70.00", document="D3")


@pytest.fixture
def auth():
    return bearer(make_token(make_user("ana", "dunning.run_dunning")))


def post(client, auth, body):
    return client.post(
        "/api/v1/runs",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **auth,
    )


def counts():
    return (
        DunningRun.objects.count(),
        Notice.objects.count(),
        NoticeItem.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_dry_run_shows_what_would_happen_and_changes_nothing(client, auth, overdue):
    before = counts()

    response = post(client, auth, {"date": "2026-11-30", "dry_run": True})

    assert response.status_code == 200
    body = response.json()
    assert body["run"] is None and body["dry_run"] is True and body["date"] == "2026-11-30"
    assert sorted((n["customer"], n["status"], n["reason"], n["id"]) for n in body["notices"]) == [
        ("C1", "pending", None, None),
        ("C2", "skipped", "no_email", None),
    ]
    assert counts() == before


def test_a_run_records_its_notices_and_answers_like_regua_run_json(client, auth, overdue):
    response = post(client, auth, {"date": "2026-11-30"})

    assert response.status_code == 201
    body = response.json()
    run = DunningRun.objects.get()
    assert response["Location"] == f"/api/v1/runs/{run.id}"
    assert body["run"] == run.id and body["dry_run"] is False
    assert run.user == "ana"
    c1 = next(n for n in body["notices"] if n["customer"] == "C1")
    assert c1["id"] == Notice.objects.get(customer__code="C1").id
    assert c1["recipients"] == ["financeiro@c1.com.br"]
    assert c1["receivables"] == [
        {
            "branch": "1",
            "document": "D1",
            "installment": "1",
            "days_overdue": 20,
            "range": {"start": 16, "end": 30},
            "balance": "100.00",
        }
    ]
    assert body["skipped"] == []


def test_a_second_run_sends_nothing_again(client, auth, overdue):
    post(client, auth, {"date": "2026-11-30"})

    body = post(client, auth, {"date": "2026-11-30"}).json()

    # C2 had no e-mail: its título is still a candidate (R7); C1's was sent for this range.
    assert [(n["customer"], n["status"]) for n in body["notices"]] == [("C2", "skipped")]
    assert [(s["document"], s["reason"]) for s in body["skipped"]] == [("D1", "already_sent")]


def test_filters_reach_the_selection(client, auth, overdue):
    body = post(client, auth, {"date": "2026-11-30", "customer": ["C1"], "dry_run": True}).json()

    assert [n["customer"] for n in body["notices"]] == ["C1"]


def test_without_a_date_the_run_is_for_today(client, auth, overdue):
    body = post(client, auth, {"dry_run": True}).json()

    assert body["date"] == "2026-11-30"


def test_the_dry_run_is_the_object_regua_run_json_prints(regua_cli, client):
    make_branch("1")
    make_range(16, 30, 2)
    make_receivable(make_branch("2"), make_customer("C1"), DUE, "100.00", document="D1")
    make_receivable(make_branch("3"), make_customer("C2", email=""), DUE, "10.00", document="D2")
    auth = bearer(make_token(make_user("ana", "dunning.run_dunning")))

    cli = regua_cli("run", "--date", "2026-11-30", "--dry-run", "--json", "--user", "ana")
    api = post(client, auth, {"date": "2026-11-30", "dry_run": True})

    assert cli.returncode == 0, cli.stderr
    assert api.json() == json.loads(cli.stdout)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{", "JSON inválido na linha 1"),
        ("[]", "objeto JSON"),
        ({"date": "30/11/2026"}, "Campo date inválido"),
        ({"due_from": "ontem"}, "Campo due_from inválido"),
        ({"group": "branch"}, "Campo group inválido"),
        ({"dry_run": "sim"}, "Campo dry_run inválido"),
        ({"customer": [1, 2]}, "Campo customer inválido"),
        ({"clientes": ["C1"]}, "Opção desconhecida: clientes"),
    ],
)
def test_bad_options_are_a_bad_request_and_change_nothing(client, auth, overdue, body, message):
    before = counts()

    response = post(client, auth, body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert counts() == before


def test_a_filter_the_engine_refuses_is_a_bad_request(client, auth, overdue):
    response = post(client, auth, {"date": "2026-11-30", "branch": "99", "dry_run": True})

    assert response.status_code == 400
    assert "99" in response.json()["error"]


def test_a_body_too_large_is_refused(client, auth, overdue):
    response = post(client, auth, json.dumps({"customer": ["C1"] * 20000}))

    assert response.status_code == 413
    assert "limite" in response.json()["error"]
