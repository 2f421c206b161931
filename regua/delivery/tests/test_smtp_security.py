"""Plain, STARTTLS and implicit TLS with a certificate the tests make; AUTH right and wrong."""

import pytest

from regua.delivery.configuration import configure_email
from regua.delivery.outbox import deliver_now
from regua.delivery.smtp import send_test_message
from regua.delivery.tests.builders import make_outbox_notice, refreshed, use_server
from regua.delivery.tests.smtpserver import PASSWORD, USERNAME, SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tls_server(request, certificates):
    security, auth = request.param
    server = SmtpServer(security, auth=auth, certificate=certificates).start()
    yield server
    server.stop()


def test_the_test_message_goes_through_a_plain_server(smtp_server):
    use_server(smtp_server)

    ok, message = send_test_message("ana@exemplo.com.br")

    assert ok
    assert message.startswith("O servidor aceitou a mensagem para ana@exemplo.com.br: 250")
    (received,) = smtp_server.received
    assert received.message["Subject"] == "Régua: mensagem de teste"


@pytest.mark.parametrize("tls_server", [("starttls", False), ("ssl", False)], indirect=True)
def test_a_notice_goes_through_tls_when_the_companys_ca_is_given(tls_server, certificates):
    use_server(tls_server, ca_file=str(certificates.ca_file))
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    assert refreshed(notice).status == "sent"
    assert tls_server.handler.message_ids() == [refreshed(notice).message_id]


@pytest.mark.parametrize("tls_server", [("starttls", False), ("ssl", False)], indirect=True)
def test_a_certificate_nobody_vouches_for_is_refused_in_plain_words(tls_server):
    use_server(tls_server)

    ok, message = send_test_message("ana@exemplo.com.br")

    assert not ok
    assert "certificado não confiável" in message
    assert "--ca-file" in message
    assert tls_server.received == []


@pytest.mark.parametrize("tls_server", [("starttls", True)], indirect=True)
def test_auth_with_the_right_password_sends(tls_server, certificates):
    configure_email(
        "admin",
        host="127.0.0.1",
        port=tls_server.port,
        security="starttls",
        ca_file=str(certificates.ca_file),
        username=USERNAME,
        from_email=USERNAME,
        timeout=5,
        password=PASSWORD,
    )

    ok, message = send_test_message("ana@exemplo.com.br")

    assert ok, message
    assert len(tls_server.received) == 1


@pytest.mark.parametrize("tls_server", [("starttls", True)], indirect=True)
def test_auth_with_a_wrong_password_says_so_and_keeps_the_notice_for_later(
    tls_server, certificates
):
    configure_email(
        "admin",
        host="127.0.0.1",
        port=tls_server.port,
        security="starttls",
        ca_file=str(certificates.ca_file),
        username=USERNAME,
        from_email=USERNAME,
        timeout=5,
        password="senha-errada",
    )
    notice = make_outbox_notice()

    ok, message = send_test_message("ana@exemplo.com.br")
    deliver_now([notice.pk])

    assert not ok
    assert "senha incorreta" in message
    assert "535" in message
    assert "senha-errada" not in message
    notice = refreshed(notice)
    assert notice.status == "retry"
    assert notice.reason == "senha incorreta ou usuário não aceito pelo servidor"
    assert tls_server.received == []


def test_a_server_that_refuses_connections_is_named(smtp_server):
    port = smtp_server.port
    smtp_server.stop()
    use_server(SmtpServer(port=port))

    ok, message = send_test_message("ana@exemplo.com.br")

    assert not ok
    assert f"conexão recusada por 127.0.0.1:{port}" in message


def test_starttls_against_a_server_without_it_is_explained(smtp_server):
    use_server(smtp_server, security="starttls")

    ok, message = send_test_message("ana@exemplo.com.br")

    assert not ok
    assert "não oferece STARTTLS" in message


def test_a_bad_test_address_is_refused_before_connecting(smtp_server):
    use_server(smtp_server)

    ok, message = send_test_message("ana@exemplo.com.br\r\nBcc: x@y.com")

    assert not ok
    assert message.startswith("Destinatário inválido")
    assert smtp_server.received == []


def test_the_email_test_command_prints_the_servers_answer(smtp_server, regua_cli):
    use_server(smtp_server)

    done = regua_cli("email", "test", "--to", "ana@exemplo.com.br")

    assert done.returncode == 0, done.stderr
    assert "O servidor aceitou a mensagem para ana@exemplo.com.br: 250 2.0.0 Ok" in done.stdout


def test_the_email_test_command_exits_1_with_the_reason(silent_server, regua_cli):
    use_server(silent_server, timeout=1)

    done = regua_cli("email", "test", "--to", "ana@exemplo.com.br")

    assert done.returncode == 1
    assert "tempo esgotado" in done.stderr
