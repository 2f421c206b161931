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
