"""A worker talks to the server over K connections at once (REGUA_SMTP_CONNECTIONS).

Each notice still goes out once, the rate limit holds across the connections,
a shutdown hands back what no connection had started, and the faults end as
they do over one connection.
"""

import datetime

import pytest

from regua.delivery import outbox
from regua.delivery.models import CapturedEmail, EmailSettings
from regua.delivery.outbox import deliver_due, deliver_now
from regua.delivery.tests.builders import make_notices, refreshed, use_server
from regua.delivery.tests.smtpserver import SmtpServer
from regua.dunning.models import Notice

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=True)


def test_the_default_is_four_connections(settings):
    del settings.REGUA_SMTP_CONNECTIONS

    assert outbox.connection_count() == 4


def test_many_groups_go_over_at_most_the_configured_connections_each_notice_once(
    smtp_server, settings
):
    settings.REGUA_SMTP_CONNECTIONS = 2
    use_server(smtp_server)
    notices = make_notices(3 * outbox.GROUP_SIZE + 5)

    tally = deliver_now([n.pk for n in notices])

    assert tally["sent"] == len(notices)
    assert 1 <= smtp_server.handler.connections <= 2
    received = smtp_server.handler.message_ids()
    assert sorted(received) == sorted(refreshed(n).message_id for n in notices)
    assert not Notice.objects.filter(status="sending").exists()


def test_with_one_connection_every_message_goes_over_it(smtp_server, settings):
    settings.REGUA_SMTP_CONNECTIONS = 1
    use_server(smtp_server)
    notices = make_notices(30)

    deliver_now([n.pk for n in notices])

    assert smtp_server.handler.connections == 1
    assert len(set(smtp_server.handler.message_ids())) == 30


def test_a_slow_server_is_talked_to_over_every_connection_at_once(smtp_server, settings):
    settings.REGUA_SMTP_CONNECTIONS = 4
    use_server(smtp_server)
    smtp_server.handler.delay = 0.3  # each message waits for its answer: others go meanwhile
    notices = make_notices(8)

    deliver_now([n.pk for n in notices])

    assert smtp_server.handler.connections == 4
    assert smtp_server.handler.most_in_data >= 2
    assert {refreshed(n).status for n in notices} == {"sent"}


def test_the_rate_limit_spaces_the_messages_across_all_connections(smtp_server, settings):
    settings.REGUA_SMTP_CONNECTIONS = 4
    use_server(smtp_server, rate_per_minute=300)  # one message every 0.2 s
    notices = make_notices(5)

    deliver_now([n.pk for n in notices])

    starts = sorted(smtp_server.handler.mail_times)
    assert len(starts) == 5
    # No message starts before its reserved slot, whichever connection carries it
    # (a little less than 0.2 s apart allowed for the clock's reading at the server).
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert min(gaps) > 0.15
    assert {refreshed(n).status for n in notices} == {"sent"}


def test_a_shutdown_lets_the_conversations_under_way_finish_and_hands_back_the_rest(
    smtp_server, settings
):
    settings.REGUA_SMTP_CONNECTIONS = 3
    use_server(smtp_server)
    smtp_server.handler.delay = 0.05
    notices = make_notices(40)

    tally = deliver_due("worker-a", stop=lambda: len(smtp_server.handler.received) >= 4)

    states = {n.pk: refreshed(n) for n in notices}
    sent = [n for n in states.values() if n.status == "sent"]
    back = [n for n in states.values() if n.status == "pending"]
    assert len(sent) + len(back) == 40
    # What a connection had started was finished and recorded; nothing else left.
    assert sorted(smtp_server.handler.message_ids()) == sorted(n.message_id for n in sent)
    assert 4 <= len(sent) < 40
    assert tally["sent"] == len(sent)
    assert {(n.attempts, n.claimed_by) for n in back} == {(0, "")}


def test_a_connection_dropped_in_data_is_retried_while_the_others_go_on(
    smtp_server, settings, time_machine
):
    settings.REGUA_SMTP_CONNECTIONS = 4
    use_server(smtp_server)
    smtp_server.handler.drop_in_data = 1
    notices = make_notices(6)

    deliver_now([n.pk for n in notices])

    states = [refreshed(n) for n in notices]
    assert sorted(n.status for n in states) == ["retry"] + ["sent"] * 5
    time_machine.move_to(NOW + datetime.timedelta(minutes=2), tick=True)
    deliver_now([n.pk for n in notices])
    assert {refreshed(n).status for n in notices} == {"sent"}
    received = smtp_server.handler.message_ids()
    assert sorted(received) == sorted(refreshed(n).message_id for n in notices)


def test_a_server_that_is_down_leaves_every_notice_for_a_new_attempt(settings):
    settings.REGUA_SMTP_CONNECTIONS = 4
    server = SmtpServer()  # never started: the port refuses connections
    use_server(server)
    notices = make_notices(30)

    tally = deliver_now([n.pk for n in notices])

    assert tally["retry"] == 30
    assert {refreshed(n).status for n in notices} == {"retry"}
    assert all("conexão recusada" in refreshed(n).reason for n in notices)


def test_capture_mode_keeps_each_message_with_its_own_group(settings):
    settings.REGUA_SMTP_CONNECTIONS = 4
    settings.REGUA_EMAIL_CAPTURE = True
    use_server(SmtpServer(), mode="capture")
    notices = make_notices(2 * outbox.GROUP_SIZE + 3)

    tally = deliver_now([n.pk for n in notices])

    assert tally["sent"] == len(notices)
    captured = sorted(CapturedEmail.objects.values_list("notice_id", flat=True))
    assert captured == sorted(n.pk for n in notices)


def test_the_leases_are_renewed_while_a_slow_group_is_on_the_connections(smtp_server, settings):
    settings.REGUA_SMTP_CONNECTIONS = 1
    settings.REGUA_DELIVERY_LEASE_SECONDS = 0.6
    use_server(smtp_server)
    smtp_server.handler.delay = 0.5  # three messages: 1.5 s, well past one lease
    notices = make_notices(3)
    claimed = outbox.claim("slow-worker", domain="exemplo.com.br")

    with outbox.Courier(EmailSettings.load(), "slow-worker") as courier:
        batch = courier.prepare(claimed)
        courier.send(batch)
        # A sweeper now finds no lease run out: the worker renewed them while it waited.
        assert outbox.expire_leases() == 0
        tally = courier.commit(batch)

    assert tally["sent"] == 3
    assert {refreshed(n).status for n in notices} == {"sent"}
