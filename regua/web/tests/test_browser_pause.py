"""A clerk's day in a real browser: find a título from the search box, read its history,
pause the customer after a payment agreement, and lift the pause (R4, R10)."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from regua.dunning.runs import execute_run
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TODAY = datetime.date(2026, 11, 30)


def next_run_skips() -> dict[str, str]:
    """What the next run (a dry run at TODAY) leaves out, by customer."""
    result = execute_run(TODAY, user="teste", dry_run=True)
    return {skip["customer"]: skip["reason"] for skip in result.as_json()["skipped"]}


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=True)
def test_a_pause_set_on_the_screen_skips_the_customer_until_it_is_lifted(browser_page):
    first, second = make_range(1, 15, name="Aviso"), make_range(16, 30, 2, name="Carta")
    branch = make_branch("1")
    customer = make_customer(
        "2001", name="MERCADO BOA VISTA LTDA", billing_email="financeiro@boavista.com.br"
    )
    receivable = make_receivable(
        branch, customer, datetime.date(2026, 11, 3), "1234.56", document="654321"
    )
    make_notice(
        first,
        [receivable],
        status="sent",
        reference_date=datetime.date(2026, 11, 10),
        recipients=["financeiro@boavista.com.br"],
        smtp_response="250 2.0.0 Ok: queued as 77AB",
    )
    make_notice(
        second,
        [receivable],
        status="failed",
        reference_date=datetime.date(2026, 11, 25),
        recipients=["financeiro@boavista.com.br"],
        smtp_response="550 5.1.1 user unknown",
    )
    make_user("olga", "operator")
    assert next_run_skips() == {}

    page = browser_page
    log_in(page, "olga", PASSWORD)
    page.get_by_label("Buscar título pela duplicata").fill("654321/1")
    page.get_by_role("button", name="Buscar").first.click()
    page.wait_for_url(f"{page.base_url}/titulos/{receivable.pk}/")
    expect(page.locator("#days-overdue")).to_have_text("27 dias de atraso")
    history = page.locator("#receivable-history tbody tr")
    expect(history).to_have_count(2)  # its whole history, newest first
    expect(history.nth(0)).to_contain_text("550 5.1.1 user unknown")
    expect(history.nth(1)).to_contain_text("250 2.0.0 Ok: queued as 77AB")
    screenshot(page, "titulo-historico")

    page.get_by_role("link", name="2001 – MERCADO BOA VISTA LTDA").click()
    page.get_by_label("Não cobrar até").fill("2026-12-20")
    page.get_by_label("Motivo").select_option(label="Acordo de pagamento")
    page.get_by_label("Observação").fill("entrada + 2 parcelas")
    page.get_by_role("button", name="Suspender").click()
    expect(page.get_by_role("status")).to_contain_text("Cobrança suspensa até 20/12/2026.")
    expect(page.locator(".pause-current")).to_contain_text("Definida por olga")
    screenshot(page, "cliente-suspenso")
    assert next_run_skips() == {"2001": "customer_blocked"}

    page.get_by_role("button", name="Retirar a suspensão").click()
    expect(page.get_by_role("status")).to_contain_text("Suspensão retirada")
    assert next_run_skips() == {}

    page.get_by_role("tab", name="Hist. Cobrança").click()
    expect(page).to_have_url(f"{page.base_url}/clientes/{customer.pk}/history/")
    expect(page.locator("#tab-panel tbody tr")).to_have_count(2)


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=True)
def test_emitir_leaves_out_an_unticked_customer_and_the_confirmation_counts_what_goes(
    browser_page,
):
    make_range(1, 30)
    make_range(31, 60, 2, "email_and_letter")
    branch = make_branch("1")
    for code, name, due in (
        ("2001", "MERCADO BOA VISTA LTDA", datetime.date(2026, 11, 20)),
        ("2004", "EMPORIO CENTRAL", datetime.date(2026, 11, 18)),
        ("2005", "CASA DAS CARTAS", datetime.date(2026, 10, 20)),
    ):
        make_receivable(branch, make_customer(code, name=name), due, document=code)
    make_user("olga", "operator")
    page = browser_page
    log_in(page, "olga", PASSWORD)
    page.get_by_role("link", name="Emitir").click()
    page.get_by_label("Data de referência").fill("2026-11-30")
    page.get_by_role("button", name="Pré-visualizar").click()
    summary = page.locator("#emit-summary")
    expect(summary).to_have_text(
        "2 e-mails vão agora, 1 carta vai para a revisão, 0 clientes sem e-mail válido."
    )

    page.get_by_label("Incluir EMPORIO CENTRAL nesta emissão").uncheck()
    expect(summary).to_have_text(
        "1 e-mail vai agora, 1 carta vai para a revisão, 0 clientes sem e-mail válido; "
        "1 cliente deixado de fora."
    )
    screenshot(page, "emitir-previa-marcacao")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="Emitir", exact=True).click()
    page.wait_for_url(f"{page.base_url}/emitir/*/")
    assert asked == [
        "Emitir agora? 1 e-mail vai agora, 1 carta vai para a revisão, "
        "0 clientes sem e-mail válido; 1 cliente deixado de fora."
    ]
    from regua.dunning.models import Notice

    assert sorted(Notice.objects.values_list("customer__code", flat=True)) == ["2001", "2005"]
