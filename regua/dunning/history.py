"""Notice history (R10): the one JSON shape of a notice, the history and its export."""

import csv
import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from regua.dunning import lifecycle
from regua.dunning.models import GenerationType, Notice, NoticeItem, NoticeStatus
from regua.spreadsheets import Column, write_csv_br, write_xlsx

# The reasons a notice was not sent, as people read them.
REASON_TEXT = {
    "no_email": "cliente sem e-mail válido",
    "no_address": "cliente sem endereço postal completo",
    "paid": "títulos pagos",
}


def money(value: Decimal | None) -> str | None:
    """Money as a string with two decimals ("123.45")."""
    if value is None:
        return None
    return str(value.quantize(Decimal("0.01")))


def _datetime(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def notice_json(notice: Notice, *, history: bool = False) -> dict[str, Any]:
    """The JSON shape of a notice used by `regua run --json`, the review list and the API.

    With ``history`` it also carries "created_at", "sent_at" and "user", as
    `regua history --json` prints it. Prefetch ``items__receivable__branch`` when
    listing many notices.
    """
    items = sorted(
        notice.items.all(),
        key=lambda i: (
            i.due_date,
            i.receivable.branch.code,
            i.receivable.document,
            i.receivable.installment,
            i.pk,
        ),
    )
    data: dict[str, Any] = {
        "id": notice.pk,
        "branch": notice.branch.code,
        "customer": notice.customer.code,
        "status": notice.status,
        "reason": notice.reason or None,
        "range": {
            "id": notice.delay_range_id,
            "start": notice.range_start,
            "end": notice.range_end,
        },
        "template": notice.template_number,
        "generation": notice.generation,
        "recipients": list(notice.recipients),
        "receivables": [
            {
                "branch": item.receivable.branch.code,
                "document": item.receivable.document,
                "installment": item.receivable.installment,
                "days_overdue": item.days_overdue,
                "range": {"start": item.range_start, "end": item.range_end},
                "balance": money(item.balance),
            }
            for item in items
        ],
        # Extensions come after the pinned keys: how the notice travels (DOMAIN).
        "channels": lifecycle.channels_of(notice),
    }
    if history:
        data["created_at"] = _datetime(notice.created_at)
        data["sent_at"] = _datetime(notice.sent_at)
        data["user"] = notice.user
        data["posted_at"] = _datetime(notice.posted_at)
    return data


def parse_receivable_key(text: str) -> tuple[str, str, str]:
    """ "BRANCH/DOCUMENT/INSTALLMENT" → its three parts (a document may hold a slash)."""
    branch, _, rest = text.partition("/")
    document, _, installment = rest.rpartition("/")
    if not (branch and document and installment):
        raise ValueError(
            f"Título inválido: {text!r} (use FILIAL/DUPLICATA/PRESTAÇÃO, por exemplo 1/123456/2)."
        )
    return branch, document, installment


def history(
    *, customer: str | None = None, receivable: tuple[str, str, str] | None = None
) -> QuerySet[Notice]:
    """Every notice, newest first, optionally of one customer (code) or one título."""
    notices = Notice.objects.select_related("branch", "customer", "run").order_by(
        "-created_at", "-id"
    )
    if customer:
        notices = notices.filter(customer__code=customer)
    if receivable:
        branch, document, installment = receivable
        notices = notices.filter(
            pk__in=NoticeItem.objects.filter(
                receivable__branch__code=branch,
                receivable__document=document,
                receivable__installment=installment,
            ).values("notice_id")
        )
    return with_items(notices)


def with_items(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices with their títulos loaded in one query per batch.

    The títulos come joined to their receivables, never as a prefetch of the
    foreign key: Django writes that one as a chain of ORs, which SQLite refuses
    past about a thousand títulos ("Expression tree is too large").
    """
    return notices.prefetch_related(
        Prefetch(
            "items",
            queryset=NoticeItem.objects.select_related(
                "receivable__branch", "receivable__collection"
            ).order_by("due_date", "id"),
        )
    )


# Spreadsheet formula injection: a cell starting with one of these runs as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


COLUMNS = [
    "notice",
    "run",
    "created_at",
    "sent_at",
    "user",
    "branch",
    "customer",
    "customer_name",
    "recipients",
    "range_start",
    "range_end",
    "template",
    "generation",
    "status",
    "reason",
    "subject",
    "server_response",
    "document",
    "installment",
    "due_date",
    "effective_due_date",
    "days_overdue",
    "item_range_start",
    "item_range_end",
    "balance",
]

WINTHOR_COLUMNS = [
    # PCHISTCOB (the contact) ...
    "NUMREGCOB",
    "CODCLI",
    "DATA",
    "HORA",
    "CODFUNC",
    "USUARIO",
    "CONTATO",
    "TIPOCONTATO",
    "OBS1",
    "OBS2",
    "OBS3",
    "OBS5",
    # ... and PCHISTCOBI (its títulos), one row per título.
    "CODFILIAL",
    "DUPLIC",
    "PREST",
    "DTVENC",
    "ATRASO",
    "VALOR",
    "CODCOB",
]

EXPORT_CHUNK = 500


def _rows(notices: QuerySet[Notice]) -> Iterator[tuple[Notice, NoticeItem | None]]:
    # chunked: the history is read a few hundred notices at a time, never whole.
    for notice in notices.iterator(chunk_size=EXPORT_CHUNK):
        items = list(notice.items.all())
        if not items:
            yield notice, None
        for item in items:
            yield notice, item


def _plain_row(notice: Notice, item: NoticeItem | None) -> list[Any]:
    return [
        notice.pk,
        notice.run_id,
        timezone.localtime(notice.created_at).replace(tzinfo=None),
        timezone.localtime(notice.sent_at).replace(tzinfo=None) if notice.sent_at else None,
        notice.user,
        notice.branch.code,
        notice.customer.code,
        notice.customer.name,
        "; ".join(notice.recipients),
        notice.range_start,
        notice.range_end,
        notice.template_number,
        notice.generation,
        notice.status,
        notice.reason,
        notice.subject,
        notice.smtp_response,
        item.receivable.document if item else None,
        item.receivable.installment if item else None,
        item.due_date if item else None,
        item.effective_due_date if item else None,
        item.days_overdue if item else None,
        item.range_start if item else None,
        item.range_end if item else None,
        item.balance if item else None,
    ]


def _winthor_row(notice: Notice, item: NoticeItem | None) -> list[Any]:
    when = timezone.localtime(notice.sent_at or notice.created_at)
    status = NoticeStatus(notice.status).label
    reason = REASON_TEXT.get(notice.reason, notice.reason)
    details = "; ".join(
        part
        for part in (
            f"Para: {', '.join(notice.recipients)}" if notice.recipients else "",
            f"Servidor: {notice.smtp_response}" if notice.smtp_response else "",
            f"Régua carta {notice.pk}, emissão {notice.run_id}",
        )
        if part
    )
    return [
        notice.pk,
        notice.customer.code,
        when.strftime("%d/%m/%Y"),
        when.strftime("%H:%M:%S"),
        "",
        notice.user[:30],
        ", ".join(notice.recipients)[:40],
        "C" if notice.generation == "email_and_letter" else "E",
        f"Carta de cobrança modelo {notice.template_number}, faixa "
        f"{notice.range_start} a {notice.range_end} dias"[:60],
        (f"{status}: {reason}" if reason else status)[:60],
        notice.subject[:60],
        details[:2000],
        item.receivable.branch.code if item else notice.branch.code,
        item.receivable.document if item else "",
        item.receivable.installment if item else "",
        item.due_date.strftime("%d/%m/%Y") if item else "",
        item.days_overdue if item else "",
        f"{item.balance:.2f}".replace(".", ",") if item else "",
        item.receivable.collection.code if item and item.receivable.collection else "",
    ]


def _csv_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money(value)
    return neutralize(value)


# csv-br and XLSX: the same columns as COLUMNS, for people.
BR_COLUMNS = [
    Column("Carta", "int"),
    Column("Emissão", "int"),
    Column("Criada em", "datetime"),
    Column("Enviada em", "datetime"),
    Column("Usuário", width=14),
    Column("Filial", width=8),
    Column("Cliente", width=10),
    Column("Nome do cliente", width=32),
    Column("Destinatários", width=30),
    Column("Início da faixa", "int"),
    Column("Fim da faixa", "int"),
    Column("Modelo", "int"),
    Column("Tipo de geração", width=16),
    Column("Situação", width=18),
    Column("Motivo", width=26),
    Column("Assunto", width=40),
    Column("Resposta do servidor", width=30),
    Column("Duplicata", width=12),
    Column("Prestação", width=10),
    Column("Vencimento", "date"),
    Column("Vencimento efetivo", "date"),
    Column("Dias de atraso", "int"),
    Column("Início da faixa do título", "int"),
    Column("Fim da faixa do título", "int"),
    Column("Saldo", "money"),
]

_GENERATION_TEXT = dict(GenerationType.choices)
_STATUS_TEXT = dict(NoticeStatus.choices)
_STATUS, _REASON, _GENERATION = (COLUMNS.index(n) for n in ("status", "reason", "generation"))


def _people_row(notice: Notice, item: NoticeItem | None) -> list[Any]:
    """``_plain_row`` with states, reasons and generation types in words."""
    row = _plain_row(notice, item)
    row[_STATUS] = _STATUS_TEXT.get(row[_STATUS], row[_STATUS])
    row[_REASON] = REASON_TEXT.get(row[_REASON], row[_REASON])
    row[_GENERATION] = _GENERATION_TEXT.get(row[_GENERATION], row[_GENERATION])
    return row


EXPORT_FORMATS = ("csv", "csv-br", "xlsx", "winthor")


def export_history(fmt: str, path: str | Path, notices: QuerySet[Notice] | None = None) -> int:
    """Write the history (one row per título of each notice) to ``path``; returns the rows.

    "csv" (for programs, unchanged): UTF-8 with a BOM, comma-separated, ISO
    dates, codes; "csv-br" (for people): see ``regua.spreadsheets``; "xlsx":
    one typed sheet under the csv's column names; "winthor": the columns of
    WinThor's PCHISTCOB and PCHISTCOBI, semicolon separated, Windows-1252,
    dates dd/mm/aaaa and decimal commas. Text that a spreadsheet would run as
    a formula is neutralised in every format.
    """
    notices = history() if notices is None else notices
    count = 0
    if fmt == "xlsx":
        return write_xlsx(
            path,
            "Histórico de cobrança",
            BR_COLUMNS,
            (_plain_row(notice, item) for notice, item in _rows(notices)),
            headers=COLUMNS,
        )
    if fmt == "csv-br":
        return write_csv_br(
            path, BR_COLUMNS, (_people_row(notice, item) for notice, item in _rows(notices))
        )
    if fmt not in ("csv", "winthor"):
        raise ValueError(
            f"Formato de exportação desconhecido: {fmt!r} (use csv, csv-br, xlsx ou winthor)."
        )
    winthor = fmt == "winthor"
    with open(
        path,
        "w",
        newline="",
        encoding="cp1252" if winthor else "utf-8-sig",
        errors="replace" if winthor else "strict",
    ) as stream:
        writer = csv.writer(stream, delimiter=";" if winthor else ",")
        writer.writerow(WINTHOR_COLUMNS if winthor else COLUMNS)
        for notice, item in _rows(notices):
            row = _winthor_row(notice, item) if winthor else _plain_row(notice, item)
            writer.writerow([_csv_value(v) for v in row])
            count += 1
    return count
