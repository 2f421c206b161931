"""Bulk SQL for imports, runs and delivery: many rows in few statements.

The domain modules stay ORM-shaped and call these for the few places where the
ORM's per-row costs dominate (a million títulos imported, a run's notices
recorded, a worker's outcomes written). The SQL holds only table and column
names taken from the models, quoted by the backend; values travel as
parameters (or as COPY data on PostgreSQL), never in the text.

The interface, all in ``regua.bulk.sql``:

- ``insert_rows(model, attnames, rows)``: INSERT many rows (COPY on PostgreSQL).
- ``update_rows(model, attnames, [(pk, values)], where=...)`` and
  ``update_instances(instances, names, where=...)``: one ``UPDATE … FROM (VALUES …)``
  per thousand rows on PostgreSQL, ``executemany`` on SQLite; ``where`` guards
  each row (columns it must still hold) and the rows written are returned.
- ``Writer`` / ``BackgroundWriter`` (``insert``, ``analyze``, ``drain``, ``close``)
  and ``writer_for_import()``: on PostgreSQL a binary COPY in a second thread on
  the same connection (call ``drain`` before any other query).
- ``Lookup(model, attnames, among, equal)``: a prepared ``SELECT … IN (…)``
  whose values come back converted as the ORM would.
- ``adapt(field, value)``, ``in_chunks(values)``, ``refresh_statistics(model)``,
  ``foreign_keys_checked_per_statement(model)``, ``import_cache()``.

The Django internals these rely on (``connection.ops`` quoting and adapters,
fields' ``cast_db_type``/``get_col``/``get_db_converters``, the cursor
wrapper's raw ``cursor`` and psycopg's ``copy``) are pinned by
``regua/bulk/tests/test_django_internals.py``: an upgrade that moves them fails
there first.
"""
