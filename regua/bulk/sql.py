"""Batch inserts and updates through ``executemany``, for imports of a million rows.

``bulk_create`` compiles SQL value by value (and SQLite caps it at 999
parameters a statement): at a million títulos that is most of the time. Here
one statement is prepared per batch and the values travel as parameters; the
SQL holds only table and column names taken from the model, quoted by the
backend, never data.
"""

import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from django.db import connection, models

Adapter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _last_one_cached(adapt: Adapter) -> Adapter:
    """``adapt``, remembering its last answer: a batch stamps every row with one time."""
    last: list[Any] = [object(), None]

    def adapter(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapter


def _adapter(field: models.Field) -> Adapter:
    # Strings, numbers, booleans, dates and Decimals go to the driver as they
    # are (Django registers the SQLite adapters for dates and Decimals); aware
    # datetimes and JSON need the backend's own preparation.
    if isinstance(field, models.DateTimeField):
        return _last_one_cached(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return _identity


def _adapted(fields: list[models.Field], rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """The rows with the values of the columns that need it adapted for the driver."""
    special = [(i, a) for i, a in enumerate(_adapter(f) for f in fields) if a is not _identity]
    if not special:
        return list(rows)
    adapted: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for i, adapt in special:
            values[i] = adapt(values[i])
        adapted.append(values)
    return adapted


def _fields(model: type[models.Model], attnames: Sequence[str]) -> list[models.Field]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def adapt(field: models.Field, value: Any) -> Any:
    """``value`` as the driver wants it for ``field``."""
    return _adapter(field)(value)


def insert_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    adapted: bool = False,
) -> None:
    """INSERT each row (values in ``attnames`` order) with one prepared statement.

    ``adapted``: the caller already passed every value through ``adapt``.
    """
    fields = _fields(model, attnames)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    params = rows if adapted else _adapted(fields, rows)
    if not params:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django binds parameters client-side, so executemany would send one
            # INSERT per row; COPY streams them all (values travel as data).
            with cursor.cursor.copy(copy_statement(model, attnames)) as copy:
                for row in params:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            cursor.executemany(sql, params)


def copy_statement(model: type[models.Model], attnames: Sequence[str]) -> str:
    """PostgreSQL's ``COPY table (columns) FROM STDIN`` for ``attnames``."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in _fields(model, attnames))
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"


def update_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Any]]],
    *,
    where: dict[str, Any] | None = None,
) -> int:
    """UPDATE ``attnames`` of each (pk, values); returns how many rows were written.

    ``where``: other columns a row must still hold (attname: value) to be written.
    """
    if not rows:
        return 0
    fields = _fields(model, attnames)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(str(model._meta.pk.column))
    guard = list((where or {}).items())
    guard_values = [value for _, value in guard]
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per thousand rows, joined on a VALUES list; the casts
            # type the columns (a column of NULLs would otherwise be text).
            names = [quote(str(f.column)) for f in fields]
            assignments = ", ".join(
                f"{n} = CAST(v.{n} AS {f.cast_db_type(connection)})"
                for n, f in zip(names, fields, strict=True)
            )
            condition = f"{table}.{pk} = v.{pk}" + "".join(
                f" AND {table}.{quote(name)} = %s" for name, _ in guard
            )
            row_placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                adapted = _adapted(fields, [values for _, values in chunk])
                flat = [
                    v
                    for (key, _), values in zip(chunk, adapted, strict=True)
                    for v in (key, *values)
                ]
                sql = (
                    f"UPDATE {table} SET {assignments} FROM (VALUES "  # noqa: S608 - names from the model
                    + ", ".join([row_placeholder] * len(chunk))
                    + f") AS v({pk}, {', '.join(names)}) WHERE {condition}"
                )
                cursor.execute(sql, flat + guard_values)
                written += cursor.rowcount
        else:
            assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
            condition = f"{pk} = %s" + "".join(f" AND {quote(name)} = %s" for name, _ in guard)
            sql = f"UPDATE {table} SET {assignments} WHERE {condition}"  # noqa: S608 - names from the model
            params = _adapted(fields, [(*values, key) for key, values in rows])
            cursor.executemany(sql, [[*row, *guard_values] for row in params])
            written = cursor.rowcount
    return written


def update_instances(
    instances: Sequence[models.Model], names: Sequence[str], *, where: dict[str, Any] | None = None
) -> int:
    """Write these fields of each instance, as ``save(update_fields=names)`` would, in one
    statement per thousand (``bulk_update`` builds a CASE per field and row, which costs
    more than the work around it). Returns how many rows were written."""
    if not instances:
        return 0
    model = type(instances[0])
    by_name = {f.name: f for f in model._meta.concrete_fields}
    fields = [by_name[name] for name in names]
    rows = [(obj.pk, [getattr(obj, f.attname) for f in fields]) for obj in instances]
    return update_rows(model, [f.attname for f in fields], rows, where=where)


class Writer:
    """Where a loader sends its new rows: written at once, in this thread."""

    def insert(self, model: type[models.Model], attnames: Sequence[str], rows: list[Any]) -> None:
        """INSERT ``rows`` (values already adapted, in ``attnames`` order)."""
        insert_rows(model, attnames, rows, adapted=True)

    def analyze(self, model: type[models.Model]) -> None:
        refresh_statistics(model)

    def drain(self) -> None:
        """Wait for what was sent; call before any other use of the connection."""

    def close(self) -> None:
        """Stop, whatever happened (what is still queued is dropped)."""


class BackgroundWriter(Writer):
    """PostgreSQL: each batch's COPY runs in a second thread, on the import's own connection.

    Most of a batch's cost on the server (indexes, foreign-key checks) is spent
    while the client waits; here the next batch is parsed meanwhile. Same
    connection, so the same transaction: all-or-nothing holds. The loader calls
    ``drain`` before it queries or writes anything itself, so the two threads
    never use the connection at once; an error in the thread comes back there
    (or at ``drain``) as Django's own database error.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self._raw = connection.connection
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._types: dict[str, dict[str, int]] = {}
        self._thread = threading.Thread(target=self._work, name="regua-import-writer", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    job()
            except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
                self._error = exc
            finally:
                self._jobs.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            with connection.wrap_database_errors:
                raise error

    def _send(self, job: Callable[[], None]) -> None:
        self._raise()
        self._jobs.put(job)

    def insert(self, model: type[models.Model], attnames: Sequence[str], rows: list[Any]) -> None:
        # Binary: the server reads numbers and dates without parsing text.
        statement = copy_statement(model, attnames) + " (FORMAT BINARY)"
        types = self._column_types(model, attnames)
        raw = self._raw

        def copy() -> None:
            with raw.cursor() as cursor, cursor.copy(statement) as out:
                out.set_types(types)
                for row in rows:
                    out.write_row(row)

        self._send(copy)

    def _column_types(self, model: type[models.Model], attnames: Sequence[str]) -> list[int]:
        """The type oids of the columns, as the server has them (asked once per table)."""
        table = model._meta.db_table
        if table not in self._types:
            self.drain()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute"
                    " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [table],
                )
                self._types[table] = dict(cursor.fetchall())
        oids = self._types[table]
        return [oids[str(f.column)] for f in _fields(model, attnames)]

    def analyze(self, model: type[models.Model]) -> None:
        statement = f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
        raw = self._raw

        def analyze() -> None:
            with raw.cursor() as cursor:
                cursor.execute(statement)

        self._send(analyze)

    def drain(self) -> None:
        self._jobs.join()
        self._raise()

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._error = None


def writer_for_import() -> Writer:
    """The writer an import uses on this database."""
    return BackgroundWriter() if connection.vendor == "postgresql" else Writer()


class Lookup:
    """``SELECT attnames FROM table WHERE equal = %s AND among IN (...)``, converted as the ORM would.

    An import looks rows up thousands of times; compiling an ORM filter with
    an ``IN`` list of a few thousand values each time costs more than the query.
    The SQL is prepared once from the model's names; the values travel as
    parameters; each column goes through the converters the ORM would apply
    (SQLite's dates, decimals and booleans come back as text and numbers).
    """

    def __init__(
        self,
        model: type[models.Model],
        attnames: Sequence[str],
        among: str,
        equal: str | None = None,
    ) -> None:
        fields = _fields(model, attnames)
        quote = connection.ops.quote_name
        table = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        where = [f"{quote(str(by_attname[equal].column))} = %s"] if equal else []
        where.append(f"{quote(str(by_attname[among].column))} IN ")
        columns = ", ".join(quote(str(f.column)) for f in fields)
        self.sql = f"SELECT {columns} FROM {quote(table)} WHERE " + " AND ".join(where)  # noqa: S608 - names from the model
        self.has_equal = equal is not None
        self.converters: list[tuple[int, list[Any], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))

    def __call__(self, values: Iterable[Any], equal: Any = None) -> Iterator[tuple[Any, ...]]:
        converters = self.converters
        with connection.cursor() as cursor:
            for chunk in in_chunks(values):
                params = [equal, *chunk] if self.has_equal else chunk
                cursor.execute(self.sql + "(" + ", ".join(["%s"] * len(chunk)) + ")", params)
                for found in cursor.fetchall():
                    if not converters:
                        yield tuple(found)
                        continue
                    row = list(found)
                    for index, functions, column in converters:
                        value = row[index]
                        for function in functions:
                            value = function(value, column, connection)
                        row[index] = value
                    yield tuple(row)


def refresh_statistics(model: type[models.Model]) -> None:
    """Let PostgreSQL's planner see rows added by this transaction (its own are counted).

    Right after a big first load the planner still believes the table is
    empty and scans a whole branch for each batch's look-up.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def foreign_keys_checked_per_statement(model: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: check ``model``'s deferred foreign keys at each statement, not at commit.

    Django declares them ``DEFERRABLE INITIALLY DEFERRED``: a million títulos
    would leave three million checks for the COMMIT, with the client idle.
    Checked as each batch's COPY ends, they run while the next batch is parsed
    (see ``BackgroundWriter``). The rows refer to ids the import looked up, so
    only *when* a violation would surface changes. Back to deferred on the way
    out (a failed import's transaction is rolled back anyway).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
            [model._meta.db_table],
        )
        names = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


# SQLite before 3.32 allowed 999 parameters in a statement; later, 32766.
_SQLITE_PARAMS: Final = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def in_chunks(values: Iterable[Any], reserve: int = 10) -> Iterator[list[Any]]:
    """``values`` in lists small enough for one ``__in`` look-up on this database."""
    size = _SQLITE_PARAMS - reserve if connection.vendor == "sqlite" else 10000
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# SQLite's default page cache (2 MB) thrashes once a million títulos and their
# indexes are in play; 64 MB keeps the import in memory and under 300 MB in all.
IMPORT_CACHE_KIB: Final = 64 * 1024


@contextmanager
def import_cache() -> Iterator[None]:
    """A larger SQLite page cache for the duration of an import (no-op elsewhere)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
