"""LGPD: captured e-mails are copies of notices, so they go when the notices are redacted or pruned.

A captured message holds the customer's name, addresses and the whole letter
in its columns and in its raw bytes; redacting it field by field would leave
the raw message behind, and it was never sent anyway. So both receivers delete.
Connected in ``PrivacyConfig.ready()`` to ``regua.privacy.signals`` (privacy sits above
delivery: it knows of delivery's copies, not the other way round).
"""

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from regua.delivery.models import CapturedEmail
from regua.privacy.signals import customer_redacted, history_pruning

# The same chunk the pruning uses: IN lists within every database's parameter limit.
_CHUNK = 500


def _of_notices(notice_ids: list[int]) -> int:
    deleted = 0
    for start in range(0, len(notice_ids), _CHUNK):
        count, _ = CapturedEmail.objects.filter(
            notice_id__in=notice_ids[start : start + _CHUNK]
        ).delete()
        deleted += count
    return deleted


def _addressed_to(addresses: set[str]) -> int:
    """Delete the captured messages with one of ``addresses`` in To, Cc or Bcc (any case)."""
    if not addresses:
        return 0
    mentions = Q()
    for address in addresses:
        # JSON on SQLite is stored with non-ASCII letters escaped ("\u00e3").
        for form in {address, json.dumps(address)[1:-1]}:
            mentions |= Q(to_text__icontains=form) | Q(cc_text__icontains=form)
            mentions |= Q(bcc_text__icontains=form)
    candidates = (
        CapturedEmail.objects.annotate(
            to_text=Cast("to", TextField()),
            cc_text=Cast("cc", TextField()),
            bcc_text=Cast("bcc", TextField()),
        )
        .filter(mentions)
        .only("pk", "to", "cc", "bcc")
    )
    # The text match finds "ana@x.com" inside "mariana@x.com" too: compare whole addresses.
    doomed = [c.pk for c in candidates.iterator() if addresses & _lowered([*c.to, *c.cc, *c.bcc])]
    deleted = 0
    for start in range(0, len(doomed), _CHUNK):
        count, _ = CapturedEmail.objects.filter(pk__in=doomed[start : start + _CHUNK]).delete()
        deleted += count
    return deleted


def _lowered(addresses: Iterable[object]) -> set[str]:
    return {str(a).strip().lower() for a in addresses}


def forget_redacted_customer(
    sender: object, *, notice_ids: list[int], values: list[str], **kwargs: Any
) -> int:
    """``customer_redacted``: delete the captured copies of the customer's notices and
    every captured message addressed to one of the customer's addresses.

    Returns how many captured messages were deleted (counted in the audit entry).
    """
    addresses = {v for v in _lowered(values) if "@" in v}
    return _of_notices(notice_ids) + _addressed_to(addresses)


def forget_pruned_notices(sender: object, *, notice_ids: list[int], **kwargs: Any) -> int:
    """``history_pruning``: the captured copies go with the notices they copy.

    Without this they would outlive the retention period with ``notice`` set to
    NULL by the foreign key.
    """
    return _of_notices(notice_ids)


def connect() -> None:
    customer_redacted.connect(forget_redacted_customer, dispatch_uid="delivery.captured_emails")
    history_pruning.connect(forget_pruned_notices, dispatch_uid="delivery.captured_emails")
