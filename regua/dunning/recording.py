"""Writing a run's notices and their títulos in batches, as plain rows.

A run of a million títulos writes hundreds of thousands of rows: model
instances and ``bulk_create`` would spend most of the run compiling SQL value by
value. Here each notice gets its id up front (from the table's sequence on
PostgreSQL; on SQLite, whose IMMEDIATE transactions let one writer in at a
time, after the highest id ever given), so its títulos can be written beside it
without reading anything back, and the rows go out through
the import's writer (on PostgreSQL a binary ``COPY`` in a second thread, while
the next batch is planned, with the foreign keys checked as each batch lands
rather than all at the commit; on SQLite one prepared statement), a few
thousand at a time. Columns a run does not set get their model defaults, so a
field added later needs nothing here.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone

from regua.bulk.sql import (
    BackgroundWriter,
    Writer,
    adapt,
    foreign_keys_checked_per_statement,
    import_cache,
    writer_for_import,
)

# Notices kept in memory before they (and their títulos) are written.
BATCH = 2000
# Títulos a run writes past which it refreshes the tables' statistics (PostgreSQL).
ANALYZE_AFTER = 20000
# Ids taken from PostgreSQL's sequence at a time: few for a small run, doubling up to
# ID_BLOCK for a big one (ids taken and not used are gaps, never given again).
FIRST_ID_BLOCK = 64
ID_BLOCK = 50000


@contextmanager
def writing(*tables: type[models.Model]) -> Iterator[Writer]:
    """A writer for rows of ``tables``, all written (and their keys checked) on the way out."""
    writer = writer_for_import()
    try:
        with ExitStack() as stack:
            # SQLite's default 2 MB page cache thrashes on the tables' indexes.
            stack.enter_context(import_cache())
            for model in tables:
                stack.enter_context(foreign_keys_checked_per_statement(model))
            yield writer
            writer.drain()
    finally:
        writer.close()


class Ids:
    """New primary keys of ``model``'s table, handed out one by one.

    ``before_query``: called before the sequence is asked (the writer must be idle).
    """

    def __init__(self, model: type[models.Model], before_query: Callable[[], None]) -> None:
        self.model = model
        self.before_query = before_query
        self._free: list[int] = []
        self._next = 0
        self._block_size = FIRST_ID_BLOCK

    def take(self) -> int:
        if connection.vendor == "postgresql":
            if not self._free:
                self._free = self._block()
            return self._free.pop()
        if not self._next:
            self._next = self._highest() + 1
        self._next += 1
        return self._next - 1

    def _block(self) -> list[int]:
        self.before_query()
        table = self.model._meta.db_table
        column = str(self.model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, self._block_size],
            )
            ids = sorted((row[0] for row in cursor.fetchall()), reverse=True)
        self._block_size = min(self._block_size * 2, ID_BLOCK)
        return ids

    def _highest(self) -> int:
        self.before_query()
        # AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, so an
        # id of a deleted row is never given again.
        table = self.model._meta.db_table
        quote = connection.ops.quote_name
        column = quote(str(self.model._meta.pk.column))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({column}) FROM {quote(table)}), 0), "  # noqa: S608 - names from the model
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            return int(cursor.fetchone()[0])


class Rows:
    """Rows of ``model`` giving ``attnames``; every other column gets its default."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], writer: Writer) -> None:
        self.model = model
        self.writer = writer
        # A binary COPY dumps JSON itself; otherwise JSON goes as its text.
        self.json_as_text = not isinstance(writer, BackgroundWriter)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [by_attname[name] for name in attnames]
        now = timezone.now()
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in attnames and not f.primary_key
        ]
        self.attnames = [*attnames, *(f.attname for f in rest)]
        self.defaults = tuple(self._prepared(f, _default(f, now)) for f in rest)
        self.json = [(i, f) for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        self.pending: list[Sequence[Any]] = []

    def add(self, *values: Any) -> None:
        """One row: ``values`` in ``attnames`` order."""
        if self.json:
            row = list(values)
            for i, field in self.json:
                row[i] = self._prepared(field, row[i])
            values = tuple(row)
        self.pending.append((*values, *self.defaults))

    def write(self) -> None:
        # COPY goes through the driver's own cursor: its errors (R5's index
        # refusing a título) come out as Django's, as from any other query.
        with connection.wrap_database_errors:
            self.writer.insert(self.model, self.attnames, self.pending)
        self.pending = []

    def _prepared(self, field: models.Field, value: Any) -> Any:
        """``value`` as the writer takes it."""
        if isinstance(field, models.JSONField):
            return json.dumps(value, cls=field.encoder) if self.json_as_text else value
        return adapt(field, value)


def _default(field: models.Field, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()
