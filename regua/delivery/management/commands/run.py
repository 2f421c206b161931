"""regua run: Emitir — select and record a run's notices (R1–R8), then hand them to delivery."""

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua import ptbr
from regua.audit.cli import acting_user, add_user_argument
from regua.delivery import How, dispatch
from regua.dunning import lifecycle
from regua.dunning.management.commands._arguments import iso_date
from regua.dunning.models import GroupBy, NoticeStatus
from regua.dunning.runs import (
    PlannedNotice,
    RunResult,
    execute_run,
    notice_json_text,
    skip_json,
)
from regua.dunning.selection import REASON_LABELS, Filters, Line, SelectionError


class Spool:
    """execute_run's listener for the command: the run's notices and skipped títulos
    written to temporary files as the run makes them, so a run of any size is printed
    without holding it in memory, and only once it has committed.

    Notices are spooled as the text report's lines, or as JSON, one a line; as
    JSON too when the run delivers them here (``settled`` False), because the
    report must show the state delivery left them in.
    """

    def __init__(self, notices: IO[str], skipped: IO[str], *, text: bool, settled: bool) -> None:
        self.notices, self.skipped = notices, skipped
        self.as_text = text and settled

    @classmethod
    @contextmanager
    def open(cls, *, text: bool, settled: bool) -> Iterator["Spool"]:
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as notices,
            tempfile.TemporaryFile("w+", encoding="utf-8") as skipped,
        ):
            yield cls(notices, skipped, text=text, settled=settled)

    def restart(self) -> None:
        for file in (self.notices, self.skipped):
            file.seek(0)
            file.truncate()

    def notice(self, planned: PlannedNotice) -> None:
        if self.as_text:
            self.notices.write(planned_text(planned))
        else:
            self.notices.write(notice_json_text(planned) + "\n")

    def skip(self, line: Line) -> None:
        self.skipped.write(_compact(skip_json(line)) + "\n")

    def lines(self, file: IO[str]) -> Iterator[str]:
        file.flush()
        file.seek(0)
        for line in file:
            yield line.rstrip("\n")

    def copy(self, file: IO[str], out: Any) -> None:
        """The file's text, as it is, to ``out``."""
        file.flush()
        file.seek(0)
        while chunk := file.read(1 << 20):
            out.write(chunk, ending="")


def _compact(data: Any) -> str:
    # No indent: Python's json writes indented text in pure Python, five times slower.
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def notice_text(notice: dict[str, Any]) -> str:
    """A notice in the text report: its line, then one line per título."""
    status = NoticeStatus(notice["status"]).label
    reason = (
        f" ({REASON_LABELS.get(notice['reason'], notice['reason'])})" if notice["reason"] else ""
    )
    ident = f"carta {notice['id']}" if notice["id"] else "carta"
    lines = [
        f"  {ident}: filial {notice['branch']}, cliente {notice['customer']}, "
        f"faixa {notice['range']['start']} a {notice['range']['end']}, "
        f"modelo {notice['template']} - {status}{reason}"
        + (f" - para {', '.join(notice['recipients'])}" if notice["recipients"] else "")
    ]
    for item in notice["receivables"]:
        lines.append(
            f"      {item['branch']}/{item['document']}/{item['installment']}: "
            f"{ptbr.count(item['days_overdue'], 'dia', 'dias')}, "
            f"saldo {ptbr.money(Decimal(item['balance']))}"
        )
    return "\n".join(lines) + "\n"


def planned_text(p: PlannedNotice) -> str:
    """``notice_text(p.as_json())``, written straight from the plan: a run of a million
    títulos prints its report in a fraction of the time."""
    r = p.delay_range
    status = NoticeStatus(p.status).label
    reason = f" ({REASON_LABELS.get(p.reason, p.reason)})" if p.reason else ""
    ident = f"carta {p.notice_id}" if p.notice_id else "carta"
    to = f" - para {', '.join(p.recipients)}" if p.recipients else ""
    lines = [
        f"  {ident}: filial {p.branch}, cliente {p.customer}, "
        f"faixa {r.start_day} a {r.end_day}, modelo {p.template_number} - {status}{reason}{to}"
    ]
    money = ptbr.money_in_cents
    for line in p.lines:
        days = line.days_overdue
        lines.append(
            f"      {line.branch}/{line.document}/{line.installment}: "
            f"{days if -1000 < days < 1000 else ptbr.integer(days)} "
            f"{'dia' if abs(days) == 1 else 'dias'}, saldo {money(line.balance)}"
        )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Emite as cartas de cobrança do dia (ou da data dada)."
    # Cron starts it every day: the system checks (every URL and view imported)
    # would cost a second each time; `regua check` and the tests run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=iso_date, help="data de referência (padrão: hoje)")
        parser.add_argument("--due-from", type=iso_date, help="vencimento a partir de")
        parser.add_argument("--due-to", type=iso_date, help="vencimento até")
        parser.add_argument("--issued-from", type=iso_date, help="emissão a partir de")
        parser.add_argument("--issued-to", type=iso_date, help="emissão até")
        parser.add_argument(
            "--collection", action="append", default=[], metavar="CODE", help="cobrança (CODCOB)"
        )
        parser.add_argument(
            "--customer", action="append", default=[], metavar="CODE", help="código do cliente"
        )
        parser.add_argument("--branch", metavar="CODE", help="código da filial")
        parser.add_argument("--group", choices=GroupBy.values, default=GroupBy.CUSTOMER)
        parser.add_argument(
            "--dry-run", action="store_true", help="mostra o que seria feito, sem alterar nada"
        )
        parser.add_argument(
            "--no-wait", action="store_true", help="deixa a entrega dos e-mails para os workers"
        )
        parser.add_argument("--json", action="store_true", help="saída em JSON")
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options, "dunning.run_dunning")
        filters = Filters(
            due_from=options["due_from"],
            due_to=options["due_to"],
            issued_from=options["issued_from"],
            issued_to=options["issued_to"],
            collections=tuple(options["collection"]),
            customers=tuple(options["customer"]),
            branch=options["branch"],
        )
        deliver: How = "queue" if options["no_wait"] else "now"
        with Spool.open(text=not options["json"], settled=deliver != "now") as spool:
            try:
                result = execute_run(
                    options["date"],
                    user=user,
                    filters=filters,
                    group_by=options["group"],
                    dry_run=options["dry_run"],
                    listener=spool,
                    # Delivered here: the run stays open (its lease renewed) until done.
                    finish=deliver != "now",
                )
            except SelectionError as error:
                raise CommandError(" ".join(error.messages), returncode=2) from None
            run = result.run
            if run is not None:
                dispatch(result.pending, deliver, alive=lambda: lifecycle.renew_run(run))
                if run.finished_at is None:
                    lifecycle.finish_run(run)
            # Delivered here, the notices may have moved on since they were spooled.
            current = result.current_states() if deliver == "now" else {}
            if options["json"]:
                self.write_json(result, spool, current)
            else:
                self.report(result, spool, current)
        if result.exit_status:
            raise SystemExit(result.exit_status)

    def write_json(
        self, result: RunResult, spool: Spool, current: dict[int, tuple[str, str]]
    ) -> None:
        """The object RunResult.as_json gives, one notice and one skip a line."""
        out = self.stdout
        out.write(
            f'{{"run": {json.dumps(result.run.pk if result.run else None)}, '
            f'"date": "{result.reference_date.isoformat()}", '
            f'"dry_run": {json.dumps(result.dry_run)}, "notices": [',
            ending="",
        )
        for n, line in enumerate(spool.lines(spool.notices)):
            if current:
                line = _compact(_now(json.loads(line), current))
            out.write(("\n" if n == 0 else ",\n") + line, ending="")
        out.write('\n], "skipped": [', ending="")
        for n, line in enumerate(spool.lines(spool.skipped)):
            out.write(("\n" if n == 0 else ",\n") + line, ending="")
        out.write("\n]}")

    def report(self, result: RunResult, spool: Spool, current: dict[int, tuple[str, str]]) -> None:
        out = self.stdout
        title = "Simulação" if result.dry_run else f"Emissão {result.run.pk if result.run else ''}"
        out.write(f"{title} de {result.reference_date:%d/%m/%Y}")
        if spool.as_text:
            spool.copy(spool.notices, out)
        else:
            for line in spool.lines(spool.notices):
                out.write(notice_text(_now(json.loads(line), current)), ending="")
        totals = result.totals
        if totals.skipped_receivables:
            out.write("  Títulos fora desta emissão:")
            for line in spool.lines(spool.skipped):
                skip = json.loads(line)
                out.write(
                    f"      {skip['branch']}/{skip['document']}/{skip['installment']} "
                    f"(cliente {skip['customer']}): {REASON_LABELS[skip['reason']]}"
                )
        out.write(
            f"{ptbr.count(totals.notices, 'carta', 'cartas')}, "
            f"{ptbr.count(totals.candidates, 'título', 'títulos')}, "
            f"saldo {ptbr.money(totals.balance)}; "
            f"{ptbr.count(totals.skipped_receivables, 'título', 'títulos')} fora."
        )


def _now(notice: dict[str, Any], current: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """The notice with its status and reason as they are now."""
    if notice["id"] in current:
        notice["status"], reason = current[notice["id"]]
        notice["reason"] = reason or None
    return notice
