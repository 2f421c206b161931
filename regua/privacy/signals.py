"""Signals other apps connect to when they keep their own copies of a customer's data.

Régua's own tables are handled by ``redaction`` and ``retention``; an app that
stores more (captured e-mails, uploaded files, caches) connects here and cleans
its copies in the same transaction. A receiver may return the number of rows it
changed; the total is written to the audit entry.
"""

from django.dispatch import Signal

# Sent inside the redaction's transaction, after Régua's rows are redacted, with
# ``customer``, ``notice_ids`` (the customer's notices), ``values`` (the personal
# values that were removed, to look for in free text) and ``user``.
customer_redacted = Signal()

# Sent inside the pruning's transaction just before the notices are deleted, with
# ``notice_ids`` and ``user``. Not sent for a dry run.
history_pruning = Signal()
