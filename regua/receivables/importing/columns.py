"""The columns each kind of import knows: canonical headers and WinThor's names.

The canonical snake_case headers are an interface (scripts and integrations
write them): extend, never rename. Headers match case-insensitively.
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Column:
    header: str  # canonical name
    attr: str  # what the loader sets (a model attname, or a reference resolved later)
    read: str  # how the cell is read: see readers.make_reader
    winthor: tuple[str, ...] = ()
    required: bool = False  # the file must have the column, and each row a value
    max_length: int = 0


def _text(header: str, attr: str, max_length: int, *winthor: str, required: bool = False) -> Column:
    return Column(header, attr, "text", winthor, required=required, max_length=max_length)


BRANCHES: Final = (
    Column("code", "code", "code", ("CODFILIAL",), required=True, max_length=20),
    _text("legal_name", "legal_name", 200, required=True),
    _text("trade_name", "trade_name", 200),
    Column("cnpj", "cnpj", "cnpj"),
    _text("address", "address", 200),
    _text("district", "district", 100),
    _text("city", "city", 100),
    _text("state", "state", 2),
    _text("zip_code", "zip_code", 9),
    _text("phone", "phone", 40),
    Column("email", "email", "email", max_length=254),
    _text("pix_key", "pix_key", 77),
    Column("fine_percent", "fine_percent", "percent_or_default"),
    Column("monthly_interest_percent", "monthly_interest_percent", "percent_or_default"),
)

COLLECTION_TYPES: Final = (
    Column("code", "code", "collection_code", ("CODCOB",), required=True, max_length=20),
    _text("description", "description", 200, "COBRANCA"),
    Column("dunnable", "dunnable", "dunnable"),
    Column("fine_percent", "fine_percent", "percent", ("PERCMULTA",)),
    Column("monthly_interest_percent", "monthly_interest_percent", "percent", ("TXJUROS",)),
)

CUSTOMERS: Final = (
    Column("code", "code", "code", ("CODCLI",), required=True, max_length=30),
    _text("name", "name", 200, "CLIENTE", required=True),
    Column("document", "document", "document", ("CGCENT",)),
    Column("email", "email", "email", ("EMAIL",), max_length=254),
    Column("billing_email", "billing_email", "email", ("EMAILCOB",), max_length=1000),
    _text("phone", "phone", 40, "TELCOB"),
    _text("address", "address", 200, "ENDERCOB"),
    _text("district", "district", 100, "BAIRROCOB"),
    _text("city", "city", 100, "MUNICCOB"),
    _text("state", "state", 2, "ESTCOB"),
    _text("zip_code", "zip_code", 9, "CEPCOB"),
    Column("blocked", "do_not_dun", "bool"),
    Column("blocked_until", "do_not_dun_until", "date"),
    _text("blocked_reason", "do_not_dun_reason", 200),
)

_RECEIVABLE_KEY: Final = (
    Column("branch", "branch", "code", ("CODFILIAL",), required=True, max_length=20),
    Column("document", "document", "code", ("DUPLIC",), required=True, max_length=30),
    Column("installment", "installment", "code", ("PREST",), required=True, max_length=10),
)

RECEIVABLES: Final = (
    *_RECEIVABLE_KEY,
    Column("customer", "customer", "code", ("CODCLI",), required=True, max_length=30),
    Column("issue_date", "issue_date", "date", ("DTEMISSAO",)),
    Column("due_date", "due_date", "required_date", ("DTVENC",), required=True),
    Column("amount", "amount", "required_money", ("VALOR",), required=True),
    Column("paid_amount", "paid_amount", "money_or_zero", ("VPAGO",)),
    Column("paid_date", "paid_date", "date", ("DTPAG",)),
    Column("collection", "collection", "collection_ref", ("CODCOB",), max_length=20),
    # Long numbers: a spreadsheet that kept one as a number lost its last digits.
    Column("digitable_line", "digitable_line", "number_text", ("LINHADIG",), max_length=60),
    Column("barcode", "barcode", "number_text", ("CODBARRA",), max_length=60),
    Column("our_number", "our_number", "number_text", ("NOSSONUMBCO",), max_length=30),
    Column("cancelled", "cancelled", "bool"),
    # WinThor keeps the cancellation date; any date there means cancelled.
    Column("cancelled_on", "cancelled", "cancel_date", ("DTCANCEL",)),
    Column("blocked", "do_not_dun", "bool"),
    Column("blocked_until", "do_not_dun_until", "date"),
    _text("blocked_reason", "do_not_dun_reason", 200),
)

PAYMENTS: Final = (
    *_RECEIVABLE_KEY,
    Column("paid_amount", "paid_amount", "money_or_zero", ("VPAGO",), required=True),
    Column("paid_date", "paid_date", "date", ("DTPAG",)),
)

KINDS: Final = {
    "branches": BRANCHES,
    "collection-types": COLLECTION_TYPES,
    "customers": CUSTOMERS,
    "receivables": RECEIVABLES,
    "payments": PAYMENTS,
}

# Columns of WinThor exports that look meaningful but must not be read.
# BLOQUEIO is the credit/sales block, often set because the customer is
# overdue: treating it as "do not dun" would spare exactly those who owe.
NOT_READ: Final = frozenset({"bloqueio"})


def canonical_headers(kind: str) -> list[str]:
    """The canonical header of ``kind``, in order (cancelled_on is WinThor's DTCANCEL only)."""
    return [c.header for c in KINDS[kind] if c.header != "cancelled_on"]


def lookup(kind: str) -> dict[str, Column]:
    """Every accepted header, lower-cased, to its column."""
    names: dict[str, Column] = {}
    for column in KINDS[kind]:
        if column.header != "cancelled_on":
            names[column.header] = column
        for alias in column.winthor:
            names[alias.lower()] = column
    return names
