"""The values a template sees, read from a real notice and its títulos (the ORM side).

``variables.py`` defines the values and ``samples.py`` the sample data; this
module alone fills them from models, and the sandbox never imports it.
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router

from regua.dunning.models import Notice, NoticeItem
from regua.letters import charges, formatting
from regua.letters.models import LetterSettings
from regua.letters.variables import (
    PAYMENT_DAYS,
    BranchData,
    CustomerData,
    FinalNoticeData,
    ItemData,
    NoticeData,
    assemble,
    final_notice_data,
    item_data,
)
from regua.receivables import boleto as codes
from regua.receivables.models import Branch, CollectionType, Customer, Receivable


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
        of_name=formatting.of_name(branch.trade_name or branch.legal_name),
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
        is_company=formatting.is_company(customer.document, customer.name),
        display_name=formatting.person_name(customer.name),
    )


def final_notice_of(settings: LetterSettings, reference_date: datetime.date) -> FinalNoticeData:
    return final_notice_data(
        days=settings.final_notice_days,
        measures=settings.final_notice_measures,
        legal_basis=settings.final_notice_legal_basis,
        reference_date=reference_date,
    )


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
    "barcode",
    "boleto_invalid",
    "our_number",
)
_COLLECTION_FIELDS = ("id", "code", "description", "fine_percent", "monthly_interest_percent")
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


def boleto_shown(
    line: str, barcode: str, due_date: datetime.date, invalid: bool = False
) -> tuple[str, bool]:
    """The linha digitável a letter prints for a título, and whether a new boleto is offered.

    R9: a line or barcode whose FEBRABAN check digits are wrong is never
    printed. A boleto whose factor names another due date than the título's
    (a prorrogação after it was issued) is not printed either: the letter says
    a new boleto is available on request.
    """
    if invalid:  # as the import found it; checked again below all the same
        return "", False
    try:
        read = codes.read(line, barcode)
    except codes.InvalidBoleto:
        return "", False
    if read is None:
        return "", False
    due = read.due_date(near=due_date)
    if due is not None and due != due_date:
        return "", True
    return read.formatted_line or codes.format_line(codes.line_from_barcode(read.barcode)), False


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
        # The due date the notice recorded: the título's own, read with the item.
        line, new_boleto = boleto_shown(
            receivable.digitable_line,
            receivable.barcode,
            row.due_date,
            receivable.boleto_invalid,
        )
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
                    digitable_line=line,
                    new_boleto_on_request=new_boleto,
                    our_number=receivable.our_number,
                    collection=receivable.collection.code if receivable.collection else "",
                    collection_name=(
                        receivable.collection.description or receivable.collection.code
                        if receivable.collection
                        else ""
                    ),
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
            payment_deadline=notice.reference_date + datetime.timedelta(days=PAYMENT_DAYS),
        ),
        final_notice=final_notice_of(settings or LetterSettings.load(), notice.reference_date),
        txid=f"CARTA{notice.pk}",
    )
    return NoticeContext(context=context, items=pairs)
