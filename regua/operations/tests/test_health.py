"""Is the installation getting its work done? /healthz, the Painel and `regua status`."""

import datetime
import io
import json

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from regua.delivery import heartbeat
from regua.delivery.models import Schedule
from regua.delivery.tests.builders import make_notices

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)  # 09:00 in São Paulo
LATER = NOW + datetime.timedelta(minutes=4)


@pytest.fixture
def signed_in(client, db):
    user = User.objects.create_superuser("ana", "ana@exemplo.com.br", "senha-de-teste-123")
    client.force_login(user)
    return client


def status_json() -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command("status", "--json", stdout=out, stderr=io.StringIO())
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, json.loads(out.getvalue())


@pytest.mark.django_db
def test_healthz_answers_without_login_and_shows_no_data(client):
    make_notices(2)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_with_workers_fails_only_when_work_waits_and_no_worker_is_alive(client):
    with time_machine.travel(NOW, tick=False):
        assert client.get("/healthz?workers=1").status_code == 200  # nothing waits
        make_notices(1)
        answer = client.get("/healthz?workers=1")
        assert answer.status_code == 503
        assert answer.json()["motivo"] == "há trabalho esperando e nenhum worker ativo"
        assert client.get("/healthz").status_code == 200  # the web node itself is fine
        heartbeat.beat("worker:maquina-b:10")
        assert client.get("/healthz?workers=1").status_code == 200
    with time_machine.travel(LATER, tick=False):
        assert client.get("/healthz?workers=1").status_code == 503


@pytest.mark.django_db
def test_an_active_schedule_with_no_worker_counts_as_work_waiting(client):
    with time_machine.travel(NOW, tick=False):
        Schedule.objects.create(name="Manhã", time_of_day=datetime.time(8, 0))
        assert client.get("/healthz?workers=1").status_code == 503


@pytest.mark.django_db
def test_the_painel_shows_a_red_banner_when_notices_wait_and_no_worker_was_seen(signed_in):
    with time_machine.travel(NOW, tick=False):
        make_notices(3)
        make_notices(1, status="sent", sent_at=NOW - datetime.timedelta(minutes=30))
        heartbeat.beat("worker:maquina-a:1", delivered=5)
    with time_machine.travel(LATER, tick=False):
        page = signed_in.get("/").content.decode()
    assert 'role="alert" id="ops-banner"' in page
    assert "Nenhum worker ativo desde 01/12/2026 09:00, mas há 3 cartas esperando envio" in page
    assert "0 workers ativos" in page
    assert "08:30" in page[page.index('id="ops-last-delivery"') :][:300]


@pytest.mark.django_db
def test_the_painel_shows_the_workers_alive_and_no_banner_while_one_runs(signed_in):
    with time_machine.travel(NOW, tick=False):
        make_notices(1)
        heartbeat.beat("worker:maquina-a:1")
        page = signed_in.get("/").content.decode()
    assert "ops-banner" not in page
    assert "1 worker ativo" in page


@pytest.mark.django_db
def test_failures_count_the_retries_with_the_next_attempt(signed_in):
    with time_machine.travel(NOW, tick=False):
        make_notices(2, status="retry", next_attempt_at=NOW + datetime.timedelta(minutes=8))
        make_notices(1, status="failed")
        page = signed_in.get("/").content.decode()
    card = page[page.index('id="failures"') :][:900]
    assert '<div class="big">3</div>' in card
    assert "1 com falha, 0 incertas, 2 aguardando nova tentativa" in card
    assert "próxima tentativa em 01/12/2026 09:08" in card


@pytest.mark.django_db
def test_status_reports_workers_and_waiting_work_and_fails_when_nothing_runs():
    with time_machine.travel(NOW, tick=False):
        make_notices(2)
        code, report = status_json()
        assert code == 1
        assert report["database"] == "ok"
        assert report["notices_waiting"] == 2
        assert report["workers_alive"] == 0
        assert report["unattended"] is True
        heartbeat.beat("worker:maquina-a:1")
        code, report = status_json()
        assert code == 0
        assert report["workers_alive"] == 1
        assert report["worker_last_seen"] == NOW.isoformat()


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_where_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/entrar/").status_code == 301
