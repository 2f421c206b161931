"""regua run: Emitir — select, record and deliver a run's notices (R1–R8)."""

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user, add_user_argument
from regua.dunning.history import money
from regua.dunning.management.commands._arguments import dumps, iso_date
from regua.dunning.models import GroupBy, NoticeStatus
from regua.dunning.runs import RunResult, execute_run
from regua.dunning.selection import REASON_LABELS, Filters, SelectionError


class Command(BaseCommand):
    help = "Emite as cartas de cobrança do dia (ou da data dada)."

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
        try:
            result = execute_run(
                options["date"],
                user=user,
                filters=filters,
                group_by=options["group"],
                dry_run=options["dry_run"],
                deliver="enqueue" if options["no_wait"] else "now",
            )
        except SelectionError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        if options["json"]:
            self.stdout.write(dumps(result.as_json()))
        else:
            self.report(result)
        if result.exit_status:
            raise SystemExit(result.exit_status)

    def report(self, result: RunResult) -> None:
        data = result.as_json()
        title = "Simulação" if result.dry_run else f"Emissão {data['run']}"
        self.stdout.write(f"{title} de {result.reference_date:%d/%m/%Y}")
        for notice in data["notices"]:
            status = NoticeStatus(notice["status"]).label
            reason = (
                f" ({REASON_LABELS.get(notice['reason'], notice['reason'])})"
                if notice["reason"]
                else ""
            )
            ident = f"carta {notice['id']}" if notice["id"] else "carta"
            self.stdout.write(
                f"  {ident}: filial {notice['branch']}, cliente {notice['customer']}, "
                f"faixa {notice['range']['start']} a {notice['range']['end']}, "
                f"modelo {notice['template']} - {status}{reason}"
                + (f" - para {', '.join(notice['recipients'])}" if notice["recipients"] else "")
            )
            for item in notice["receivables"]:
                self.stdout.write(
                    f"      {item['branch']}/{item['document']}/{item['installment']}: "
                    f"{item['days_overdue']} dia(s), saldo R$ {item['balance']}"
                )
        if data["skipped"]:
            self.stdout.write("  Títulos fora desta emissão:")
            for skip in data["skipped"]:
                self.stdout.write(
                    f"      {skip['branch']}/{skip['document']}/{skip['installment']} "
                    f"(cliente {skip['customer']}): {REASON_LABELS[skip['reason']]}"
                )
        total = sum((line.balance for p in result.notices for line in p.lines), Decimal("0.00"))
        self.stdout.write(
            f"{len(data['notices'])} carta(s), "
            f"{sum(len(n['receivables']) for n in data['notices'])} título(s), "
            f"saldo R$ {money(total)}; {len(data['skipped'])} título(s) fora."
        )
