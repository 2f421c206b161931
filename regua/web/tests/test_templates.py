import pytest
from django.urls import reverse

from regua.letters.models import TEMPLATE_PARTS, LetterTemplate


def fields_of(number, **changes):
    template = LetterTemplate.objects.get(number=number)
    data = {part: getattr(template, part) for part in TEMPLATE_PARTS}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_edit_page_documents_the_variables(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("template_edit", args=[1])).content.decode()
    assert "customer.name" in page and "item.updated_amount" in page and "money" in page


@pytest.mark.django_db
def test_the_live_preview_renders_the_sample_data_escaped_in_a_sandboxed_frame(client, supervisor):
    client.force_login(supervisor)
    fragment = client.post(reverse("template_preview", args=[1]), fields_of(1)).content.decode()
    assert "<html" not in fragment
    assert "Problemas no modelo" not in fragment
    assert '<iframe class="message-frame" sandbox' in fragment


@pytest.mark.django_db
def test_an_error_is_shown_with_its_part_and_line_and_nothing_is_saved(client, supervisor):
    client.force_login(supervisor)
    before = LetterTemplate.objects.get(number=1).body_text
    broken = before + "\n{{ customer.name "
    page = client.post(
        reverse("template_edit", args=[1]), fields_of(1, body_text=broken)
    ).content.decode()
    assert "O modelo não foi salvo" in page
    assert "E-mail (texto), linha" in page
    assert LetterTemplate.objects.get(number=1).body_text == before


@pytest.mark.django_db
def test_a_valid_change_is_saved(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("template_edit", args=[2]), fields_of(2, name="Segundo aviso (novo)")
    )
    assert response.status_code == 302
    assert LetterTemplate.objects.get(number=2).name == "Segundo aviso (novo)"


@pytest.mark.django_db
def test_the_letter_preview_is_a_pdf(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("template_preview_pdf", args=[3]), fields_of(3))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_template_demanding_the_total_with_titulos_not_yet_due_is_saved_with_a_warning(
    client, supervisor
):
    client.force_login(supervisor)
    body = LetterTemplate.objects.get(number=2).body_text.replace(
        "{{ overdue_totals.updated_amount|money }} até",
        "{{ totals.updated_amount|money }} até",
    )
    response = client.post(
        reverse("template_edit", args=[2]), fields_of(2, body_text=body), follow=True
    )
    page = response.content.decode()
    assert LetterTemplate.objects.get(number=2).body_text == body
    assert "E-mail (texto): o texto mostra o total de todos os títulos" in page
    assert "overdue_totals" in page


def blocks_of(number, **changes):
    from regua.letters.blocks import SUGGESTED_BLOCKS

    data = fields_of(number, mode="blocos", **SUGGESTED_BLOCKS[number])
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_edit_page_offers_the_text_blocks_with_placeholder_chips_and_hides_the_jinja(
    client, supervisor
):
    client.force_login(supervisor)
    page = client.get(reverse("template_edit", args=[1]) + "?modo=blocos").content.decode()
    assert 'name="block_demand"' in page
    assert 'data-placeholder="[valor total vencido]"' in page
    assert '<input type="radio" name="mode" value="blocos" id="id_mode_0" checked>' in page
    assert '<details class="panel advanced" id="advanced">' in page  # closed
    assert "Avançado: o modelo completo em Jinja" in page


@pytest.mark.django_db
def test_a_template_of_its_own_jinja_shows_it_and_a_way_to_the_blocks(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("template_edit", args=[1])).content.decode()
    assert 'name="block_demand"' not in page
    assert '<a href="?modo=blocos">Editar por blocos de texto</a>' in page
    assert '<details class="panel advanced" id="advanced" open>' in page


@pytest.mark.django_db
def test_a_block_edited_on_the_page_shows_in_the_preview_with_its_placeholder_filled(
    client, supervisor
):
    client.force_login(supervisor)
    data = blocks_of(2, block_demand="Pedimos o pagamento de [valor total vencido] <já>.")
    fragment = client.post(reverse("template_preview", args=[2]), data).content.decode()
    assert "Problemas no modelo" not in fragment
    assert "Pedimos o pagamento de R$ 1.926,96 &lt;já&gt;." in fragment


@pytest.mark.django_db
def test_a_template_saved_from_blocks_is_built_from_them(client, supervisor):
    client.force_login(supervisor)
    data = blocks_of(2, block_closing="Um abraço,\n[empresa]")
    response = client.post(reverse("template_edit", args=[2]), data)
    assert response.status_code == 302
    template = LetterTemplate.objects.get(number=2)
    assert template.uses_blocks and template.block_closing == "Um abraço,\n[empresa]"
    assert "Um abraço,\n{{ (branch.trade_name or branch.legal_name) }}" in template.body_text
    page = client.get(reverse("template_edit", args=[2])).content.decode()
    assert '<input type="radio" name="mode" value="blocos" id="id_mode_0" checked>' in page


@pytest.mark.django_db
def test_an_unknown_placeholder_is_refused_on_the_page_with_its_block_and_line(client, supervisor):
    client.force_login(supervisor)
    before = LetterTemplate.objects.get(number=1).body_text
    data = blocks_of(1, block_opening="Olá.\nVocê deve [valor devido].")
    page = client.post(reverse("template_edit", args=[1]), data).content.decode()
    assert "O modelo não foi salvo" in page
    assert "Abertura (antes da tabela dos vencidos), linha 2: marcador desconhecido" in page
    assert LetterTemplate.objects.get(number=1).body_text == before


@pytest.mark.django_db
def test_a_jinja_syntax_error_is_told_in_portuguese_with_its_line(client, supervisor):
    client.force_login(supervisor)
    broken = "Olá\n{% if customer.is_company %}Prezados"
    page = client.post(
        reverse("template_edit", args=[1]), fields_of(1, body_text=broken)
    ).content.decode()
    assert "E-mail (texto), linha 2: erro de sintaxe: o modelo terminou sem fechar o {% if %}" in (
        page.replace("&#x27;", "'")
    )


@pytest.mark.django_db
def test_saving_the_jinja_of_a_template_keeps_the_blocks_it_had(client, supervisor):
    client.force_login(supervisor)
    client.post(reverse("template_edit", args=[2]), blocks_of(2, block_closing="Até breve"))
    own = fields_of(2, mode="jinja")
    own["body_text"] = own["body_text"].replace("Até breve", "Até logo")
    assert client.post(reverse("template_edit", args=[2]), own).status_code == 302
    template = LetterTemplate.objects.get(number=2)
    assert not template.uses_blocks
    assert "Até logo" in template.body_text
    assert template.block_closing == "Até breve"
