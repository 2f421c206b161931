"""Cartas para imprimir (DOMAIN R7, R8): the print queue, numbered batches, posting, returns.

An approved notice with the letter channel waits in the queue: letter-only
ones in ``awaiting_post``, and — when the installation posts the letters of
e-mailed notices too — e-mailed ones whatever their e-mail's state.
``create_batch`` takes the whole queue into a new numbered batch at once, so a
letter belongs to one batch and is never printed twice by accident;
``build`` (in the background, ``build_print_batch``) re-checks R1 on the
letters still waiting only for the post, then joins their PDFs (the ones
stored at approval, rendered again where títulos left the letter) into the
batch's one PDF, counting its progress. Reprinting a built batch is an explicit
``reprint``. ``mark_posted`` makes the batch's letter-only notices ``sent`` and
records on each who marked it posted and when; ``mark_returned`` records a
letter the post office returned and marks the customer's postal address
invalid until someone edits it. Every step is in the audit log (R11).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django_tasks import task

from regua import ptbr
from regua.access.permissions import User, actor_name
from regua.audit import log
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun, Notice, NoticeStatus
from regua.dunning.notices import drop_settled_items
from regua.letters.models import PrintBatch
from regua.letters.pdf import render_pdf
from regua.letters.rendering import notice_letter_document

PERMISSION = "dunning.review_notices"
S = NoticeStatus
# Approved notices whose letter may still be printed: letter-only ones wait in
# awaiting_post; a notice that also went by e-mail keeps its e-mail's state.
QUEUED_STATES = frozenset(
    {S.AWAITING_POST, S.PENDING, S.SENDING, S.RETRY, S.SENT, S.UNCERTAIN, S.FAILED}
)
# Progress is written every this many letters.
PROGRESS_EVERY = 10


class PrintError(ValueError):
    pass


def queue() -> QuerySet[Notice]:
    """The letters waiting to be put in a batch, in the order they will be printed."""
    return (
        Notice.objects.filter(
            channels__contains=lifecycle.LETTER,
            print_batch__isnull=True,
            posted_at__isnull=True,
            status__in=QUEUED_STATES,
        )
        .select_related("branch", "customer")
        .order_by("branch__code", "customer__name", "id")
    )


def find_batch(number: int) -> PrintBatch:
    batch = PrintBatch.objects.filter(number=number).first()
    if batch is None:
        raise PrintError(f"Lote de impressão {number} não encontrado.")
    return batch


def batch_notices(batch: PrintBatch) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(print_batch=batch)
        .select_related("branch", "customer", "template")
        .order_by("branch__code", "customer__name", "id")
    )


def create_batch(user: User, *, background: bool = True) -> PrintBatch:
    """Take every letter of the queue into a new numbered batch, built in the background
    (or by the caller, ``background=False``); raises PrintError when the queue is empty."""
    name = actor_name(user, PERMISSION)
    try:
        with transaction.atomic():
            ids = list(queue().select_for_update().values_list("pk", flat=True))
            if not ids:
                raise PrintError("Não há cartas na fila de impressão.")
            number = (PrintBatch.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            batch = PrintBatch.objects.create(number=number, created_by=name, total=len(ids))
            taken = Notice.objects.filter(pk__in=ids, print_batch__isnull=True).update(
                print_batch=batch
            )
            PrintBatch.objects.filter(pk=batch.pk).update(total=taken)
            batch.total = taken
            log.record(
                name,
                "print.batch.create",
                batch,
                f"Lote de impressão {number} criado com {_letters(taken)}.",
                {"notices": taken},
            )
            if background:
                transaction.on_commit(lambda: build_print_batch.enqueue(batch.pk))
    except IntegrityError:  # another batch took the same number at the same moment
        raise PrintError("Outro lote de impressão está sendo criado; tente de novo.") from None
    return batch


def _letters(n: int) -> str:
    return ptbr.count(n, "carta", "cartas")


@dataclass
class Built:
    letters: int
    discarded: int


def build(batch_id: int, progress: Callable[[int, int], None] | None = None) -> Built:
    """Re-check R1 and join the batch's letters into its PDF, counting the progress.

    A letter-only notice whose títulos were all paid meanwhile is discarded and
    leaves the batch; one with some paid loses those and its letter is rendered
    again. Notices that also went by e-mail are history (R10): their letter is
    printed as it was approved.
    """
    from pypdf import PdfWriter

    batch = PrintBatch.objects.get(pk=batch_id)
    PrintBatch.objects.filter(pk=batch.pk).update(state=PrintBatch.State.BUILDING, done=0, error="")
    writer = PdfWriter()
    letters = discarded = 0
    try:
        for n, notice in enumerate(batch_notices(batch), start=1):
            if notice.status == S.AWAITING_POST:
                before = notice.total_balance
                if not drop_settled_items(notice, batch.created_by):
                    Notice.objects.filter(pk=notice.pk).update(print_batch=None)
                    discarded += 1
                    continue
                if notice.total_balance != before:
                    notice.pdf = None
            if not notice.pdf:
                # Only the letter: the e-mail's parts are not needed to print it.
                notice.pdf = render_pdf(notice_letter_document(notice))
                Notice.objects.filter(pk=notice.pk).update(pdf=notice.pdf)
            writer.append(io.BytesIO(bytes(notice.pdf)))
            letters += 1
            if n % PROGRESS_EVERY == 0:
                PrintBatch.objects.filter(pk=batch.pk).update(done=n)
            if progress is not None:
                progress(n, batch.total)
        out = io.BytesIO()
        writer.write(out)
    except Exception as failure:  # the page says the batch stopped, and why
        PrintBatch.objects.filter(pk=batch.pk).update(
            state=PrintBatch.State.FAILED, error=str(failure)[:1000]
        )
        raise
    PrintBatch.objects.filter(pk=batch.pk).update(
        state=PrintBatch.State.READY,
        pdf=out.getvalue() if letters else None,
        total=letters,
        done=letters,
        discarded=F("discarded") + discarded,
    )
    return Built(letters, discarded)


@task()
def build_print_batch(batch_id: int) -> None:
    """Queued by ``create_batch``; run by ``regua worker``."""
    build(batch_id)


def batch_pdf(batch: PrintBatch, user: User, *, reprint: bool = False) -> bytes:
    """The batch's PDF for printing; a second printing must say it is a reprint."""
    name = actor_name(user, PERMISSION)
    batch.refresh_from_db()
    if batch.state == PrintBatch.State.BUILDING:
        raise PrintError(f"O lote {batch.number} ainda está em preparação.")
    if batch.state == PrintBatch.State.FAILED:
        raise PrintError(f"O lote {batch.number} falhou: {batch.error}")
    if not batch.pdf:
        raise PrintError(f"O lote {batch.number} não tem cartas (todas foram pagas).")
    if batch.printed_times and not reprint:
        raise PrintError(
            f"O lote {batch.number} já foi impresso; para imprimir de novo, peça a reimpressão."
        )
    PrintBatch.objects.filter(pk=batch.pk).update(printed_times=F("printed_times") + 1)
    log.record(
        name,
        "print.batch.reprint" if batch.printed_times else "print.batch.print",
        batch,
        f"Lote de impressão {batch.number} "
        + ("reimpresso." if batch.printed_times else "impresso."),
    )
    return bytes(batch.pdf)


@transaction.atomic
def mark_posted(batch: PrintBatch, user: User) -> int:
    """The batch's letters went to the post office: each notice records it, and the
    letter-only ones are now sent. Returns how many notices became sent."""
    name = actor_name(user, PERMISSION)
    locked = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state == PrintBatch.State.POSTED:
        raise PrintError(f"O lote {locked.number} já foi marcado como postado.")
    if locked.state != PrintBatch.State.READY:
        raise PrintError(f"O lote {locked.number} ainda não está pronto para imprimir.")
    now = timezone.now()
    ids = list(Notice.objects.filter(print_batch=locked).values_list("pk", flat=True))
    sent = lifecycle.post(ids, by=name, now=now)
    PrintBatch.objects.filter(pk=locked.pk).update(
        state=PrintBatch.State.POSTED, posted_at=now, posted_by=name
    )
    batch.state, batch.posted_at, batch.posted_by = PrintBatch.State.POSTED, now, name
    log.record(
        name,
        "print.batch.posted",
        locked,
        f"Lote de impressão {locked.number} marcado como postado ({_letters(len(ids))}).",
        {"notices": len(ids), "sent": sent},
    )
    for run in DunningRun.objects.filter(notice_set__pk__in=ids).distinct():
        lifecycle.refresh_run_counts(run)
    return sent


@transaction.atomic
def mark_returned(notice_id: int, user: User) -> Notice:
    """The post office returned this letter: the customer's postal address is invalid
    until someone edits it (R7)."""
    name = actor_name(user, PERMISSION)
    notice = Notice.objects.select_for_update().select_related("customer").filter(pk=notice_id)
    found = notice.first()
    if found is None:
        raise PrintError(f"Carta {notice_id} não encontrada.")
    if found.posted_at is None:
        raise PrintError(f"A carta {notice_id} não foi postada; só uma carta postada volta.")
    if found.returned_at is not None:
        raise PrintError(f"A carta {notice_id} já foi marcada como devolvida.")
    now = timezone.now()
    Notice.objects.filter(pk=found.pk).update(returned_at=now)
    found.returned_at = now
    customer = found.customer
    customer.postal_address_invalid = True
    customer.save(update_fields=["postal_address_invalid"])
    log.record(
        name,
        "notice.returned",
        found,
        f"Carta {notice_id} devolvida pelos Correios: endereço de {customer.code} "
        "marcado como inválido.",
        {"customer": customer.code},
    )
    return found
