"""Money, numbers and dates written the Brazilian way, for letters and e-mails.

Plain functions (also the sandbox's Jinja filters): Decimal in, text out, never
float, and no dependency on the process locale.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

MONTHS = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)


def to_decimal(value: Decimal | int | str | None) -> Decimal:
    """A Decimal from what a template may hand over; float is refused on purpose."""
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


def round_cents(value: Decimal) -> Decimal:
    """Rounded half up to cents (0,005 → 0,01), as banks and the ERP do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_br(value: Decimal | int | str | None, places: int = 2) -> str:
    """1234.5 → "1.234,50"."""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):,.{places}f}"  # Decimal formatting is exact: "1,234.50"
    return sign + text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def money(value: Decimal | int | str | None) -> str:
    """1234.56 → "R$ 1.234,56"; negative amounts as "-R$ 10,00"."""
    number = to_decimal(value)
    text = decimal_br(abs(number))
    return f"-R$ {text}" if round_cents(number) < 0 else f"R$ {text}"


def percent(value: Decimal | int | str | None) -> str:
    """2 → "2%", 0.0333 → "0,0333%" (as many places as the setting has, at least none)."""
    number = to_decimal(value).normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{decimal_br(number, places)}%"


def short_date(value: datetime.date | None) -> str:
    """28/11/2026."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year}"


def long_date(value: datetime.date | None) -> str:
    """28 de novembro de 2026 (1º for the first day, as Brazilian usage writes it)."""
    if value is None:
        return ""
    day = "1º" if value.day == 1 else str(value.day)
    return f"{day} de {MONTHS[value.month - 1]} de {value.year}"


def days(value: int) -> str:
    """1 → "1 dia", 3 → "3 dias"."""
    return f"{value} dia" if abs(value) == 1 else f"{value} dias"


def due_status(days_overdue: int) -> str:
    """Days overdue (R2: negative before the due date) in words for a customer."""
    if days_overdue < 0:
        return f"vence em {days(-days_overdue)}"
    if days_overdue == 0:
        return "vence hoje"
    return f"venceu há {days(days_overdue)}"


def document_number(value: str) -> str:
    """CPF or CNPJ digits with their usual punctuation; anything else as given."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 14:
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
    if len(digits) == 11:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
    return value


def zip_code(value: str) -> str:
    """CEP as 01001-000 when it has its eight digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else value
