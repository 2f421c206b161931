"""regua report effectiveness: how much was paid after the notices sent in a period (beside
the pages that show the same figures)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user, add_user_argument
from regua.dunning import effectiveness as eff
from regua.dunning.management.commands._arguments import (
    add_subcommand,
    dumps,
    iso_date,
    subcommands,
)
from regua.letters.formatting import decimal_br, money, short_date

PERMISSION = "dunning.view_history"
BY_HELP = {"range": "faixa", "template": "modelo", "branch": "filial", "month": "mês"}


def _rate(value: Any) -> str:
    return "—" if value is None else f"{decimal_br(value * 100, 1)} %"


def _days(value: Any) -> str:
    return "—" if value is None else decimal_br(value, 1)


class Command(BaseCommand):
    # A report is read-only and run from scripts: the system checks (which import
    # every URL and view) would cost each call a second before any work.
    requires_system_checks: list[str] = []
    help = "Relatórios da cobrança."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        report = add_subcommand(
            sub, parser, "effectiveness", "efetividade da régua: quanto foi pago após as cartas"
        )
        report.add_argument("--from", dest="date_from", type=iso_date, metavar="AAAA-MM-DD")
        report.add_argument("--to", dest="date_to", type=iso_date, metavar="AAAA-MM-DD")
        report.add_argument(
            "--by",
            choices=eff.GROUPINGS,
            default="range",
            help="agrupar por faixa (range), modelo (template), filial (branch) ou mês (month)",
        )
        report.add_argument("--json", action="store_true", help="saída em JSON")
        report.add_argument(
            "--format",
            choices=eff.EXPORT_FORMATS,
            help="grava o relatório em --output: csv-br (planilhas brasileiras), csv, xlsx",
        )
        report.add_argument("--output", metavar="ARQUIVO", help="arquivo para --format")
        add_user_argument(report)

    def handle(self, *args: Any, **options: Any) -> None:
        acting_user(options, PERMISSION)
        try:
            report = eff.effectiveness(options["date_from"], options["date_to"], options["by"])
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(dumps(report.as_json()))
            return
        if options["format"]:
            if not options["output"]:
                raise CommandError("--format pede --output ARQUIVO", returncode=2)
            try:
                count = eff.export(report, options["format"], options["output"])
            except OSError as error:
                raise CommandError(
                    f"Não foi possível gravar {options['output']}: {error.strerror}", returncode=2
                ) from None
            lines = "1 linha gravada" if count == 1 else f"{count} linhas gravadas"
            self.stderr.write(f"{lines} em {options['output']}.")
            return
        period = (
            f"de {short_date(report.date_from) or 'o início'} "
            f"a {short_date(report.date_to) or 'hoje'}"
        )
        self.stdout.write(
            f"Efetividade da régua, cartas enviadas {period}, por {BY_HELP[report.by]}"
        )
        self._table(report.rows + [report.total])
        if report.reference:
            self.stdout.write("")
            self.stdout.write(
                "Sem carta enviada na faixa (não comparável: não é um grupo sorteado)"
            )
            self._table(report.reference + [report.reference_total])
        self.stdout.write("")
        self.stdout.write(eff.ATTRIBUTION_TEXT)

    def _table(self, rows: list[eff.Figures]) -> None:
        header = (
            "grupo",
            "cartas",
            "títulos",
            "saldo cobrado",
            "pago em 7 dias",
            "em 15 dias",
            "em 30 dias",
            "recuperado",
            "baixa presumida",
            "recuperação",
            "mediana (dias)",
            "foram à faixa seguinte",
        )
        lines = [header] + [
            (
                r.label,
                str(r.notices),
                str(r.titulos),
                money(r.notified),
                money(r.paid_7),
                money(r.paid_15),
                money(r.paid_30),
                money(r.recovered),
                money(r.presumed),
                _rate(r.rate),
                _days(r.median_days),
                str(r.went_on),
            )
            for r in rows
        ]
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            self.stdout.write(
                "  ".join(
                    cell.ljust(w) if i == 0 else cell.rjust(w)
                    for i, (cell, w) in enumerate(zip(line, widths, strict=True))
                ).rstrip()
            )
