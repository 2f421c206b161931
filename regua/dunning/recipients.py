"""Who receives a customer's notices (R7)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from regua.receivables.models import Customer

SEPARATORS = re.compile(r"[;,]")


def split_emails(text: str) -> list[str]:
    """The addresses in a field that may hold several, separated by ``;`` or ``,``."""
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


# The common case of Django's EmailValidator, as one pattern: an ASCII dot-atom,
# then host labels and a top-level domain of letters. Whatever it accepts the
# validator accepts too; anything else (quoted names, IDNs, address literals,
# localhost) goes to the validator, so the answer is always the validator's.
PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def is_valid_email(address: str) -> bool:
    if len(address) <= 320 and PLAIN_EMAIL.fullmatch(address):
        return True
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def recipients_for(customer: Customer) -> list[str]:
    """The collection e-mails (EMAILCOB), else the main e-mail, without the addresses a
    server refused for good or that are not addresses at all. Empty: no e-mail (no_email)."""
    return recipients_from(customer.billing_email, customer.email, customer.invalid_emails)


def recipients_from(billing_email: str, email: str, invalid_emails: list[str] | None) -> list[str]:
    refused = {address.strip().lower() for address in invalid_emails or []}
    for field in (billing_email, email):
        if not field or field.isspace():
            continue
        if not refused and ";" not in field and "," not in field:
            # One address, the usual case: the loop below would give the same.
            address = field.strip()
            if is_valid_email(address):
                return [address]
            continue
        found: list[str] = []
        seen: set[str] = set()
        for address in split_emails(field):
            key = address.lower()
            if key in refused or key in seen or not is_valid_email(address):
                continue
            seen.add(key)
            found.append(address)
        if found:
            return found
    return []


def has_postal_address(customer: Customer) -> bool:
    """R7: a letter-only notice needs street, city, state and CEP, and no letter
    returned by the post office since the address was last edited."""
    parts = (customer.address, customer.city, customer.state, customer.zip_code)
    return all(part.strip() for part in parts) and not customer.postal_address_invalid
