"""In a real browser, against `regua serve`: a failed notice resent from Pendências is
delivered with nobody starting anything; a worker that stops answering brings the Painel's
red banner and /healthz?workers=1 answers 503."""

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect, sync_playwright

from regua.delivery.models import Schedule
from regua.delivery.tests.builders import make_notices, use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.delivery.tests.test_worker_crash import child_env, wait_until
from regua.dunning.models import Notice
from regua.operations.tests.test_serve import Serve, status_of
from regua.web.tests.browser import ARGS, CHROMIUM, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "senha-de-teste-123"
STALE_SECONDS = 3


def test_resend_is_delivered_under_serve_and_a_stopped_worker_shows_the_banner(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium não encontrado em {CHROMIUM}: apt-get install chromium")
    smtp = SmtpServer().start()
    use_server(smtp)
    User.objects.create_superuser("ana", "ana@exemplo.com.br", PASSWORD)
    [notice] = make_notices(1, status="failed", reason="smtp_5xx", attempts=1)
    serve = Serve(
        "--no-migrate", env={**child_env(), "REGUA_WORKER_STALE_SECONDS": str(STALE_SECONDS)}
    )
    worker_pid = None
    try:
        assert wait_until(lambda: status_of(f"{serve.base}/healthz") == 200, 120), serve.log()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(locale="pt-BR")
            page.set_default_timeout(20_000)
            page.goto(serve.base + "/entrar/")
            page.get_by_label("Usuário").fill("ana")
            page.get_by_label("Senha").fill(PASSWORD)
            page.get_by_role("button", name="Entrar").click()
            page.wait_for_url(serve.base + "/")

            page.goto(serve.base + "/pendencias/")
            page.get_by_role("button", name="Reenviar").click()
            expect(page.get_by_text(f"Carta {notice.pk} posta para reenvio.")).to_be_visible()
            # Nobody starts a worker: the one of `regua serve` delivers it.
            assert wait_until(
                lambda: Notice.objects.filter(pk=notice.pk, status="sent").exists(), 60
            ), serve.log()
            assert len(smtp.received) == 1
            page.goto(serve.base + "/")
            expect(page.locator("#ops-banner")).to_have_count(0)
            expect(page.locator("#ops-workers")).to_contain_text("1 worker ativo")
            expect(page.locator("#ops-last-delivery")).not_to_contain_text("—")

            # The worker hangs (stopped, not dead: the supervisor sees nothing) while work waits.
            Schedule.objects.create(name="Manhã", time_of_day=datetime.time(8, 0))
            worker_pid = serve.events("started", "worker")[-1]["child_pid"]
            os.kill(worker_pid, signal.SIGSTOP)
            assert wait_until(lambda: status_of(f"{serve.base}/healthz?workers=1") == 503, 60), (
                serve.log()
            )
            assert status_of(f"{serve.base}/healthz") == 200
            page.goto(serve.base + "/")
            banner = page.locator("#ops-banner")
            expect(banner).to_be_visible()
            expect(banner).to_contain_text("Nenhum worker ativo desde")
            expect(banner).to_contain_text("1 agendamento ativo")
            screenshot(page, "painel-sem-worker")
            browser.close()
    finally:
        if worker_pid is not None:
            os.kill(worker_pid, signal.SIGCONT)
        serve.stop()
        smtp.stop()
