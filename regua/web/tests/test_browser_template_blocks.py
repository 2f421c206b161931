"""A finance person rewrites a template's demand in a real browser: plain text, a placeholder
chip clicked in, the preview filled with the sample amount, saved without touching Jinja."""

import pytest
from playwright.sync_api import expect

from regua.letters.editing import ensure_default_templates
from regua.letters.models import LetterTemplate
from regua.web.tests.browser import log_in, screenshot
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_demand_written_as_text_with_a_chip_shows_in_the_preview_and_is_saved(browser_page):
    ensure_default_templates()
    make_user("sergio", "supervisor")
    page = browser_page
    log_in(page, "sergio", PASSWORD)
    page.goto(page.base_url + "/modelos/2/")
    page.get_by_role("link", name="Editar por blocos de texto").click()
    expect(
        page.get_by_label("Blocos de texto, com marcadores como [valor total vencido]")
    ).to_be_checked()
    expect(page.locator("#advanced")).not_to_have_attribute("open", "")
    demand = page.get_by_label("Pedido de pagamento (depois da tabela)")
    demand.fill("Contamos com o pagamento de ")
    demand.press("End")
    page.locator("button.chip", has_text="[valor total vencido]").click()
    expect(demand).to_have_value("Contamos com o pagamento de [valor total vencido]")
    # Under the block, its placeholder as a chip.
    chips = page.locator("#id_block_demand + .chip-view .chip")
    expect(chips).to_have_text(["[valor total vencido]"])
    expect(chips).not_to_have_class("chip unknown")
    demand.press("End")
    demand.type(" nesta semana.")
    expect(page.locator("#preview pre.message-text")).to_contain_text(
        "Contamos com o pagamento de R$ 1.926,96 nesta semana."
    )
    screenshot(page, "modelo-blocos")

    # An unknown placeholder: marked under the block, refused with its block and line.
    closing = page.get_by_label("Despedida")
    closing.fill("Abraços,\n[assinatura]")
    expect(page.locator("#id_block_closing + .chip-view .chip")).to_have_class("chip unknown")
    expect(page.locator("#preview")).to_contain_text(
        "Despedida, linha 2: marcador desconhecido [assinatura]"
    )
    closing.fill("Atenciosamente,\n[empresa]")
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Modelo 2 salvo.")).to_be_visible()
    template = LetterTemplate.objects.get(number=2)
    assert template.uses_blocks
    assert (
        template.block_demand == "Contamos com o pagamento de [valor total vencido] nesta semana."
    )
