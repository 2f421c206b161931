"""Print batches under LGPD: a batch's PDF holds every letter in it, the customers' names
and addresses among them.

When a customer is redacted, each batch holding one of the customer's letters
loses its PDF (the letters of the other customers in it can no longer be
reprinted from it; the notices themselves keep what they record). When
retention prunes notices, the batches that held them lose their PDF.
"""

from typing import Any

from regua.letters.models import PrintBatch
from regua.privacy.signals import customer_redacted, history_pruning


def _drop_pdfs(notice_ids: list[int]) -> int:
    batches = PrintBatch.objects.filter(notices__pk__in=notice_ids, pdf__isnull=False)
    return PrintBatch.objects.filter(pk__in=list(batches.values_list("pk", flat=True))).update(
        pdf=None
    )


def forget_redacted_customer(sender: object, *, notice_ids: list[int], **kwargs: Any) -> int:
    """``customer_redacted``: the PDFs of the batches with the customer's letters.

    Returns how many batch PDFs were removed (counted in the audit entry).
    """
    return _drop_pdfs(notice_ids)


def forget_pruned_notices(sender: object, *, notice_ids: list[int], **kwargs: Any) -> int:
    """``history_pruning``: the batches of the pruned notices lose their PDF (the batch's
    number, dates and who made and posted it stay, as the runs' do)."""
    return _drop_pdfs(notice_ids)


def connect() -> None:
    customer_redacted.connect(forget_redacted_customer, dispatch_uid="privacy.print_batches")
    history_pruning.connect(forget_pruned_notices, dispatch_uid="privacy.print_batches")
