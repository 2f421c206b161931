"""Rows sent to the API, as JSON or as a file, fed to the one import engine.

A JSON list of rows becomes a UTF-8 CSV in memory with the rows' keys as its
header, so `regua.receivables.importing.import_file` reads it exactly as it
reads a file from the command line or the web upload.
"""

import csv
import io
from decimal import Decimal
from typing import Any

from regua.api.decorators import ApiError
from regua.receivables.importing.result import ImportResult, RowError

MAX_ROWS = 50_000


def _cell(value: Any, row: int, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Never 1E+2: the importer reads plain digits.
        return format(value, "f")
    if isinstance(value, int | str):
        return str(value)
    raise ApiError(
        400,
        f"Linha {row}, chave {key}: use texto, número, true/false ou null, não {type(value).__name__}.",
    )


def rows_to_csv(rows: Any) -> io.BytesIO:
    """The rows (a JSON list of objects, numbers parsed as Decimal) as a CSV stream.

    Every row must carry the same keys: a key missing from one row would
    otherwise reach the importer as an empty cell, which erases the stored value.
    """
    if not isinstance(rows, list) or not rows:
        raise ApiError(
            400, "Envie uma lista JSON de linhas (objetos), ou um arquivo no campo file."
        )
    if len(rows) > MAX_ROWS:
        raise ApiError(
            413,
            f"São {len(rows)} linhas; o limite em JSON é {MAX_ROWS}: envie um arquivo CSV ou XLSX.",
        )
    header: list[str] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ApiError(400, f"Linha {number}: cada linha deve ser um objeto JSON.")
        for key in row:
            if key not in header:
                header.append(key)
    if not header:
        raise ApiError(400, "As linhas não têm nenhuma chave.")
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=",", lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        missing = [key for key in header if key not in row]
        if missing:
            raise ApiError(
                400,
                f"Linha {number}: faltam as chaves {', '.join(missing)}; "
                "todas as linhas devem ter as mesmas chaves.",
            )
        writer.writerow([_cell(row[key], number, key) for key in header])
    return io.BytesIO(text.getvalue().encode("utf-8"))


def _problem(error: RowError, from_json: bool) -> dict[str, Any]:
    # In a JSON body "row" counts the list's objects from 1; in a file it is
    # the spreadsheet's row, where the header is row 1.
    row = error.row - 1 if from_json and error.row is not None else error.row
    shown = RowError(row, error.column, error.value, error.message)
    return {
        "row": row,
        "column": error.column,
        "value": error.value,
        "message": error.message,
        "text": str(shown),
    }


def result_json(result: ImportResult, *, from_json: bool) -> dict[str, Any]:
    """What an import did, as the API answers it (errors and warnings row by row)."""
    return {
        "kind": result.kind,
        "snapshot": result.snapshot,
        "committed": result.committed,
        "summary": result.summary(),
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "settled": result.settled,
        "error_count": result.error_count,
        "errors": [_problem(e, from_json) for e in result.errors],
        "warning_count": result.warning_count,
        "warnings": [_problem(w, from_json) for w in result.warnings],
        "ignored_columns": list(result.ignored_columns),
    }
