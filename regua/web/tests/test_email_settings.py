import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.delivery.models import EmailSettings


def settings_form(port, **extra):
    data = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "ca_file": "",
        "username": "",
        "from_name": "Cobrança Exemplo",
        "from_email": "cobranca@exemplo.com.br",
        "reply_to": "",
        "cc": "",
        "bcc": "",
        "timeout": 10,
        "rate_per_minute": 0,
        "mode": "smtp",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_an_administrator_saves_the_settings_and_the_password_is_never_shown_again(
    client, administrator
):
    client.force_login(administrator)
    response = client.post(
        reverse("email_settings"), settings_form(2525, new_password="segredo-123")
    )
    assert response.status_code == 302
    cfg = EmailSettings.load()
    assert cfg.host == "127.0.0.1" and cfg.password() == "segredo-123"
    page = client.get(reverse("email_settings")).content.decode()
    assert "segredo-123" not in page and cfg.password_encrypted not in page
    assert "Há uma senha salva" in page
    entry = AuditEntry.objects.filter(action="email.configure").latest("id")
    assert entry.user == "ana" and "segredo-123" not in str(entry.changes)


@pytest.mark.django_db
def test_saving_without_a_password_keeps_the_saved_one(client, administrator):
    client.force_login(administrator)
    client.post(reverse("email_settings"), settings_form(2525, new_password="segredo-123"))
    client.post(reverse("email_settings"), settings_form(2526))
    cfg = EmailSettings.load()
    assert (cfg.port, cfg.password()) == (2526, "segredo-123")


@pytest.mark.django_db
def test_a_bad_sender_address_is_refused_with_the_field_named(client, administrator):
    client.force_login(administrator)
    page = client.post(
        reverse("email_settings"), settings_form(2525, from_email="não é e-mail")
    ).content.decode()
    assert "remetente" in page.lower()
    assert not EmailSettings.objects.exists()


@pytest.mark.django_db
def test_the_test_message_reaches_the_smtp_server_and_the_answer_is_shown(
    client, administrator, smtp_server
):
    client.force_login(administrator)
    client.post(reverse("email_settings"), settings_form(smtp_server.port))
    page = client.post(reverse("email_test"), {"to": "ana@exemplo.com.br"}).content.decode()
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == ["ana@exemplo.com.br"]
    assert 'id="resultado-teste" class="message success"' in page


@pytest.mark.django_db
def test_the_test_message_explains_when_the_server_does_not_answer(client, administrator):
    from regua.web.tests.smtp import free_port

    client.force_login(administrator)
    client.post(reverse("email_settings"), settings_form(free_port(), timeout=3))
    page = client.post(reverse("email_test"), {"to": "ana@exemplo.com.br"}).content.decode()
    assert 'id="resultado-teste" class="message error"' in page
