"""E-mails capturados: what capture mode kept instead of sending, shown escaped and sandboxed."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from regua.delivery.models import CapturedEmail, EmailSettings
from regua.delivery.outbox import deliver_now
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

pytestmark = pytest.mark.django_db

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")
HOSTILE = '<script>alert("oi")</script> & FILHOS LTDA'


@pytest.fixture
def capture_mode(settings):
    settings.REGUA_EMAIL_CAPTURE = False
    return EmailSettings.objects.create(
        pk=1, mode="capture", from_email="cobranca@exemplo.com.br", from_name="Cobrança Exemplo"
    )


def captured_notice(code, name, email, when, time_machine):
    """A notice delivered through the outbox in capture mode at ``when``."""
    time_machine.move_to(when, tick=False)
    customer = make_customer(code, name=name, billing_email=email)
    receivable = make_receivable(
        make_branch(f"B{code}"), customer, datetime.date(2026, 11, 10), "350.00", document=code
    )
    notice = make_notice(
        make_range(1, 30) if code == "1" else make_range(31, 60),
        [receivable],
        recipients=[email],
        subject=f"Aviso de título em aberto - {name}",
        body_text=f"Prezado(a) {name}, consta em aberto o título {code}.",
        # As the template renders it: the name escaped inside the HTML body.
        body_html=f"<p>Prezado(a) <b>{escape(name)}</b>, consta em aberto o título {code}.</p>",
        pdf=b"%PDF-1.4 carta",
    )
    deliver_now([notice.pk])
    notice.refresh_from_db()
    assert notice.status == "sent"
    return notice


def test_the_captured_messages_are_listed_newest_first_with_the_customer_data_escaped(
    client, operator, capture_mode, time_machine
):
    older = captured_notice(
        "1",
        "MERCADO BOA VISTA LTDA",
        "financeiro@boavista.com.br",
        datetime.datetime(2026, 11, 30, 9, 0, tzinfo=SP),
        time_machine,
    )
    newer = captured_notice(
        "2",
        HOSTILE,
        "contas@filhos.com.br",
        datetime.datetime(2026, 11, 30, 10, 15, tzinfo=SP),
        time_machine,
    )
    client.force_login(operator)

    page = client.get(reverse("captured_emails")).content.decode()

    assert "<script>alert" not in page
    assert (
        "Aviso de título em aberto - "
        "&lt;script&gt;alert(&quot;oi&quot;)&lt;/script&gt; &amp; FILHOS LTDA"
    ) in page
    assert "Aviso de título em aberto - MERCADO BOA VISTA LTDA" in page
    assert page.index("contas@filhos.com.br") < page.index("financeiro@boavista.com.br")
    assert "30/11/2026 10:15" in page and "30/11/2026 09:00" in page
    assert reverse("notice", args=[newer.pk]) in page
    assert reverse("notice", args=[older.pk]) in page
    assert "O modo de captura está ligado" in page


def test_a_captured_message_shows_its_headers_text_sandboxed_html_and_attachments(
    client, operator, capture_mode, time_machine
):
    notice = captured_notice(
        "2",
        HOSTILE,
        "contas@filhos.com.br",
        datetime.datetime(2026, 11, 30, 10, 15, tzinfo=SP),
        time_machine,
    )
    captured = CapturedEmail.objects.get(notice=notice)
    client.force_login(operator)

    page = client.get(reverse("captured_email", args=[captured.pk])).content.decode()

    assert "<script>alert" not in page
    assert (
        f"<dt>Message-ID</dt><dd>{notice.message_id.replace('<', '&lt;').replace('>', '&gt;')}</dd>"
        in page
    )
    assert "<dt>To</dt><dd>" in page and "contas@filhos.com.br" in page
    assert "<dt>From</dt><dd>Cobrança Exemplo &lt;cobranca@exemplo.com.br&gt;</dd>" in page
    assert (
        '<pre class="message-text">Prezado(a) &lt;script&gt;alert(&quot;oi&quot;)&lt;/script&gt;'
        in page
    )
    assert (
        'sandbox title="Mensagem em HTML" srcdoc="&lt;p&gt;Prezado(a) &lt;b&gt;&amp;lt;script&amp;gt;'
        in page
    )
    assert f"carta-{notice.pk}.pdf" in page and "application/pdf" in page
    assert reverse("notice", args=[notice.pk]) in page


def test_the_menu_offers_the_captured_messages_only_in_capture_mode_or_when_some_exist(
    client, operator, settings
):
    settings.REGUA_EMAIL_CAPTURE = False
    client.force_login(operator)
    link = f'<a href="{reverse("captured_emails")}"'

    assert link not in client.get(reverse("dashboard")).content.decode()

    cfg = EmailSettings.objects.create(pk=1, mode="capture", from_email="cobranca@exemplo.com.br")
    assert link in client.get(reverse("dashboard")).content.decode()

    cfg.mode = "smtp"
    cfg.save()
    CapturedEmail.objects.create(
        message_id="<teste@exemplo.com.br>", from_header="cobranca@exemplo.com.br", raw=b""
    )
    page = client.get(reverse("dashboard")).content.decode()
    assert link in page
    page = client.get(reverse("captured_emails")).content.decode()
    assert "O modo de captura está desligado" in page


def test_the_captured_messages_page_speaks_english_when_chosen(client, operator, capture_mode):
    client.force_login(operator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("captured_emails")).content.decode()

    assert "<h1>Captured e-mails</h1>" in page and "No captured e-mail." in page
