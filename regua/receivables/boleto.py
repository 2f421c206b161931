"""Boletos as FEBRABAN defines them: the linha digitável, the barcode, their check digits.

Two kinds share the same 44-digit barcode length:

- **bank boletos** ("boleto de cobrança"): bank (3), currency 9, general check digit
  (módulo 11), due-date factor (4), amount (10, cents), free field (25). The linha
  digitável has 47 digits: three fields ending in a módulo 10 digit, the general check
  digit, then factor and amount.
- **convenience slips** ("boleto de arrecadação"), whose barcode starts with 8: product,
  segment, value kind (6 or 7: módulo 10; 8 or 9: módulo 11), general check digit,
  value (11), then the company and its free field. The line is four blocks of 11 digits,
  each followed by its own check digit (48 digits).

Only the check digits, and the line agreeing with the barcode, make a line invalid
(R9: it is never printed). The due date and the amount are compared with the título
as warnings: a bank may issue a boleto for a different amount (an open amount, a
discount), and that is the título's business, not a broken line.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from regua import ptbr

BANK_LINE_DIGITS = 47
CONVENIENCE_LINE_DIGITS = 48
BARCODE_DIGITS = 44

# The factor counts days from 07/10/1997; 1000 fell on 03/07/2000. It ran out at 9999
# (21/02/2025) and restarted at 1000 on 22/02/2025: a factor names one day every 9,000.
_FACTOR_1000 = datetime.date(2000, 7, 3)
_FACTOR_CYCLE = 9000


class InvalidBoleto(ValueError):
    """A linha digitável or barcode whose FEBRABAN check digits are wrong."""


@dataclass(frozen=True)
class Boleto:
    """A valid boleto, read from its barcode (and line, when there is one)."""

    barcode: str
    line: str  # only digits; "" when only the barcode was given
    convenience: bool
    bank: str  # "" for a convenience slip
    factor: int | None  # None: no due date (factor 0000) or a convenience slip
    amount: Decimal | None  # None: an open amount (zeros), or a reference value

    def due_date(self, near: datetime.date) -> datetime.date | None:
        """The due date the factor names, the candidate nearest to ``near``."""
        if self.factor is None:
            return None
        return factor_date(self.factor, near)

    @property
    def formatted_line(self) -> str:
        return format_line(self.line) if self.line else ""


def only_digits(text: str) -> str:
    """The ASCII digits of ``text`` (spaces, dots and dashes dropped)."""
    return "".join(c for c in text if "0" <= c <= "9")


def mod10(digits: str) -> int:
    """Módulo 10: weights 2, 1, 2, … from the right, products' digits summed."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _mod11_sum(digits: str) -> int:
    return sum(int(c) * (2 + position % 8) for position, c in enumerate(reversed(digits)))


def mod11_bank(digits: str) -> int:
    """The bank barcode's general check digit: 11 − remainder; 0, 10 and 11 become 1."""
    digit = 11 - _mod11_sum(digits) % 11
    return 1 if digit in (0, 10, 11) else digit


def mod11_convenience(digits: str) -> int:
    """A convenience slip's módulo 11: remainders 0 and 1 give 0, the rest 11 − remainder."""
    remainder = _mod11_sum(digits) % 11
    return 0 if remainder in (0, 1) else 11 - remainder


def factor_date(factor: int, near: datetime.date) -> datetime.date:
    """The day ``factor`` names that is nearest to ``near`` (factors repeat every 9,000 days)."""
    base = _FACTOR_1000 + datetime.timedelta(days=factor - 1000)
    cycles = round((near - base).days / _FACTOR_CYCLE)
    return base + datetime.timedelta(days=cycles * _FACTOR_CYCLE)


def due_factor(due: datetime.date) -> int:
    """The factor of a due date (in the cycle that began on 22/02/2025 for later dates)."""
    return 1000 + (due - _FACTOR_1000).days % _FACTOR_CYCLE


def _convenience_check(value_kind: str) -> tuple[str, Callable[[str], int]]:
    if value_kind in "67":
        return "módulo 10", mod10
    if value_kind in "89":
        return "módulo 11", mod11_convenience
    raise InvalidBoleto(
        f"o terceiro dígito de um boleto de arrecadação deve ser 6, 7, 8 ou 9, não {value_kind}"
    )


def _read_bank_barcode(barcode: str) -> Boleto:
    if barcode[3] != "9":
        raise InvalidBoleto(f"a moeda do código de barras deve ser 9 (real), não {barcode[3]}")
    expected = mod11_bank(barcode[:4] + barcode[5:])
    if int(barcode[4]) != expected:
        raise InvalidBoleto(
            f"dígito verificador geral (módulo 11) incorreto: {barcode[4]}, o certo é {expected}"
        )
    factor = int(barcode[5:9])
    cents = int(barcode[9:19])
    return Boleto(
        barcode=barcode,
        line="",
        convenience=False,
        bank=barcode[:3],
        factor=factor or None,
        amount=Decimal(cents).scaleb(-2) if cents else None,
    )


def _read_convenience_barcode(barcode: str) -> Boleto:
    name, check = _convenience_check(barcode[2])
    expected = check(barcode[:3] + barcode[4:])
    if int(barcode[3]) != expected:
        raise InvalidBoleto(
            f"dígito verificador geral ({name}) incorreto: {barcode[3]}, o certo é {expected}"
        )
    cents = int(barcode[4:15])
    # Value kinds 7 and 9 carry a reference (e.g. a quantity), not an amount in reais.
    real_amount = barcode[2] in "68" and cents
    return Boleto(
        barcode=barcode,
        line="",
        convenience=True,
        bank="",
        factor=None,
        amount=Decimal(cents).scaleb(-2) if real_amount else None,
    )


def read_barcode(text: str) -> Boleto:
    """A barcode's 44 digits, checked; raises ``InvalidBoleto`` saying what is wrong."""
    barcode = only_digits(text)
    if len(barcode) != BARCODE_DIGITS:
        raise InvalidBoleto(
            f"o código de barras deve ter {BARCODE_DIGITS} dígitos, não {len(barcode)}"
        )
    if barcode[0] == "8":
        return _read_convenience_barcode(barcode)
    return _read_bank_barcode(barcode)


def _bank_line_to_barcode(line: str) -> str:
    fields = ((1, line[0:9], line[9]), (2, line[10:20], line[20]), (3, line[21:31], line[31]))
    for number, body, digit in fields:
        expected = mod10(body)
        if int(digit) != expected:
            raise InvalidBoleto(
                f"dígito verificador do campo {number} (módulo 10) incorreto: {digit}, "
                f"o certo é {expected}"
            )
    return line[0:4] + line[32] + line[33:47] + line[4:9] + line[10:20] + line[21:31]


def _convenience_line_to_barcode(line: str) -> str:
    name, check = _convenience_check(line[2])
    blocks = []
    for number in range(4):
        body, digit = line[number * 12 : number * 12 + 11], line[number * 12 + 11]
        expected = check(body)
        if int(digit) != expected:
            raise InvalidBoleto(
                f"dígito verificador do bloco {number + 1} ({name}) incorreto: {digit}, "
                f"o certo é {expected}"
            )
        blocks.append(body)
    return "".join(blocks)


def read_line(text: str, barcode: str = "") -> Boleto:
    """A linha digitável, checked, and the barcode when given: they must agree.

    Raises ``InvalidBoleto`` with a Portuguese message saying which digit is wrong.
    """
    line = only_digits(text)
    if len(line) == CONVENIENCE_LINE_DIGITS and line[0] == "8":
        from_line = _convenience_line_to_barcode(line)
    elif len(line) == BANK_LINE_DIGITS:
        from_line = _bank_line_to_barcode(line)
    else:
        raise InvalidBoleto(
            f"a linha digitável deve ter {BANK_LINE_DIGITS} dígitos (boleto bancário) ou "
            f"{CONVENIENCE_LINE_DIGITS} começando por 8 (arrecadação), não {len(line)}"
        )
    boleto = read_barcode(from_line)
    if barcode and only_digits(barcode) != from_line:
        read_barcode(barcode)  # a broken barcode says so first
        raise InvalidBoleto("a linha digitável e o código de barras não correspondem")
    return Boleto(
        barcode=boleto.barcode,
        line=line,
        convenience=boleto.convenience,
        bank=boleto.bank,
        factor=boleto.factor,
        amount=boleto.amount,
    )


def read(line: str, barcode: str) -> Boleto | None:
    """The boleto of a título's stored line and barcode (either may be empty); None if neither."""
    if only_digits(line):
        return read_line(line, barcode)
    if only_digits(barcode):
        return read_barcode(barcode)
    return None


def invalid(line: str, barcode: str) -> bool:
    """Whether a título's line or barcode fails its FEBRABAN checks (R9): never printed."""
    try:
        read(line, barcode)
    except InvalidBoleto:
        return True
    return False


def warnings(boleto: Boleto, due_date: datetime.date, amount: Decimal) -> list[str]:
    """What in a valid boleto disagrees with its título: due date (factor) and amount."""
    found = []
    due = boleto.due_date(near=due_date)
    if due is not None and due != due_date:
        found.append(
            f"o vencimento do boleto ({due:%d/%m/%Y}) difere do vencimento do título "
            f"({due_date:%d/%m/%Y})"
        )
    if boleto.amount is not None and boleto.amount != amount:
        found.append(
            f"o valor do boleto ({ptbr.money(boleto.amount)}) difere do valor do título "
            f"({ptbr.money(amount)})"
        )
    return found


def bank_boleto(bank: str, due: datetime.date, amount: Decimal, free: str) -> Boleto:
    """A bank boleto with every check digit right: for the demo data and the tests."""
    body = f"{bank}9{due_factor(due):04d}{int(amount * 100):010d}{free}"  # no general digit
    barcode = body[:4] + str(mod11_bank(body)) + body[4:]
    return read_line(line_from_barcode(barcode), barcode)


def line_from_barcode(barcode: str) -> str:
    """The linha digitável (digits only) of a valid barcode."""
    code = read_barcode(barcode).barcode
    if code[0] == "8":
        _, check = _convenience_check(code[2])
        return "".join(code[i : i + 11] + str(check(code[i : i + 11])) for i in range(0, 44, 11))
    fields = [code[0:4] + code[19:24], code[24:34], code[34:44]]
    return "".join(f + str(mod10(f)) for f in fields) + code[4] + code[5:19]


def format_line(digits: str) -> str:
    """The line as printed: ``23790.00009 00000.283762 40482.385545 1 15380000289601``."""
    if len(digits) == CONVENIENCE_LINE_DIGITS:
        return " ".join(f"{digits[i : i + 11]}-{digits[i + 11]}" for i in range(0, 48, 12))
    return (
        f"{digits[0:5]}.{digits[5:10]} {digits[10:15]}.{digits[15:21]} "
        f"{digits[21:26]}.{digits[26:32]} {digits[32]} {digits[33:47]}"
    )
