"""The outbox's rules: claims, leases, uncertain notices, resend and discard, R8 at sending."""

import datetime
import email
import email.policy
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from regua.audit.models import AuditEntry
from regua.delivery import outbox, pace
from regua.delivery.models import CapturedEmail, EmailSettings, SendingPace
from regua.delivery.outbox import (
    NoticeStateError,
    claim,
    deliver_due,
    deliver_now,
    discard,
    enqueue_delivery,
    expire_leases,
    resend,
)
from regua.delivery.tests.builders import make_notices, make_outbox_notice, refreshed, use_server
from regua.delivery.worker import Worker
from regua.dunning.models import Notice, NoticeItem
from regua.letters.rendering import render_notice
from regua.receivables.models import Receivable

pytestmark = pytest.mark.django_db


def test_two_workers_never_claim_the_same_notice():
    notices = make_notices(30)

    first = claim("worker-a", domain="exemplo.com.br", limit=20)
    second = claim("worker-b", domain="exemplo.com.br", limit=20)

    assert len(first) == 20 and len(second) == 10
    assert not {c.pk for c in first} & {c.pk for c in second}
    assert claim("worker-c", domain="exemplo.com.br") == []
    claimed = [refreshed(n) for n in notices]
    assert {n.status for n in claimed} == {"sending"}
    assert {n.claimed_by for n in claimed} == {"worker-a", "worker-b"}
    assert all(n.lease_until and n.lease_until > timezone.now() for n in claimed)


def test_the_message_id_is_stored_when_the_notice_is_claimed_before_any_smtp_talk():
    notice = make_outbox_notice()

    claim("worker-a", domain="exemplo.com.br")

    notice = refreshed(notice)
    assert notice.message_id.startswith(f"<regua.{notice.pk}.")
    assert notice.message_id.endswith("@exemplo.com.br>")


def test_a_notice_whose_worker_died_becomes_uncertain_and_is_never_resent_silently(
    smtp_server,
):
    use_server(smtp_server)
    notice = make_outbox_notice()
    claim("dead-worker", domain="exemplo.com.br")

    expire_leases(timezone.now() + outbox.lease() + datetime.timedelta(seconds=1))
    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "uncertain"
    assert "reenvie ou descarte" in notice.reason
    assert notice.items.get().blocks  # still blocks a new notice for the título (R5)
    assert smtp_server.received == []


def test_a_lease_still_running_is_left_alone():
    notice = make_outbox_notice()
    claim("busy-worker", domain="exemplo.com.br")

    assert expire_leases() == 0
    assert refreshed(notice).status == "sending"


def test_a_person_resends_an_uncertain_notice_with_the_same_message_id(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice()
    claim("dead-worker", domain="exemplo.com.br")
    expire_leases(timezone.now() + outbox.lease() * 2)
    message_id = refreshed(notice).message_id

    resend(refreshed(notice), "supervisora")
    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert notice.message_id == message_id
    assert smtp_server.handler.message_ids() == [message_id]
    entry = AuditEntry.objects.get(action="notice.resend")
    assert entry.user == "supervisora"
    assert entry.changes == {"status": ["uncertain", "pending"], "message_id": message_id}


def test_resend_puts_the_notice_in_the_task_queue_after_commit(django_capture_on_commit_callbacks):
    notice = make_outbox_notice(status="uncertain", message_id="<regua.1.x@exemplo.com.br>")

    with django_capture_on_commit_callbacks(execute=True):
        resend(notice, "supervisora")

    (task,) = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [[notice.pk]]


def test_a_sent_notice_cannot_be_resent_nor_discarded():
    notice = make_outbox_notice(status="sent")

    with pytest.raises(NoticeStateError, match="só cartas incertas, com falha"):
        resend(notice, "supervisora")
    with pytest.raises(NoticeStateError, match="não pode ser descartada"):
        discard(notice, "supervisora", "engano")


def test_a_person_discards_an_uncertain_notice_with_a_reason_and_its_titulos_are_free():
    notice = make_outbox_notice(status="uncertain")

    discard(notice, "supervisora", "cliente confirmou o recebimento por telefone")

    notice = refreshed(notice)
    assert notice.status == "discarded"
    assert notice.reason == "cliente confirmou o recebimento por telefone"
    assert not notice.items.get().blocks
    entry = AuditEntry.objects.get(action="notice.discard")
    assert entry.changes["status"] == ["uncertain", "discarded"]


def test_resend_and_discard_need_review_permission_for_a_user_object():
    notice = make_outbox_notice(status="uncertain")
    operator = User.objects.create_user("operador")

    with pytest.raises(PermissionDenied):
        discard(notice, operator, "não quero")
    operator.user_permissions.add(Permission.objects.get(codename="review_notices"))
    operator = User.objects.get(pk=operator.pk)  # permissions are cached per object
    discard(notice, operator, "duplicada")
    assert AuditEntry.objects.get(action="notice.discard").user == "operador"


def test_paid_titulos_leave_the_notice_at_sending_and_an_empty_notice_is_discarded(smtp_server):
    use_server(smtp_server)
    paid, still_open = make_notices(2)
    Receivable.objects.filter(notice_items__notice=paid).update(paid_amount=Decimal("150.00"))

    deliver_now([paid.pk, still_open.pk])

    paid = refreshed(paid)
    assert paid.status == "discarded"
    assert paid.reason == "paid"
    assert refreshed(still_open).status == "sent"
    assert smtp_server.handler.message_ids() == [refreshed(still_open).message_id]


def test_a_notice_that_lost_a_paid_titulo_is_rendered_again_before_sending(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice(body_text="lista antiga com D-pago e D-aberto")
    other = Receivable.objects.create(
        branch=notice.branch,
        customer=notice.customer,
        document="D-ABERTO",
        installment="1",
        due_date=datetime.date(2026, 11, 20),
        amount=Decimal("80.00"),
    )
    first_item = notice.items.get()
    NoticeItem.objects.create(
        notice=notice,
        receivable=other,
        delay_range=first_item.delay_range,
        due_date=other.due_date,
        effective_due_date=other.due_date,
        days_overdue=10,
        range_start=first_item.range_start,
        range_end=first_item.range_end,
        balance=Decimal("80.00"),
    )
    Receivable.objects.filter(pk=first_item.receivable_id).update(cancelled=True)

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert list(notice.items.values_list("receivable__document", flat=True)) == ["D-ABERTO"]
    assert "D-ABERTO/1" in notice.body_text
    assert "lista antiga" not in notice.body_text
    sent_text = smtp_server.received[0].message.get_body(("plain",)).get_content()
    assert "D-ABERTO/1" in sent_text


def test_a_notice_without_stored_bodies_is_rendered_with_the_letters_code(smtp_server):
    use_server(smtp_server)
    notice = make_outbox_notice(subject="", body_text="", body_html="")

    deliver_now([notice.pk])

    notice = refreshed(notice)
    assert notice.status == "sent"
    assert notice.subject == render_notice(notice).subject != ""
    assert smtp_server.received[0].message["Subject"] == notice.subject


def test_capture_mode_keeps_the_messages_in_the_database_and_sends_nothing(smtp_server):
    EmailSettings.objects.create(pk=1, mode="capture", from_email="cobranca@exemplo.com.br")
    notices = make_notices(3)

    deliver_now([n.pk for n in notices])

    assert {refreshed(n).status for n in notices} == {"sent"}
    captured = CapturedEmail.objects.order_by("notice_id")
    assert [c.notice_id for c in captured] == [n.pk for n in notices]
    assert [c.message_id for c in captured] == [refreshed(n).message_id for n in notices]
    assert captured[0].to == [notices[0].recipients[0]]
    raw = email.message_from_bytes(bytes(captured[0].raw), policy=email.policy.default)
    assert raw["Subject"] == captured[0].subject == "Aviso de débito - DISTRIBUIDORA EXEMPLO"
    assert smtp_server.received == []


def test_the_capture_setting_of_the_installation_wins_over_smtp(settings, smtp_server):
    settings.REGUA_EMAIL_CAPTURE = True
    use_server(smtp_server)
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    assert CapturedEmail.objects.get().notice_id == notice.pk
    assert smtp_server.received == []


def test_without_configuration_notices_stay_pending_for_a_worker(smtp_server):
    notice = make_outbox_notice()

    deliver_now([notice.pk])

    assert refreshed(notice).status == "pending"


def test_the_rate_limit_reserves_slots_in_the_shared_row():
    start, interval = pace.reserve(10, per_minute=120)
    second_start, _ = pace.reserve(5, per_minute=120)

    assert interval == datetime.timedelta(seconds=0.5)
    assert second_start == start + 10 * interval
    assert SendingPace.objects.get().next_slot_at == second_start + 5 * interval


def test_a_shutdown_hands_back_the_notices_not_yet_started(smtp_server):
    use_server(smtp_server)
    notices = make_notices(5)
    outbox.SHUTDOWN.set()
    claimed = claim("worker-a", domain="exemplo.com.br")

    with outbox.Courier(EmailSettings.load(), "worker-a") as courier:
        tally = courier.deliver_group(claimed)

    assert tally["released"] == 5
    states = [refreshed(n) for n in notices]
    assert {(n.status, n.attempts, n.claimed_by) for n in states} == {("pending", 0, "")}
    assert smtp_server.received == []


def test_enqueue_delivery_queues_a_task_only_after_commit(django_capture_on_commit_callbacks):
    notices = make_notices(2)

    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_delivery([n.pk for n in notices])
        assert not DBTaskResult.objects.exists()
    for callback in callbacks:
        callback()

    assert DBTaskResult.objects.get().args_kwargs["args"] == [[n.pk for n in notices]]


def test_the_worker_until_done_runs_the_queue_and_sweeps_the_outbox(smtp_server, transactional_db):
    use_server(smtp_server)
    queued = make_notices(3)
    swept = make_notices(2)  # nobody queued a task for these
    enqueue_delivery([n.pk for n in queued])  # no transaction open: queued at once

    tally = Worker(until_done=True, interval=0.05).run()

    assert tally["sent"] >= 2
    assert {refreshed(n).status for n in queued + swept} == {"sent"}
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(smtp_server.handler.message_ids()) == 5


def test_deliver_due_reports_what_became_of_the_notices(smtp_server):
    use_server(smtp_server)
    smtp_server.handler.rcpt_answers = {"x@cliente.com.br": "550 5.1.1 unknown"}
    make_notices(2)
    make_outbox_notice(recipients=["x@cliente.com.br"])
    make_outbox_notice(recipients=["inválido"])

    tally = deliver_due("worker-a")

    assert (tally["sent"], tally["failed"], tally["skipped"]) == (2, 1, 1)
    assert outbox.summary(tally) == (
        "2 enviadas, 0 para nova tentativa, 1 com falha, 1 sem e-mail válido"
    )


def test_a_worker_whose_lease_ran_out_leaves_the_uncertain_state_for_a_person(smtp_server):
    use_server(smtp_server)
    late, on_time = make_notices(2)
    claimed = claim("slow-worker", domain="exemplo.com.br")
    with outbox.Courier(EmailSettings.load(), "slow-worker") as courier:
        batch = courier.prepare(claimed)
        courier.send(batch)
        # Meanwhile the sweeper decided the worker was dead, for one of them.
        Notice.objects.filter(pk=late.pk).update(lease_until=timezone.now())
        expire_leases(timezone.now() + datetime.timedelta(seconds=1))
        tally = courier.commit(batch)

    assert refreshed(late).status == "uncertain"
    assert refreshed(on_time).status == "sent"
    assert tally["sent"] == 1
    assert len(smtp_server.received) == 2  # the person checks by Message-ID before resending
