"""regua history [export]: the notices sent to customers, as routine 1203's "Hist. Cobrança"."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from regua import ptbr
from regua.audit.cli import acting_user, add_user_argument
from regua.dunning import history
from regua.dunning.management.commands._arguments import add_subcommand, dumps, subcommands
from regua.dunning.models import NoticeStatus

PERMISSION = "dunning.view_history"


def _filters(parser: CommandParser) -> None:
    parser.add_argument("--customer", metavar="CODE", help="só as cartas deste cliente")
    parser.add_argument(
        "--receivable",
        metavar="BRANCH/DOCUMENT/INSTALLMENT",
        help="só as cartas deste título (filial/duplicata/prestação)",
    )


class Command(BaseCommand):
    help = "Histórico de cobrança: todas as cartas, da mais recente à mais antiga."

    def add_arguments(self, parser: CommandParser) -> None:
        _filters(parser)
        parser.add_argument("--json", action="store_true", help="saída em JSON")
        add_user_argument(parser)
        sub = subcommands(parser, required=False)
        export = add_subcommand(sub, parser, "export", "exporta o histórico para um arquivo")
        export.add_argument(
            "--format",
            required=True,
            choices=history.EXPORT_FORMATS,
            help="csv-br: para planilhas brasileiras (;, datas dd/mm/aaaa, vírgula decimal); "
            "csv: para programas (inalterado); xlsx; winthor: PCHISTCOB",
        )
        export.add_argument("file", metavar="FILE")
        _filters(export)
        add_user_argument(export)

    def handle(self, *args: Any, **options: Any) -> None:
        acting_user(options, PERMISSION)
        receivable = None
        if options["receivable"]:
            try:
                receivable = history.parse_receivable_key(options["receivable"])
            except ValueError as error:
                raise CommandError(str(error), returncode=2) from None
        notices = history.history(customer=options["customer"], receivable=receivable)
        if options.get("action") == "export":
            try:
                rows = history.export_history(options["format"], options["file"], notices)
            except OSError as error:
                raise CommandError(
                    f"Não foi possível gravar {options['file']}: {error.strerror}", returncode=2
                ) from None
            exported = ptbr.count(rows, "linha exportada", "linhas exportadas")
            self.stderr.write(f"{exported} para {options['file']}.")
            return
        if options["json"]:
            self.stdout.write(dumps([history.notice_json(n, history=True) for n in notices]))
            return
        for notice in notices.iterator(chunk_size=500):
            when = timezone.localtime(notice.sent_at or notice.created_at)
            reason = history.REASON_TEXT.get(notice.reason, notice.reason)
            self.stdout.write(
                f"carta {notice.pk}  {when:%d/%m/%Y %H:%M}  {notice.user}  "
                f"filial {notice.branch.code}  cliente {notice.customer.code}  "
                f"faixa {notice.range_start} a {notice.range_end}  modelo {notice.template_number}  "
                f"{NoticeStatus(notice.status).label}" + (f" ({reason})" if reason else "")
            )
            if notice.recipients:
                self.stdout.write(f"    para: {', '.join(notice.recipients)}")
            for item in notice.items.all():
                self.stdout.write(
                    f"    {item.receivable}: vencimento {item.due_date:%d/%m/%Y}, "
                    f"{ptbr.count(item.days_overdue, 'dia', 'dias')}, saldo {ptbr.money(item.balance)}"
                )
