"""What a template sees: plain, frozen values built from the models, never model instances.

A template that could reach a model could walk to ``_meta``, managers and the
database; these dataclasses hold copies of the documented fields only (the
sandbox refuses every name starting with "_", so ``__class__`` and friends are
out of reach too).
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections, router

from regua.dunning.models import Notice, NoticeItem
from regua.letters import charges, pix
from regua.letters.models import LetterSettings
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

ZERO = Decimal("0.00")


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


@dataclass(frozen=True, slots=True)
class FinalNoticeData:
    days: int
    deadline: datetime.date
    measures: str
    legal_basis: str


def branch_data(branch: Branch) -> BranchData:
    return BranchData(
        code=branch.code,
        legal_name=branch.legal_name,
        trade_name=branch.trade_name,
        cnpj=branch.cnpj,
        address=branch.address,
        district=branch.district,
        city=branch.city,
        state=branch.state,
        zip_code=branch.zip_code,
        phone=branch.phone,
        email=branch.email,
        pix_key=branch.pix_key,
    )


def customer_data(customer: Customer) -> CustomerData:
    return CustomerData(
        code=customer.code,
        name=customer.name,
        document=customer.document,
        email=customer.email,
        phone=customer.phone,
        address=customer.address,
        district=customer.district,
        city=customer.city,
        state=customer.state,
        zip_code=customer.zip_code,
    )


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


def final_notice_data(settings: LetterSettings, reference_date: datetime.date) -> FinalNoticeData:
    return FinalNoticeData(
        days=settings.final_notice_days,
        deadline=reference_date + datetime.timedelta(days=settings.final_notice_days),
        measures=settings.final_notice_measures,
        legal_basis=settings.final_notice_legal_basis,
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
    """The template context: the names listed in ``sandbox.VARIABLES``, and only those."""
    totals = totals_of(items)
    return {
        "branch": branch,
        "customer": customer,
        "items": items,
        "totals": totals,
        "reference_date": notice.reference_date,
        "notice": notice,
        "pix": pix_data(branch, totals.updated_amount, txid),
        "final_notice": final_notice,
    }


@dataclass(frozen=True)
class NoticeContext:
    context: dict[str, Any]
    # The notice's items beside the values shown for them, to record what was sent.
    items: list[tuple[NoticeItem, ItemData]]


# The letter's order of títulos: by due date, then document and installment.
ITEM_ORDER = ("due_date", "receivable__document", "receivable__installment", "id")


# What a letter reads of each título: the item's own columns, then, in a
# second query, its título's and its collection type's. Each list follows its
# model's field order, as ``Model.from_db`` takes values for some fields only.
_ITEM_FIELDS = (
    "id",
    "notice_id",
    "receivable_id",
    "due_date",
    "effective_due_date",
    "balance",
    "fine",
    "interest",
    "updated_amount",
)
_RECEIVABLE_FIELDS = (
    "id",
    "document",
    "installment",
    "issue_date",
    "collection_id",
    "digitable_line",
    "our_number",
)
_COLLECTION_FIELDS = ("id", "code", "fine_percent", "monthly_interest_percent")
_RECEIVABLE_COLUMNS = (
    *_RECEIVABLE_FIELDS,
    *(f"collection__{name}" for name in _COLLECTION_FIELDS[1:]),
)
_CHUNK = 512


def _padded(ids: list[int]) -> list[int]:
    """``ids`` lengthened to the next power of two by repeating the last one.

    An id twice in ``IN (…)`` reads its rows once, and a handful of list
    lengths keeps the compiled queries (and the server's plans) few.
    """
    size = 8
    while size < len(ids):
        size *= 2
    return ids + ids[-1:] * (size - len(ids))


@functools.lru_cache(maxsize=32)
def _query(alias: str, what: str, count: int) -> tuple[str, tuple[Any, ...]]:
    """The SQL that reads ``what`` ("items" of notices, or "receivables") for
    ``count`` ids, and its output columns.

    Compiled once per length: the ORM takes longer to write these queries than
    the database takes to run them, and a notice is rendered many times a second.
    """
    if what == "items":
        query = (
            NoticeItem.objects.using(alias)
            .filter(notice_id__in=range(count))
            .values_list(*_ITEM_FIELDS)
            .query
        )
    else:
        query = (
            Receivable.objects.using(alias)
            .filter(id__in=range(count))
            .values_list(*_RECEIVABLE_COLUMNS)
            .query
        )
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert len(params) == count, "the only parameters are the ids"
    return sql, tuple(column for column, _, _ in compiler.select)


def _fetch(alias: str, what: str, ids: list[int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    compiler = NoticeItem.objects.none().query.get_compiler(alias)
    for start in range(0, len(ids), _CHUNK):
        chunk = _padded(ids[start : start + _CHUNK])
        sql, columns = _query(alias, what, len(chunk))
        # The ORM's own converters (decimals on SQLite, for one) for this connection.
        converters = compiler.get_converters(list(columns))
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, chunk)
            fetched = cursor.fetchall()
        if converters:
            fetched = list(compiler.apply_converters(fetched, converters))
        rows.extend(tuple(row) for row in fetched)
    return rows


def load_items(notices: Iterable[Notice]) -> dict[int, list[NoticeItem]]:
    """The títulos of these notices in the letter's order, in two queries per 512 notices.

    Each item comes with its título and collection type, holding the fields
    the letter shows (the others load on first use, as with ``only()``).

    The items are read by their notice, then their títulos by primary key: no
    join, so no plan can reach for the whole table of títulos. Joined in one
    query, PostgreSQL did exactly that whenever the items' statistics were
    older than the run that wrote them (a hash join over a seq scan of every
    título: half a second per group at a million títulos). The letter's order
    is then kept here, as Python compares text (by code point, as SQLite and a
    "C" collation do), the same on every database.
    """
    by_notice: dict[int, list[NoticeItem]] = {n.pk: [] for n in notices}
    if not by_notice:
        return by_notice
    alias = router.db_for_read(NoticeItem)
    items = [
        NoticeItem.from_db(alias, _ITEM_FIELDS, row)
        for row in _fetch(alias, "items", list(by_notice))
    ]
    receivables: dict[int, Receivable] = {}
    collections: dict[int, CollectionType] = {}
    n_receivable = len(_RECEIVABLE_FIELDS)
    wanted = sorted({item.receivable_id for item in items})
    for row in _fetch(alias, "receivables", wanted) if wanted else []:
        receivable = Receivable.from_db(alias, _RECEIVABLE_FIELDS, row[:n_receivable])
        collection_id = receivable.collection_id
        if collection_id is None:
            receivable.collection = None
        else:
            if collection_id not in collections:
                collections[collection_id] = CollectionType.from_db(
                    alias, _COLLECTION_FIELDS, (collection_id, *row[n_receivable:])
                )
            receivable.collection = collections[collection_id]
        receivables[receivable.pk] = receivable
    for item in items:
        item.receivable = receivables[item.receivable_id]
        by_notice[item.notice_id].append(item)
    for rows in by_notice.values():
        rows.sort(key=lambda i: (i.due_date, i.receivable.document, i.receivable.installment, i.pk))
    return by_notice


def notice_context(
    notice: Notice,
    settings: LetterSettings | None = None,
    *,
    items: list[NoticeItem] | None = None,
) -> NoticeContext:
    """The context of a real notice: its items with fine, interest and updated amount (R9).

    ``items`` are the notice's títulos as :func:`load_items` gives them (read
    here when not given); ``settings`` is read when not given.
    """
    branch = notice.branch
    if items is None:
        items = load_items([notice])[notice.pk]
    pairs = []
    for row in items:
        receivable = row.receivable
        pairs.append(
            (
                row,
                item_data(
                    document=receivable.document,
                    installment=receivable.installment,
                    issue_date=receivable.issue_date,
                    due_date=row.due_date,
                    effective_due_date=row.effective_due_date,
                    reference_date=notice.reference_date,
                    balance=row.balance,
                    rates=charges.rates_for(branch, receivable.collection),
                    digitable_line=receivable.digitable_line,
                    our_number=receivable.our_number,
                    collection=receivable.collection.code if receivable.collection else "",
                ),
            )
        )
    shown = [data for _, data in pairs]
    context = assemble(
        branch=branch_data(branch),
        customer=customer_data(notice.customer),
        items=shown,
        notice=NoticeData(
            number=notice.pk,
            reference_date=notice.reference_date,
            range_start=notice.range_start,
            range_end=notice.range_end,
            max_days_overdue=max((i.days_overdue for i in shown), default=0),
        ),
        final_notice=final_notice_data(settings or LetterSettings.load(), notice.reference_date),
        txid=f"CARTA{notice.pk}",
    )
    return NoticeContext(context=context, items=pairs)


# Sample data: what the editing page previews and what every template is
# rendered against before it may be saved. Two customers, so both branches of
# an "if" run: one with PIX, a boleto and títulos before and after their due
# date; one with nothing optional filled in.

SAMPLE_REFERENCE_DATE = datetime.date(2026, 11, 28)

SAMPLE_BRANCH = BranchData(
    code="1",
    legal_name="DISTRIBUIDORA MODELO LTDA",
    trade_name="Modelo Distribuidora",
    cnpj="11.222.333/0001-81",
    address="Rua das Flores, 100",
    district="Centro",
    city="São Paulo",
    state="SP",
    zip_code="01001-000",
    phone="(11) 3000-0000",
    email="cobranca@modelo.com.br",
    pix_key="11.222.333/0001-81",
)


def sample_contexts(settings: LetterSettings | None = None) -> list[dict[str, Any]]:
    settings = settings or LetterSettings()
    rates = charges.Rates(Decimal("2.00"), Decimal("1.00"))
    ref = SAMPLE_REFERENCE_DATE
    day = datetime.timedelta(days=1)
    full_items = [
        item_data(
            document="104512",
            installment="1",
            issue_date=ref - 60 * day,
            due_date=ref - 30 * day,
            effective_due_date=ref - 30 * day,
            reference_date=ref,
            balance=Decimal("1234.56"),
            rates=rates,
            digitable_line="23790.12345 60000.123456 78000.123456 1 98760000123456",
            our_number="00012345",
            collection="BK",
        ),
        item_data(
            document="104988",
            installment="2",
            issue_date=ref - 25 * day,
            due_date=ref + 5 * day,
            effective_due_date=ref + 5 * day,
            reference_date=ref,
            balance=Decimal("350.00"),
            rates=rates,
            collection="CART",
        ),
    ]
    full = assemble(
        branch=SAMPLE_BRANCH,
        customer=CustomerData(
            code="1001",
            name="MERCADO BOA VISTA LTDA",
            document="45.678.901/0001-23",
            email="financeiro@boavista.com.br",
            phone="(11) 98888-7777",
            address="Av. Brasil, 2000, sala 3",
            district="Jardim América",
            city="São Paulo",
            state="SP",
            zip_code="01430-001",
        ),
        items=full_items,
        notice=NoticeData(
            number=123, reference_date=ref, range_start=1, range_end=30, max_days_overdue=30
        ),
        final_notice=final_notice_data(settings, ref),
        txid="CARTA123",
    )
    bare_items = [
        item_data(
            document="7",
            installment="1",
            issue_date=None,
            due_date=ref + 3 * day,
            effective_due_date=ref + 3 * day,
            reference_date=ref,
            balance=Decimal("80.00"),
            rates=rates,
        )
    ]
    bare = assemble(
        branch=BranchData(**{**_fields(SAMPLE_BRANCH), "trade_name": "", "pix_key": ""}),
        customer=CustomerData(
            code="2002",
            name="JOSÉ DA SILVA",
            document="",
            email="",
            phone="",
            address="",
            district="",
            city="",
            state="",
            zip_code="",
        ),
        items=bare_items,
        notice=NoticeData(
            number=124, reference_date=ref, range_start=-5, range_end=0, max_days_overdue=-3
        ),
        final_notice=final_notice_data(settings, ref),
        txid="CARTA124",
    )
    return [full, bare]


def _fields(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}
