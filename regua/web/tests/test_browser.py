"""The newcomer's path and the permissions, in a real browser."""

import datetime
import time

import pytest
import time_machine
from playwright.sync_api import expect

from regua.dunning.models import Notice
from regua.letters.models import LetterTemplate
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sent(notice_pk: int, within: float = 60) -> bool:
    """Whether the worker sent the notice (looked at until ``within`` seconds have passed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if Notice.objects.filter(pk=notice_pk, status="sent").exists():
            return True
        time.sleep(0.2)
    return False


def test_an_operator_is_refused_the_email_settings_page(browser_page):
    make_user("olga", "operator")
    page = browser_page
    log_in(page, "olga", PASSWORD)
    expect(page.get_by_role("link", name="E-mail", exact=True)).to_have_count(0)  # not even offered
    response = page.goto(page.base_url + "/email/")
    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text(
        "Você não tem a permissão: Pode configurar e-mail para envio"
    )
    screenshot(page, "acesso-negado")


def newcomer_data():
    """What an import would have brought: one branch, a customer who owes, one who has no e-mail."""
    import datetime

    from regua.test import make_branch, make_collection, make_customer, make_receivable

    branch = make_branch("1")
    boleto = make_collection("BK", description="BANCO - BOLETO")
    good = make_customer(
        "2001", name="MERCADO BOA VISTA LTDA", billing_email="financeiro@boavista.com.br"
    )
    make_customer("2002", name="PADARIA SEM EMAIL", email="")
    late = make_customer(
        "2003", name="ATACADO CENTRAL EIRELI", email="contas@atacadocentral.com.br"
    )
    for days, amount, document in [
        (45, "1890.40", "201"),
        (75, "640.00", "202"),
        (120, "2300.00", "203"),
    ]:
        make_receivable(
            branch,
            late,
            datetime.date(2026, 11, 30) - datetime.timedelta(days=days),
            amount,
            document=document,
            collection=boleto,
        )
    make_receivable(
        branch, good, datetime.date(2026, 12, 20), "410.00", document="113", collection=boleto
    )
    make_receivable(
        branch, good, datetime.date(2026, 11, 20), "350.00", document="111", collection=boleto
    )
    make_receivable(
        branch, good, datetime.date(2026, 11, 25), "120.00", document="112", collection=boleto
    )
    return good


def configure_email(page, port):
    page.get_by_role("link", name="E-mail", exact=True).click()
    page.get_by_label("Servidor SMTP").fill("127.0.0.1")
    page.get_by_label("Porta").fill(str(port))
    page.get_by_label("Segurança").select_option("none")
    page.get_by_label("Nome do remetente").fill("Cobrança Exemplo")
    page.get_by_label("E-mail do remetente").fill("cobranca@exemplo.com.br")
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_role("status").first).to_contain_text("Configuração de e-mail salva.")


def add_range(page, start, end, name, generation="email"):
    page.get_by_role("link", name="Faixas de atraso").click()
    page.get_by_role("link", name="Nova faixa").click()
    page.get_by_label("Nome").fill(name)
    page.get_by_label("Início (dias)").fill(str(start))
    page.get_by_label("Fim (dias)").fill(str(end))
    page.get_by_label("Modelo:", exact=True).select_option(index=0)
    page.get_by_label("Tipo de geração").select_option(generation)
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{name}”")


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=True)
def test_a_newcomer_configures_ranges_emits_and_finds_the_notice_in_the_history(
    browser_page, smtp_server, worker
):
    make_user("ana", "administrator")
    newcomer_data()
    page = browser_page
    log_in(page, "ana", PASSWORD)
    screenshot(page, "painel")

    configure_email(page, smtp_server.port)
    page.get_by_label("Enviar mensagem de teste para").fill("ana@exemplo.com.br")
    page.get_by_role("button", name="Enviar e-mail de teste").click()
    expect(page.locator("#resultado-teste")).to_have_class("message success")
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ana@exemplo.com.br"]]
    screenshot(page, "configurar-email")

    add_range(page, -5, -1, "Lembrete")
    add_range(page, 1, 30, "Primeiro aviso")
    add_range(page, 31, 60, "Carta registrada", generation="email_and_letter")
    expect(page.locator("svg rect.range")).to_have_count(3)
    screenshot(page, "faixas")

    page.get_by_role("link", name="Emitir").click()
    page.get_by_label("Data de referência").fill("2026-11-30")
    page.get_by_role("button", name="Pré-visualizar").click()
    preview = page.locator("section[aria-labelledby=previa]")
    expect(preview).to_contain_text("MERCADO BOA VISTA LTDA")
    expect(preview).to_contain_text("financeiro@boavista.com.br")
    expect(preview).to_contain_text("R$ 470,00")
    screenshot(page, "emitir-previa")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Emitir", exact=True).click()
    expect(page.locator("#progresso h2")).to_have_text("Envio concluído", timeout=30_000)
    expect(page.locator("#progresso")).to_contain_text("Enviada: 1")
    screenshot(page, "emitir-progresso")
    sent = smtp_server.messages[-1]
    assert sent.rcpt_tos == ["financeiro@boavista.com.br"]
    assert "111" in sent.message.get_body(("plain",)).get_content()

    page.get_by_role("link", name="Clientes").click()
    page.get_by_label("Buscar cliente").fill("boa vista")
    page.locator("#conteudo").get_by_role("button", name="Buscar").click()
    page.get_by_role("link", name="MERCADO BOA VISTA LTDA").click()
    page.get_by_role("tab", name="Hist. Cobrança").click()
    history = page.locator("#tab-panel")
    expect(history).to_contain_text("111/1")
    expect(history).to_contain_text("ana")
    expect(history).to_contain_text("30/11/2026")
    screenshot(page, "cliente-historico")
    history.get_by_role("link").first.click()
    expect(page.locator("dl.details")).to_contain_text("ana")
    expect(page.frame_locator("iframe.message-frame").locator("body")).to_contain_text(
        "MERCADO BOA VISTA LTDA"
    )
    screenshot(page, "carta-detalhe")


def test_a_supervisor_approves_a_held_letter_and_it_is_sent_with_its_pdf(
    browser_page, smtp_server, worker
):
    from regua.delivery.configuration import configure_email
    from regua.web.tests.test_review import held_letter

    configure_email(
        "ana",
        host="127.0.0.1",
        port=smtp_server.port,
        security="none",
        from_email="cobranca@exemplo.com.br",
    )
    notice = held_letter()
    make_user("sergio", "supervisor")
    page = browser_page
    log_in(page, "sergio", PASSWORD)
    page.get_by_role("link", name="Revisão").click()
    expect(page.locator("object.pdf")).to_have_attribute("type", "application/pdf")
    expect(
        page.get_by_role("heading", name=f"Carta {notice.pk} para LOJA DA CARTA LTDA")
    ).to_be_visible()
    screenshot(page, "revisao")
    # The decision sits above the letter: reached without scrolling past the PDF viewer.
    approve = page.get_by_role("button", name="Aprovar e enviar")
    expect(approve).to_be_in_viewport()
    with page.expect_request(lambda r: r.method == "POST" and "/aprovar/" in r.url):
        approve.click()
    # Approval renders the letter as approved (R8): on a loaded machine, seconds.
    expect(page.get_by_role("status").first).to_contain_text(
        f"Carta {notice.pk} aprovada", timeout=60_000
    )
    assert sent(notice.pk)
    message = smtp_server.messages[-1].message
    assert smtp_server.messages[-1].rcpt_tos == ["contas@lojadacarta.com.br"]
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    page.goto(page.base_url + f"/cartas/{notice.pk}/")
    expect(page.locator("dl.details")).to_contain_text("sergio")
    expect(page.locator("dl.details")).to_contain_text("Enviada")

    page.get_by_role("link", name="Modelos").click()
    page.get_by_role("link", name=LetterTemplate.objects.get(number=1).name).click()
    expect(page.locator("#preview")).to_contain_text("Assunto", timeout=20_000)
    page.get_by_label("Assunto").fill("Aviso de {{ customer.name")
    expect(page.locator("#preview")).to_contain_text("Assunto, linha 1", timeout=20_000)
    screenshot(page, "modelos")

    page.get_by_role("link", name="Importar").click()
    page.get_by_label("O que o arquivo contém").select_option("customers")
    page.get_by_label("Arquivo CSV ou XLSX").set_input_files(
        {
            "name": "clientes.csv",
            "mimeType": "text/csv",
            "buffer": b"CODCLI;CLIENTE;EMAILCOB\n3001;LOJA NOVA LTDA;fin@lojanova.com.br\n;SEM CODIGO;\n",
        }
    )
    page.get_by_role("button", name="Conferir arquivo").click()
    expect(page.get_by_role("alert").first).to_contain_text("nada foi gravado")
    screenshot(page, "importar-conferencia")
