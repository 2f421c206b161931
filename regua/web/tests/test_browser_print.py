"""A letter for a customer without e-mail, in a real browser: the run makes a letter-only
notice (R7), Revisão approves it for print, Impressão batches it in the background with its
progress, the batch PDF is downloaded, and marking it posted makes the notice sent by the
letter channel (R8, DOMAIN's channels)."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from regua.dunning import lifecycle
from regua.dunning.models import Notice
from regua.dunning.runs import execute_run
from regua.test import make_branch, make_customer, make_range, make_receivable
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=True)
def test_a_letter_only_notice_goes_from_the_run_to_a_posted_batch(browser_page, worker, tmp_path):
    make_range(31, 60, template=2, generation="email_and_letter", name="Carta")
    branch = make_branch("1")
    customer = make_customer(
        "3001",
        name="PADARIA SEM EMAIL LTDA",
        email="",
        address="Rua das Flores, 10",
        district="Centro",
        city="Campinas",
        state="SP",
        zip_code="13010-000",
    )
    make_receivable(branch, customer, datetime.date(2026, 10, 20), "987.65", document="445566")
    result = execute_run(datetime.date(2026, 11, 30), user="ana")
    [planned] = result.notices
    assert (planned.status, planned.channels) == ("held", lifecycle.LETTER)
    make_user("sergio", "supervisor")

    page = browser_page
    log_in(page, "sergio", PASSWORD)
    page.get_by_role("link", name="Revisão").click()
    page.get_by_label("Canal").select_option("carta")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("#review-count")).to_contain_text("1 carta aguardando revisão")
    page.get_by_role("button", name="Aprovar para impressão").click()
    # Approval renders the letter as approved (R8): on a loaded machine, seconds.
    expect(page.get_by_role("status").first).to_contain_text(
        "fila de cartas para imprimir", timeout=60_000
    )

    page.get_by_role("link", name="Impressão").click()
    expect(page.locator("#fila h2")).to_have_text("1 carta esperando impressão")
    expect(page.locator("#fila")).to_contain_text("Rua das Flores, 10")
    screenshot(page, "impressao-fila")
    page.get_by_role("button", name="Criar lote com 1 carta").click()
    # Built by the worker in the background; the page follows its progress.
    expect(page.get_by_role("button", name="Imprimir o lote (PDF)")).to_be_visible(timeout=120_000)
    expect(page.locator("#lote-impressao")).to_contain_text("1 carta no lote.")
    with page.expect_download() as download:
        page.get_by_role("button", name="Imprimir o lote (PDF)").click()
    saved = tmp_path / "lote.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.reload()
    expect(page.get_by_role("button", name="Reimprimir o lote (PDF)")).to_be_visible()
    page.get_by_role("button", name="Marcar como postadas").click()
    expect(page.get_by_role("status").first).to_contain_text("1 carta enviada", timeout=30_000)
    screenshot(page, "impressao-lote-postado")

    notice = Notice.objects.get()
    assert notice.status == "sent"
    assert lifecycle.channels_of(notice) == ["letter"]
    assert notice.posted_by == "sergio" and notice.print_batch is not None

    page.get_by_role("button", name="Devolvida pelos Correios").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "marcada como devolvida", timeout=30_000
    )
    customer.refresh_from_db()
    assert customer.postal_address_invalid
