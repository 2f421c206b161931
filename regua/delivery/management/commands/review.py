"""regua review: the letters waiting for review ("Email e Carta"), approve (and deliver), discard,
print."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua import ptbr
from regua.audit.cli import acting_user
from regua.delivery import dispatch
from regua.dunning.history import notice_json
from regua.dunning.models import Notice, NoticeStatus
from regua.letters import review
from regua.letters.formatting import money
from regua.letters.management.commands._cli import add_subcommand, dumps, subcommands


class Command(BaseCommand):
    help = "Cartas aguardando revisão (tipo de geração Email e Carta): listar, aprovar, descartar, imprimir."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = subcommands(parser)
        listing = add_subcommand(actions, parser, "list", "Lista as cartas aguardando revisão.")
        listing.add_argument("--run", type=int, metavar="ID", help="só as cartas desta emissão")
        listing.add_argument(
            "--json", action="store_true", help="saída em JSON (as cartas como em regua run --json)"
        )
        listing.add_argument(
            "--pdf-dir", type=Path, metavar="PASTA", help="grava o PDF de cada carta nesta pasta"
        )
        approve = add_subcommand(
            actions, parser, "approve", "Aprova as cartas (IDs) e as envia com o PDF anexado."
        )
        approve.add_argument("ids", nargs="+", type=int, metavar="ID")
        approve.add_argument(
            "--no-wait", action="store_true", help="deixa a entrega dos e-mails para os workers"
        )
        discard = add_subcommand(actions, parser, "discard", "Descarta as cartas (IDs).")
        discard.add_argument("ids", nargs="+", type=int, metavar="ID")
        discard.add_argument("--reason", required=True, metavar="TEXTO", help="motivo do descarte")
        printing = add_subcommand(
            actions,
            parser,
            "print",
            "Grava num só PDF todas as cartas de uma emissão aguardando revisão, para o correio.",
        )
        printing.add_argument("--run", type=int, required=True, metavar="ID", help="a emissão")
        printing.add_argument("file", type=Path, metavar="ARQUIVO")

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options, review.PERMISSION)
        try:
            getattr(self, "handle_" + options["action"])(user, options)
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from None
        except review.ReviewError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def handle_list(self, user: str, options: dict[str, Any]) -> None:
        notices = review.list_held(options["run"])
        if options["pdf_dir"]:
            options["pdf_dir"].mkdir(parents=True, exist_ok=True)
            for notice in notices:
                (options["pdf_dir"] / f"carta-{notice.pk}.pdf").write_bytes(
                    bytes(notice.pdf or b"")
                )
        if options["json"]:
            self.stdout.write(dumps([notice_json(notice) for notice in notices]))
            return
        if not notices:
            self.stdout.write("Nenhuma carta aguardando revisão.")
            return
        for notice in notices:
            self.stdout.write(
                f"{notice.pk:>6}  emissão {notice.run_id}  filial {notice.branch.code}  "
                f"{notice.customer.code} {notice.customer.name}  modelo {notice.template_number}  "
                f"{ptbr.count(notice.items.count(), 'título', 'títulos')}  {money(notice.total_balance)}"
            )

    def handle_approve(self, user: str, options: dict[str, Any]) -> None:
        result = review.approve(options["ids"], user)
        dispatch(result.to_send, "queue" if options["no_wait"] else "now")
        statuses = dict(Notice.objects.filter(pk__in=result.done).values_list("pk", "status"))
        for notice_id in result.done:
            label = NoticeStatus(statuses[notice_id]).label
            self.stdout.write(f"Carta {notice_id}: aprovada (situação: {label})")
        for notice_id in result.paid:
            self.stdout.write(f"Carta {notice_id}: descartada, todos os títulos foram pagos")
        self.report_refused(result)

    def handle_discard(self, user: str, options: dict[str, Any]) -> None:
        result = review.discard(options["ids"], user, options["reason"])
        for notice_id in result.done:
            self.stdout.write(f"Carta {notice_id}: descartada")
        self.report_refused(result)

    def handle_print(self, user: str, options: dict[str, Any]) -> None:
        pdf = review.held_letters_pdf(options["run"])
        options["file"].write_bytes(pdf)
        self.stdout.write(f"Cartas da emissão {options['run']} gravadas em {options['file']}")

    def report_refused(self, result: review.ReviewResult) -> None:
        for notice_id, why in result.refused.items():
            self.stderr.write(f"Carta {notice_id}: {why}")
        if result.refused:
            raise SystemExit(1)
