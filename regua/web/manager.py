"""The Painel's part for a manager: DSO and its trend, money recovered after notices,
the work lists with their counts.

DSO (days sales outstanding) is computed from the imported títulos: the open
balance at the end of a month (títulos issued by then, not cancelled, minus
what was paid by then) divided by what was issued in the 90 days up to then,
times 90. "Paid by then" comes from the payment events, so past months are
not rewritten by later payments. Each figure is one or two set-based queries.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from regua.dunning.effectiveness import payments_sql, sent_items_sql
from regua.dunning.models import Notice, NoticeStatus
from regua.web import charts

DSO_WINDOW: Final = 90
MONTHS: Final = 6
CENT: Final = Decimal("0.01")
MONTH_NAMES: Final = (
    "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez",
)  # fmt: skip


@dataclass(frozen=True)
class MonthDso:
    month_end: datetime.date
    label: str
    open_balance: Decimal
    sales: Decimal
    dso: Decimal | None


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal("0.00")
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT)


def month_ends(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The last ``count`` month ends, oldest first; the current month ends today."""
    ends = [today]
    year, month = today.year, today.month
    for _ in range(count - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        ends.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    return list(reversed(ends))


def dso_by_month(today: datetime.date) -> list[MonthDso]:
    """DSO at each of the last months' ends (two scans: títulos, then payments)."""
    ends = month_ends(today)
    issued_sums, sales_sums, params_r = [], [], []
    for i, end in enumerate(ends):
        issued_sums.append(
            f"SUM(CASE WHEN COALESCE(issue_date, due_date) <= %s THEN amount END) AS i{i}"
        )
        sales_sums.append(
            f"SUM(CASE WHEN COALESCE(issue_date, due_date) BETWEEN %s AND %s THEN amount END) AS s{i}"
        )
        params_r += [end]
    sales_params = []
    for end in ends:
        sales_params += [end - datetime.timedelta(days=DSO_WINDOW - 1), end]
    pay_cte, pay_params = payments_sql()
    paid_sums = [
        f"SUM(CASE WHEN p.paid_date <= %s AND COALESCE(r.issue_date, r.due_date) <= %s"
        f" THEN p.amount END) AS p{i}"
        for i in range(len(ends))
    ]
    paid_params = [d for end in ends for d in (end, end)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(issued_sums + sales_sums)} FROM receivables_receivable"  # noqa: S608 - fixed fragments
            " WHERE cancelled = %s",
            [*params_r, *sales_params, False],
        )
        issued_row = cursor.fetchone()
        cursor.execute(
            f"WITH pay AS ({pay_cte}) SELECT {', '.join(paid_sums)} FROM pay p"  # noqa: S608 - fixed fragments
            " JOIN receivables_receivable r ON r.id = p.receivable_id WHERE r.cancelled = %s",
            [*pay_params, *paid_params, False],
        )
        paid_row = cursor.fetchone()
    out = []
    n = len(ends)
    for i, end in enumerate(ends):
        open_balance = max(_decimal(issued_row[i]) - _decimal(paid_row[i]), Decimal("0.00"))
        sales = _decimal(issued_row[n + i])
        dso = (open_balance / sales * DSO_WINDOW).quantize(Decimal("0.1")) if sales else None
        out.append(
            MonthDso(end, f"{MONTH_NAMES[end.month - 1]}/{end.year}", open_balance, sales, dso)
        )
    return out


def recovered_after_notices(first: datetime.date, last: datetime.date) -> Decimal:
    """Payments made from ``first`` to ``last`` on títulos that had a notice sent by then."""
    pay_cte, pay_params = payments_sql()
    sent_cte, sent_params = sent_items_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pay AS ({pay_cte}), sent AS ({sent_cte})"  # noqa: S608 - fixed fragments
            " SELECT SUM(p.amount) FROM pay p WHERE p.paid_date BETWEEN %s AND %s"
            " AND EXISTS (SELECT 1 FROM sent s WHERE s.receivable_id = p.receivable_id"
            " AND s.touched_on <= p.paid_date)",
            [*pay_params, *sent_params, first, last],
        )
        return _decimal(cursor.fetchone()[0])


def work_lists() -> list[dict[str, Any]]:
    """What waits for a person, with counts (the template links each to its page)."""
    counts = {
        row["status"]: row["n"]
        for row in Notice.objects.filter(
            # "awaiting_post" by name: the state arrives with the print queue.
            status__in=["failed", "uncertain", "retry", "held", "awaiting_post"]
        )
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    }
    since = timezone.now() - datetime.timedelta(days=30)
    without_email = (
        Notice.objects.filter(status=NoticeStatus.SKIPPED, created_at__gte=since)
        .filter(Q(reason="no_email") | Q(reason="no_address"))
        .values("customer")
        .distinct()
        .count()
    )
    return [
        {"key": "failed", "label": "Com falha", "count": counts.get("failed", 0), "url": "pending"},
        {
            "key": "uncertain",
            "label": "Incertas",
            "count": counts.get("uncertain", 0),
            "url": "pending",
        },
        {
            "key": "retry",
            "label": "Aguardando nova tentativa",
            "count": counts.get("retry", 0),
            "url": "pending",
        },
        {
            "key": "no_email",
            "label": "Clientes sem e-mail ou endereço (30 dias)",
            "count": without_email,
            "url": "customers",
        },
        {
            "key": "print",
            "label": "Cartas para imprimir",
            "count": counts.get("awaiting_post", 0),
            "url": "review",
        },
        {
            "key": "review",
            "label": "Cartas para revisar",
            "count": counts.get("held", 0),
            "url": "review",
        },
    ]


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def context(today: datetime.date | None = None) -> dict[str, Any]:
    """Everything the manager's part of the Painel shows."""
    today = today or timezone.localdate()
    trend = dso_by_month(today)
    this_start = _month_start(today)
    last_end = this_start - datetime.timedelta(days=1)
    last_start = _month_start(last_end)
    this_month = recovered_after_notices(this_start, today)
    last_month = recovered_after_notices(last_start, last_end)
    top = max((m.dso or Decimal(0) for m in trend), default=Decimal(0))
    return {
        "dso": trend[-1],
        "dso_trend": trend,
        "dso_chart": charts.hbars(
            [
                (
                    m.label,
                    m.dso or Decimal(0),
                    "—" if m.dso is None else f"{m.dso} dias".replace(".", ","),
                )
                for m in trend
            ],
            largest=top or Decimal(1),
        ),
        "recovered_this_month": this_month,
        "recovered_last_month": last_month,
        "recovered_change": this_month - last_month,
        "work_lists": work_lists(),
    }
