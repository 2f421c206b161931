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

Everything is one SQL statement (window functions, no loop over títulos), the
same on SQLite and PostgreSQL; Python only labels and divides the totals.
"""

import datetime
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.db import connection
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
    """Every título of every sent notice, with the day it was sent (São Paulo's calendar)."""
    sent_on, sent_params = connection.ops.datetime_cast_date_sql(
        "n.sent_at", (), timezone.get_current_timezone_name()
    )
    sql = f"""
    SELECT 1 AS is_notice, i.id AS touch_id, i.receivable_id, i.balance,
           i.delay_range_id AS range_id, i.range_start, i.due_date,
           n.id AS notice_id, n.branch_id, n.template_number, {sent_on} AS touched_on
    FROM dunning_noticeitem i JOIN dunning_notice n ON n.id = i.notice_id
    WHERE n.status = %s AND n.sent_at IS NOT NULL"""  # noqa: S608 - a fixed fragment
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


def _sql(by: str) -> tuple[str, list[Any]]:
    """The report's one statement for ``by``, with the parameters of its first two parts."""
    sqlite = connection.vendor == "sqlite"
    sent_sql, sent_params = sent_items_sql()
    pay_sql, pay_params = payments_sql()

    def days(later: str, earlier: str) -> str:
        if sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    if sqlite:
        window_start = "date(r.due_date, dr.start_day || ' days')"
        due_from = "date(%s, (-dr.start_day) || ' days')"
    else:
        window_start = "(r.due_date + dr.start_day)"
        due_from = "(CAST(%s AS date) - dr.start_day)"
    month = "substr({}, 1, 7)" if sqlite else "to_char({}, 'YYYY-MM')"
    group_key = {
        "range": "CAST(t.range_id AS TEXT)",
        "template": "CAST(t.template_number AS TEXT)",
        "branch": "CAST(t.branch_id AS TEXT)",
        "month": month.format("t.touched_on"),
        BY_RANGE_AND_TEMPLATE: "CAST(t.range_id AS TEXT) || ':' || CAST(t.template_number AS TEXT)",
    }[by]
    windows = ",\n".join(
        f"SUM(CASE WHEN a.days <= {n} THEN a.amount ELSE 0 END) AS all_{n}" for n in WINDOWS
    )
    capped_windows = ",\n".join(
        f"CASE WHEN COALESCE(pt.all_{n}, 0) <= 0 THEN 0"
        f" WHEN pt.all_{n} > t.balance THEN t.balance ELSE pt.all_{n} END AS paid_{n}"
        for n in WINDOWS
    )
    sums = ", ".join(f"SUM(b.paid_{n}) AS paid_{n}" for n in WINDOWS)
    # The totals of a group of lines (once per group, once for all: no lines copied).
    aggregates = f"""COUNT(DISTINCT CASE WHEN b.is_notice = 1 THEN b.notice_id END) AS notices,
           COUNT(*) AS titulos, SUM(b.balance) AS notified, {sums},
           SUM(b.recovered) AS recovered, SUM(b.recovered - b.confirmed) AS presumed,
           SUM(CASE WHEN b.recovered > 0 THEN 1 ELSE 0 END) AS titulos_paid,
           SUM(b.went_on) AS went_on"""
    sql = f"""
WITH sent AS ({sent_sql}
),
pay AS ({pay_sql}
),
windows AS (
    SELECT r.id AS receivable_id, r.amount, r.paid_amount, r.paid_date, r.branch_id,
           r.due_date, dr.id AS range_id,
           dr.start_day AS range_start, {window_start} AS opened_on
    FROM dunning_delayrange dr JOIN receivables_receivable r
      ON r.due_date BETWEEN {due_from} AND {due_from}
    WHERE dr.active = %s AND r.cancelled = %s
      AND NOT EXISTS (
          SELECT 1 FROM dunning_noticeitem si JOIN dunning_notice sn ON sn.id = si.notice_id
          WHERE si.receivable_id = r.id AND si.delay_range_id = dr.id
            AND si.due_date = r.due_date AND sn.status = %s AND sn.sent_at IS NOT NULL)
),
reference AS (
    SELECT 0 AS is_notice, w.receivable_id AS touch_id, w.receivable_id,
           w.amount
           - COALESCE((SELECT SUM(e.amount) FROM receivables_paymentevent e
                       WHERE e.receivable_id = w.receivable_id AND e.paid_date < w.opened_on), 0)
           - CASE WHEN w.paid_date < w.opened_on AND NOT EXISTS (
                      SELECT 1 FROM receivables_paymentevent e
                      WHERE e.receivable_id = w.receivable_id)
                  THEN w.paid_amount ELSE 0 END AS balance,
           w.range_id, w.range_start, w.due_date, 0 AS notice_id, w.branch_id,
           CAST(NULL AS INTEGER) AS template_number, w.opened_on AS touched_on
    FROM windows w
),
touches AS (
    SELECT * FROM sent
    UNION ALL
    SELECT * FROM reference WHERE balance > 0
),
attributed AS (
    SELECT p.amount, p.kind, t.is_notice, t.touch_id, t.range_id,
           {days("p.paid_date", "t.touched_on")} AS days,
           ROW_NUMBER() OVER (
               PARTITION BY p.event_id
               ORDER BY t.is_notice DESC, t.touched_on DESC, t.notice_id DESC, t.range_start DESC
           ) AS rank
    FROM pay p JOIN touches t
      ON t.receivable_id = p.receivable_id AND t.touched_on <= p.paid_date
),
per_touch AS (
    SELECT a.is_notice, a.touch_id, a.range_id,
           SUM(a.amount) AS all_total,
           SUM(CASE WHEN a.kind <> %s THEN a.amount ELSE 0 END) AS confirmed,
           {windows},
           MIN(CASE WHEN a.amount > 0 THEN a.days END) AS first_days
    FROM attributed a WHERE a.rank = 1
    GROUP BY a.is_notice, a.touch_id, a.range_id
),
went_on AS (
    SELECT s.touch_id,
           CASE WHEN MAX(s.range_start) OVER (
                    PARTITION BY s.receivable_id, s.due_date
                    ORDER BY s.touched_on, s.notice_id, s.range_start
                    ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) > s.range_start
                THEN 1 ELSE 0 END AS went_on
    FROM sent s
),
lines AS (
    SELECT t.is_notice, COALESCE({group_key}, '-') AS group_key, t.notice_id, t.balance,
           {capped_windows},
           CASE WHEN COALESCE(pt.all_total, 0) <= 0 THEN 0
                WHEN pt.all_total > t.balance THEN t.balance ELSE pt.all_total END AS recovered,
           CASE WHEN COALESCE(pt.confirmed, 0) <= 0 THEN 0
                WHEN pt.confirmed > t.balance THEN t.balance ELSE pt.confirmed END AS confirmed,
           CASE WHEN COALESCE(pt.all_total, 0) > 0 THEN pt.first_days END AS first_days,
           COALESCE(g.went_on, 0) AS went_on
    FROM touches t
    LEFT JOIN per_touch pt
      ON pt.is_notice = t.is_notice AND pt.touch_id = t.touch_id AND pt.range_id = t.range_id
    LEFT JOIN went_on g ON t.is_notice = 1 AND g.touch_id = t.touch_id
    WHERE t.touched_on BETWEEN %s AND %s
),
paid_days AS (
    SELECT is_notice, group_key, first_days FROM lines WHERE first_days IS NOT NULL
    UNION ALL
    SELECT is_notice, '*', first_days FROM lines WHERE first_days IS NOT NULL
),
ranked AS (
    SELECT is_notice, group_key, first_days,
           ROW_NUMBER() OVER (PARTITION BY is_notice, group_key ORDER BY first_days) AS position,
           COUNT(*) OVER (PARTITION BY is_notice, group_key) AS paid_count
    FROM paid_days
),
medians AS (
    SELECT is_notice, group_key, AVG(first_days * 1.0) AS median_days
    FROM ranked
    WHERE position IN ((paid_count + 1) / 2, (paid_count + 2) / 2)
    GROUP BY is_notice, group_key
),
sums AS (
    SELECT b.is_notice, b.group_key, {aggregates}
    FROM lines b GROUP BY b.is_notice, b.group_key
    UNION ALL
    SELECT b.is_notice, '*', {aggregates}
    FROM lines b GROUP BY b.is_notice
)
SELECT t.*, m.median_days
FROM sums t
LEFT JOIN medians m ON m.is_notice = t.is_notice AND m.group_key = t.group_key
ORDER BY t.is_notice DESC, t.group_key
"""  # noqa: S608 - table and column names and fixed fragments; every value is a parameter
    return sql, [*sent_params, *pay_params]


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
    sql, head = _sql(by)
    # The placeholders in the statement's order.
    # Reference windows: those that opened in the period and not after today; with no
    # start given, from the régua's first run (before it, nothing could be sent).
    ref_high = min(high, timezone.localdate())
    if date_from:
        ref_low = date_from
    else:
        first_run = DunningRun.objects.order_by().aggregate(first=Min("reference_date"))["first"]
        ref_low = first_run or ref_high + datetime.timedelta(days=1)
    params = [
        *head,  # sent, pay
        ref_low,  # windows: due dates whose window opens in the period
        ref_high,
        True,
        False,
        NoticeStatus.SENT.value,
        PaymentKind.PRESUMED.value,  # per_touch
        low,  # lines
        high,
    ]
    report = Report(date_from, date_to, by)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
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
