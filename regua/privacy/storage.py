"""Making erased rows really gone from the database file."""

import logging

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger("regua.privacy")


def compact_sqlite() -> None:
    """On SQLite, rebuild the database file so no copy of erased rows survives in it.

    SQLite leaves deleted and overwritten rows in free pages and in the WAL until
    they happen to be reused; VACUUM rewrites the file and the TRUNCATE
    checkpoint empties the WAL. PostgreSQL keeps old row versions until its own
    VACUUM reclaims them; nothing is done there.
    """
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError as error:
        # The erasure itself is committed; only the copies in free space remain.
        logger.warning(
            "Não foi possível compactar o banco SQLite depois de apagar dados pessoais (%s); "
            "execute 'regua dbshell' e 'VACUUM;' quando o sistema estiver parado.",
            error,
        )


def compact_after_commit() -> None:
    """Compact once the current transaction commits (at once when there is none)."""
    transaction.on_commit(compact_sqlite)
