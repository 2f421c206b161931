"""Batch inserts and updates through ``executemany``, for imports of a million rows.

``bulk_create`` compiles SQL value by value (and SQLite caps it at 999
parameters a statement): at a million títulos that is most of the time. Here
one statement is prepared per batch and the values travel as parameters; the
SQL holds only table and column names taken from the model, quoted by the
backend, never data.
"""

import sqlite3
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
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
            cursor.executemany(sql, params)


def update_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]]
) -> None:
    """UPDATE ``attnames`` of each (pk, values)."""
    if not rows:
        return
    fields = _fields(model, attnames)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(str(model._meta.pk.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per thousand rows, joined on a VALUES list; the casts
            # type the columns (a column of NULLs would otherwise be text).
            names = [quote(str(f.column)) for f in fields]
            assignments = ", ".join(
                f"{n} = CAST(v.{n} AS {f.cast_db_type(connection)})"
                for n, f in zip(names, fields, strict=True)
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
                    + f") AS v({pk}, {', '.join(names)}) WHERE {table}.{pk} = v.{pk}"
                )
                cursor.execute(sql, flat)
        else:
            assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the model
            cursor.executemany(sql, _adapted(fields, [(*values, key) for key, values in rows]))


def refresh_statistics(model: type[models.Model]) -> None:
    """Let PostgreSQL's planner see rows added by this transaction (its own are counted).

    Right after a big first load the planner still believes the table is
    empty and scans a whole branch for each batch's look-up.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


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
