"""Reading an imported file as a header and rows, from any binary stream.

CSV (``,``, ``;`` or tab; UTF-8 with or without BOM, or Windows-1252/Latin-1)
and XLSX (read-only, streamed) come out the same way: a ``Table`` whose
``rows`` yields ``(row_number, cells)`` one at a time, never the whole file.
Row numbers are what a spreadsheet shows: the header is row 1.
"""

import codecs
import csv
import datetime
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, BinaryIO, Final

from regua.receivables.importing.values import COMMA, DOT, Cell

SAMPLE_BYTES: Final = 64 * 1024
# A line longer than this is cut short and reported, so a file without line
# breaks cannot make us hold gigabytes (csv's own per-field limit is 131,072).
LINE_LIMIT: Final = 1024 * 1024
FIELD_LIMIT: Final = csv.field_size_limit()
# XLSX is a zip: what its directory promises to unpack is checked before
# openpyxl opens it (the zipfile module enforces the promised sizes).
XLSX_MAX_UNCOMPRESSED: Final = 2 * 1024**3
XLSX_MAX_RATIO: Final = 200
XLSX_RATIO_FLOOR: Final = 20 * 1024**2


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` is for the user."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class BadLine:
    """A row the reader could not split into cells (too long, broken quoting)."""

    message: str
    preview: str = ""


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    header: list[str]
    rows: Iterator[tuple[int, list[Cell] | BadLine]]
    delimiter: str = ";"
    encoding: str = ""
    decimal_hint: str = COMMA
    _closers: list[IO[Any]] = field(default_factory=list)

    def close(self) -> None:
        for f in self._closers:
            f.close()


def _fallback_decode(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as Windows-1252, else Latin-1, one by one."""
    assert isinstance(exc, UnicodeDecodeError)
    chunk = exc.object[exc.start : exc.end]
    out = []
    for byte in chunk:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(bytes([byte]).decode("latin-1"))
    return "".join(out), exc.end


codecs.register_error("regua-cp1252", _fallback_decode)


class _Prefixed(io.RawIOBase):
    """A stream with the bytes already sniffed from it put back in front."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_sample(stream: BinaryIO) -> bytes:
    sample = b""
    while len(sample) < SAMPLE_BYTES:
        chunk = stream.read(SAMPLE_BYTES - len(sample))
        if not chunk:
            break
        sample += chunk
    return sample


def _is_utf8(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _refuse_non_text(sample: bytes) -> None:
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise FileProblem("o arquivo está em UTF-32; salve-o como CSV UTF-8 ou Windows-1252 (ANSI)")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            'o arquivo está em UTF-16 ("Texto Unicode"); salve-o como CSV UTF-8 '
            "ou Windows-1252 (ANSI)"
        )
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("planilhas .xls (Excel 97-2003) não são aceitas; salve como .xlsx ou CSV")
    if b"\x00" in sample:
        if _looks_like_utf16(sample[:4096]):
            raise FileProblem(
                "o arquivo parece estar em UTF-16 sem marca de início; salve-o como "
                "CSV UTF-8 ou Windows-1252 (ANSI)"
            )
        raise FileProblem("o arquivo não é texto (CSV) nem planilha XLSX: tem conteúdo binário")


def _looks_like_utf16(head: bytes) -> bool:
    """Latin text in UTF-16: every other byte is zero, the ones between are not."""
    half = len(head) // 2
    if half < 8:
        return False
    even, odd = head[0::2], head[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if zeros.count(0) >= 0.9 * half and chars.count(0) <= 0.05 * half:
            return True
    return False


def _delimiter(first_line: str) -> str:
    counts = dict.fromkeys((";", ",", "\t"), 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _bounded_lines(text: IO[str], cut: list[str]) -> Iterator[str]:
    """The lines of ``text``; one longer than LINE_LIMIT becomes a blank line.

    The csv reader only takes strings, so a cut line is signalled through
    ``cut`` (its preview) and replaced by an empty line the row loop recognises.
    """
    while True:
        line = text.readline(LINE_LIMIT)
        if not line:
            return
        if len(line) >= LINE_LIMIT and not line.endswith(("\n", "\r")):
            preview = line[:80]
            while True:
                more = text.readline(LINE_LIMIT)
                if not more or more.endswith(("\n", "\r")):
                    break
            cut.append(preview)
            yield "\n"
            continue
        yield line


def _csv_rows(
    reader: Iterator[list[str]], cut: list[str], header_row: int
) -> Iterator[tuple[int, list[Cell] | BadLine]]:
    number = header_row
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield number, BadLine(f"linha ilegível ({_csv_error_pt(str(exc))})")
            continue
        if cut:
            preview = cut.pop()
            yield (
                number,
                BadLine(f"linha com mais de {LINE_LIMIT:,} caracteres".replace(",", "."), preview),
            )
            continue
        yield number, list(cells)


def _csv_error_pt(message: str) -> str:
    if "field larger than field limit" in message:
        return f"um campo passa de {FIELD_LIMIT:,} caracteres".replace(",", ".")
    if "EOF" in message or "end of data" in message:
        return "aspas abertas e não fechadas até o fim do arquivo"
    if "expected after" in message:
        return "aspas fora do lugar: depois de fechar aspas deve vir o separador"
    return "aspas ou separadores fora do lugar"


def _open_csv(sample: bytes, stream: BinaryIO, complete: bool) -> Table:
    if sample.startswith(codecs.BOM_UTF8):
        encoding, errors = "utf-8-sig", "regua-cp1252"
    elif _is_utf8(sample, complete):
        # Valid UTF-8 so far (pure ASCII included); a stray Windows-1252 byte
        # further down is still read as such instead of failing the file.
        encoding, errors = "utf-8", "regua-cp1252"
    else:
        encoding, errors = "cp1252", "regua-cp1252"
    raw = io.BufferedReader(_Prefixed(sample, stream), buffer_size=SAMPLE_BYTES)
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    cut: list[str] = []
    lines = _bounded_lines(text, cut)
    first = next(lines, "")
    header_row = 1
    while first.strip() == "" and first:
        if cut:
            raise FileProblem("a primeira linha (cabeçalho) é longa demais", row=header_row)
        first = next(lines, "")
        header_row += 1  # blank lines above the header still count as rows
    if not first.strip():
        raise FileProblem("o arquivo está vazio")
    delimiter = _delimiter(first)

    def all_lines() -> Iterator[str]:
        yield first
        yield from lines

    # strict: a stray quote is reported with its row instead of silently eaten.
    reader = csv.reader(all_lines(), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileProblem(
            f"cabeçalho ilegível ({_csv_error_pt(str(exc))})", row=header_row
        ) from None
    return Table(
        format="csv",
        header=[h.strip().lstrip("\ufeff") for h in header],
        rows=_csv_rows(reader, cut, header_row),
        delimiter=delimiter,
        encoding="utf-8" if encoding.startswith("utf-8") else "windows-1252",
        decimal_hint=DOT if delimiter == "," else COMMA,
        _closers=[text],
    )


def check_zip_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory promises more than we are willing to unpack."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > XLSX_MAX_UNCOMPRESSED:
            raise FileProblem(
                "a planilha descompactada passaria de "
                f"{XLSX_MAX_UNCOMPRESSED // 1024**2} MB; divida o arquivo ou exporte em CSV"
            )
        if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise FileProblem(
                "a planilha tem compressão anormal (possível bomba de zip) e não foi aberta"
            )


def _spool(sample: bytes, stream: BinaryIO) -> IO[bytes]:
    """A seekable copy of the upload (openpyxl needs to seek in the zip)."""
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed by Table.close
    copy.write(sample)
    shutil.copyfileobj(stream, copy, 1024 * 1024)
    copy.seek(0)
    return copy


def _open_xlsx(sample: bytes, stream: BinaryIO) -> Table:
    from openpyxl import load_workbook

    copy = _spool(sample, stream)
    try:
        with zipfile.ZipFile(copy) as archive:
            check_zip_sizes(archive)
            if "xl/workbook.xml" not in archive.namelist():
                raise FileProblem("o arquivo zip não é uma planilha XLSX")
        copy.seek(0)
        workbook = load_workbook(copy, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
    except FileProblem:
        copy.close()
        raise
    except Exception:  # openpyxl and zipfile raise many kinds on a broken file
        copy.close()
        raise FileProblem("planilha XLSX inválida ou corrompida") from None
    if header_row is None or all(c is None for c in header_row):
        copy.close()
        raise FileProblem("a planilha está vazia (a primeira linha deve ser o cabeçalho)")

    def numbered() -> Iterator[tuple[int, list[Cell] | BadLine]]:
        number = 1
        try:
            for row in rows:
                number += 1
                yield number, [_cell(c) for c in row]
        except Exception:  # a sheet broken halfway
            yield number, BadLine("planilha corrompida a partir desta linha")
        finally:
            workbook.close()

    header = ["" if h is None else str(h).strip() for h in header_row]
    return Table(format="xlsx", header=header, rows=numbered(), decimal_hint=DOT, _closers=[copy])


def _cell(value: object) -> Cell:
    if value is None or isinstance(
        value, str | int | float | Decimal | datetime.date | datetime.time
    ):
        return value
    return str(value)  # rich text, formulas kept as text, durations


def open_table(stream: BinaryIO, filename: str = "") -> Table:
    """Open ``stream`` as a CSV or XLSX table; raises FileProblem in Portuguese."""
    sample = _read_sample(stream)
    complete = len(sample) < SAMPLE_BYTES
    if not sample.strip():
        raise FileProblem("o arquivo está vazio")
    if sample.startswith(b"PK\x03\x04"):
        return _open_xlsx(sample, stream)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem("o arquivo tem nome de planilha XLSX, mas não é uma")
    _refuse_non_text(sample)
    return _open_csv(sample, stream, complete)
