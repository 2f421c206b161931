"""How a Brazilian finance team writes counts, money and dates, for every layer.

``count(3, "carta", "cartas")`` → "3 cartas", the word chosen by the number; money as
``R$ 1.234,56`` and dates as ``dd/mm/aaaa``, computed on ``Decimal`` and
``date``, never float and never the process locale. Below every app: commands,
services and pages of any layer use it.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def plural(number: int, one: str, many: str) -> str:
    """The word for ``number``: 1 (and -1) take the singular; 0 takes the plural, as in
    "0 cartas"."""
    return one if abs(number) == 1 else many


def count(number: int, one: str, many: str) -> str:
    """ "1 carta", "2 cartas", "1.234 títulos"."""
    return f"{integer(number)} {plural(number, one, many)}"


def integer(number: int) -> str:
    """1234 → "1.234"."""
    return f"{number:,d}".replace(",", ".")


def to_decimal(value: Decimal | int | str | None) -> Decimal:
    """A Decimal from what a caller may hand over; float is refused on purpose."""
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, float):
        raise TypeError("valores em dinheiro não podem ser float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"valor inválido: {value!r}") from None


def decimal_br(value: Decimal | int | str | None, places: int = 2) -> str:
    """1234.5 → "1.234,50"."""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):,.{places}f}"  # Decimal formatting is exact: "1,234.50"
    return sign + text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def money(value: Decimal | int | str | None) -> str:
    """1234.56 → "R$ 1.234,56"; negative amounts as "-R$ 10,00"."""
    number = to_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = decimal_br(abs(number))
    return f"-R$ {text}" if number < 0 else f"R$ {text}"


_SWAP_SEPARATORS = str.maketrans(",.", ".,")


def money_in_cents(value: Decimal) -> str:
    """``money(value)`` for a Decimal of exactly two places (a balance as Régua keeps it),
    without rounding: a run's report writes one for each of a million títulos."""
    if value.as_tuple().exponent != -2:
        return money(value)
    text = f"{value:,.2f}".translate(_SWAP_SEPARATORS)
    return f"-R$ {text[1:]}" if text[0] == "-" else f"R$ {text}"


def date(value: datetime.date | None) -> str:
    """2026-12-04 → "04/12/2026"; nothing for no date."""
    return f"{value:%d/%m/%Y}" if value is not None else ""
