"""Efetividade da régua: how much was paid after the notices sent in a period.

How a payment is attributed (the page says the same to its reader):

- payments are the títulos' payment events (``receivables.PaymentEvent``):
  each change of a paid amount an import found, negative for a reversal; a
  título a snapshot settled counts as paid of its last balance on the import
  date ("baixa presumida", shown apart); a título with no event at all counts
  its paid amount at its single paid date;
- a payment goes to the latest *sent* notice listing that título sent on or
  before the paid date (the same day included), and to no other: never twice;
- what a notice's título recovers is capped at the balance it notified;
- títulos whose range window (due date + the range's first day) opened in
  the period without any sent notice for that range (no e-mail, below the
  minimum, paused, or no run) form the reference group, each título and range
  once; a payment goes there only when no notice precedes it. They are
  labelled "não comparável": they were not chosen at random.

Everything is set-based SQL, the same on SQLite and PostgreSQL: a few statements
fill temporary tables (the sent notices' títulos, the payments with the line each
goes to, the lines that got one, the groups' totals in parts) and one reads the
totals; no loop over títulos. Python only labels and divides the totals.
"""

import datetime
import functools
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from regua.dunning.models import DelayRange, DunningRun, NoticeStatus
from regua.receivables.models import Branch, PaymentKind

GROUPINGS: Final = ("range", "template", "branch", "month")
# Per range and model ("<range id>:<model number>"), for regua.dunning.ab_report.
BY_RANGE_AND_TEMPLATE: Final = "range_template"
WINDOWS: Final = (7, 15, 30)
# Below this many títulos a group's share of títulos paid is "poucos dados".
MIN_FOR_INTERVAL: Final = 30
CENT: Final = Decimal("0.01")

ATTRIBUTION_TEXT: Final = (
    "Cada pagamento importado vai para a carta enviada mais recente que listava o título, "
    "enviada até a data do pagamento (o mesmo dia conta), e para nenhuma outra. O valor "
    "recuperado por título é limitado ao saldo que a carta cobrou. Títulos que saíram da "
    "lista de abertos numa carga completa contam como pagos do último saldo na data da "
    "importação (baixa presumida, mostrada à parte). Títulos importados antes do registro "
    "de pagamentos contam pela sua data de pagamento. O grupo de referência reúne os "
    "títulos que entraram numa faixa no período sem carta enviada para ela (sem e-mail, "
    "abaixo do saldo mínimo, pausados ou sem emissão): não é um grupo de controle sorteado, "
    "por isso aparece como “não comparável”."
)


@dataclass
class Figures:
    """One line of the report: a group of notices (or of the reference group)."""

    key: str
    label: str
    comparable: bool
    notices: int = 0
    titulos: int = 0
    notified: Decimal = Decimal("0.00")
    paid_7: Decimal = Decimal("0.00")
    paid_15: Decimal = Decimal("0.00")
    paid_30: Decimal = Decimal("0.00")
    recovered: Decimal = Decimal("0.00")
    presumed: Decimal = Decimal("0.00")
    titulos_paid: int = 0
    median_days: Decimal | None = None
    went_on: int = 0
    rate: Decimal | None = None
    # 95 % Wilson interval of the share of títulos paid; None: "poucos dados".
    paid_share: Decimal | None = None
    interval: tuple[Decimal, Decimal] | None = None

    def finish(self) -> None:
        if self.notified:
            self.rate = (self.recovered / self.notified).quantize(Decimal("0.0001"))
        if self.titulos:
            self.paid_share = (Decimal(self.titulos_paid) / self.titulos).quantize(
                Decimal("0.0001")
            )
            if self.titulos >= MIN_FOR_INTERVAL:
                self.interval = wilson(self.titulos_paid, self.titulos)

    @property
    def few_data(self) -> bool:
        return self.titulos < MIN_FOR_INTERVAL

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for name, value in list(out.items()):
            if isinstance(value, Decimal):
                out[name] = str(value)
        out["interval"] = [str(v) for v in self.interval] if self.interval else None
        out["few_data"] = self.few_data
        return out


@dataclass
class Report:
    date_from: datetime.date | None
    date_to: datetime.date | None
    by: str
    rows: list[Figures] = field(default_factory=list)
    total: Figures = field(default_factory=lambda: Figures("", "Total", True))
    reference: list[Figures] = field(default_factory=list)
    reference_total: Figures = field(default_factory=lambda: Figures("", "Total", False))

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "by": self.by,
            "rows": [r.as_json() for r in self.rows],
            "total": self.total.as_json(),
            "not_comparable": [r.as_json() for r in self.reference],
            "not_comparable_total": self.reference_total.as_json(),
            "attribution": ATTRIBUTION_TEXT,
        }


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[Decimal, Decimal]:
    """The 95 % Wilson score interval of a proportion."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    q = Decimal("0.0001")
    return (
        Decimal(max(0.0, centre - half)).quantize(q),
        Decimal(min(1.0, centre + half)).quantize(q),
    )


def sent_items_sql() -> tuple[str, list[Any]]:
    """Every título of every sent notice, with the day it was sent (São Paulo's calendar).

    The items first (``CROSS JOIN`` keeps that order on SQLite): a look-up by título
    goes through the items' index, then to the notice by its key.
    """
    sent_on, sent_params = local_date_sql("n.sent_at")
    sql = f"""
    SELECT 1 AS is_notice, i.id AS touch_id, i.receivable_id, i.balance,
           i.delay_range_id AS range_id, i.range_start, i.due_date,
           n.id AS notice_id, n.branch_id, n.template_number, {sent_on} AS touched_on
    FROM dunning_noticeitem i CROSS JOIN dunning_notice n
    WHERE n.id = i.notice_id AND n.status = %s AND n.sent_at IS NOT NULL"""  # noqa: S608 - a fixed fragment
    return sql, [*sent_params, NoticeStatus.SENT.value]


def payments_sql() -> tuple[str, list[Any]]:
    """Every payment: the events, and the single paid amount of títulos without any."""
    sql = """
    SELECT e.id AS event_id, e.receivable_id, e.amount, e.paid_date, e.kind
    FROM receivables_paymentevent e
    UNION ALL
    SELECT -r.id, r.id, r.paid_amount, r.paid_date, %s
    FROM receivables_receivable r
    WHERE r.paid_amount <> 0 AND r.paid_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM receivables_paymentevent e WHERE e.receivable_id = r.id)"""
    return sql, [PaymentKind.LEGACY.value]


# The report's temporary tables, dropped before and after each report.
TEMP_TABLES: Final = (
    "eff_range",
    "eff_sent",
    "eff_pay",
    "eff_refpay",
    "eff_paid",
    "eff_sums",
)


@functools.cache
def _offset_spans(tzname: str) -> tuple[tuple[str, str], ...]:
    """The zone's UTC offsets from 1970 to 2100: (UTC start, SQLite modifier) each.

    SQLite's own date functions know no time zone and Django's cast to a local date is a
    Python function called for every row; a ``CASE`` over these spans is not. A
    transition is looked for week by week, then to the second (two changes within one
    week that return to the same offset would be missed; São Paulo never had them).
    """
    zone = ZoneInfo(tzname)

    def offset(moment: datetime.datetime) -> datetime.timedelta | None:
        return moment.astimezone(zone).utcoffset()

    def modifier(delta: datetime.timedelta | None) -> str:
        return f"{int(delta.total_seconds()) if delta else 0} seconds"

    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    week = datetime.timedelta(days=7)
    second = datetime.timedelta(seconds=1)
    # The first span starts at "": before any stored text.
    spans = [("", modifier(offset(moment)))]
    while moment < end:
        following = moment + week
        if offset(following) != offset(moment):
            low, high = moment, following
            while high - low > second:
                middle = low + (high - low) // 2
                if offset(middle) == offset(low):
                    low = middle
                else:
                    high = middle
            spans.append((high.strftime("%Y-%m-%d %H:%M:%S"), modifier(offset(high))))
        moment = following
    return tuple(spans)


def local_date_sql(column: str) -> tuple[str, list[Any]]:
    """The day a stored moment (``column``, a datetime) was in the current time zone.

    PostgreSQL converts it itself. On SQLite the moment is stored as UTC text: the
    offset in force then is picked by a ``CASE`` over the zone's spans, newest first,
    so a recent moment costs one comparison, and ``date()`` applies it to the moment
    cut to the second (``date()`` rounds to the millisecond, which would carry
    23:59:59.9995 into the next day).
    """
    tzname = timezone.get_current_timezone_name()
    if connection.vendor != "sqlite":
        sql, cast_params = connection.ops.datetime_cast_date_sql(column, (), tzname)
        return sql, list(cast_params)
    *later, (_, first_shift) = reversed(_offset_spans(tzname))
    whens = " ".join(f"WHEN {column} >= %s THEN %s" for _ in later)
    params = [value for span in later for value in span]
    return f"date(substr({column}, 1, 19), CASE {whens} ELSE %s END)", [*params, first_shift]


# An active range's window: its id, its first day, the due dates whose window opened in
# the period.
Window = tuple[int, int, datetime.date, datetime.date]


class _Sql:
    """The report's SQL fragments for the connection's database."""

    def __init__(self, by: str) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.by = by
        # Ids as SQLite's rowid where a table is keyed by one.
        self.id = "integer" if self.sqlite else "bigint"
        # Keeps a subquery from being merged into its query, which would compute its
        # correlated subqueries once for each use of their column.
        self.fence = "LIMIT -1 OFFSET 0" if self.sqlite else "OFFSET 0"

    def days(self, later: str, earlier: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    def plus_days(self, day: str, count: str) -> str:
        if self.sqlite:
            return f"date({day}, {count} || ' days')"
        return f"({day} + {count})"

    def month(self, day: str) -> str:
        return f"substr({day}, 1, 7)" if self.sqlite else f"to_char({day}, 'YYYY-MM')"

    def sent_key(self) -> str:
        """The group of a sent notice's título (``s``: eff_sent)."""
        return {
            "range": "CAST(s.range_id AS TEXT)",
            "template": "CAST(s.template_number AS TEXT)",
            "branch": "CAST(s.branch_id AS TEXT)",
            "month": self.month("s.touched_on"),
            BY_RANGE_AND_TEMPLATE: (
                "CAST(s.range_id AS TEXT) || ':' || CAST(s.template_number AS TEXT)"
            ),
        }[self.by]

    def reference_key(self) -> str:
        """The group of a reference window (``r``: the título, ``dr``: eff_range)."""
        return {
            "range": "CAST(dr.range_id AS TEXT)",
            "template": "NULL",
            "branch": "CAST(r.branch_id AS TEXT)",
            "month": self.month(self.plus_days("r.due_date", "dr.start_day")),
            BY_RANGE_AND_TEMPLATE: "NULL",
        }[self.by]

    def reference_balance(self) -> str:
        """What a reference window's título still owed when the window opened: its amount
        less every payment (events, or the single legacy one) made before that day."""
        opened = self.plus_days("r.due_date", "dr.start_day")
        return (
            "r.amount - COALESCE((SELECT SUM(q.amount) FROM eff_pay q"  # noqa: S608
            f" WHERE q.receivable_id = r.id AND q.paid_date < {opened}), 0)"
        )


def _all_windows(q: _Sql, ranges: list[Window]) -> list[tuple[str, list[Any]]]:
    """Every window of every active range that opened in the period, counted as if its título
    owed its whole amount: one pass over the títulos, summed by due date (and branch)."""
    if not ranges:
        return []
    branch = "r.branch_id" if q.by == "branch" else "NULL"
    by_branch = ", r.branch_id" if q.by == "branch" else ""
    sql = f"""WITH days AS (
        SELECT r.due_date, {branch} AS branch_id, COUNT(*) AS titulos, SUM(r.amount) AS notified
        FROM receivables_receivable r
        WHERE r.cancelled = %s AND r.amount > 0 AND r.due_date BETWEEN %s AND %s
        GROUP BY r.due_date{by_branch}
    )
    INSERT INTO eff_sums (is_notice, group_key, titulos, notified)
    SELECT 0, COALESCE({q.reference_key()}, '-'), SUM(r.titulos), SUM(r.notified)
    FROM days r CROSS JOIN eff_range dr
    WHERE r.due_date BETWEEN dr.due_from AND dr.due_to
    GROUP BY COALESCE({q.reference_key()}, '-')"""  # noqa: S608 - fixed fragments
    return [(sql, [False, min(w[2] for w in ranges), max(w[3] for w in ranges)])]


def _statements(
    by: str, low: datetime.date, high: datetime.date, ranges: list[Window]
) -> list[tuple[str, list[Any]]]:
    """The statements that fill the temporary tables; eff_range is filled before them."""
    q = _Sql(by)
    sent_sql, sent_params = sent_items_sql()
    windows = ", ".join(
        f"SUM(CASE WHEN {q.days('p.paid_date', 'p.touched_on')} <= {n}"
        f" THEN p.amount ELSE 0 END) AS all_{n}"
        for n in WINDOWS
    )
    # What one line got: everything, the confirmed part, within each window, and the
    # days to its first payment.
    payment_totals = f"""SUM(p.amount) AS all_total,
               SUM(CASE WHEN p.confirmed = 1 THEN p.amount ELSE 0 END) AS confirmed,
               {windows},
               MIN(CASE WHEN p.amount > 0 THEN {q.days("p.paid_date", "p.touched_on")} END)
                   AS first_days"""
    not_sent = """NOT EXISTS (
               SELECT 1 FROM eff_sent s WHERE s.receivable_id = r.id
                 AND s.range_id = dr.range_id AND s.due_date = r.due_date)"""
    balance = q.reference_balance()
    opened = q.plus_days("r.due_date", "dr.start_day")
    capped = ",\n".join(
        f"SUM(CASE WHEN COALESCE(b.all_{n}, 0) <= 0 THEN 0"
        f" WHEN b.all_{n} > b.balance THEN b.balance ELSE b.all_{n} END)"
        for n in WINDOWS
    )
    return [
        # Every título of every sent notice (outside the period too: a later notice takes
        # the payments made after it), keyed by the item.
        (
            f"""CREATE TEMPORARY TABLE eff_sent (
                touch_id {q.id} PRIMARY KEY, receivable_id {q.id} NOT NULL,
                touched_on date NOT NULL, notice_id {q.id} NOT NULL,
                range_start integer NOT NULL, range_id {q.id} NOT NULL, due_date date NOT NULL,
                balance numeric NOT NULL, branch_id {q.id} NOT NULL, template_number integer)""",
            [],
        ),
        (
            f"""INSERT INTO eff_sent
            SELECT s.touch_id, s.receivable_id, s.touched_on, s.notice_id, s.range_start,
                   s.range_id, s.due_date, s.balance, s.branch_id, s.template_number
            FROM ({sent_sql}) s""",  # noqa: S608 - fixed fragments
            sent_params,
        ),
        # A título's sent notices in the order that ranks them; covers the look-ups below.
        (
            "CREATE INDEX eff_sent_order ON eff_sent"
            " (receivable_id, touched_on, notice_id, range_start, range_id, due_date)",
            [],
        ),
        # Every payment, with the sent notice it goes to: the latest one sent on or before
        # the paid day (none: it may go to a reference window).
        (
            f"""CREATE TEMPORARY TABLE eff_pay (
                receivable_id {q.id} NOT NULL, paid_date date NOT NULL, amount numeric NOT NULL,
                confirmed integer NOT NULL, touch_id {q.id})""",
            [],
        ),
        (
            """INSERT INTO eff_pay
            SELECT p.receivable_id, p.paid_date, p.amount,
                   CASE WHEN p.kind <> %s THEN 1 ELSE 0 END,
                   (SELECT s.touch_id FROM eff_sent s
                    WHERE s.receivable_id = p.receivable_id AND s.touched_on <= p.paid_date
                    ORDER BY s.touched_on DESC, s.notice_id DESC, s.range_start DESC LIMIT 1)
            FROM (
                SELECT e.receivable_id, e.amount, e.paid_date, e.kind
                FROM receivables_paymentevent e
                UNION ALL
                SELECT r.id, r.paid_amount, r.paid_date, %s
                FROM receivables_receivable r
                WHERE r.paid_amount <> 0 AND r.paid_date IS NOT NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM receivables_paymentevent e WHERE e.receivable_id = r.id)
            ) p""",
            [PaymentKind.PRESUMED.value, PaymentKind.LEGACY.value],
        ),
        ("CREATE INDEX eff_pay_by_day ON eff_pay (receivable_id, paid_date, amount)", []),
        # The payments no sent notice preceded, each with the reference window it goes to:
        # the latest that opened on or before the paid day, in the period, without a sent
        # notice for its range, with something still owed when it opened.
        (
            f"""CREATE TEMPORARY TABLE eff_refpay (
                receivable_id {q.id} NOT NULL, range_id {q.id} NOT NULL, paid_date date NOT NULL,
                amount numeric NOT NULL, confirmed integer NOT NULL)""",
            [],
        ),
        (
            f"""INSERT INTO eff_refpay
            SELECT x.receivable_id, x.range_id, x.paid_date, x.amount, x.confirmed
            FROM (
                SELECT p.receivable_id, p.paid_date, p.amount, p.confirmed,
                       (SELECT dr.range_id FROM eff_range dr
                        WHERE r.due_date BETWEEN dr.due_from AND dr.due_to
                          AND {opened} <= p.paid_date
                          AND {not_sent}
                          AND {balance} > 0
                        ORDER BY dr.start_day DESC, dr.range_id DESC LIMIT 1) AS range_id
                FROM eff_pay p CROSS JOIN receivables_receivable r
                WHERE p.touch_id IS NULL AND r.id = p.receivable_id AND r.cancelled = %s
                {q.fence}
            ) x
            WHERE x.range_id IS NOT NULL""",  # noqa: S608 - fixed fragments
            [False],
        ),
        # Each line (a sent notice's título in the period, or a reference window) that got
        # a payment, with what it got.
        (
            """CREATE TEMPORARY TABLE eff_paid (
                is_notice integer NOT NULL, group_key text NOT NULL, balance numeric NOT NULL,
                all_total numeric, confirmed numeric, all_7 numeric, all_15 numeric,
                all_30 numeric, first_days integer)""",
            [],
        ),
        (
            f"""INSERT INTO eff_paid
            SELECT 1, MIN(p.group_key), MIN(p.balance), {payment_totals}
            FROM (
                SELECT p.touch_id, COALESCE({q.sent_key()}, '-') AS group_key, s.balance,
                       p.amount, p.confirmed, p.paid_date, s.touched_on
                FROM eff_pay p CROSS JOIN eff_sent s
                WHERE s.touch_id = p.touch_id AND s.touched_on BETWEEN %s AND %s
            ) p
            GROUP BY p.touch_id""",  # noqa: S608 - fixed fragments
            [low, high],
        ),
        (
            f"""INSERT INTO eff_paid
            SELECT 0, COALESCE({q.reference_key()}, '-'), {balance},
                   b.all_total, b.confirmed, b.all_7, b.all_15, b.all_30, b.first_days
            FROM (
                SELECT p.receivable_id, p.range_id, {payment_totals}
                FROM (
                    SELECT p.receivable_id, p.range_id, p.amount, p.confirmed, p.paid_date,
                           {opened} AS touched_on
                    FROM eff_refpay p
                    JOIN receivables_receivable r ON r.id = p.receivable_id
                    JOIN eff_range dr ON dr.range_id = p.range_id
                ) p
                GROUP BY p.receivable_id, p.range_id
            ) b
            JOIN receivables_receivable r ON r.id = b.receivable_id
            JOIN eff_range dr ON dr.range_id = b.range_id""",  # noqa: S608 - fixed fragments
            [],
        ),
        # The totals of the groups, in parts added up at the end.
        (
            """CREATE TEMPORARY TABLE eff_sums (
                is_notice integer NOT NULL, group_key text NOT NULL, notices integer,
                titulos integer, notified numeric, paid_7 numeric, paid_15 numeric,
                paid_30 numeric, recovered numeric, presumed numeric, titulos_paid integer,
                went_on integer)""",
            [],
        ),
        # The sent notices' títulos in the period.
        (
            f"""INSERT INTO eff_sums (is_notice, group_key, notices, titulos, notified)
            SELECT 1, COALESCE({q.sent_key()}, '-'), COUNT(DISTINCT s.notice_id), COUNT(*),
                   SUM(s.balance)
            FROM eff_sent s WHERE s.touched_on BETWEEN %s AND %s
            GROUP BY COALESCE({q.sent_key()}, '-')""",  # noqa: S608 - fixed fragments
            [low, high],
        ),
        (
            """INSERT INTO eff_sums (is_notice, group_key, notices)
            SELECT 1, '*', COUNT(DISTINCT s.notice_id)
            FROM eff_sent s WHERE s.touched_on BETWEEN %s AND %s
            HAVING COUNT(*) > 0""",
            [low, high],
        ),
        # Those whose título a later notice of the same due date took to a further range.
        (
            f"""INSERT INTO eff_sums (is_notice, group_key, went_on)
            SELECT 1, COALESCE({q.sent_key()}, '-'), COUNT(*)
            FROM eff_sent s
            WHERE s.touched_on BETWEEN %s AND %s
              AND EXISTS (
                  SELECT 1 FROM eff_sent later
                  WHERE later.receivable_id = s.receivable_id AND later.due_date = s.due_date
                    AND later.range_start > s.range_start
                    AND (later.touched_on > s.touched_on
                         OR (later.touched_on = s.touched_on AND later.notice_id >= s.notice_id)))
            GROUP BY COALESCE({q.sent_key()}, '-')""",  # noqa: S608 - fixed fragments
            [low, high],
        ),
        # The reference windows, in three parts: every window as if nothing had been paid
        # before it opened (one pass over the títulos, no look-up), corrected for the títulos
        # paid before, less the windows that had a sent notice.
        *_all_windows(q, ranges),
        (
            f"""INSERT INTO eff_sums (is_notice, group_key, titulos, notified)
            SELECT 0, c.group_key,
                   SUM(CASE WHEN c.balance > 0 THEN 1 ELSE 0 END)
                   - SUM(CASE WHEN c.amount > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.balance > 0 THEN c.balance ELSE 0 END)
                   - SUM(CASE WHEN c.amount > 0 THEN c.amount ELSE 0 END)
            FROM (
                SELECT COALESCE({q.reference_key()}, '-') AS group_key, r.amount,
                       r.amount - SUM(q.amount) AS balance
                FROM eff_pay q CROSS JOIN receivables_receivable r CROSS JOIN eff_range dr
                WHERE r.id = q.receivable_id AND r.cancelled = %s
                  AND r.due_date BETWEEN dr.due_from AND dr.due_to
                  AND q.paid_date < {opened}
                GROUP BY r.id, dr.range_id
            ) c
            GROUP BY c.group_key""",  # noqa: S608 - fixed fragments
            [False],
        ),
        (
            f"""INSERT INTO eff_sums (is_notice, group_key, titulos, notified)
            SELECT 0, w.group_key, -COUNT(*), -SUM(w.balance)
            FROM (
                SELECT COALESCE({q.reference_key()}, '-') AS group_key, {balance} AS balance
                FROM (
                    SELECT DISTINCT s.receivable_id, s.range_id, s.due_date
                    FROM eff_sent s CROSS JOIN eff_range dr
                    WHERE dr.range_id = s.range_id AND s.due_date BETWEEN dr.due_from AND dr.due_to
                ) x
                CROSS JOIN receivables_receivable r CROSS JOIN eff_range dr
                WHERE r.id = x.receivable_id AND dr.range_id = x.range_id
                  AND r.due_date = x.due_date AND r.cancelled = %s
                {q.fence}
            ) w
            WHERE w.balance > 0
            GROUP BY w.group_key""",  # noqa: S608 - fixed fragments
            [False],
        ),
        # What the lines that got a payment recovered, capped at what each notified.
        (
            f"""INSERT INTO eff_sums (is_notice, group_key, paid_7, paid_15, paid_30, recovered,
                                  presumed, titulos_paid)
            SELECT b.is_notice, b.group_key, {capped},
                   SUM(b.recovered), SUM(b.recovered - b.confirmed_capped),
                   SUM(CASE WHEN b.recovered > 0 THEN 1 ELSE 0 END)
            FROM (
                SELECT b.*,
                       CASE WHEN COALESCE(b.all_total, 0) <= 0 THEN 0
                            WHEN b.all_total > b.balance THEN b.balance
                            ELSE b.all_total END AS recovered,
                       CASE WHEN COALESCE(b.confirmed, 0) <= 0 THEN 0
                            WHEN b.confirmed > b.balance THEN b.balance
                            ELSE b.confirmed END AS confirmed_capped
                FROM eff_paid b
            ) b
            GROUP BY b.is_notice, b.group_key""",  # noqa: S608 - fixed fragments
            [],
        ),
    ]


def _run(
    by: str,
    low: datetime.date,
    high: datetime.date,
    ranges: list[Window],
) -> list[tuple[Any, ...]]:
    """Fill the temporary tables, read the groups' figures, drop the tables."""
    sqlite = connection.vendor == "sqlite"
    id_type = "integer" if sqlite else "bigint"
    with transaction.atomic(), connection.cursor() as cursor:
        if not sqlite:
            # Room for the hash tables of a few hundred thousand lines (4 MB by default).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for name in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if sqlite:
            # The temporary tables' pages in memory while the report runs (2 MB by default).
            cursor.execute("PRAGMA temp.cache_size = -131072")
        cursor.execute(
            f"CREATE TEMPORARY TABLE eff_range (range_id {id_type} PRIMARY KEY,"
            " start_day integer NOT NULL, due_from date NOT NULL, due_to date NOT NULL)"
        )
        cursor.executemany("INSERT INTO eff_range VALUES (%s, %s, %s, %s)", ranges)
        for sql, params in _statements(by, low, high, ranges):
            cursor.execute(sql, params)
            filled = sql.split()[2] if sql.lstrip().startswith("INSERT INTO") else ""
            if not sqlite and filled in ("eff_sent", "eff_pay"):
                # Temporary tables get no statistics of their own: the look-ups in them
                # are planned on these.
                cursor.execute(f"ANALYZE {filled}")
        cursor.execute(_final_sql())
        found = cursor.fetchall()
        # (On an error the transaction's rollback drops them.)
        for name in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if sqlite:
            cursor.execute("PRAGMA temp.cache_size = -2000")
    return found


def _final_sql() -> str:
    """The groups' figures from the parts in eff_sums, with the median days to pay."""
    figures = """COALESCE(SUM(titulos), 0), SUM(notified), SUM(paid_7), SUM(paid_15),
               SUM(paid_30), SUM(recovered), SUM(presumed), COALESCE(SUM(titulos_paid), 0),
               COALESCE(SUM(went_on), 0)"""
    return f"""
WITH days AS (
    SELECT is_notice, group_key, first_days, COUNT(*) AS lines
    FROM eff_paid WHERE all_total > 0
    GROUP BY is_notice, group_key, first_days
),
histogram AS (
    SELECT is_notice, group_key, first_days, lines FROM days
    UNION ALL
    SELECT is_notice, '*', first_days, CAST(SUM(lines) AS bigint) FROM days
    GROUP BY is_notice, first_days
),
ranked AS (
    SELECT is_notice, group_key, first_days,
           CAST(SUM(lines) OVER (PARTITION BY is_notice, group_key ORDER BY first_days
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bigint)
               AS last_position,
           CAST(SUM(lines) OVER (PARTITION BY is_notice, group_key) AS bigint) AS paid_count,
           lines
    FROM histogram
),
-- The day (or the two days) at the middle position(s) of the days sorted.
medians AS (
    SELECT is_notice, group_key, AVG(first_days * 1.0) AS median_days
    FROM ranked
    WHERE (paid_count + 1) / 2 BETWEEN last_position - lines + 1 AND last_position
       OR (paid_count + 2) / 2 BETWEEN last_position - lines + 1 AND last_position
    GROUP BY is_notice, group_key
),
sums AS (
    SELECT is_notice, group_key, COALESCE(SUM(notices), 0) AS notices, {figures}
    FROM eff_sums WHERE group_key <> '*' GROUP BY is_notice, group_key
    HAVING COALESCE(SUM(titulos), 0) > 0
    UNION ALL
    SELECT is_notice, '*', COALESCE(SUM(CASE WHEN group_key = '*' THEN notices END), 0),
           {figures}
    FROM eff_sums GROUP BY is_notice
    HAVING COALESCE(SUM(titulos), 0) > 0
)
SELECT t.*, m.median_days
FROM sums t
LEFT JOIN medians m ON m.is_notice = t.is_notice AND m.group_key = t.group_key
ORDER BY t.is_notice DESC, t.group_key
"""  # noqa: S608 - fixed fragments


def _days_before(day: datetime.date, days: int) -> datetime.date:
    """``day`` less ``days``, held to the calendar's first and last day (a bound past them
    bounds nothing more)."""
    try:
        return day - datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.min if days > 0 else datetime.date.max


def _money(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT)


def effectiveness(
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    by: str = "range",
) -> Report:
    """The report for the notices sent from ``date_from`` to ``date_to`` (inclusive)."""
    if by not in GROUPINGS and by != BY_RANGE_AND_TEMPLATE:
        raise ValueError(f"agrupamento desconhecido: {by!r} (use {', '.join(GROUPINGS)})")
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"o início ({date_from:%d/%m/%Y}) é posterior ao fim ({date_to:%d/%m/%Y})")
    low = date_from or datetime.date(1900, 1, 1)
    high = date_to or datetime.date(9999, 12, 31)
    # Reference windows: those that opened in the period and not after today; with no
    # start given, from the régua's first run (before it, nothing could be sent).
    ref_high = min(high, timezone.localdate())
    if date_from:
        ref_low = date_from
    else:
        first_run = DunningRun.objects.order_by().aggregate(first=Min("reference_date"))["first"]
        ref_low = first_run or ref_high + datetime.timedelta(days=1)
    # Each active range's window: the due dates whose window opened from ref_low to ref_high.
    ranges = (
        [
            (
                pk,
                start,
                _days_before(ref_low, start),
                _days_before(ref_high, start),
            )
            for pk, start in DelayRange.objects.filter(active=True).values_list("pk", "start_day")
        ]
        if ref_low <= ref_high
        else []
    )
    report = Report(date_from, date_to, by)
    found = _run(by, low, high, ranges)
    labels = _labels(by)
    for row in found:
        is_notice, key = bool(row[0]), (None if row[1] == "-" else row[1])
        figures = Figures(
            key="" if key in ("*", None) else str(key),
            label="Total" if key == "*" else _label(by, key, labels, is_notice),
            comparable=is_notice,
            notices=int(row[2]),
            titulos=int(row[3]),
            notified=_money(row[4]),
            paid_7=_money(row[5]),
            paid_15=_money(row[6]),
            paid_30=_money(row[7]),
            recovered=_money(row[8]),
            presumed=_money(row[9]),
            titulos_paid=int(row[10] or 0),
            went_on=int(row[11] or 0) if is_notice else 0,
            median_days=(
                None if row[12] is None else Decimal(repr(float(row[12]))).quantize(Decimal("0.1"))
            ),
        )
        figures.finish()
        if key == "*":
            if is_notice:
                report.total = figures
            else:
                report.reference_total = figures
        elif is_notice:
            report.rows.append(figures)
        else:
            report.reference.append(figures)
    order = _order(by, labels)
    report.rows.sort(key=order)
    report.reference.sort(key=order)
    return report


def _labels(by: str) -> dict[str, str]:
    if by == "range":
        return {
            str(r.pk): f"{r} ({r.start_day} a {r.end_day} dias)" if r.name else str(r)
            for r in DelayRange.objects.all()
        }
    if by == "template":
        return {str(t.number): f"Modelo {t.number} – {t.name}" for t in _templates()}
    if by == "branch":
        return {str(b.pk): str(b) for b in Branch.objects.all()}
    return {}


def _label(by: str, key: str | None, labels: dict[str, str], is_notice: bool) -> str:
    if key is None:
        return "Sem carta" if by == "template" else "—"
    if by == "month":
        year, month = key.split("-")
        return f"{month}/{year}"
    return labels.get(key, key)


def _order(by: str, labels: dict[str, str]) -> Any:
    if by == "range":
        starts = dict(DelayRange.objects.values_list("pk", "start_day"))
        return lambda f: (starts.get(int(f.key), 0) if f.key else 0, f.key or "")
    if by in ("template", "branch"):
        return lambda f: (int(f.key) if f.key else 0,)
    return lambda f: (f.key or "",)


# --- exports -----------------------------------------------------------------------------

EXPORT_FORMATS: Final = ("csv", "csv-br", "xlsx")
CSV_COLUMNS: Final = (
    "group",
    "label",
    "comparable",
    "notices",
    "titulos",
    "notified",
    "paid_7",
    "paid_15",
    "paid_30",
    "recovered",
    "presumed",
    "rate",
    "titulos_paid",
    "paid_share",
    "interval_low",
    "interval_high",
    "median_days",
    "went_on",
)


def _br_columns(by: str) -> list[Any]:
    from regua.spreadsheets import Column

    return [
        Column("Código", width=10),
        Column({"range": "Faixa", "template": "Modelo", "branch": "Filial", "month": "Mês"}[by]),
        Column("Grupo", width=16),
        Column("Cartas", "int"),
        Column("Títulos", "int"),
        Column("Saldo cobrado", "money"),
        Column("Pago em 7 dias", "money"),
        Column("Pago em 15 dias", "money"),
        Column("Pago em 30 dias", "money"),
        Column("Recuperado", "money"),
        Column("Baixa presumida", "money"),
        Column("Recuperação", "share"),
        Column("Títulos pagos", "int"),
        Column("Parcela de títulos pagos", "share"),
        Column("IC 95 % (de)", "share"),
        Column("IC 95 % (até)", "share"),
        Column("Mediana de dias até o pagamento", "decimal"),
        Column("Foram à faixa seguinte", "int"),
    ]


def _export_rows(report: Report, people: bool) -> list[list[Any]]:
    rows = []
    for figures in [*report.rows, report.total, *report.reference, report.reference_total]:
        if people:
            group = "carta enviada" if figures.comparable else "não comparável"
        else:
            group = "notices" if figures.comparable else "not_comparable"
        low, high = figures.interval or (None, None)
        rows.append(
            [
                figures.key or ("total" if not people else "Total"),
                figures.label,
                group,
                figures.notices,
                figures.titulos,
                figures.notified,
                figures.paid_7,
                figures.paid_15,
                figures.paid_30,
                figures.recovered,
                figures.presumed,
                figures.rate,
                figures.titulos_paid,
                figures.paid_share,
                low,
                high,
                figures.median_days,
                figures.went_on if figures.comparable else None,
            ]
        )
    return rows


def export(report: Report, fmt: str, target: Any) -> int:
    """Write the report's lines (groups, total, the não comparável ones) to ``target``."""
    from regua.spreadsheets import write_csv_br, write_xlsx

    if fmt == "csv-br":
        return write_csv_br(target, _br_columns(report.by), _export_rows(report, True))
    if fmt == "xlsx":
        return write_xlsx(
            target, "Efetividade da régua", _br_columns(report.by), _export_rows(report, True)
        )
    if fmt != "csv":
        raise ValueError(f"formato desconhecido: {fmt!r} (use csv, csv-br ou xlsx)")
    import csv

    def plain(value: Any) -> Any:
        return "" if value is None else value

    with open(target, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for row in _export_rows(report, False):
            writer.writerow([plain(v) for v in row])
            count += 1
    return count


def _templates() -> Any:
    """The letter templates, reached through the range's foreign key: the letters app sits
    above dunning and is never imported here."""
    return DelayRange._meta.get_field("template").related_model._default_manager.all()
