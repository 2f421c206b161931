"""An import's problems as a file: every error and warning kept, one per line.

``csv`` is for programs (English headers, codes); ``csv-br`` is for people
(see ``regua.spreadsheets``). The rejects file (``write_rejects``) is another
thing: the source file's own columns and values, to fix and import again.
"""

import csv
from pathlib import Path
from typing import Final

from regua.receivables.importing.result import ImportResult
from regua.spreadsheets import Column, neutralise, write_csv_br

REPORT_FORMATS: Final = ("csv", "csv-br")
CSV_HEADER: Final = ("kind", "row", "column", "value", "message")
BR_COLUMNS: Final = (
    Column("Tipo"),
    Column("Linha", "int"),
    Column("Coluna"),
    Column("Valor"),
    Column("Mensagem"),
)


def _lines(result: ImportResult, error: str, warning: str) -> list[list[object]]:
    return [
        [kind, problem.row, problem.column, problem.value, problem.message]
        for kind, problems in ((error, result.errors), (warning, result.warnings))
        for problem in problems
    ]


def write_report(result: ImportResult, path: str | Path, fmt: str = "csv") -> int:
    """Write the import's errors, then its warnings, to ``path``; returns how many."""
    if fmt == "csv-br":
        return write_csv_br(path, BR_COLUMNS, _lines(result, "erro", "aviso"))
    if fmt != "csv":
        raise ValueError(f"formato desconhecido: {fmt!r} (use csv ou csv-br)")
    lines = _lines(result, "error", "warning")
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_HEADER)
        for line in lines:
            writer.writerow(["" if v is None else neutralise(v) for v in line])
    return len(lines)
