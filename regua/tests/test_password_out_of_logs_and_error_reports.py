"""Issue 8, secrets: the SMTP password never shows in a log or in an error report.

The delivery tests prove it is encrypted at rest, absent from the audit log,
from `repr()`, from the settings page and from the command's output; these
cover the two places left: what the loggers write while the password is in
use, and the report Django builds when a request fails (the DEBUG page and
the e-mail to ADMINS are both made by ``ExceptionReporter``).
"""

import logging

import pytest
from django.urls import reverse
from django.views.debug import ExceptionReporter

from regua.delivery import encryption
from regua.delivery.configuration import configure_email
from regua.delivery.models import EmailSettings
from regua.delivery.outbox import deliver_now
from regua.delivery.smtp import send_test_message
from regua.delivery.tests.builders import make_outbox_notice, refreshed
from regua.delivery.tests.smtpserver import USERNAME, SmtpServer
from regua.web.tests.conftest import make_user

SECRET = "Senha-Que-Nao-Pode-Vazar-42"


@pytest.fixture
def auth_server(certificates):
    server = SmtpServer("starttls", auth=True, certificate=certificates).start()
    yield server
    server.stop()


@pytest.mark.django_db
def test_a_refused_login_to_the_smtp_server_logs_nothing_of_the_password(
    auth_server, certificates, caplog
):
    configure_email(
        "admin",
        host="127.0.0.1",
        port=auth_server.port,
        security="starttls",
        ca_file=str(certificates.ca_file),
        username=USERNAME,
        from_email=USERNAME,
        timeout=5,
        password=SECRET,  # not the server's: every login is refused
    )
    notice = make_outbox_notice()

    with caplog.at_level(logging.DEBUG):
        ok, answer = send_test_message("ana@exemplo.com.br")
        deliver_now([notice.pk])

    notice = refreshed(notice)
    assert not ok and "senha incorreta" in answer
    assert notice.status == "retry" and "senha incorreta" in notice.reason
    assert SECRET not in answer + notice.reason + notice.smtp_response
    assert caplog.records  # the loggers did write: about the attempt, not the password
    assert SECRET not in caplog.text


def settings_form(**extra: object) -> dict[str, object]:
    return {
        "host": "127.0.0.1",
        "port": 2525,
        "security": "none",
        "ca_file": "",
        "username": USERNAME,
        "from_name": "Cobrança Exemplo",
        "from_email": "cobranca@exemplo.com.br",
        "reply_to": "",
        "cc": "",
        "bcc": "",
        "timeout": 10,
        "rate_per_minute": 0,
        "mode": "smtp",
        **extra,
    }


def post_a_password(client, caplog):
    client.force_login(make_user("ana", "administrator"))
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        return client.post(reverse("email_settings"), settings_form(new_password=SECRET))


@pytest.mark.django_db
def test_an_unusable_encryption_key_is_a_message_on_the_page_and_saves_nothing(
    client, settings, caplog
):
    settings.REGUA_ENCRYPTION_KEY = "nao-e-uma-chave"

    response = post_a_password(client, caplog)

    page = response.content.decode()
    assert response.status_code == 200
    assert "chave" in page.lower()
    assert SECRET not in page
    assert SECRET not in caplog.text
    assert not EmailSettings.load().has_password


@pytest.mark.django_db
def test_the_error_report_of_a_crash_while_saving_the_password_leaves_it_out(
    client, caplog, monkeypatch
):
    # A failure nothing here can provoke for real (a full disk, a driver bug)
    # while the password is in hand: what matters is the report Django builds.
    def crash():
        raise RuntimeError("falha inesperada")

    monkeypatch.setattr(encryption, "_fernet", crash)

    response = post_a_password(client, caplog)

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    exc_type, exc_value, tb = record.exc_info
    report = ExceptionReporter(record.request, exc_type, exc_value, tb)
    assert "falha inesperada" in report.get_traceback_text()
    assert SECRET not in report.get_traceback_text()
    assert SECRET not in report.get_traceback_html()
    assert SECRET not in caplog.text
