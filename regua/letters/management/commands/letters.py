"""regua letters queue|print|posted|returned: the printed letters (DOMAIN R7, R8)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from regua import ptbr
from regua.audit.cli import acting_user
from regua.dunning import lifecycle
from regua.dunning.history import notice_json
from regua.letters import printing
from regua.letters.management.commands._cli import add_subcommand, dumps, subcommands
from regua.letters.models import PrintBatch

PERMISSION = printing.PERMISSION


def _address(notice: Any) -> str:
    c = notice.customer
    return " — ".join(p for p in (c.address, f"{c.city}/{c.state}".strip("/"), c.zip_code) if p)


def batch_json(batch: PrintBatch) -> dict[str, Any]:
    return {
        "number": batch.number,
        "state": batch.state,
        "letters": batch.total,
        "done": batch.done,
        "discarded": batch.discarded,
        "printed_times": batch.printed_times,
        "created_at": timezone.localtime(batch.created_at).isoformat(),
        "created_by": batch.created_by,
        "posted_at": timezone.localtime(batch.posted_at).isoformat() if batch.posted_at else None,
        "posted_by": batch.posted_by or None,
    }


class Command(BaseCommand):
    help = (
        "Cartas para imprimir: a fila de cartas postais, os lotes numerados de impressão, "
        "a postagem e as devoluções dos Correios."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        queue = add_subcommand(
            sub, parser, "queue", "lista as cartas aprovadas que esperam impressão e os lotes"
        )
        queue.add_argument("--json", action="store_true")
        printed = add_subcommand(
            sub,
            parser,
            "print",
            "cria um lote com toda a fila (--all) ou reimprime um lote (--batch) em FILE",
        )
        which = printed.add_mutually_exclusive_group(required=True)
        which.add_argument("--batch", type=int, metavar="N", help="número do lote a reimprimir")
        which.add_argument("--all", action="store_true", help="um lote novo com toda a fila")
        printed.add_argument("file", metavar="FILE", type=Path, help="arquivo PDF a gravar")
        posted = add_subcommand(sub, parser, "posted", "marca as cartas de um lote como postadas")
        posted.add_argument("batch", type=int, metavar="BATCH", help="número do lote")
        returned = add_subcommand(
            sub, parser, "returned", "marca uma carta como devolvida pelos Correios"
        )
        returned.add_argument("notice", type=int, metavar="NOTICE", help="número da carta")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"handle_{options['action']}")(options)
        except printing.PrintError as error:
            raise CommandError(str(error), returncode=2) from None

    def handle_queue(self, options: dict[str, Any]) -> None:
        acting_user(options, PERMISSION)
        waiting = list(printing.queue().select_related("template"))
        open_batches = list(PrintBatch.objects.exclude(state=PrintBatch.State.POSTED))
        if options["json"]:
            self.stdout.write(
                dumps(
                    {
                        "letters": [notice_json(n) for n in waiting],
                        "batches": [batch_json(b) for b in open_batches],
                    }
                )
            )
            return
        if not waiting:
            self.stdout.write("Nenhuma carta esperando impressão.")
        else:
            self.stdout.write(
                f"{ptbr.count(len(waiting), 'carta espera', 'cartas esperam')} impressão:"
            )
        for notice in waiting:
            channels = " e ".join(
                lifecycle.Channel(c).label.lower() for c in lifecycle.channels_of(notice)
            )
            self.stdout.write(
                f"{notice.pk:>6}  filial {notice.branch.code}  {notice.customer.code} "
                f"{notice.customer.name}  {ptbr.money(notice.total_balance)}  ({channels})  "
                f"{_address(notice)}"
            )
        for batch in open_batches:
            self.stdout.write(
                f"Lote {batch.number}: {ptbr.count(batch.total, 'carta', 'cartas')}, "
                f"{batch.get_state_display()}, criado por {batch.created_by} em "
                f"{ptbr.date(timezone.localdate(batch.created_at))}"
            )

    def handle_print(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        if options["all"]:
            batch = printing.create_batch(user, background=False)
            self.stderr.write(f"Lote {batch.number} criado: preparando as cartas…")
        else:
            batch = printing.find_batch(options["batch"])
        if batch.state in (PrintBatch.State.BUILDING, PrintBatch.State.FAILED):
            built = printing.build(batch.pk, progress=self._progress)
            self.stderr.write("")
            if built.discarded:
                self.stdout.write(
                    f"{ptbr.count(built.discarded, 'carta descartada', 'cartas descartadas')}: "
                    "todos os títulos foram pagos."
                )
        pdf = printing.batch_pdf(batch, user, reprint=not options["all"])
        path: Path = options["file"]
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Não foi possível gravar {path}: {error.strerror}.") from None
        batch.refresh_from_db()
        self.stdout.write(
            f"Lote {batch.number}: {ptbr.count(batch.total, 'carta', 'cartas')} em {path}."
        )

    def _progress(self, done: int, total: int) -> None:
        sys.stderr.write(f"\r{done} de {total}")
        sys.stderr.flush()

    def handle_posted(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        batch = printing.find_batch(options["batch"])
        sent = printing.mark_posted(batch, user)
        self.stdout.write(
            f"Lote {batch.number} postado: {ptbr.count(batch.total, 'carta', 'cartas')}, "
            f"{ptbr.count(sent, 'enviada agora', 'enviadas agora')}."
        )

    def handle_returned(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        notice = printing.mark_returned(options["notice"], user)
        self.stdout.write(
            f"Carta {notice.pk} devolvida: o endereço de {notice.customer.code} "
            f"{notice.customer.name} fica inválido até ser corrigido."
        )
