"""E-mail addresses and display names, checked before they reach a header."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Control characters (CR, LF, NUL, tabs…) have no place in an address or a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidAddress(ValueError):
    """An address that cannot be used; the message says which one and why."""


def split_addresses(text: str) -> list[str]:
    """A list typed by a person or exported by an ERP: separated by ``;`` or ``,``."""
    return [part.strip() for part in re.split(r"[;,]", text or "") if part.strip()]


def check_address(address: str) -> str:
    """The address, stripped, when it can be a recipient or a sender; else InvalidAddress."""
    value = (address or "").strip()
    if not value:
        raise InvalidAddress("endereço de e-mail vazio")
    if _CONTROL.search(value):
        raise InvalidAddress(
            f"o endereço {value!r} contém quebra de linha ou caractere de controle"
        )
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidAddress(f"{value!r} não é um endereço de e-mail válido") from None
    if not value.isascii():
        # Internationalised local parts need SMTPUTF8, which many servers lack.
        raise InvalidAddress(f"o endereço {value!r} contém acentos ou caracteres especiais")
    return value


def check_address_list(text: str, field: str) -> list[str]:
    """Every address of a ``;``/``,`` list, or InvalidAddress naming the field and the address."""
    checked = []
    for address in split_addresses(text):
        try:
            checked.append(check_address(address))
        except InvalidAddress as e:
            raise InvalidAddress(f"{field}: {e}") from None
    return checked


def single_line(text: str) -> str:
    """A display name on one line: whatever breaks it becomes a space."""
    return " ".join(_CONTROL.sub(" ", text or "").split())
