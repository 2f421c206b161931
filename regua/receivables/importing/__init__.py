"""Imports of branches, collection types, customers, títulos and payments.

``import_file`` is the one entry point, for the command line, the web upload
and the API alike; see ``engine`` for how a file goes through.
"""

from regua.receivables.importing.columns import KINDS, canonical_headers
from regua.receivables.importing.engine import UnknownKind, import_file
from regua.receivables.importing.result import (
    ImportResult,
    Rejected,
    RowError,
    neutralise,
    write_rejects,
)

__all__ = [
    "KINDS",
    "ImportResult",
    "Rejected",
    "RowError",
    "UnknownKind",
    "canonical_headers",
    "import_file",
    "neutralise",
    "write_rejects",
]
