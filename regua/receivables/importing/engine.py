"""The one import engine behind the command line, the web upload and the API.

A file streams through in batches inside one transaction. By default the file
is all-or-nothing: every row is still validated (so the user gets every bad
row at once) and the transaction is rolled back when any row is bad.
With ``skip_invalid`` the good rows are kept and the bad ones rejected.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any, BinaryIO, Final

from django.db import transaction

from regua.audit.log import record
from regua.bulk.sql import (
    foreign_keys_checked_per_statement,
    import_cache,
    writer_for_import,
)
from regua.receivables.importing import values as v
from regua.receivables.importing.columns import KINDS, NOT_READ, Column, lookup
from regua.receivables.importing.files import BadLine, FileProblem, Table, open_table
from regua.receivables.importing.loaders import LOADERS, Loader, Row
from regua.receivables.importing.result import ImportResult, RowError

BATCH_SIZE: Final = 2000
AUDIT_ACTION: Final = "receivables.import"

Reader = Callable[[v.Cell], Any]


class UnknownKind(ValueError):
    pass


def _required(read: Reader) -> Reader:
    def required(cell: v.Cell) -> Any:
        value = read(cell)
        if value is None or value == "":
            raise v.BadValue("campo obrigatório vazio")
        return value

    return required


def _money(style: v.DecimalStyle, *, required: bool) -> Reader:
    decimal = v.decimal

    def money(cell: v.Cell) -> Decimal:
        # Most amounts look like 1234,56 once the file's style is known: read
        # them straight into a two-place Decimal (string methods, no regular
        # expression); anything else takes the long way, which explains itself.
        if type(cell) is str and style.mark is not None:
            whole, mark, fraction = cell.partition(style.mark)
            if (
                0 < len(whole) <= 12
                and whole.isdecimal()
                and whole.isascii()
                and (
                    not mark
                    or (0 < len(fraction) <= 2 and fraction.isdecimal() and fraction.isascii())
                )
            ):
                return Decimal(f"{whole}.{fraction.ljust(2, '0')}")
        value = decimal(cell, style, places=2, max_digits=14)
        if value is None:
            if required:
                raise v.BadValue("campo obrigatório vazio")
            return Decimal("0.00")
        return value

    return money


def _false_if_empty(cell: v.Cell) -> bool:
    return bool(v.boolean(cell))


def _cancel_date(cell: v.Cell) -> bool:
    return v.date(cell) is not None


def _collection_code(cell: v.Cell, max_length: int) -> str:
    return v.code(cell, max_length).upper()


def _collection_ref(cell: v.Cell, max_length: int) -> str:
    return v.limited_text(cell, max_length).upper()


_TEXT, _CODE, _DATE, _UPPER, _BOOL = 1, 2, 3, 4, 5

# S/N and friends, for the flag columns' fast path (anything else goes to the reader).
_FLAGS: Final = dict.fromkeys(v.TRUE_WORDS, True) | dict.fromkeys(v.FALSE_WORDS, False)


def _fast_path(column: Column) -> int:
    if column.read in ("text", "email", "number_text") and not column.required:
        return _TEXT
    if column.read == "code":
        return _CODE
    if column.read in ("date", "required_date"):
        return _DATE
    if column.read == "collection_ref":
        return _UPPER
    if column.read == "bool":
        return _BOOL
    return 0


def _blank(cell: v.Cell) -> bool:
    return not v.text(cell)


def make_reader(column: Column, style: v.DecimalStyle) -> Reader:
    """The function that reads one cell of ``column`` in this file."""
    percent = partial(v.decimal, style=style, places=4, max_digits=7)
    readers: dict[str, Reader] = {
        "code": partial(v.code, max_length=column.max_length),
        "collection_code": partial(_collection_code, max_length=column.max_length),
        "collection_ref": partial(_collection_ref, max_length=column.max_length),
        "text": partial(v.limited_text, max_length=column.max_length),
        "email": partial(v.limited_text, max_length=column.max_length),
        "number_text": partial(v.limited_number_text, max_length=column.max_length),
        "cnpj": v.cnpj,
        "document": v.document,
        "percent": percent,
        "percent_or_default": percent,
        "required_money": _money(style, required=True),
        "money_or_zero": _money(style, required=False),
        "date": v.date,
        "required_date": v.required_date,
        "bool": _false_if_empty,
        "dunnable": v.boolean,
        "cancel_date": _cancel_date,
    }
    read = readers[column.read]
    if column.read == "text" and column.required:
        read = _required(read)
    return read


def map_header(kind: str, header: list[str], result: ImportResult) -> list[tuple[int, Column]]:
    """Which column of the file feeds which field; raises FileProblem for a bad header."""
    names = lookup(kind)
    mapped: list[tuple[int, Column]] = []
    by_attr: dict[str, str] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        if "\0" in name:
            raise FileProblem(
                f"cabeçalho, coluna {index + 1} ({_visible(name)!r}): {v.NUL_MESSAGE}", row=1
            )
        key = name.strip().lower()
        if not key:
            continue
        column = names.get(key) if key not in NOT_READ else None
        if column is None:
            if name not in ignored:
                ignored.append(name)
            continue
        if column.attr in by_attr:
            raise FileProblem(
                f"as colunas {by_attr[column.attr]!r} e {name!r} dizem a mesma coisa "
                f"({column.header}); deixe só uma",
                row=1,
            )
        by_attr[column.attr] = name
        # Messages name the column as the file does.
        mapped.append(
            (index, Column(name, column.attr, column.read, (), column.required, column.max_length))
        )
    missing = [c for c in KINDS[kind] if c.required and c.attr not in by_attr]
    if missing:
        listed = ", ".join(
            c.header + (f" (ou {'/'.join(c.winthor)})" if c.winthor else "") for c in missing
        )
        raise FileProblem(f"faltam colunas obrigatórias: {listed}", row=1)
    result.ignored_columns = ignored
    return mapped


_UNREAD: Final = object()
# Flag columns: an empty cell is False.
_FLAGS_OR_EMPTY: Final = {**_FLAGS, "": False}


class _Run:
    """One import in progress: parse rows, hand batches to the loader."""

    def __init__(self, table: Table, mapped: list[tuple[int, Column]], loader: Loader) -> None:
        self.table = table
        self.loader = loader
        self.result = loader.result
        style = v.DecimalStyle(hint=table.decimal_hint)
        # Text, codes and dates are most of a file: parse() reads the usual
        # shapes inline and calls the reader only for anything unusual (which
        # then explains itself). The fast paths accept only what the reader would.
        self.readers = [
            (i, c.header, c.attr, make_reader(c, style), _fast_path(c), c.max_length)
            for i, c in mapped
        ]
        self.width = len(table.header)

    def parse(self, number: int, cells: list[v.Cell]) -> Row:
        """One row, cell by cell (``parse_batch`` is the usual way in)."""
        values: dict[str, Any] = {}
        row = Row(number, cells, values)
        width = len(cells)
        for index, header, attr, read, fast, max_length in self.readers:
            cell = cells[index] if index < width else None
            value = self.read_cell(row, cell, header, read, fast, max_length)
            if value is not _UNREAD:
                values[attr] = value
        if width > self.width and any(_shown(c) for c in cells[self.width :]):
            row.fail("", "", f"a linha tem {width} colunas e o cabeçalho, {self.width}")
        return row

    @staticmethod
    def read_cell(
        row: Row, cell: v.Cell, header: str, read: Reader, fast: int, max_length: int
    ) -> Any:
        """One cell's value, or ``_UNREAD`` with the reason added to ``row``."""
        if type(cell) is str and "\0" in cell:
            row.fail(header, _visible(cell), v.NUL_MESSAGE)
            return _UNREAD
        if fast and type(cell) is str:
            value = cell.strip()
            if fast == _TEXT:
                if len(value) <= max_length and value[:1] != "'":
                    return value
            elif fast == _DATE:
                if value:  # cached, and raising BadValue itself
                    try:
                        return v.parse_date(value)
                    except v.BadValue as exc:
                        row.fail(header, cell, exc.message)
                        return _UNREAD
            elif fast == _CODE:
                if value and len(value) <= max_length and value[:1] != "'" and value.isprintable():
                    return value
            elif fast == _UPPER:
                if len(value) <= max_length and value[:1] != "'":
                    return value.upper()
            else:  # _BOOL: empty is False
                flag = _FLAGS_OR_EMPTY.get(value.lower())
                if flag is not None:
                    return flag
        try:
            return read(cell)
        except v.BadValue as exc:
            row.fail(header, _shown(cell), exc.message)
            return _UNREAD

    def reject(self, row: Row) -> None:
        for error in row.errors:
            self.result.add_error(error)
        self.result.reject(
            row.number, [_shown(c) for c in row.cells], "; ".join(_reason(e) for e in row.errors)
        )

    def parse_batch(self, raw: list[tuple[int, list[v.Cell]]]) -> list[Row]:
        """``parse`` for many rows at once, a column at a time.

        A column whose every cell has the usual shape is read with C-level
        ``map`` calls and checks over the whole column; any column with an
        unusual cell (and any batch with a short or long row) goes cell by cell
        through ``parse``'s rules, which explain what is wrong. Same values,
        same messages, in the same order.
        """
        width = self.width
        if not raw or set(map(len, (cells for _, cells in raw))) != {width}:
            return [self.parse(number, cells) for number, cells in raw]
        rows = [Row(number, cells, {}) for number, cells in raw]
        columns = list(zip(*(cells for _, cells in raw), strict=True))
        parsed: list[list[Any] | tuple[Any, ...]] = []
        unread: list[tuple[Row, str]] = []
        for index, header, attr, read, fast, max_length in self.readers:
            column = columns[index]
            whole = _whole_column(column, read, fast, max_length)
            if whole is None:
                whole = []
                for row, cell in zip(rows, column, strict=True):
                    value = self.read_cell(row, cell, header, read, fast, max_length)
                    if value is _UNREAD:
                        unread.append((row, attr))
                    whole.append(value)
            parsed.append(whole)
        attrs = [attr for _, _, attr, _, _, _ in self.readers]
        for row, values in zip(rows, zip(*parsed, strict=True), strict=True):
            row.values = dict(zip(attrs, values, strict=True))
        for row, attr in unread:
            del row.values[attr]  # an unreadable cell gives no value (see Loader.key)
        return rows

    def rows(self) -> Iterator[Row | tuple[int, list[v.Cell]]]:
        """The file's rows: unreadable lines as failed Rows, the others still as cells."""
        for number, cells in self.table.rows:
            if isinstance(cells, BadLine):
                row = Row(number, [cells.preview], {})
                row.fail("", "", cells.message)
                yield row
                continue
            first = cells[0] if cells else None
            if not any(cells) or (
                (first is None or (type(first) is str and not first.strip()))
                and all(_blank(c) for c in cells)
            ):
                continue  # blank line
            yield number, cells

    def parsed(self, batch: list[Row | tuple[int, list[v.Cell]]]) -> list[Row]:
        raw = [item for item in batch if not isinstance(item, Row)]
        rows = self.parse_batch(raw)
        if len(raw) == len(batch):
            return rows
        parsed = iter(rows)
        return [item if isinstance(item, Row) else next(parsed) for item in batch]

    def go(self, progress: Callable[[int], None] | None) -> None:
        batch: list[Row | tuple[int, list[v.Cell]]] = []
        for item in self.rows():
            self.result.rows += 1
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                self.loader.process(self.parsed(batch), self.reject)
                batch = []
                if progress:
                    progress(self.result.rows)
        if batch:
            self.loader.process(self.parsed(batch), self.reject)
        if progress:
            progress(self.result.rows)


def _whole_column(
    column: tuple[v.Cell, ...], read: Reader, fast: int, max_length: int
) -> list[Any] | None:
    """Every cell of ``column`` read at once, or None when any needs the cell-by-cell rules."""
    if fast and set(map(type, column)) == {str}:
        stripped = list(map(str.strip, column))  # type: ignore[arg-type]
        if fast == _DATE:
            if not all(stripped):
                return None
            try:
                return list(map(v.parse_date, stripped))
            except v.BadValue:
                return None
        if fast == _BOOL:
            flags = list(map(_FLAGS_OR_EMPTY.get, map(str.lower, stripped)))
            return None if None in flags else flags
        # NUL-joined, so "a cell starts with an apostrophe" is one substring test;
        # a NUL of the file's own (one more than the joints) goes cell by cell.
        joined = "\0" + "\0".join(stripped)
        if (
            "\0'" in joined
            or joined.count("\0") != len(stripped)
            or max(map(len, stripped)) > max_length
        ):
            return None
        if fast == _TEXT:
            return stripped
        if fast == _UPPER:
            return list(map(str.upper, stripped))
        # _CODE
        if not all(stripped) or not all(map(str.isprintable, stripped)):
            return None
        return stripped
    try:
        return list(map(read, column))
    except v.BadValue:
        return None


def _visible(value: str) -> str:
    """The value with its NUL bytes shown as ␀ (a database would refuse them even in a message)."""
    return value.replace("\0", "\u2400")


def _shown(cell: v.Cell) -> str:
    if not isinstance(cell, str):
        return v.text(cell)
    return _visible(cell) if "\0" in cell else cell


def _reason(error: RowError) -> str:
    return f"{error.column}: {error.message}" if error.column else error.message


def import_file(
    kind: str,
    stream: BinaryIO,
    *,
    filename: str = "",
    user: str,
    snapshot: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``stream`` as ``kind``; whatever is wrong with the file comes back in the result.

    ``snapshot`` (receivables only): the file is the complete list of the open
    títulos of the branches it names; their títulos missing from it are marked
    settled. One audit entry records the import and its counts.
    """
    if kind not in KINDS:
        raise UnknownKind(f"tipo de importação desconhecido: {kind!r}")
    if snapshot and kind != "receivables":
        raise UnknownKind("a carga completa (--snapshot) só vale para títulos (receivables)")
    result = ImportResult(
        kind=kind, filename=filename, snapshot=snapshot, skip_invalid=skip_invalid
    )
    try:
        table = open_table(stream, filename)
    except FileProblem as exc:
        result.add_error(RowError(exc.row, "", "", exc.message))
        _audit(result, user)
        return result
    try:
        result.header = table.header
        mapped = map_header(kind, table.header, result)
    except FileProblem as exc:
        table.close()
        result.add_error(RowError(exc.row, "", "", exc.message))
        _audit(result, user)
        return result
    try:
        with import_cache(), transaction.atomic():
            present = {c.attr: c for _, c in mapped}
            loader = LOADERS[kind](result, present, user)
            with foreign_keys_checked_per_statement(loader.model):
                loader.writer = writer_for_import()
                try:
                    _Run(table, mapped, loader).go(progress)
                    loader.writer.drain()
                    loader.finish()
                finally:
                    loader.writer.close()
            if result.rows == 0 and not result.error_count:
                result.add_error(
                    RowError(None, "", "", "o arquivo só tem o cabeçalho, sem linhas de dados")
                )
            elif snapshot and (skip_invalid or not result.error_count):
                result.settled = loader.settle_missing()
            if result.error_count and not (skip_invalid and result.rows > result.rejected_count):
                transaction.set_rollback(True)
                result.discard_counts()
            else:
                result.committed = True
                _audit(result, user)
    finally:
        table.close()
    if not result.committed:
        _audit(result, user)
    return result


def _audit(result: ImportResult, user: str) -> None:
    what = {
        "branches": "filiais",
        "collection-types": "tipos de cobrança",
        "customers": "clientes",
        "receivables": "títulos",
        "payments": "pagamentos",
    }[result.kind]
    record(
        user,
        AUDIT_ACTION,
        description=f"Importação de {what}"
        + (f" ({result.filename})" if result.filename else "")
        + f": {result.summary()}",
        changes={
            "kind": result.kind,
            "file": result.filename,
            "snapshot": result.snapshot,
            "skip_invalid": result.skip_invalid,
            "ok": result.committed,
            **result.counts(),
        },
    )
