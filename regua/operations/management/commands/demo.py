"""regua demo [--no-server] [--addr 127.0.0.1:8000] [--password P]"""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from regua.audit.cli import acting_user
from regua.audit.log import record
from regua.delivery.configuration import configure_email
from regua.delivery.models import EmailSettings
from regua.operations.demo import database_is_empty, ensure_delay_ranges, load_demo, set_demo_user


class Command(BaseCommand):
    help = (
        "Prepara o banco com dados de demonstração, cria o usuário demo e abre o Régua "
        "(regua serve: servidor web, worker e agendamentos)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-server", action="store_true", help="só prepara os dados, sem abrir o servidor"
        )
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="endereço do servidor (padrão 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--password", help="senha do usuário demo (padrão: uma senha aleatória, mostrada)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if database_is_empty():
            summary = load_demo(timezone.localdate())
            record(
                acting_user(options),
                "receivables.demo",
                description="Dados de demonstração carregados",
                changes={
                    "filiais": summary.branches,
                    "clientes": summary.customers,
                    "titulos": summary.receivables,
                    "faixas": summary.ranges,
                },
            )
            self.stdout.write(
                f"Dados de demonstração: {summary.branches} filiais, {summary.customers} "
                f"clientes, {summary.receivables} títulos, {summary.ranges} faixas de atraso."
            )
        else:
            ranges = ensure_delay_ranges()
            self.stdout.write(
                "O banco já tem dados: a demonstração não foi carregada de novo"
                + (f" ({ranges} faixas de atraso criadas)." if ranges else ".")
            )
        username, password = set_demo_user(options["password"])
        addr = options["addr"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Acesse http://{addr}/ com o usuário {username} e a senha {password}"
            )
        )
        # Demo mode captures e-mail in the database ("E-mails capturados"),
        # never sends it: no customer of the demo data is real.
        cfg = EmailSettings.load()
        if not cfg.is_ready or cfg.captures:
            configure_email(
                acting_user(options),
                mode="capture",
                from_email="cobranca@demonstracao.regua.local",
                from_name="Cobrança (demonstração)",
            )
            self.stdout.write(
                "E-mails da demonstração ficam capturados no banco, não são enviados."
            )
        if not options["no_server"]:
            # The production server, worker and schedules: resends and schedules work here too.
            call_command("serve", bind=addr, no_migrate=True)
