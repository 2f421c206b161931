"""Money, numbers and dates written the Brazilian way, for letters and e-mails.

Plain functions (also the sandbox's Jinja filters): Decimal in, text out, never
float, and no dependency on the process locale.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

# The sandbox's filters and the letters use these under this module's name.
from regua.ptbr import decimal_br as decimal_br
from regua.ptbr import money as money
from regua.ptbr import to_decimal as to_decimal

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


def round_cents(value: Decimal) -> Decimal:
    """Rounded half up to cents (0,005 → 0,01), as banks and the ERP do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


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
