"""Upserting one batch of parsed rows per kind, with a handful of queries per batch.

Each batch (a few thousand rows) costs one query for the existing rows, one
for the customers it names (títulos), one prepared INSERT for the new rows
and one prepared UPDATE per set of changed fields: never a query per row.
"""

import datetime
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from regua.bulk.sql import Lookup, Writer, adapt, update_rows
from regua.receivables import boleto as codes
from regua.receivables.importing.columns import Column
from regua.receivables.importing.payments import PaymentRecorder
from regua.receivables.importing.result import ImportResult, RowError
from regua.receivables.importing.values import Cell, invalid_emails
from regua.receivables.models import (
    Branch,
    CollectionType,
    Customer,
    Receivable,
    is_never_dunned,
)

Key = tuple[Any, ...]
_CUSTOMER_CACHE_LIMIT: Final = 200_000


@dataclass(slots=True)
class Row:
    number: int
    cells: list[Cell]
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str, value: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, value, message))


class IdSet:
    """The primary keys an import has met, as a bitmap (a million ids in 125 kB)."""

    _BITMAP_LIMIT: ClassVar[int] = 1 << 28

    def __init__(self) -> None:
        self._bits = bytearray()
        self._others: set[int] = set()

    def add(self, pk: int) -> None:
        if not 0 <= pk < self._BITMAP_LIMIT:
            self._others.add(pk)
            return
        index = pk >> 3
        if index >= len(self._bits):
            self._bits.extend(bytes(max(index + 1 - len(self._bits), len(self._bits))))
        self._bits[index] |= 1 << (pk & 7)

    def __contains__(self, pk: int) -> bool:
        if not 0 <= pk < self._BITMAP_LIMIT:
            return pk in self._others
        index = pk >> 3
        return index < len(self._bits) and bool(self._bits[index] & (1 << (pk & 7)))


class KeyFilter:
    """The keys an import has created, as a Bloom filter (4 MB, whatever the file's size).

    "Not in it" is certain, so a key of a branch that had no títulos when the
    import began needs no look-up at all; "maybe" (about one key in a
    thousand at a million keys, more beyond) sends it to the database.
    """

    _BITS: ClassVar[int] = 1 << 25
    _MASK: ClassVar[int] = _BITS - 1

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, keys: Iterable[Key]) -> None:
        if not self._bits:
            self._bits = bytearray(self._BITS >> 3)
        bits, mask = self._bits, self._MASK
        for key in keys:
            h = hash(key)
            low, step = h & 0xFFFFFFFF, ((h >> 32) & 0xFFFFFFFF) | 1
            for position in (low & mask, (low + step) & mask, (low + 2 * step) & mask):
                bits[position >> 3] |= 1 << (position & 7)

    def among(self, keys: Iterable[Key]) -> list[Key]:
        """The ``keys`` that may have been added (all that were, and a few others)."""
        bits, mask = self._bits, self._MASK
        if not bits:
            return []
        maybe = []
        for key in keys:
            h = hash(key)
            low, step = h & 0xFFFFFFFF, ((h >> 32) & 0xFFFFFFFF) | 1
            a, b, c = low & mask, (low + step) & mask, (low + 2 * step) & mask
            if (
                bits[a >> 3] & (1 << (a & 7))
                and bits[b >> 3] & (1 << (b & 7))
                and bits[c >> 3] & (1 << (c & 7))
            ):
                maybe.append(key)
        return maybe


class Loader:
    """The upsert rules of one kind; subclasses say what is special about theirs."""

    model: ClassVar[type[models.Model]]
    key_attrs: ClassVar[tuple[str, ...]]
    # Attributes that must have a value to create a row.
    create_requires: ClassVar[tuple[str, ...]] = ()
    # Stored attributes fetched besides the compared ones (for extra_changes).
    also_fetch: ClassVar[tuple[str, ...]] = ()
    touch_on_update: ClassVar[bool] = False

    def __init__(self, result: ImportResult, present: dict[str, Column], user: str) -> None:
        self.result = result
        # attr -> the column of the file that gives it (with the file's header name)
        self.headers = {attr: column.header for attr, column in present.items()}
        self.headers.update({self.stored_attr(a): h for a, h in list(self.headers.items())})
        self.user = user
        # The engine hands in a background writer where the database allows;
        # call self.writer.drain() before any query of your own.
        self.writer = Writer()
        self.seen = IdSet()
        # Rows with a higher id were created by this import (ids only grow).
        self.max_before: int = self.model._default_manager.aggregate(m=Max("pk"))["m"] or 0
        # Statistics are refreshed each time the import has doubled the table.
        self.analyzed_at = max(self.max_before, 5000)
        # Attributes compared with the stored row; references become their *_id.
        compared = [self.stored_attr(a) for a in present]
        self.fetched = ["id", *dict.fromkeys([*self.key_attrs, *compared, *self.also_fetch])]
        self.position = {name: i for i, name in enumerate(self.fetched)}
        self.compared = [(a, self.position[a]) for a in compared if a not in self.key_attrs]
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        self.insert_attnames = [f.attname for f in fields]
        self.auto_now = [
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        # New rows go to the driver as built: defaults and timestamps are
        # adapted once here, and a file only gives plain values.
        self.new_defaults = {f.attname: adapt(f, f.get_default()) for f in fields}
        self.has_defaults = type(self).defaults is not Loader.defaults
        self.default_row = tuple(self.new_defaults[a] for a in self.insert_attnames)
        self.insert_position = {a: i for i, a in enumerate(self.insert_attnames)}
        self.auto_now_positions = [self.insert_position[a] for a in self.auto_now]

    # --- hooks -------------------------------------------------------------

    def stored_attr(self, attr: str) -> str:
        return attr

    def prepare(self, rows: list[Row]) -> None:
        """Bulk look-ups the batch needs before its rows are resolved."""

    def resolve(self, row: Row) -> None:
        """Turn references (codes) into ids; add errors to the row."""

    def fetch(self, keys: set[Key]) -> dict[Key, tuple[Any, ...]]:
        """The stored rows among ``keys``: key -> values in ``self.fetched`` order."""
        raise NotImplementedError

    def defaults(self, row: Row) -> dict[str, Any]:
        """Values for a new row beyond what the file gives."""
        return {}

    def extra_changes(self, row: Row, stored: tuple[Any, ...], changes: dict[str, Any]) -> None:
        """Further fields to set when the row updates a stored one."""

    def missing(self, row: Row, key: Key) -> None:
        """The key is not stored and this kind cannot create it (payments)."""

    def key_label(self, key: Key) -> str:
        return str(key[0])

    def created(self, keys: Iterable[Key]) -> None:
        """The keys of rows this import has just inserted."""

    def settle_missing(self) -> int:
        """Snapshot imports only (títulos)."""
        raise NotImplementedError

    def finish(self) -> None:
        """Every row has been written (the writer drained): set-based work over the import."""

    # --- the generic part --------------------------------------------------

    def key(self, row: Row) -> Key | None:
        values = row.values
        try:
            return tuple([values[a] for a in self.key_attrs])
        except KeyError:
            return None  # a key cell was unreadable

    def column_of(self, attr: str) -> str:
        return self.headers.get(attr, attr)

    def process(self, rows: list[Row], on_error: Callable[[Row], None]) -> None:
        # Rows with a bad cell are resolved too: they get every message at once,
        # and their key still counts as listed (see below).
        self.prepare(rows)
        for row in rows:
            self.resolve(row)
        keys = [self.key(row) for row in rows]
        stored = self.fetch({k for k in keys if k is not None})

        now = timezone.now()
        now_adapted = connection.ops.adapt_datetimefield_value(now)
        creates: dict[Key, tuple[Any, ...]] = {}
        created_rows: dict[Key, int] = {}
        updates: dict[tuple[str, ...], list[tuple[int, list[Any]]]] = defaultdict(list)
        seen, max_before, compared = self.seen, self.max_before, self.compared
        for row, key in zip(rows, keys, strict=True):
            if row.errors or key is None:
                # A listed row, even a rejected one, is not "missing from the file".
                if key is not None and key in stored:
                    seen.add(stored[key][0])
                on_error(row)
                continue
            if key in created_rows:
                self.duplicate(row, key, f"já aparece na linha {created_rows[key]}")
                on_error(row)
                continue
            current = stored.get(key)
            if current is None:
                self.missing(row, key)
                values = None if row.errors else self.build(row, now_adapted)
                if values is None:
                    on_error(row)
                    continue
                creates[key] = values
                created_rows[key] = row.number
                continue
            pk = current[0]
            if pk in seen or pk > max_before:
                self.duplicate(row, key, "já aparece numa linha anterior")
                on_error(row)
                continue
            seen.add(pk)
            given = row.values
            changes = {a: given[a] for a, i in compared if given[a] != current[i]}
            self.extra_changes(row, current, changes)
            if not changes:
                self.result.unchanged += 1
                continue
            if self.touch_on_update:
                changes["updated_at"] = now
            fields = tuple(sorted(changes))
            updates[fields].append((pk, [changes[f] for f in fields]))
            self.result.updated += 1

        if creates:
            self.writer.insert(self.model, self.insert_attnames, list(creates.values()))
            self.created(creates.keys())
            self.result.created += len(creates)
            if self.result.created >= self.analyzed_at * 2:
                self.writer.analyze(self.model)
                self.analyzed_at = self.result.created + self.max_before
        if updates:
            self.writer.drain()
            for fields, changed in updates.items():
                update_rows(self.model, fields, changed)

    def duplicate(self, row: Row, key: Key, where: str) -> None:
        row.fail(
            self.column_of(self.key_attrs[-1]),
            self.key_label(key),
            f"chave repetida no arquivo: {where}",
        )

    def build(self, row: Row, now: Any) -> tuple[Any, ...] | None:
        """The values of a new row, in ``insert_attnames`` order (None: cannot create)."""
        given = {**self.defaults(row), **row.values} if self.has_defaults else row.values
        for attr in self.create_requires:
            if given.get(attr, self.new_defaults[attr]) in (None, ""):
                row.fail(self.column_of(attr), "", "obrigatório para cadastrar")
                return None
        # The defaults, overwritten where the file gives a value.
        out = list(self.default_row)
        position = self.insert_position
        for attr, value in given.items():
            out[position[attr]] = value
        for index in self.auto_now_positions:
            out[index] = now
        return tuple(out)

    def warn_emails(self, row: Row, attrs: Iterable[str]) -> None:
        for attr in attrs:
            value = row.values.get(attr)
            if value:
                for address in invalid_emails(value):
                    self.result.add_warning(
                        RowError(
                            row.number,
                            self.column_of(attr),
                            address,
                            "e-mail inválido; gravado assim mesmo, mas não receberá cartas",
                        )
                    )


class _CodeKeyed(Loader):
    """Branches, collection types and customers, keyed by their code."""

    key_attrs = ("code",)

    def __init__(self, result: ImportResult, present: dict[str, Column], user: str) -> None:
        super().__init__(result, present, user)
        self.lookup = Lookup(self.model, self.fetched, among="code")
        self.code_position = self.fetched.index("code")

    def fetch(self, keys: set[Key]) -> dict[Key, tuple[Any, ...]]:
        if not keys:
            return {}
        self.writer.drain()
        code = self.code_position
        return {(values[code],): values for values in self.lookup(k[0] for k in keys)}


_BRANCH_DEFAULTS: Final = {
    "fine_percent": Branch._meta.get_field("fine_percent").default,
    "monthly_interest_percent": Branch._meta.get_field("monthly_interest_percent").default,
}


class BranchLoader(_CodeKeyed):
    model = Branch
    create_requires = ("legal_name",)

    def resolve(self, row: Row) -> None:
        for attr in ("fine_percent", "monthly_interest_percent"):
            if attr in row.values and row.values[attr] is None:
                row.values[attr] = _BRANCH_DEFAULTS[attr]
        self.warn_emails(row, ["email"])


class CollectionTypeLoader(_CodeKeyed):
    model = CollectionType

    def resolve(self, row: Row) -> None:
        if "dunnable" in row.values and row.values["dunnable"] is None:
            row.values["dunnable"] = not is_never_dunned(row.values["code"])

    def defaults(self, row: Row) -> dict[str, Any]:
        return {"dunnable": not is_never_dunned(row.values["code"])}


POSTAL_FIELDS = frozenset({"address", "district", "city", "state", "zip_code"})


class CustomerLoader(_CodeKeyed):
    model = Customer
    create_requires = ("name",)

    def resolve(self, row: Row) -> None:
        self.warn_emails(row, ["email", "billing_email"])

    def extra_changes(self, row: Row, stored: tuple[Any, ...], changes: dict[str, Any]) -> None:
        # R7: a refused address stays refused "until someone edits it".
        if "email" in changes or "billing_email" in changes:
            changes["invalid_emails"] = []
        # A returned letter's address stays invalid until the address changes.
        if POSTAL_FIELDS & changes.keys():
            changes["postal_address_invalid"] = False


class _ReceivableKeyed(Loader):
    """Títulos, keyed by branch + document + installment."""

    model = Receivable
    key_attrs = ("branch_id", "document", "installment")
    touch_on_update = True

    def __init__(self, result: ImportResult, present: dict[str, Column], user: str) -> None:
        super().__init__(result, present, user)
        self.branches: dict[str, int] = dict(Branch.objects.values_list("code", "id"))
        self.branch_codes = {pk: code for code, pk in self.branches.items()}
        self.branches_in_file: set[int] = set()
        # Per branch: did it have títulos when the import began? If not, only
        # rows of this very import can match a key (see KeyFilter).
        self.had_rows: dict[int, bool] = {}
        self.created_keys = KeyFilter()
        self.lookup = Lookup(Receivable, self.fetched, among="document", equal="branch_id")
        # Every change of a paid amount becomes a payment event (see payments.py).
        self.payments = PaymentRecorder(result, user)
        self.paid_position = self.position.get("paid_amount")
        self.paid_date_position = self.position.get("paid_date")

    def extra_changes(self, row: Row, stored: tuple[Any, ...], changes: dict[str, Any]) -> None:
        if "paid_amount" in changes and self.paid_position is not None:
            self.payments.changed(
                stored[0],
                changes["paid_amount"] - stored[self.paid_position],
                row.values.get("paid_date"),
            )

    def process(self, rows: list[Row], on_error: Callable[[Row], None]) -> None:
        super().process(rows, on_error)
        self.payments.write(self.writer)

    def finish(self) -> None:
        self.payments.created(self.max_before)

    def stored_attr(self, attr: str) -> str:
        return f"{attr}_id" if attr in ("branch", "customer", "collection") else attr

    def key_label(self, key: Key) -> str:
        branch, document, installment = key
        return f"{self.branch_codes.get(branch, branch)}/{document}/{installment}"

    def resolve(self, row: Row) -> None:
        if "branch" not in row.values:
            return
        code = row.values.pop("branch")
        branch = self.branches.get(code)
        if branch is None:
            row.fail(
                self.column_of("branch"), code, "filial não cadastrada; importe as filiais antes"
            )
            return
        row.values["branch_id"] = branch
        self.branches_in_file.add(branch)

    def created(self, keys: Iterable[Key]) -> None:
        self.created_keys.add(keys)

    def branch_had_rows(self, branch: int) -> bool:
        had = self.had_rows.get(branch)
        if had is None:
            self.writer.drain()
            had = Receivable.objects.filter(branch_id=branch).exists()
            self.had_rows[branch] = had
        return had

    def fetch(self, keys: set[Key]) -> dict[Key, tuple[Any, ...]]:
        by_branch: dict[int, set[str]] = defaultdict(set)
        for branch in {key[0] for key in keys}:
            self.branch_had_rows(branch)
        had_rows = self.had_rows
        for key in keys:
            if had_rows[key[0]]:
                by_branch[key[0]].add(key[1])
        for key in self.created_keys.among(k for k in keys if not had_rows[k[0]]):
            by_branch[key[0]].add(key[1])
        found: dict[Key, tuple[Any, ...]] = {}
        if not by_branch:
            return found
        self.writer.drain()
        for branch, documents in by_branch.items():
            for values in self.lookup(documents, equal=branch):
                key = (values[1], values[2], values[3])
                if key in keys:
                    found[key] = values
        return found


class ReceivableLoader(_ReceivableKeyed):
    create_requires = ("customer_id", "due_date", "amount")
    also_fetch = ("settled", "boleto_invalid")

    def __init__(self, result: ImportResult, present: dict[str, Column], user: str) -> None:
        super().__init__(result, present, user)
        self.customers: dict[str, int] = {}
        # True once every customer is in self.customers: a code not there is not registered.
        self.all_customers = False
        self.batches = 0
        self.customer_lookup = Lookup(Customer, ["code", "id"], among="code")
        self.collections: dict[str, int] = dict(CollectionType.objects.values_list("code", "id"))

    def prepare(self, rows: list[Row]) -> None:
        self.batches += 1
        if self.all_customers:
            return
        if self.batches == 2 and Customer.objects.count() <= _CUSTOMER_CACHE_LIMIT:
            # A file of more than one batch: every customer code at once costs
            # less than a look-up per batch (and leaves the writer undisturbed).
            self.writer.drain()
            self.customers = dict(Customer.objects.order_by().values_list("code", "id").iterator())
            self.all_customers = True
            return
        if len(self.customers) > _CUSTOMER_CACHE_LIMIT:
            self.customers.clear()
        wanted = {r.values["customer"] for r in rows if "customer" in r.values}
        wanted -= self.customers.keys()
        if wanted:
            self.writer.drain()
            self.customers.update(self.customer_lookup(wanted))

    def resolve(self, row: Row) -> None:
        super().resolve(row)
        if "customer" in row.values:
            code = row.values.pop("customer")
            customer = self.customers.get(code)
            if customer is None:
                row.fail(
                    self.column_of("customer"),
                    code,
                    "cliente não cadastrado; importe os clientes antes",
                )
            else:
                row.values["customer_id"] = customer
        if "collection" in row.values and not row.errors:
            row.values["collection_id"] = self.collection(row, row.values.pop("collection"))
        if not row.errors:
            self.check_boleto(row)

    def check_boleto(self, row: Row) -> None:
        """R9: a linha digitável or barcode whose FEBRABAN check digits are wrong (or
        that disagree) is reported with its row and column, and never printed nor
        attached (the letters check it again); a due date or amount that differs
        from the título's is a warning only (an open amount, a discount)."""
        if "digitable_line" not in row.values and "barcode" not in row.values:
            return  # the file says nothing of the boleto: the stored flag stands
        line = row.values.get("digitable_line") or ""
        barcode = row.values.get("barcode") or ""
        row.values["boleto_invalid"] = False
        if not (line or barcode):
            return
        column = self.column_of("digitable_line" if line else "barcode")
        try:
            read = codes.read(line, barcode)
        except codes.InvalidBoleto as exc:
            row.values["boleto_invalid"] = True
            self.result.add_warning(
                RowError(
                    row.number,
                    column,
                    line or barcode,
                    f"boleto inválido, não será impresso nem anexado: {exc}",
                )
            )
            return
        due, amount = row.values.get("due_date"), row.values.get("amount")
        if read is None or due is None or amount is None:
            return
        for message in codes.warnings(read, due, amount):
            self.result.add_warning(RowError(row.number, column, line or barcode, message))

    def collection(self, row: Row, code: str | None) -> int | None:
        if not code:
            return None
        pk = self.collections.get(code)
        if pk is None:
            dunnable = not is_never_dunned(code)
            self.writer.drain()
            pk = CollectionType.objects.create(code=code, dunnable=dunnable).pk
            self.collections[code] = pk
            self.result.add_warning(
                RowError(
                    row.number,
                    self.column_of("collection"),
                    code,
                    "tipo de cobrança novo, cadastrado como "
                    + ("cobrável" if dunnable else "não cobrável"),
                )
            )
        return pk

    def extra_changes(self, row: Row, stored: tuple[Any, ...], changes: dict[str, Any]) -> None:
        super().extra_changes(row, stored, changes)
        invalid = row.values.get("boleto_invalid")
        if invalid is not None and invalid != stored[self.position["boleto_invalid"]]:
            changes["boleto_invalid"] = invalid
        if stored[self.position["settled"]]:
            # Listed again: the ERP has it open after all (its presumed payment is reversed).
            changes["settled"] = False
            changes["settled_at"] = None
            self.payments.reopened(stored[0])

    def settle_missing(self) -> int:
        """Snapshot: títulos of the file's branches that it no longer lists are settled."""
        self.writer.drain()
        # Ids first, updates after: SQLite gives no isolation between a cursor
        # and writes to the same table on one connection. 8 bytes a título.
        missing = array("q")
        query = (
            Receivable.objects.filter(branch_id__in=self.branches_in_file, settled=False)
            .order_by()
            .values_list("id", flat=True)
        )
        for pk in query.iterator(chunk_size=5000):
            # Above max_before: created by this very import.
            if pk <= self.max_before and pk not in self.seen:
                missing.append(pk)
        now = timezone.now()
        settled = 0
        for start in range(0, len(missing), 5000):
            chunk = missing[start : start + 5000].tolist()
            self.payments.settled(chunk)
            settled += _settle(chunk, now)
        return settled


def _settle(ids: list[int], now: datetime.datetime) -> int:
    return Receivable.objects.filter(id__in=ids).update(
        settled=True, settled_at=now, updated_at=now
    )


class PaymentLoader(_ReceivableKeyed):
    def missing(self, row: Row, key: Key) -> None:
        row.fail(
            self.column_of("installment"),
            self.key_label(key),
            "título não cadastrado; importe os títulos antes dos pagamentos",
        )


LOADERS: Final[dict[str, type[Loader]]] = {
    "branches": BranchLoader,
    "collection-types": CollectionTypeLoader,
    "customers": CustomerLoader,
    "receivables": ReceivableLoader,
    "payments": PaymentLoader,
}
