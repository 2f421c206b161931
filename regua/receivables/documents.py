"""CPF and CNPJ: check digits and formatting.

The CNPJ may be alphanumeric (Receita Federal, from July 2026): its first 12
positions take digits or upper-case letters, each worth ``ord(c) - 48``, and
its two check digits stay numeric. A numeric CNPJ is the special case where
every position is a digit, so one routine checks both.
"""

import re

_CPF_WEIGHTS_1 = tuple(range(10, 1, -1))
_CPF_WEIGHTS_2 = tuple(range(11, 1, -1))
_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_SHAPE = re.compile(r"[0-9A-Z]{12}[0-9]{2}")
_PUNCTUATION = re.compile(r"[\s./\-]")


class InvalidDocument(ValueError):
    """A CPF or CNPJ that cannot be right; the message is for the user."""


def clean(value: str) -> str:
    """The document without punctuation or spaces, upper-cased."""
    return _PUNCTUATION.sub("", value).upper()


def _check_digit(values: list[int], weights: tuple[int, ...]) -> int:
    remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder


def is_valid_cpf(value: str) -> bool:
    digits = clean(value)
    if len(digits) != 11 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    numbers = [int(d) for d in digits]
    first = _check_digit(numbers[:9], _CPF_WEIGHTS_1)
    second = _check_digit(numbers[:10], _CPF_WEIGHTS_2)
    return numbers[9] == first and numbers[10] == second


def is_valid_cnpj(value: str) -> bool:
    """True for a numeric or alphanumeric CNPJ whose check digits match."""
    chars = clean(value)
    if not _CNPJ_SHAPE.fullmatch(chars) or len(set(chars)) == 1:
        return False
    values = [ord(c) - 48 for c in chars]
    first = _check_digit(values[:12], _CNPJ_WEIGHTS_1)
    second = _check_digit(values[:13], _CNPJ_WEIGHTS_2)
    return values[12] == first and values[13] == second


def cpf_check_digits(base: str) -> str:
    """The two check digits of a 9-digit CPF base (used to build demo data)."""
    numbers = [int(d) for d in base]
    first = _check_digit(numbers, _CPF_WEIGHTS_1)
    second = _check_digit([*numbers, first], _CPF_WEIGHTS_2)
    return f"{first}{second}"


def cnpj_check_digits(base: str) -> str:
    """The two check digits of a 12-position CNPJ base, numeric or alphanumeric."""
    values = [ord(c) - 48 for c in base.upper()]
    first = _check_digit(values, _CNPJ_WEIGHTS_1)
    second = _check_digit([*values, first], _CNPJ_WEIGHTS_2)
    return f"{first}{second}"


def format_cpf(value: str) -> str:
    d = clean(value)
    return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"


def format_cnpj(value: str) -> str:
    c = clean(value)
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"


def _restore_leading_zeros(chars: str) -> str:
    # A spreadsheet that took the column for a number dropped the zeros on the left.
    if chars.isdigit() and 9 <= len(chars) < 11:
        return chars.zfill(11)
    if chars.isdigit() and 12 <= len(chars) < 14:
        return chars.zfill(14)
    return chars


def normalize_document(value: str) -> str:
    """A valid CPF or CNPJ, formatted; raises InvalidDocument naming the problem."""
    chars = _restore_leading_zeros(clean(value))
    if len(chars) == 11 and chars.isdigit():
        if not is_valid_cpf(chars):
            raise InvalidDocument("CPF inválido: os dígitos verificadores não conferem")
        return format_cpf(chars)
    if len(chars) == 14:
        if not _CNPJ_SHAPE.fullmatch(chars):
            raise InvalidDocument(
                "CNPJ inválido: as 12 primeiras posições levam letras ou números "
                "e as 2 últimas, números"
            )
        if not is_valid_cnpj(chars):
            raise InvalidDocument("CNPJ inválido: os dígitos verificadores não conferem")
        return format_cnpj(chars)
    raise InvalidDocument("não é um CPF (11 dígitos) nem um CNPJ (14 posições)")


def normalize_cnpj(value: str) -> str:
    """A valid CNPJ, formatted (a branch is a company: a CPF is refused)."""
    chars = _restore_leading_zeros(clean(value))
    if len(chars) == 11 and chars.isdigit():
        raise InvalidDocument("uma filial tem CNPJ, não CPF")
    return normalize_document(chars)
