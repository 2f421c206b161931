"""Each fault of the server ends in the state issue 4 names, and nothing is lost."""

import datetime

import pytest

from regua.delivery.outbox import MAX_ATTEMPTS, deliver_now
from regua.delivery.tests.builders import make_notices, make_outbox_notice, refreshed, use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.dunning.models import DunningRun
from regua.receivables.models import Customer

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=True)


def later(time_machine, minutes: int) -> None:
    time_machine.move_to(NOW + datetime.timedelta(minutes=minutes), tick=True)


def test_a_message_the_server_takes_is_sent_with_its_answer_and_message_id(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice(recipients=["maria@cliente.com.br"])

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert notice.sent_at is not None
    assert notice.accepted_recipients == ["maria@cliente.com.br"]
    assert notice.smtp_response.startswith("250 2.0.0 Ok: queued as Q1")
    assert notice.attempts == 1
    assert DunningRun.objects.get(pk=notice.run_id).sent == 1
    (received,) = smtp_server.received
    assert received.message_id == notice.message_id
    assert received.rcpt_tos == ["maria@cliente.com.br"]
    assert received.mail_from == "cobranca@exemplo.com.br"


def test_it_sends_many_notices_over_one_connection(smtp_server, settings):
    settings.REGUA_SMTP_CONNECTIONS = 1  # over K connections: test_connections.py
    use_server(smtp_server)
    notices = make_notices(45)

    deliver_now([n.pk for n in notices])

    assert smtp_server.handler.connections == 1
    assert len(set(smtp_server.handler.message_ids())) == 45


def test_a_421_answer_leaves_the_notice_for_a_new_attempt_which_delivers_it(
    smtp_server, time_machine
):
    use_server(smtp_server)
    smtp_server.handler.mail_answers = ["421 4.3.2 Service not available, closing channel"]
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "retry"
    assert notice.smtp_response == "421 4.3.2 Service not available, closing channel"
    assert notice.next_attempt_at is not None
    wait = notice.next_attempt_at - NOW
    assert datetime.timedelta(minutes=1) <= wait < datetime.timedelta(minutes=2)
    assert smtp_server.received == []

    later(time_machine, 2)
    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert notice.attempts == 2
    assert smtp_server.handler.message_ids() == [notice.message_id]


def test_a_451_at_the_end_of_data_is_retried_with_a_longer_wait_each_time(
    smtp_server, time_machine
):
    use_server(smtp_server)
    smtp_server.handler.data_answers = [
        "451 4.3.0 Temporary lookup failure",
        "451 4.3.0 Temporary lookup failure",
    ]
    notice = make_outbox_notice()

    deliver_now([notice.pk])
    first = refreshed(notice)
    later(time_machine, 2)
    deliver_now([notice.pk])
    second = refreshed(notice)

    assert first.status == second.status == "retry"
    assert second.smtp_response == "451 4.3.0 Temporary lookup failure"
    assert first.next_attempt_at is not None and second.next_attempt_at is not None
    assert (second.next_attempt_at - NOW) > (first.next_attempt_at - NOW)

    later(time_machine, 10)
    deliver_now([notice.pk])
    assert refreshed(notice).status == "sent"
    assert len(smtp_server.received) == 1


def test_a_retry_not_yet_due_is_left_alone(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.data_answers = ["451 4.3.0 Try again later"]
    notice = make_outbox_notice()
    deliver_now([notice.pk])

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "retry"
    assert notice.attempts == 1


def test_a_550_for_one_of_two_recipients_is_sent_and_records_the_refused_one(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.rcpt_answers = {
        "antigo@cliente.com.br": "550 5.1.1 <antigo@cliente.com.br>: Recipient address rejected"
    }
    notice = make_outbox_notice(recipients=["financeiro@cliente.com.br", "Antigo@Cliente.com.br"])

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert notice.accepted_recipients == ["financeiro@cliente.com.br"]
    assert notice.refused_recipients == {
        "Antigo@Cliente.com.br": "550 5.1.1 <antigo@cliente.com.br>: Recipient address rejected"
    }
    # R7: refused for good, so it is marked invalid (lower-cased) for later runs.
    assert Customer.objects.get(pk=notice.customer_id).invalid_emails == ["antigo@cliente.com.br"]
    assert smtp_server.received[0].rcpt_tos == ["financeiro@cliente.com.br"]


def test_a_550_for_every_recipient_fails_with_the_servers_words(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.rcpt_answers = {
        "a@cliente.com.br": "550 5.1.1 User unknown",
        "b@cliente.com.br": "550 5.1.1 User unknown",
    }
    notice = make_outbox_notice(recipients=["a@cliente.com.br", "b@cliente.com.br"])

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "failed"
    assert notice.reason == "o servidor recusou todos os destinatários"
    assert "a@cliente.com.br: 550 5.1.1 User unknown" in notice.smtp_response
    assert not notice.items.filter(blocks=True).exists()  # failed does not block (R5)
    assert sorted(Customer.objects.get(pk=notice.customer_id).invalid_emails) == [
        "a@cliente.com.br",
        "b@cliente.com.br",
    ]
    assert smtp_server.received == []


def test_a_copy_accepted_does_not_make_a_notice_sent_when_the_customer_is_refused(smtp_server):
    use_server(smtp_server, bcc="equipe@exemplo.com.br")
    smtp_server.handler.rcpt_answers = {"a@cliente.com.br": "550 5.1.1 User unknown"}
    notice = make_outbox_notice(recipients=["a@cliente.com.br"])

    deliver_now([notice.pk])

    assert refreshed(notice).status == "failed"
    assert smtp_server.received == []  # not even the team's copy of an undelivered notice


def test_a_connection_dropped_in_the_middle_of_data_is_retried_and_then_sent_once(
    smtp_server, time_machine, settings
):
    # One connection, so the first notice is the one cut (with K: test_connections.py).
    settings.REGUA_SMTP_CONNECTIONS = 1
    use_server(smtp_server)
    smtp_server.handler.drop_in_data = 1
    first, second = make_notices(2)

    deliver_now([first.pk, second.pk])

    assert refreshed(first).status == "retry"
    assert "a conexão caiu" in refreshed(first).reason
    # The next message gets a fresh connection.
    assert refreshed(second).status == "sent"

    later(time_machine, 2)
    deliver_now([first.pk])
    assert refreshed(first).status == "sent"
    ids = smtp_server.handler.message_ids()
    assert sorted(ids) == sorted([refreshed(first).message_id, refreshed(second).message_id])


def test_a_server_that_is_down_then_comes_back_gets_every_notice(time_machine):
    server = SmtpServer()
    use_server(server)
    notices = make_notices(3)

    deliver_now([n.pk for n in notices])
    states = [refreshed(n) for n in notices]
    assert {n.status for n in states} == {"retry"}
    assert all("conexão recusada" in n.reason for n in states)

    server.start()
    try:
        later(time_machine, 2)
        deliver_now([n.pk for n in notices])
    finally:
        server.stop()
    assert {refreshed(n).status for n in notices} == {"sent"}
    assert sorted(server.handler.message_ids()) == sorted(refreshed(n).message_id for n in notices)


def test_a_server_that_never_answers_times_out_into_retry(silent_server):
    use_server(silent_server, timeout=1)
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "retry"
    assert notice.reason.startswith("tempo esgotado")


def test_retries_exhausted_end_as_failed_with_the_last_reason(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.data_answers = ["452 4.3.1 Insufficient system storage"]
    notice = make_outbox_notice(status="retry", attempts=MAX_ATTEMPTS - 1)

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "failed"
    assert notice.reason.startswith(f"tentativas esgotadas ({MAX_ATTEMPTS})")
    assert notice.smtp_response == "452 4.3.1 Insufficient system storage"


def test_a_5xx_at_the_end_of_data_fails_the_notice(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.data_answers = ["554 5.7.1 Message rejected as spam"]
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "failed"
    assert notice.smtp_response == "554 5.7.1 Message rejected as spam"
