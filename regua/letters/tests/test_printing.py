"""Cartas para imprimir (DOMAIN R7, R8): letter-only notices, print batches, posting, returns."""

import datetime
import io
import json

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regua.audit.models import AuditEntry
from regua.dunning import lifecycle
from regua.dunning.history import notice_json
from regua.dunning.models import NoticeStatus
from regua.letters import printing
from regua.letters.models import LetterSettings, PrintBatch
from regua.letters.review import approve
from regua.letters.tests.builders import make_held_notice, pdf_text
from regua.test import make_branch, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date
S = NoticeStatus
ADDRESS = {"address": "Rua das Flores, 10", "zip_code": "01001-000", "district": "Centro"}


@pytest.fixture
def letter_range():
    return make_range(1, 60, template=2, generation="email_and_letter")


@pytest.fixture
def branch():
    return make_branch("1")


def letter_only(branch, letter_range, name="MERCADO SEM EMAIL LTDA", amounts=("100.00",)):
    customer = make_customer(name=name, email="", **ADDRESS)
    receivables = [
        make_receivable(branch, customer, D(2026, 11, 10), amount, document=f"P{n}{customer.code}")
        for n, amount in enumerate(amounts)
    ]
    return make_held_notice(letter_range, receivables, channels=lifecycle.LETTER)


def approved_letter(branch, letter_range, **kwargs):
    notice = letter_only(branch, letter_range, **kwargs)
    result = approve([notice.pk], "ana")
    assert result.by_post == [notice.pk]
    notice.refresh_from_db()
    return notice


def pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_an_approved_letter_only_notice_waits_for_the_post_and_is_never_sent_by_email(
    branch, letter_range
):
    notice = letter_only(branch, letter_range)
    result = approve([notice.pk], "ana")
    assert result.done == [notice.pk]
    assert result.by_post == [notice.pk]
    assert result.to_send == []
    notice.refresh_from_db()
    assert notice.status == S.AWAITING_POST
    assert notice.pdf is not None
    assert set(notice.items.values_list("blocks", flat=True)) == {True}  # R5 still holds
    assert list(printing.queue()) == [notice]
    assert notice_json(notice)["channels"] == ["letter"]


def test_a_batch_takes_the_whole_queue_once_and_its_pdf_holds_every_letter(branch, letter_range):
    first = approved_letter(branch, letter_range, name="ALFA LTDA")
    second = approved_letter(branch, letter_range, name="BETA LTDA", amounts=("10.00", "20.00"))

    batch = printing.create_batch("ana", background=False)
    assert (batch.number, batch.total) == (1, 2)
    assert list(printing.queue()) == []
    with pytest.raises(printing.PrintError, match="Não há cartas na fila de impressão"):
        printing.create_batch("ana", background=False)

    built = printing.build(batch.pk)
    assert (built.letters, built.discarded) == (2, 0)
    batch.refresh_from_db()
    assert batch.state == PrintBatch.State.READY
    data = printing.batch_pdf(batch, "ana")
    text = pdf_text(data)
    assert "ALFA LTDA" in text and "BETA LTDA" in text
    first.refresh_from_db()
    second.refresh_from_db()
    assert pages(data) == pages(bytes(first.pdf)) + pages(bytes(second.pdf))
    # Printed once: printing again must say it is a reprint.
    with pytest.raises(printing.PrintError, match="já foi impresso"):
        printing.batch_pdf(batch, "ana")
    assert printing.batch_pdf(batch, "ana", reprint=True) == data
    actions = list(
        AuditEntry.objects.filter(action__startswith="print.").order_by("pk").values_list("action")
    )
    assert actions == [("print.batch.create",), ("print.batch.print",), ("print.batch.reprint",)]


def test_the_batch_rechecks_payments_a_paid_letter_leaves_it_discarded(branch, letter_range):
    paid_notice = approved_letter(branch, letter_range, name="PAGOU LTDA")
    partly = approved_letter(branch, letter_range, name="PARCIAL LTDA", amounts=("10.00", "20.00"))
    for receivable in [i.receivable for i in paid_notice.items.all()] + [
        partly.items.get(receivable__document__startswith="P1").receivable
    ]:
        receivable.paid_amount = receivable.amount
        receivable.save()
    batch = printing.create_batch("ana", background=False)

    built = printing.build(batch.pk)

    assert (built.letters, built.discarded) == (1, 1)
    paid_notice.refresh_from_db()
    assert paid_notice.status == S.DISCARDED
    assert paid_notice.print_batch is None
    partly.refresh_from_db()
    assert [i.receivable.document for i in partly.items.all()] == [f"P0{partly.customer.code}"]
    text = pdf_text(printing.batch_pdf(batch, "ana"))
    assert "PARCIAL LTDA" in text and "PAGOU LTDA" not in text
    assert f"P1{partly.customer.code}" not in text


def test_marking_a_batch_posted_sends_its_letters_and_records_who_and_when(branch, letter_range):
    notice = approved_letter(branch, letter_range)
    batch = printing.create_batch("ana", background=False)
    with pytest.raises(printing.PrintError, match="ainda não está pronto"):
        printing.mark_posted(batch, "ana")
    printing.build(batch.pk)

    assert printing.mark_posted(batch, "bia") == 1

    notice.refresh_from_db()
    assert notice.status == S.SENT
    assert notice.posted_by == "bia"
    assert notice.posted_at == notice.sent_at is not None
    assert notice.print_batch_id == batch.pk
    assert notice.run.sent == 1
    batch.refresh_from_db()
    assert (batch.state, batch.posted_by) == (PrintBatch.State.POSTED, "bia")
    with pytest.raises(printing.PrintError, match="já foi marcado como postado"):
        printing.mark_posted(batch, "bia")


def test_a_returned_letter_marks_the_postal_address_invalid_and_the_next_letter_skips(
    branch, letter_range
):
    notice = approved_letter(branch, letter_range)
    with pytest.raises(printing.PrintError, match="não foi postada"):
        printing.mark_returned(notice.pk, "ana")
    batch = printing.create_batch("ana", background=False)
    printing.build(batch.pk)
    printing.mark_posted(batch, "ana")

    printing.mark_returned(notice.pk, "ana")

    notice.refresh_from_db()
    assert notice.returned_at is not None
    notice.customer.refresh_from_db()
    assert notice.customer.postal_address_invalid
    status, reason, _ = lifecycle.initial_state([], "email_and_letter", postal_address=False)
    assert (status, reason) == (S.SKIPPED, "no_address")
    with pytest.raises(printing.PrintError, match="já foi marcada como devolvida"):
        printing.mark_returned(notice.pk, "ana")


def test_with_the_setting_an_emailed_letter_is_also_posted(branch, letter_range):
    LetterSettings.objects.update_or_create(pk=1, defaults={"post_emailed_letters": True})
    with_address = make_customer(name="COM ENDERECO LTDA", **ADDRESS)
    without = make_customer(name="SEM ENDERECO LTDA")
    notices = [
        make_held_notice(
            letter_range, [make_receivable(branch, c, D(2026, 11, 10), "50.00", document=c.code)]
        )
        for c in (with_address, without)
    ]

    result = approve([n.pk for n in notices], "ana")

    assert result.to_send == [n.pk for n in notices]
    for n in notices:
        n.refresh_from_db()
    assert [n.channels for n in notices] == [lifecycle.BOTH, lifecycle.EMAIL]
    assert [n.status for n in notices] == [S.PENDING, S.PENDING]
    assert list(printing.queue()) == [notices[0]]


def test_an_email_that_fails_for_good_leaves_the_letter_to_the_post(branch, letter_range):
    notice = approved_letter(branch, letter_range)
    notice.channels = lifecycle.BOTH
    notice.status = S.SENDING
    now = datetime.datetime(2026, 11, 28, 13, 0, tzinfo=datetime.UTC)

    lifecycle.outcome(notice, S.FAILED, "550 usuário desconhecido", now)
    assert notice.status == S.AWAITING_POST

    notice.status, notice.posted_at = S.SENDING, now
    lifecycle.outcome(notice, S.FAILED, "550 usuário desconhecido", now)
    assert notice.status == S.SENT  # the letter delivered it: any channel counts

    notice.status = S.SENDING
    notice.channels = lifecycle.EMAIL
    lifecycle.outcome(notice, S.FAILED, "550 usuário desconhecido", now)
    assert notice.status == S.FAILED


def test_the_command_line_queues_prints_posts_and_marks_returned(branch, letter_range, tmp_path):
    notice = approved_letter(branch, letter_range, name="CLIENTE POSTAL LTDA")
    out = io.StringIO()
    call_command("letters", "queue", "--user", "ana", stdout=out)
    assert "1 carta espera impressão" in out.getvalue()
    assert "CLIENTE POSTAL LTDA" in out.getvalue()
    assert "R$ 100,00" in out.getvalue()

    out = io.StringIO()
    call_command("letters", "queue", "--json", "--user", "ana", stdout=out)
    data = json.loads(out.getvalue())
    assert [n["id"] for n in data["letters"]] == [notice.pk]
    assert data["letters"][0]["channels"] == ["letter"]

    pdf = tmp_path / "lote.pdf"
    out = io.StringIO()
    call_command(
        "letters", "print", "--all", str(pdf), "--user", "ana", stdout=out, stderr=io.StringIO()
    )
    assert "Lote 1: 1 carta em" in out.getvalue()
    assert "CLIENTE POSTAL LTDA" in pdf_text(pdf.read_bytes())

    again = tmp_path / "de-novo.pdf"
    call_command(
        "letters", "print", "--batch", "1", str(again), "--user", "ana", stdout=io.StringIO()
    )
    assert again.read_bytes() == pdf.read_bytes()

    out = io.StringIO()
    call_command("letters", "posted", "1", "--user", "ana", stdout=out)
    assert "Lote 1 postado: 1 carta, 1 enviada agora." in out.getvalue()
    notice.refresh_from_db()
    assert notice.status == S.SENT

    out = io.StringIO()
    call_command("letters", "returned", str(notice.pk), "--user", "ana", stdout=out)
    assert "fica inválido até ser corrigido" in out.getvalue()

    with pytest.raises(CommandError, match="Lote de impressão 9 não encontrado"):
        call_command("letters", "posted", "9", "--user", "ana", stdout=io.StringIO())


def test_the_setting_is_changed_on_the_command_line_and_audited():
    out = io.StringIO()
    call_command(
        "templates", "settings", "--post-emailed-letters", "sim", "--user", "ana", stdout=out
    )
    assert "Postar também as cartas enviadas por e-mail: sim" in out.getvalue()
    assert LetterSettings.load().post_emailed_letters
    entry = AuditEntry.objects.get(action="letters.settings")
    assert entry.user == "ana" and "post_emailed_letters" in entry.changes
