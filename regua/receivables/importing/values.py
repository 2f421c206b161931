"""Turning one cell of an imported file into a value, or a Portuguese message.

Every parser takes a cell (a string from a CSV, or what openpyxl read from an
XLSX: a number, a date, text) and returns the value or raises ``BadValue``.
The parsers never raise anything else: the engine relies on it, and property
tests check it.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from regua.receivables.documents import InvalidDocument, normalize_cnpj, normalize_document

# What a reader hands over: text from a CSV, or a typed value from a spreadsheet.
Cell = str | int | float | Decimal | datetime.date | datetime.datetime | datetime.time | bool | None


class BadValue(ValueError):
    """A cell that cannot be read; ``message`` says why, in Portuguese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(cell: Cell) -> str:
    """The cell as trimmed text; spreadsheet numbers lose a useless ``.0``."""
    if type(cell) is str:
        value = cell.strip()
        # Our own exports neutralise formulas with a leading apostrophe (see
        # result.neutralise); reading one back gives the text as it was.
        if value[:1] == "'" and len(value) > 1 and value[1] in "=+-@":
            return value[1:]
        return value
    if cell is None:
        return ""
    if isinstance(cell, str):
        return text(str(cell))
    if isinstance(cell, bool):
        return "S" if cell else "N"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat()
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    return str(cell)


NUL_MESSAGE: Final = (
    "caractere nulo (NUL) no meio do texto; o arquivo parece corrompido ou não é um CSV de texto"
)


def limited_text(cell: Cell, max_length: int) -> str:
    value = text(cell)
    if "\0" in value:
        # PostgreSQL refuses it, SQLite would store it: a file damaged past the sniffed start.
        raise BadValue(NUL_MESSAGE)
    if len(value) > max_length:
        raise BadValue(f"texto com {len(value)} caracteres; o máximo é {max_length}")
    return value


def code(cell: Cell, max_length: int) -> str:
    """A key such as a customer code: required, printable, read exactly from a spreadsheet."""
    value = number_text(cell)
    if not value:
        raise BadValue("campo obrigatório vazio")
    if len(value) > max_length:
        raise BadValue(f"texto com {len(value)} caracteres; o máximo é {max_length}")
    if not value.isprintable():
        # Line and paragraph separators (U+2028, U+2029), vertical tabs, form
        # feeds, zero-width characters: a key that looks equal but is not.
        if "\n" in value or "\r" in value or "\t" in value:
            raise BadValue("código com quebra de linha ou tabulação")
        raise BadValue("código com caractere invisível ou de controle")
    return value


# Spreadsheets keep numbers as binary floating point: 15 significant digits.
EXACT_DIGITS: Final = 15


def number_text(cell: Cell) -> str:
    """``text``, refusing a spreadsheet number that cannot stand for the digits typed.

    A 20-digit document or a 47-digit linha digitável typed into a cell
    formatted as a number is kept by the spreadsheet as 1.234567890123457e+19:
    its last digits are gone, and reading it as text would store that.
    An integer of up to 15 digits is exact and read as such.
    """
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 10**EXACT_DIGITS:
            return str(int(cell))
        raise BadValue(
            f"número gravado pela planilha como {text(cell)}, sem todos os dígitos; "
            "formate a coluna como texto e digite o valor de novo"
        )
    value = text(cell)
    if "\0" in value:
        raise BadValue(NUL_MESSAGE)
    return value


def limited_number_text(cell: Cell, max_length: int) -> str:
    """A code-like text that is not required (linha digitável, barcode, nosso número)."""
    value = number_text(cell)
    if len(value) > max_length:
        raise BadValue(f"texto com {len(value)} caracteres; o máximo é {max_length}")
    return value


# --- dates -----------------------------------------------------------------

# ASCII digits only (\d would take full-width and other scripts' digits), and a
# time after the date must be a time of day.
_TIME = r"(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?)?"
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})" + _TIME)
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199


def date(cell: Cell) -> datetime.date | None:
    """``dd/mm/aaaa`` or ISO ``aaaa-mm-dd`` (a time part is ignored); empty is None.

    A spreadsheet's date cell gets the same year range as written dates.
    """
    if type(cell) is str:
        value = cell.strip()
        return parse_date(value) if value else None
    if isinstance(cell, datetime.datetime):
        return _in_range(cell.date())
    if isinstance(cell, datetime.date):
        return _in_range(cell)
    value = text(cell)
    return parse_date(value) if value else None


def _in_range(day: datetime.date) -> datetime.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadValue(f"ano {day.year} fora do intervalo aceito ({MIN_YEAR} a {MAX_YEAR})")
    return day


@functools.lru_cache(maxsize=8192)
def parse_date(value: str) -> datetime.date:
    # Cached: a file of a million títulos has a few thousand distinct dates.
    match = _DMY.fullmatch(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.fullmatch(value)
        if not match:
            raise BadValue("data inválida; use dd/mm/aaaa ou aaaa-mm-dd")
        year, month, day = (int(g) for g in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadValue(f"ano {year} fora do intervalo aceito ({MIN_YEAR} a {MAX_YEAR})")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BadValue("data inexistente (dia ou mês fora do calendário)") from None


def required_date(cell: Cell) -> datetime.date:
    value = date(cell)
    if value is None:
        raise BadValue("campo obrigatório vazio")
    return value


# --- decimals --------------------------------------------------------------

COMMA: Final = ","
DOT: Final = "."

_NUMBER = re.compile(r"[0-9.,]+")
# ASCII digits: Decimal() would read full-width ones too.
_PLAIN_COMMA = re.compile(r"([0-9]+)(?:,([0-9]+))?")
_PLAIN_DOT = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


class DecimalStyle:
    """The decimal mark of one file, decided by the first value that shows it.

    ``1.234,56`` and ``1234.56`` are both fine, but not in the same file:
    ``1.234`` means a thousand and more in one style and one and a bit in the
    other, so the file is read one way throughout. ``hint`` breaks the tie
    when the first telling value is ambiguous (``;``-separated files are
    Brazilian, ``,``-separated ones cannot use a decimal comma unquoted).
    """

    def __init__(self, hint: str = COMMA) -> None:
        self.hint = hint
        self.mark: str | None = None

    def _mark_for(self, value: str) -> str:
        if self.mark is not None:
            return self.mark
        has_dot, has_comma = "." in value, "," in value
        if has_dot and has_comma:
            return COMMA if value.rfind(",") > value.rfind(".") else DOT
        if has_comma:
            return COMMA if value.count(",") == 1 else DOT
        if has_dot:
            whole, _, fraction = value.rpartition(".")
            if value.count(".") > 1:
                return COMMA
            if len(fraction) != 3 or whole in ("", "0"):
                return DOT
        return self.hint

    def _tells(self, value: str) -> bool:
        """Whether ``value`` shows the file's style (``1.234`` and ``1234`` do not)."""
        if "," in value:
            return True
        if "." not in value:
            return False
        whole, _, fraction = value.rpartition(".")
        return value.count(".") > 1 or len(fraction) != 3 or whole in ("", "0")

    def parse(self, value: str) -> Decimal:
        """A non-negative decimal written in this file's style."""
        if self.mark is not None:
            # The common shapes once the style is known: 1234,56 / 1234.56 / 1234.
            plain = (_PLAIN_COMMA if self.mark == COMMA else _PLAIN_DOT).fullmatch(value)
            if plain:
                return Decimal(f"{plain[1]}.{plain[2] or '0'}")
        number = value.replace(" ", "").replace("\u00a0", "")
        if number.upper().startswith("R$"):
            number = number[2:]
        if number.startswith("-") or (number.startswith("(") and number.endswith(")")):
            raise BadValue("valor negativo não é aceito")
        if number.startswith("+"):
            number = number[1:]
        if not _NUMBER.fullmatch(number) or not any(c.isdigit() for c in number):
            raise BadValue("não é um número")
        mark = self._mark_for(number)
        thousands = DOT if mark == COMMA else COMMA
        whole, _, fraction = number.rpartition(mark) if mark in number else (number, "", "")
        if mark in whole or thousands in fraction:
            raise BadValue(self._mixed_message(mark))
        if thousands in whole:
            groups = whole.split(thousands)
            if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
                raise BadValue(self._mixed_message(mark))
            whole = "".join(groups)
        if self.mark is None and self._tells(number):
            self.mark = mark  # decided once, by the first well-formed telling value
        return Decimal(f"{whole or '0'}.{fraction or '0'}")

    @staticmethod
    def _mixed_message(mark: str) -> str:
        style = "1.234,56" if mark == COMMA else "1234.56"
        return f"número fora do formato deste arquivo, que usa {style}"


@functools.cache
def _bounds(places: int, max_digits: int) -> tuple[Decimal, Decimal]:
    return Decimal(10) ** (max_digits - places), Decimal(1).scaleb(-places)


def decimal(cell: Cell, style: DecimalStyle, *, places: int, max_digits: int) -> Decimal | None:
    """A non-negative amount or percentage; empty is None."""
    if type(cell) is str:
        value = cell.strip()
        if not value:
            return None
        number = style.parse(value)
    elif isinstance(cell, bool | datetime.date | datetime.time):
        raise BadValue("não é um número")
    elif isinstance(cell, int | float | Decimal):
        try:
            number = Decimal(str(cell))
        except InvalidOperation:
            raise BadValue("não é um número") from None
        if not number.is_finite():
            raise BadValue("não é um número")
        if number < 0:
            raise BadValue("valor negativo não é aceito")
    else:
        value = text(cell)
        if not value:
            return None
        number = style.parse(value)
    limit, quantum = _bounds(places, max_digits)
    if number >= limit:
        raise BadValue("número grande demais")
    rounded = number.quantize(quantum)
    if rounded != number:
        raise BadValue(f"mais de {places} casas decimais")
    return rounded


# --- booleans --------------------------------------------------------------

TRUE_WORDS: Final = frozenset({"s", "sim", "1", "true", "t", "y", "yes", "v", "verdadeiro"})
FALSE_WORDS: Final = frozenset({"n", "não", "nao", "0", "false", "f", "no", "falso"})
_TRUE, _FALSE = TRUE_WORDS, FALSE_WORDS


def boolean(cell: Cell) -> bool | None:
    """S/N, sim/não, 1/0, true/false (any case); empty is None."""
    if type(cell) is str:
        value = cell.strip().lower()
        if not value:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise BadValue("valor lógico inválido; use S ou N")
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    value = text(cell).lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValue("valor lógico inválido; use S ou N")


# --- documents and e-mail ----------------------------------------------------


def document(cell: Cell) -> str:
    value = text(cell)
    if not value:
        return ""
    try:
        return normalize_document(value)
    except InvalidDocument as exc:
        raise BadValue(str(exc)) from None


def cnpj(cell: Cell) -> str:
    value = text(cell)
    if not value:
        return ""
    try:
        return normalize_cnpj(value)
    except InvalidDocument as exc:
        raise BadValue(str(exc)) from None


_EMAIL_SEPARATORS = re.compile(r"[;,]")


def invalid_emails(value: str) -> list[str]:
    """The addresses in ``value`` (separated by ; or ,) that are not valid e-mail."""
    bad = []
    for address in _EMAIL_SEPARATORS.split(value):
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    return bad
