"""Payment events: every change of a título's paid amount an import makes (R1).

The título keeps only its latest paid total; the effectiveness report needs
each step with its date, to place it after the notices that preceded it. An
import records, in the same transaction as the títulos it writes:

- a título whose paid amount changed: the difference (negative for a
  reversal) at the file's paid date, else the import's date;
- a new título that comes already paid: its paid amount at its paid date;
- a título a snapshot settles (it left the ERP's open list): its last
  balance on the import date, as a "baixa presumida"; listed again later, the
  presumed payment is reversed.

Rows travel in the import's own batches (one COPY/INSERT per batch) and the
set-based parts are single INSERT … SELECT statements: no query per título.
"""

import datetime
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.utils import timezone

from regua.bulk.sql import Writer
from regua.receivables.importing.result import ImportResult
from regua.receivables.models import Import, PaymentEvent, PaymentKind, Receivable

ATTNAMES: Final = ("receivable_id", "amount", "paid_date", "kind", "source_id", "recorded_at")


class PaymentRecorder:
    """Collects one import's payment events and writes them batch by batch."""

    def __init__(self, result: ImportResult, user: str) -> None:
        self.result = result
        self.user = user
        self.source: int | None = None
        now = timezone.now()
        self.today: datetime.date = timezone.localdate(now)
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.pending: list[tuple[Any, ...]] = []
        self.reopened_ids: list[int] = []

    def _source(self) -> int:
        """The import's own row, made when it first records something."""
        if self.source is None:
            self.source = Import.objects.create(
                kind=self.result.kind,
                filename=self.result.filename[:255],
                user=self.user[:150],
                snapshot=self.result.snapshot,
            ).pk
        return self.source

    def changed(self, receivable: int, amount: Decimal, paid_date: datetime.date | None) -> None:
        if amount:
            self.pending.append(
                (receivable, amount, paid_date or self.today, PaymentKind.PAYMENT.value)
            )

    def reopened(self, receivable: int) -> None:
        self.reopened_ids.append(receivable)

    def write(self, writer: Writer) -> None:
        """The batch's events (call after the batch's títulos are written)."""
        if self.pending:
            writer.drain()
            source, now = self._source(), self.now
            writer.insert(
                PaymentEvent,
                ATTNAMES,
                [(*event, source, now) for event in self.pending],
            )
            self.pending = []
        if self.reopened_ids:
            writer.drain()
            self._reverse_presumed(self.reopened_ids)
            self.reopened_ids = []

    def _execute(self, sql: str, params: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def created(self, max_before: int) -> None:
        """New títulos that came already paid (ids above ``max_before`` are this import's)."""
        if not Receivable.objects.filter(pk__gt=max_before).exclude(paid_amount=0).exists():
            return
        self._execute(
            "INSERT INTO receivables_paymentevent"
            " (receivable_id, amount, paid_date, kind, source_id, recorded_at)"
            " SELECT id, paid_amount, COALESCE(paid_date, %s), %s, %s, %s"
            " FROM receivables_receivable WHERE id > %s AND paid_amount <> 0",
            [self.today, PaymentKind.PAYMENT.value, self._source(), self.now, max_before],
        )

    def settled(self, ids: list[int]) -> None:
        """A snapshot settles these títulos: each is presumed paid of its last balance today."""
        if not ids:
            return
        among = "(" + ", ".join(["%s"] * len(ids)) + ")"
        self._execute(
            "INSERT INTO receivables_paymentevent"  # noqa: S608 - names and placeholders only
            " (receivable_id, amount, paid_date, kind, source_id, recorded_at)"
            " SELECT id, amount - paid_amount, %s, %s, %s, %s FROM receivables_receivable"
            " WHERE cancelled = %s AND amount > paid_amount AND id IN " + among,
            [self.today, PaymentKind.PRESUMED.value, self._source(), self.now, False, *ids],
        )

    def _reverse_presumed(self, ids: list[int]) -> None:
        among = "(" + ", ".join(["%s"] * len(ids)) + ")"
        self._execute(
            "INSERT INTO receivables_paymentevent"  # noqa: S608 - names and placeholders only
            " (receivable_id, amount, paid_date, kind, source_id, recorded_at)"
            " SELECT receivable_id, -SUM(amount), %s, %s, %s, %s FROM receivables_paymentevent"
            " WHERE kind = %s AND receivable_id IN " + among + " GROUP BY receivable_id"
            " HAVING SUM(amount) <> 0",
            [
                self.today,
                PaymentKind.PRESUMED.value,
                self._source(),
                self.now,
                PaymentKind.PRESUMED.value,
                *ids,
            ],
        )
