"""Review of "Email e Carta" notices (R8): see the letter, approve or discard it.

A held notice gets its PDF the first time it is looked at, or ahead of time
when the worker is idle (``render_ahead``), and keeps it. Approval re-checks payments (R8: títulos paid meanwhile leave the notice,
a notice left with none is discarded), renders the letter again from what is
left, and returns the approved notices for the caller to hand to delivery
(``regua.delivery.dispatch``). Every approval and discard is in the audit log
with who did it (R11).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from regua.access.permissions import User, actor_name
from regua.audit import log
from regua.dunning import lifecycle
from regua.dunning.history import with_items
from regua.dunning.models import DunningRun, Notice, NoticeStatus
from regua.dunning.notices import drop_settled_items
from regua.dunning.recipients import has_postal_address
from regua.letters import pdf as letter_pdf
from regua.letters.models import LetterSettings
from regua.letters.rendering import (
    freeze_charges,
    notice_letter_document,
    render_letter,
    render_notice,
)

PERMISSION = "dunning.review_notices"
REASON_MAX = Notice._meta.get_field("reason").max_length or 200


class ReviewError(ValueError):
    pass


@dataclass
class ReviewResult:
    done: list[int] = field(default_factory=list)  # approved, or discarded by the reviewer
    by_post: list[int] = field(default_factory=list)  # approved letter-only: the print queue
    paid: list[int] = field(default_factory=list)  # discarded at approval: every título was paid
    refused: dict[int, str] = field(default_factory=dict)  # id → why nothing was done

    @property
    def to_send(self) -> list[int]:
        """The approved notices delivery sends by e-mail (letter-only ones wait for print)."""
        by_post = set(self.by_post)
        return [pk for pk in self.done if pk not in by_post]


def held_notices(run: DunningRun | int | None = None) -> QuerySet[Notice]:
    notices = Notice.objects.filter(status=NoticeStatus.HELD)
    if run is not None:
        notices = notices.filter(run=run)
    return notices.select_related("branch", "customer", "template", "run").order_by(
        "run_id", "branch__code", "customer__name", "id"
    )


def letter_of(notice: Notice) -> bytes:
    """The notice's PDF letter, rendered and stored the first time it is asked for."""
    if notice.pdf:
        return bytes(notice.pdf)
    pdf = render_letter(notice)
    Notice.objects.filter(pk=notice.pk, pdf__isnull=True).update(pdf=pdf)
    notice.pdf = pdf
    return pdf


def render_ahead(limit: int = 10) -> int:
    """Store the PDF of a few held letters not yet looked at, oldest first: the worker does
    this when idle, so Revisão's viewer finds them built. Returns how many it built."""
    waiting = list(held_notices().filter(pdf__isnull=True).order_by("pk")[:limit])
    for notice in waiting:
        letter_of(notice)
    return len(waiting)


def list_held(run: DunningRun | int | None = None) -> list[Notice]:
    """The notices waiting for review, each with its letter stored."""
    notices = list(with_items(held_notices(run)))
    for notice in notices:
        letter_of(notice)
    return notices


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def _locked_held(notice_id: int, result: ReviewResult) -> Notice | None:
    notice = (
        Notice.objects.select_for_update()
        .select_related("branch", "customer", "template")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        result.refused[notice_id] = "carta não encontrada"
        return None
    if notice.status != NoticeStatus.HELD:
        result.refused[notice_id] = (
            f"a carta não está aguardando revisão (situação: {notice.get_status_display()})"
        )
        return None
    return notice


def approve(notice_ids: Iterable[int], user: User) -> ReviewResult:
    """Approve held notices: R8's re-check, the letter rendered and attached.

    ``result.done`` are the approved notices: those with an e-mail are now pending,
    and the caller hands ``result.to_send`` to ``regua.delivery.dispatch``; the
    letter-only ones (R7) are ``awaiting_post`` in the print queue
    (``result.by_post``). When the installation posts the letters of e-mailed
    notices too, an e-mailed notice of a customer with a postal address gets
    both channels.
    """
    name = actor_name(user, PERMISSION)
    result = ReviewResult()
    post_emailed = LetterSettings.load().post_emailed_letters
    for notice_id in _unique(notice_ids):
        with transaction.atomic():
            notice = _locked_held(notice_id, result)
            if notice is None:
                continue
            if not drop_settled_items(notice, name):
                result.paid.append(notice_id)
                continue
            # The letter as approved, and the amounts it shows kept on the items (R10).
            rendered = render_notice(notice, with_pdf=True)
            freeze_charges([rendered])
            pdf = rendered.pdf
            reviewed = {"reviewed_by": name, "reviewed_at": timezone.now(), "pdf": pdf}
            if notice.channels == lifecycle.LETTER:
                transition, what = lifecycle.APPROVE_LETTER, "impressão e postagem"
                result.by_post.append(notice_id)
            else:
                transition, what = lifecycle.APPROVE, "envio"
                also_post = post_emailed and has_postal_address(notice.customer)
                reviewed["channels"] = lifecycle.BOTH if also_post else lifecycle.EMAIL
            lifecycle.move(notice, transition, **reviewed)
            log.record(
                name,
                "notice.approve",
                notice,
                f"Carta {notice_id} aprovada para {what}.",
                {"channels": lifecycle.channels_of(notice)},
            )
            result.done.append(notice_id)
    return result


def discard(notice_ids: Iterable[int], user: User, reason: str) -> ReviewResult:
    """Discard held notices with the reviewer's reason; their títulos may be dunned again."""
    name = actor_name(user, PERMISSION)
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewError("Informe o motivo do descarte.")
    if len(reason) > REASON_MAX:
        raise ReviewError(f"O motivo do descarte pode ter no máximo {REASON_MAX} caracteres.")
    result = ReviewResult()
    for notice_id in _unique(notice_ids):
        with transaction.atomic():
            notice = _locked_held(notice_id, result)
            if notice is None:
                continue
            lifecycle.move(
                notice,
                lifecycle.DISCARD,
                reason=reason,
                reviewed_by=name,
                reviewed_at=timezone.now(),
            )
            log.record(
                name,
                "notice.discard",
                notice,
                f"Carta {notice_id} descartada na revisão: {reason}",
                {"reason": reason},
            )
            result.done.append(notice_id)
    return result


def held_letters_pdf(run: DunningRun | int) -> bytes:
    """Every held letter of a run in one PDF, for printing and postal mail.

    Each letter keeps its own page numbers; the order is branch, then customer.
    """
    notices = list(held_notices(run))
    if not notices:
        run_id = run.pk if isinstance(run, DunningRun) else run
        raise ReviewError(f"A emissão {run_id} não tem cartas aguardando revisão.")
    return letter_pdf.combine_pdf([notice_letter_document(notice) for notice in notices])
