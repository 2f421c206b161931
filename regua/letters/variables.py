"""What a template sees: plain, frozen values, never model instances.

A template that could reach a model could walk to ``_meta``, managers and the
database; these dataclasses hold copies of the documented fields only (the
sandbox refuses every name starting with "_", so ``__class__`` and friends are
out of reach too). This module imports no model: the sandbox, a security
boundary, imports it and ``samples.py`` and nothing that reaches the ORM.
Values are filled from real notices by ``loading.py``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from regua.letters import charges, formatting, pix

ZERO = Decimal("0.00")
# The days the demand of a notice gives to pay what is overdue ("até 03/12/2026").
PAYMENT_DAYS = 5


@dataclass(frozen=True, slots=True)
class BranchData:
    code: str
    legal_name: str
    trade_name: str
    cnpj: str
    address: str
    district: str
    city: str
    state: str
    zip_code: str
    phone: str
    email: str
    pix_key: str
    # "da Régua Distribuidora", "do Mercado Central", "de Fulano & Cia": the name
    # after "de", with the article its first company noun asks for, or none.
    of_name: str = ""


@dataclass(frozen=True, slots=True)
class CustomerData:
    code: str
    name: str
    document: str
    email: str
    phone: str
    address: str
    district: str
    city: str
    state: str
    zip_code: str
    # A company (CNPJ, or a company's suffix in the name) is greeted "Prezados";
    # a person by name, written as people write it ("José da Silva").
    is_company: bool = False
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ItemData:
    document: str
    installment: str
    issue_date: datetime.date | None
    due_date: datetime.date
    effective_due_date: datetime.date
    days_overdue: int
    balance: Decimal
    fine_percent: Decimal
    interest_percent: Decimal
    fine: Decimal
    interest: Decimal
    updated_amount: Decimal
    digitable_line: str
    our_number: str
    collection: str
    collection_name: str = ""
    # R2: the due date fell on a day without banking and moved to the next business day.
    due_date_moved: bool = False
    due_weekday: str = ""
    # True when the título is overdue at the reference date (days_overdue > 0).
    overdue: bool = False
    # Its due date moved (prorrogação) after the boleto was issued: the old
    # boleto is not sent; a new one is available on request.
    new_boleto_on_request: bool = False


@dataclass(frozen=True, slots=True)
class TotalsData:
    count: int
    boletos: int  # títulos with a linha digitável
    balance: Decimal
    fine: Decimal
    interest: Decimal
    updated_amount: Decimal


@dataclass(frozen=True, slots=True)
class PixData:
    key: str
    payload: str
    qr: str  # data: URI of the PNG, for <img src>
    amount: Decimal
    txid: str


@dataclass(frozen=True, slots=True)
class NoticeData:
    number: int
    reference_date: datetime.date
    range_start: int
    range_end: int
    max_days_overdue: int
    # The date the demand asks the overdue amount to be paid by (PAYMENT_DAYS on).
    payment_deadline: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class FinalNoticeData:
    days: int
    deadline: datetime.date
    measures: str
    legal_basis: str


def item_data(
    *,
    document: str,
    installment: str,
    issue_date: datetime.date | None,
    due_date: datetime.date,
    effective_due_date: datetime.date,
    reference_date: datetime.date,
    balance: Decimal,
    rates: charges.Rates,
    digitable_line: str = "",
    our_number: str = "",
    collection: str = "",
    collection_name: str = "",
    new_boleto_on_request: bool = False,
) -> ItemData:
    days = charges.days_overdue(effective_due_date, reference_date)
    amounts = charges.compute_charges(balance, days, rates)
    return ItemData(
        document=document,
        installment=installment,
        issue_date=issue_date,
        due_date=due_date,
        effective_due_date=effective_due_date,
        days_overdue=days,
        balance=balance,
        fine_percent=rates.fine_percent,
        interest_percent=rates.monthly_interest_percent,
        fine=amounts.fine,
        interest=amounts.interest,
        updated_amount=amounts.updated_amount,
        digitable_line=digitable_line,
        our_number=our_number,
        collection=collection,
        collection_name=collection_name or collection,
        due_date_moved=effective_due_date != due_date,
        due_weekday=formatting.weekday(due_date),
        overdue=days > 0,
        new_boleto_on_request=new_boleto_on_request,
    )


def totals_of(items: list[ItemData]) -> TotalsData:
    return TotalsData(
        count=len(items),
        boletos=sum(1 for i in items if i.digitable_line),
        balance=sum((i.balance for i in items), ZERO),
        fine=sum((i.fine for i in items), ZERO),
        interest=sum((i.interest for i in items), ZERO),
        updated_amount=sum((i.updated_amount for i in items), ZERO),
    )


def pix_data(branch: BranchData, amount: Decimal, txid: str) -> PixData | None:
    """The static BR Code for paying ``amount`` to the branch, when it has a PIX key."""
    if not branch.pix_key.strip():
        return None
    key = pix.normalise_key(branch.pix_key)
    txid = pix.txid_for(txid)
    payload = pix.static_payload(
        key,
        pix.merchant_text(branch.legal_name, pix.NAME_MAX),
        pix.merchant_text(branch.city or "BRASIL", pix.CITY_MAX),
        amount,
        txid,
    )
    return PixData(key=key, payload=payload, qr=pix.qr_data_uri(payload), amount=amount, txid=txid)


def final_notice_data(
    *, days: int, measures: str, legal_basis: str, reference_date: datetime.date
) -> FinalNoticeData:
    return FinalNoticeData(
        days=days,
        deadline=reference_date + datetime.timedelta(days=days),
        measures=measures,
        legal_basis=legal_basis,
    )


def assemble(
    *,
    branch: BranchData,
    customer: CustomerData,
    items: list[ItemData],
    notice: NoticeData,
    final_notice: FinalNoticeData,
    txid: str,
) -> dict[str, Any]:
    """The template context: the names listed in ``sandbox.VARIABLES``, and only those.

    R9: the títulos overdue at the reference date and those not yet due are
    given apart, each with its totals. The demand and the PIX amount cover the
    overdue ones only; a notice with nothing overdue is a reminder, whose PIX
    carries what falls due. ``items`` and ``totals`` still hold every título
    (the minimum balance of R4 compares the whole total).
    """
    overdue_items = [i for i in items if i.overdue]
    upcoming_items = [i for i in items if not i.overdue]
    overdue_totals = totals_of(overdue_items)
    upcoming_totals = totals_of(upcoming_items)
    pix_amount = overdue_totals.updated_amount if overdue_items else upcoming_totals.updated_amount
    return {
        "branch": branch,
        "customer": customer,
        "items": items,
        "totals": totals_of(items),
        "overdue_items": overdue_items,
        "overdue_totals": overdue_totals,
        "upcoming_items": upcoming_items,
        "upcoming_totals": upcoming_totals,
        "reference_date": notice.reference_date,
        "notice": notice,
        "pix": pix_data(branch, pix_amount, txid),
        "final_notice": final_notice,
    }


def fields_of(value: Any) -> dict[str, Any]:
    """The fields of one of these values, to build a changed copy."""
    return {name: getattr(value, name) for name in value.__slots__}
