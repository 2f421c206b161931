import datetime

import pytest
from django.urls import reverse

from regua.web.tests.world import make_world


@pytest.mark.django_db
def test_a_customer_is_found_by_part_of_its_name(client, operator):
    world = make_world(operator)
    client.force_login(operator)
    page = client.get(reverse("customers"), {"q": "boa vista"}).content.decode()
    assert "MERCADO BOA VISTA LTDA" in page
    page = client.get(reverse("customers"), {"q": "inexistente"}).content.decode()
    assert "Nenhum cliente encontrado." in page
    assert world.customer.name not in page


@pytest.mark.django_db
def test_the_statement_opens_on_the_open_titulos(client, operator):
    world = make_world(operator)
    client.force_login(operator)
    page = client.get(reverse("customer", args=[world.customer.pk])).content.decode()
    assert "Títulos em aberto" in page and "Hist. Cobrança" in page
    assert "123456" in page and "R$ 350,00" in page


@pytest.mark.django_db
def test_the_history_tab_lists_each_notice_with_user_and_link_to_its_detail(client, operator):
    world = make_world(operator)
    client.force_login(operator)
    fragment = client.get(
        reverse("customer_tab", args=[world.customer.pk, "history"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment  # a fragment for htmx, not a page
    assert "ana" in fragment and "123456/1" in fragment and "Enviada" in fragment
    assert reverse("notice", args=[world.notice.pk]) in fragment


@pytest.mark.django_db
def test_the_notice_detail_shows_the_message_as_sent_with_html_only_inside_a_sandbox(
    client, operator
):
    world = make_world(operator)
    world.notice.body_html = '<p>Olá</p><script>alert("x")</script>'
    world.notice.sent_at = datetime.datetime(2026, 11, 30, 13, 5, tzinfo=datetime.UTC)
    world.notice.save()
    client.force_login(operator)
    page = client.get(reverse("notice", args=[world.notice.pk])).content.decode()
    assert "<script>alert" not in page
    assert 'sandbox title="Mensagem em HTML" srcdoc="&lt;p&gt;Olá&lt;/p&gt;&lt;script&gt;' in page
    assert "250 2.0.0 Ok: queued as 4F1A2" in page
    assert "30/11/2026 10:05" in page  # São Paulo time
    assert "financeiro@boavista.com.br" in page


@pytest.mark.django_db
def test_the_notice_pdf_downloads_as_sent(client, operator):
    world = make_world(operator)
    client.force_login(operator)
    response = client.get(reverse("notice_pdf", args=[world.notice.pk]), {"download": "1"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 fake"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_history_of_a_customer_exports_as_csv_xlsx_and_winthor(client, operator):
    import io

    from openpyxl import load_workbook

    world = make_world(operator)
    client.force_login(operator)
    url = reverse("history_export", args=["csv"])
    response = client.get(url, {"cliente": world.customer.code})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert body.splitlines()[0].startswith("notice,run,created_at")
    assert "123456" in body and "financeiro@boavista.com.br" in body

    xlsx = client.get(reverse("history_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet is not None
    assert sheet.cell(row=2, column=7).value == "2001"

    winthor = client.get(reverse("history_export", args=["winthor"]))
    text = b"".join(winthor.streaming_content).decode("cp1252")
    assert text.splitlines()[0].startswith("NUMREGCOB;CODCLI;DATA;HORA")
