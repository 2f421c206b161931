"""regua worker: delivers the outbox, runs queued tasks and the schedules."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from regua.delivery.outbox import summary
from regua.delivery.worker import Worker


class Command(BaseCommand):
    # Started over and over by cron and process managers: Django's system checks
    # (every URL and view imported) would cost about a second each time, and
    # `regua check` / the web server run them anyway.
    requires_system_checks: list[str] = []
    help = (
        "Entrega as cartas de cobrança por e-mail, processa a fila de tarefas e os "
        "agendamentos. Com --until-done, entrega o que está pronto e termina (cron, scripts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until-done", action="store_true", help="entrega o que está pronto e termina"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="segundos de espera quando não há nada a fazer (padrão: 1)",
        )
        parser.add_argument("--worker-id", help="identificação deste worker (padrão: automática)")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            worker_id=options["worker_id"],
            interval=max(options["interval"], 0.05),
            until_done=options["until_done"],
        )
        tally = worker.run()
        if options["until_done"] or options["verbosity"] > 1:
            self.stdout.write(f"Envio concluído: {summary(tally)}.")
