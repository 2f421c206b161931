"""A run done by the database: select, decide, group and write in a few statements.

What ``selection.stream`` and ``runs.planned_notices`` do one line at a time
in Python, this module asks of the database, set by set, inside the run's
locked transaction (R5):

1. every open título in a range (``selection.selected``'s query, R1–R4's early
   reasons) goes into a temporary table of lines, numbered in notice order;
2. window functions give each group (R6: a customer in a branch, or each
   título) its total and highest range, and so R4's last two reasons
   (``below_minimum``, then ``min_interval``);
3. the candidates' groups become the notices, each under its highest range;
   Python works out only what SQL cannot: each candidate customer's addresses
   (R7, ``recipients_from``: Django's e-mail validator), the first state of each
   combination of range, "has an address" and "has a postal address"
   (``lifecycle.initial_state``), and the A/B sides (``ab.Sides``: a stored,
   hashed draw);
4. a recorded run writes its notices and their títulos with ``INSERT … SELECT``
   from those tables; a dry run writes nothing and rolls its tables back.

What the run made is then read back in order, so the listener (the command's
spool, the pages' ``Collected``) hears the same notices and skips, in the same
order, as from the streaming path, which stays in ``runs`` as the comparison
the tests hold this one to.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, connections
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from regua.bulk.sql import adapt, foreign_keys_checked_per_statement, import_cache
from regua.dunning import ab, lifecycle, recording
from regua.dunning.models import DelayRange, DunningRun, GroupBy, Notice, NoticeItem
from regua.dunning.recipients import recipients_from
from regua.dunning.selection import (
    Dates,
    Line,
    Selection,
    _without_jit,
    line_order,
    refused_emails,
    selected,
)

# The temporary tables, in the connection's own temporary schema.
LINES = "regua_run_line"
DECIDED = "regua_run_decided"
TOTALS = "regua_run_total"
GROUPS = "regua_run_group"
RANGES = "regua_run_range"
CONTACTS = "regua_run_contact"
STATES = "regua_run_state"
SIDES = "regua_run_side"
NOTICES = "regua_run_notice"
TABLES = (LINES, TOTALS, DECIDED, GROUPS, RANGES, CONTACTS, STATES, SIDES, NOTICES)

# The lines' columns (``LINES``) and those kept once the reasons are decided.
LINE_COLUMNS = (
    "seq", "rid", "bid", "cid", "bcode", "ccode", "doc", "inst", "due", "eff", "rng",
    "rstart", "cents", "early", "recent", "postal",
)  # fmt: skip
DECIDED_COLUMNS = (
    "seq", "rid", "bid", "cid", "bcode", "ccode", "doc", "inst", "due", "eff", "rng",
    "rstart", "cents", "postal", "reason",
)  # fmt: skip

# Rows a multi-row INSERT … VALUES carries (far below SQLite's parameter limit).
VALUES_ROWS = 500
# Rows fetched at a time when the run is read back.
FETCH = 10000


@dataclass
class Made:
    """What the database made: the groups' counts and the pending notices' ids."""

    notices: int = 0
    candidates: int = 0
    skipped: int = 0
    balance: Decimal = Decimal("0.00")
    statuses: dict[str, int] = field(default_factory=dict)
    pending: list[int] = field(default_factory=list)
    sides: list[ab.Side] = field(default_factory=list)


class SetRun:
    """One run's temporary tables on the current connection, inside its transaction."""

    def __init__(self, selection: Selection, min_interval: int | None) -> None:
        self.selection = selection
        self.min_interval = min_interval
        self.ranges: dict[int, DelayRange] = {}
        self.empty = True
        self.postgres = connection.vendor == "postgresql"
        self.by_customer = selection.group_by == GroupBy.CUSTOMER
        self.side_of_group: dict[int, ab.Side] = {}
        self._dates = Dates()

    # --- building ----------------------------------------------------------------------

    def build(self, *, record: bool) -> Made:
        """Select and decide (and, with ``record``, number the notices for writing)."""
        s = self.selection
        ranges, queryset = selected(
            s.reference_date, s.filters, s.group_by, min_interval=self.min_interval
        )
        self.ranges = {r.pk: r for r in ranges}
        self.drop()
        with _without_jit():
            self._ranges_table(ranges)
            if queryset is None:
                return Made()
            self.empty = False
            self._lines(queryset)
            self._decide()
            self._groups()
            self._contacts()
            self._states()
            sides = self._sides()
            self._notices(record=record)
            return self._made(sides)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _analyze(self, table: str) -> None:
        # Temporary tables get no statistics of their own on PostgreSQL.
        if self.postgres:
            self._execute(f"ANALYZE {table}")

    def _insert_values(self, table: str, placeholders: str, rows: Sequence[Sequence[Any]]) -> None:
        for start in range(0, len(rows), VALUES_ROWS):
            chunk = rows[start : start + VALUES_ROWS]
            values = ", ".join([placeholders] * len(chunk))
            self._execute(
                f"INSERT INTO {table} VALUES {values}",  # noqa: S608 - placeholders only
                [value for row in chunk for value in row],
            )

    def _ranges_table(self, ranges: list[DelayRange]) -> None:
        self._execute(
            f"CREATE TEMP TABLE {RANGES} (id bigint, start_day integer, end_day integer,"
            " generation varchar(20), template_id bigint, template_number integer,"
            " min_cents bigint)"
        )
        self._insert_values(
            RANGES,
            "(%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    r.pk,
                    r.start_day,
                    r.end_day,
                    r.generation,
                    r.template_id,
                    r.template.number,
                    int(r.min_balance * 100),
                )
                for r in ranges
            ],
        )

    def _lines(self, queryset: Any) -> None:
        """Every título in a range with its range and early reason, numbered in notice
        order, with the codes the run's report shows."""
        columns = queryset.annotate(
            l_seq=Window(RowNumber(), order_by=[_asc(e) for e in line_order()]),
            l_rid=F("pk"),
            l_bid=F("branch_id"),
            l_cid=F("customer_id"),
            l_bcode=F("branch__code"),
            l_ccode=F("customer__code"),
            l_doc=F("document"),
            l_inst=F("installment"),
            l_due=F("due"),
            l_eff=F("effective_due"),
            l_rng=F("range_id"),
            l_rstart=F("range_start"),
            l_cents=F("balance_cents"),
            l_early=F("early_reason"),
            l_recent=F("recent_notice"),
            l_postal=F("postal_address"),
        ).values_list(*(f"l_{name}" for name in LINE_COLUMNS))
        sql, params = columns.order_by().query.sql_with_params()
        self._execute(
            f"CREATE TEMP TABLE {LINES} AS SELECT "  # noqa: S608 - the ORM's SQL, its values as parameters
            + ", ".join(f"l_{name} AS {name}" for name in LINE_COLUMNS)
            + f" FROM ({sql}) q",
            params,
        )

    def _decide(self) -> None:
        """R4's last two reasons, from each group's total and highest range over the
        títulos that passed the earlier checks (R6's group: customer in branch, or título).

        The lines are kept in notice order (on SQLite ``seq`` is the table's rowid), so
        they are read back in that order without sorting them again."""
        kept = ", ".join(f"l.{name}" for name in DECIDED_COLUMNS[:-1])
        if self.by_customer:
            # Summed by group and joined back: cheaper than a window over the lines.
            self._execute(
                f"CREATE TEMP TABLE {TOTALS} AS SELECT bid, cid,"  # noqa: S608 - fixed names
                " SUM(CASE WHEN early IS NULL THEN cents END) AS total,"
                " MAX(CASE WHEN early IS NULL THEN rstart END) AS top"
                f" FROM {LINES} GROUP BY bid, cid"
            )
            self._execute(f"CREATE INDEX {TOTALS}_key ON {TOTALS} (bid, cid)")
            self._analyze(TOTALS)
            source = (
                f"{LINES} l JOIN {TOTALS} g ON g.bid = l.bid AND g.cid = l.cid"
                f" LEFT JOIN {RANGES} r ON r.start_day = g.top"
            )
            total = "g.total"
        else:
            source = f"{LINES} l LEFT JOIN {RANGES} r ON r.start_day = l.rstart"
            total = "l.cents"
        select = (
            f"SELECT {kept}, CASE WHEN l.early IS NOT NULL THEN l.early"  # noqa: S608 - fixed names
            f"  WHEN {total} < r.min_cents THEN 'below_minimum'"
            "  WHEN l.recent THEN 'min_interval' END AS reason"
            f" FROM {source}"
        )
        if self.postgres:
            self._execute(f"CREATE TEMP TABLE {DECIDED} AS {select}")
        else:
            self._execute(
                f"CREATE TEMP TABLE {DECIDED} (seq INTEGER PRIMARY KEY, "
                + ", ".join(DECIDED_COLUMNS[1:])
                + ")"
            )
            self._execute(f"INSERT INTO {DECIDED} {select}")
        self._analyze(DECIDED)

    def _groups(self) -> None:
        """The candidates' groups, numbered in the order of their first títulos."""
        key = "bid, cid" if self.by_customer else "seq, bid, cid"
        self._execute(
            f"CREATE TEMP TABLE {GROUPS} AS"  # noqa: S608 - fixed names
            " SELECT ROW_NUMBER() OVER (ORDER BY MIN(seq)) AS gno, MIN(seq) AS first_seq,"
            " bid, cid, MAX(rstart) AS top, SUM(cents) AS cents, COUNT(*) AS n,"
            " MAX(CASE WHEN postal THEN 1 ELSE 0 END) AS postal"
            f" FROM {DECIDED} WHERE reason IS NULL GROUP BY {key}"
        )
        self._analyze(GROUPS)

    def _contacts(self) -> None:
        """R7's addresses of each candidate customer (Django's validator decides)."""
        json_type = "jsonb" if self.postgres else "text"
        self._execute(
            f"CREATE TEMP TABLE {CONTACTS} (cid bigint, recipients {json_type}, has integer)"
        )
        known: dict[tuple[str, str, str], tuple[str, int]] = {}
        rows: list[tuple[Any, ...]] = []
        with connections["default"].chunked_cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.billing_email, c.email, c.invalid_emails"  # noqa: S608
                " FROM receivables_customer c"
                f" WHERE c.id IN (SELECT cid FROM {GROUPS})"
            )
            while batch := cursor.fetchmany(FETCH):
                for cid, billing, email, refused in batch:
                    field_key = (
                        billing,
                        email,
                        refused if isinstance(refused, str) else json.dumps(refused),
                    )
                    found = known.get(field_key)
                    if found is None:
                        if len(known) > 10000:
                            known.clear()
                        addresses = recipients_from(billing, email, refused_emails(refused))
                        found = known[field_key] = (json.dumps(addresses), 1 if addresses else 0)
                    rows.append((cid, *found))
        if self.postgres:
            # One statement: three arrays unnested (rows of VALUES cost seconds here).
            self._execute(
                f"INSERT INTO {CONTACTS} SELECT c, CAST(r AS jsonb), h"  # noqa: S608 - fixed names
                " FROM unnest(CAST(%s AS bigint[]), CAST(%s AS text[]), CAST(%s AS integer[]))"
                " AS u(c, r, h)",
                [list(column) for column in zip(*rows, strict=True)] if rows else [[], [], []],
            )
        else:
            self._insert_values(CONTACTS, "(%s, %s, %s)", rows)
        self._execute(f"CREATE INDEX {CONTACTS}_cid ON {CONTACTS} (cid)")
        self._analyze(CONTACTS)

    def _states(self) -> None:
        """A notice's first state for each range, address and postal address (R7, R8)."""
        self._execute(
            f"CREATE TEMP TABLE {STATES} (top integer, has integer, postal integer,"
            " status varchar(20), reason varchar(200), channels varchar(20), blocks boolean)"
        )
        rows = []
        for r in self.ranges.values():
            for has in (0, 1):
                for postal in (0, 1):
                    status, reason, channels = lifecycle.initial_state(
                        ["-"] if has else [], r.generation, postal_address=bool(postal)
                    )
                    rows.append(
                        (
                            r.start_day,
                            has,
                            postal,
                            status,
                            reason,
                            channels,
                            lifecycle.blocks(status),
                        )
                    )
        self._insert_values(STATES, "(%s, %s, %s, %s, %s, %s, %s)", rows)

    def _sides(self) -> list[ab.Side]:
        """The customers' sides in the ranges with a model B, in notice order."""
        self._execute(f"CREATE TEMP TABLE {SIDES} (gno bigint, tid bigint, tnum integer)")
        sides = ab.Sides.for_run()
        if sides is None:
            return []
        starts = {sides.ranges[pk].start_day: sides.ranges[pk] for pk in sides.ranges}
        drawn: list[ab.Side] = []
        rows: list[tuple[int, int, int]] = []
        placeholders = ", ".join(["%s"] * len(starts))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT gno, cid, top FROM {GROUPS} WHERE top IN ({placeholders})"  # noqa: S608
                " ORDER BY gno",
                list(starts),
            )
            found = cursor.fetchall()
        for gno, cid, top in found:
            side = sides.side_of(cid, starts[top])
            assert side is not None
            template_id, template_number = sides.template_of(side)
            self.side_of_group[gno] = side
            drawn.append(side)
            rows.append((gno, template_id, template_number))
        self._insert_values(SIDES, "(%s, %s, %s)", rows)
        return drawn

    def _notices(self, *, record: bool) -> None:
        """The notices as they will be written: each group under its highest range."""
        if not record:
            notice_id = "CAST(NULL AS bigint)"
        elif self.postgres:
            notice_id = "nextval(pg_get_serial_sequence('dunning_notice', 'id'))"
        else:
            notice_id = f"{_highest_notice_id()} + g.gno"
        self._execute(
            f"CREATE TEMP TABLE {NOTICES} AS SELECT g.*, {notice_id} AS notice_id"  # noqa: S608
            " FROM (SELECT g.gno, g.first_seq, g.bid, g.cid, g.cents, g.n, r.id AS range_id,"
            "  r.start_day, r.end_day, r.generation,"
            "  COALESCE(sd.tid, r.template_id) AS tid,"
            "  COALESCE(sd.tnum, r.template_number) AS tnum,"
            "  st.status, st.reason, st.channels, st.blocks, ct.recipients"
            f" FROM {GROUPS} g JOIN {RANGES} r ON r.start_day = g.top"
            f" JOIN {CONTACTS} ct ON ct.cid = g.cid"
            f" JOIN {STATES} st ON st.top = g.top AND st.has = ct.has AND st.postal = g.postal"
            f" LEFT JOIN {SIDES} sd ON sd.gno = g.gno"
            " ORDER BY g.gno) g"
        )
        if self.by_customer:
            self._execute(f"CREATE INDEX {NOTICES}_key ON {NOTICES} (bid, cid)")
        else:
            self._execute(f"CREATE INDEX {NOTICES}_key ON {NOTICES} (first_seq)")
        self._analyze(NOTICES)

    def _made(self, sides: list[ab.Side]) -> Made:
        made = Made(sides=sides)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status, COUNT(*), SUM(n), SUM(cents) FROM {NOTICES} GROUP BY status"  # noqa: S608
            )
            for status, notices, candidates, cents in cursor.fetchall():
                made.statuses[status] = int(notices)
                made.notices += int(notices)
                made.candidates += int(candidates)
                made.balance += Decimal(int(cents)).scaleb(-2)
            cursor.execute(f"SELECT COUNT(*) FROM {DECIDED} WHERE reason IS NOT NULL")  # noqa: S608
            made.skipped = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT notice_id FROM {NOTICES} WHERE status = %s AND notice_id IS NOT NULL"  # noqa: S608
                " ORDER BY gno",
                [lifecycle.S.PENDING.value],
            )
            made.pending = [int(pk) for (pk,) in cursor.fetchall()]
        made.balance = made.balance.quantize(Decimal("0.01"))
        return made

    # --- writing -----------------------------------------------------------------------

    def write(self, run: DunningRun) -> None:
        """The notices and their títulos into the history, each set in one statement."""
        if self.empty:
            return
        quote = connection.ops.quote_name
        decimal = "CAST({} AS numeric) / 100" if self.postgres else "{} / 100.0"
        recipients = "n.recipients"
        if self.postgres:
            days = "(CAST(%s AS date) - l.eff)"
        else:
            days = "CAST(julianday(%s) - julianday(l.eff) AS INTEGER)"
        notice_columns = {
            "id": "n.notice_id",
            "run_id": "%s",
            "branch_id": "n.bid",
            "customer_id": "n.cid",
            "delay_range_id": "n.range_id",
            "range_start": "n.start_day",
            "range_end": "n.end_day",
            "template_id": "n.tid",
            "template_number": "n.tnum",
            "generation": "n.generation",
            "reference_date": "%s",
            "user": "%s",
            "status": "n.status",
            "reason": "n.reason",
            "recipients": recipients,
            "total_balance": decimal.format("n.cents"),
            "channels": "n.channels",
        }
        notice_params: list[Any] = [run.pk, run.reference_date, run.user]
        item_columns = {
            "notice_id": "n.notice_id",
            "receivable_id": "l.rid",
            "delay_range_id": "l.rng",
            "due_date": "l.due",
            "effective_due_date": "l.eff",
            "days_overdue": days,
            "range_start": "lr.start_day",
            "range_end": "lr.end_day",
            "balance": decimal.format("l.cents"),
            "blocks": "n.blocks",
        }
        item_params: list[Any] = [run.reference_date]
        join = "n.bid = l.bid AND n.cid = l.cid" if self.by_customer else "n.first_seq = l.seq"
        with import_cache():
            with foreign_keys_checked_per_statement(Notice):
                columns, values, params = _with_defaults(Notice, notice_columns, notice_params)
                self._execute(
                    f"INSERT INTO {quote(Notice._meta.db_table)} ({columns})"  # noqa: S608
                    f" SELECT {values} FROM {NOTICES} n ORDER BY n.gno",
                    params,
                )
            with foreign_keys_checked_per_statement(NoticeItem):
                columns, values, params = _with_defaults(NoticeItem, item_columns, item_params)
                self._execute(
                    f"INSERT INTO {quote(NoticeItem._meta.db_table)} ({columns})"  # noqa: S608
                    f" SELECT {values} FROM {DECIDED} l JOIN {NOTICES} n ON {join}"
                    f" JOIN {RANGES} lr ON lr.id = l.rng"
                    " WHERE l.reason IS NULL ORDER BY l.seq",
                    params,
                )

    # --- reading back ------------------------------------------------------------------

    def notices(
        self,
    ) -> Iterator[tuple[int, int | None, int, str, str, str, list[str], int, int, list[Line]]]:
        """The notices in order, each with its títulos as Lines.

        A group's títulos are next to each other in notice order, and the groups
        are numbered in the order of their first títulos: the notices and the
        candidates are read side by side, each in its own order, ``n`` títulos a
        notice, without joining them."""
        if self.empty:
            return
        heads = self._read(
            "SELECT gno, notice_id, range_id, status, reason, channels, recipients,"  # noqa: S608
            f" tid, tnum, n FROM {NOTICES} ORDER BY gno"
        )
        lines = self._read(
            f"SELECT {_LINE_COLUMNS} FROM {DECIDED} l"  # noqa: S608 - fixed names
            " WHERE l.reason IS NULL ORDER BY l.seq"
        )
        for gno, notice_id, range_id, status, reason, channels, recipients, tid, tnum, n in heads:
            if isinstance(recipients, str):
                recipients = json.loads(recipients)
            group = [self._line(next(lines), None) for _ in range(int(n))]
            yield (
                gno, notice_id, range_id, status, reason, channels, list(recipients),
                tid, tnum, group,
            )  # fmt: skip

    def skipped(self) -> Iterator[Line]:
        if self.empty:
            return
        sql = (
            f"SELECT {_LINE_COLUMNS}, l.reason FROM {DECIDED} l"  # noqa: S608 - fixed names
            " WHERE l.reason IS NOT NULL ORDER BY l.seq"
        )
        for row in self._read(sql):
            yield self._line(row[:-1], row[-1])

    def _read(self, sql: str) -> Iterator[tuple[Any, ...]]:
        with connections["default"].chunked_cursor() as cursor:
            cursor.execute(sql)
            while batch := cursor.fetchmany(FETCH):
                yield from batch

    def _line(self, row: Sequence[Any], reason: str | None) -> Line:
        rid, bid, branch, cid, customer, document, installment, due, eff, rng, cents = row
        due, eff = self._dates[due], self._dates[eff]
        return Line(
            receivable_id=rid,
            branch_id=bid,
            branch=branch,
            customer_id=cid,
            customer=customer,
            document=document,
            installment=installment,
            due_date=due,
            effective_due_date=eff,
            days_overdue=(self.selection.reference_date - eff).days,
            delay_range=self.ranges[rng],
            balance=Decimal(int(cents)).scaleb(-2),
            reason=reason,
        )


_LINE_COLUMNS = "l.rid, l.bid, l.bcode, l.cid, l.ccode, l.doc, l.inst, l.due, l.eff, l.rng, l.cents"


def _asc(expression: Any) -> Any:
    return expression.asc()


def _highest_notice_id() -> int:
    """SQLite: the highest notice id ever given (AUTOINCREMENT never gives one twice)."""
    return recording.Ids(Notice, before_query=lambda: None)._highest()


def _with_defaults(
    model: type[Any], given: dict[str, str], params: list[Any]
) -> tuple[str, str, list[Any]]:
    """The column list, the SELECT list and its parameters for an ``INSERT … SELECT`` of
    ``model`` setting ``given`` (attname: expression, ``params`` in their order); every
    other column gets its default, as ``recording.Rows`` gives it."""
    quote = connection.ops.quote_name
    now = timezone.now()
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = [quote(by_attname[a].column) for a in given]
    values = list(given.values())
    params = list(params)
    for column in model._meta.concrete_fields:
        if column.attname in given or column.primary_key:
            continue
        names.append(quote(column.column))
        values.append("%s")
        automatic = getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False)
        params.append(adapt(column, now if automatic else column.get_default()))
    return ", ".join(names), ", ".join(values), params
