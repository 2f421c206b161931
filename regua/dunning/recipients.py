"""Who receives a customer's notices (R7)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from regua.receivables.models import Customer

SEPARATORS = re.compile(r"[;,]")


def split_emails(text: str) -> list[str]:
    """The addresses in a field that may hold several, separated by ``;`` or ``,``."""
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


def is_valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def recipients_for(customer: Customer) -> list[str]:
    """The collection e-mails (EMAILCOB), else the main e-mail, without the addresses a
    server refused for good or that are not addresses at all. Empty: no e-mail (no_email)."""
    refused = {address.strip().lower() for address in customer.invalid_emails or []}
    for field in (customer.billing_email, customer.email):
        found: list[str] = []
        for address in split_emails(field):
            if address.lower() in refused or not is_valid_email(address):
                continue
            if address.lower() not in {f.lower() for f in found}:
                found.append(address)
        if found:
            return found
    return []
