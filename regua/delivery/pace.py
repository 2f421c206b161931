"""The rate limit every worker shares, kept in one database row.

Each worker reserves the slots of the messages it is about to send by moving
the row's ``next_slot_at`` forward under a row lock; messages then leave one
interval apart from the reserved start. Two workers on two machines thus never
exceed the configured messages per minute together.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from regua.delivery.models import SendingPace


def reserve(count: int, per_minute: int) -> tuple[datetime.datetime, datetime.timedelta]:
    """(when the first of ``count`` messages may leave, the interval between them)."""
    interval = datetime.timedelta(seconds=60 / per_minute)
    if not SendingPace.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                SendingPace.objects.create(pk=1)
        except IntegrityError:
            pass  # another worker created it first
    with transaction.atomic():
        pace = SendingPace.objects.select_for_update().get(pk=1)
        now = timezone.now()
        start = max(now, pace.next_slot_at or now)
        pace.next_slot_at = start + interval * count
        pace.save(update_fields=["next_slot_at"])
    return start, interval
