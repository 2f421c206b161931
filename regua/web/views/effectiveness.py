"""Efetividade da régua: how much came back after each kind of notice."""

import datetime
import tempfile
from decimal import Decimal

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from regua.dunning import ab_report
from regua.dunning import effectiveness as eff
from regua.letters.formatting import decimal_br
from regua.web import charts
from regua.web.permissions import requires

BY_LABELS = {"range": "Faixa", "template": "Modelo", "branch": "Filial", "month": "Mês"}


def _date(text: str | None, default: datetime.date | None) -> tuple[datetime.date | None, str]:
    """The date in ``text`` (AAAA-MM-DD from the date input), or the default and a message."""
    if not text:
        return default, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return default, f"Data inválida: {text!r}; use o seletor de data (dd/mm/aaaa)."


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{decimal_br(value * 100, 1)} %"


def period(
    request: HttpRequest,
) -> tuple[datetime.date | None, datetime.date | None, str, list[str]]:
    """The period and grouping a request asks for (the last 90 days by default)."""
    today = timezone.localdate()
    problems = []
    date_from, problem = _date(request.GET.get("de"), today - datetime.timedelta(days=89))
    if problem:
        problems.append(problem)
    date_to, problem = _date(request.GET.get("ate"), today)
    if problem:
        problems.append(problem)
    by = request.GET.get("por") or "range"
    if by not in eff.GROUPINGS:
        problems.append(f"Agrupamento desconhecido: {by!r}; mostrando por faixa.")
        by = "range"
    return date_from, date_to, by, problems


@requires("dunning.view_history")
def effectiveness(request: HttpRequest) -> HttpResponse:
    date_from, date_to, by, problems = period(request)
    try:
        report = eff.effectiveness(date_from, date_to, by)
    except ValueError as error:
        problems.append(str(error).capitalize() + ".")
        date_from, date_to = date_to, date_to
        report = eff.effectiveness(date_from, date_to, by)
    monthly = report if by == "month" else eff.effectiveness(date_from, date_to, "month")
    bar_items = [(r.label, r.rate or Decimal(0), _rate(r.rate)) for r in report.rows]
    context = {
        "nav": "effectiveness",
        "report": report,
        "by": by,
        "by_label": BY_LABELS[by],
        "groupings": [(k, BY_LABELS[k]) for k in eff.GROUPINGS],
        "date_from": date_from,
        "date_to": date_to,
        "problems": problems,
        "attribution": eff.ATTRIBUTION_TEXT,
        "bars": charts.hbars(bar_items, largest=Decimal(1)) if bar_items else None,
        "trend": (
            charts.line([(r.label, r.rate or Decimal(0), _rate(r.rate)) for r in monthly.rows])
            if monthly.rows
            else None
        ),
        "query": request.GET.urlencode(),
        "ab": ab_report.compare(date_from, date_to),
    }
    return render(request, "web/effectiveness.html", context)


DOWNLOADS = {
    "csv-br": ("efetividade.csv", "text/csv; charset=utf-8"),
    "csv": ("efetividade-programas.csv", "text/csv; charset=utf-8"),
    "xlsx": (
        "efetividade.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@requires("dunning.view_history")
def effectiveness_export(request: HttpRequest, fmt: str) -> FileResponse:
    """The figures the page shows, as a file (the period and grouping of the page)."""
    if fmt not in DOWNLOADS:
        raise Http404("formato desconhecido")
    date_from, date_to, by, _ = period(request)
    try:
        report = eff.effectiveness(date_from, date_to, by)
    except ValueError:
        report = eff.effectiveness(date_to, date_to, by)
    filename, content_type = DOWNLOADS[fmt]
    stream = tempfile.NamedTemporaryFile(suffix=f".{fmt}")  # noqa: SIM115 - closed by the response
    eff.export(report, fmt, stream.name)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
