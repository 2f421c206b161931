"""regua status [--json]: does this installation serve, and will its work get done?"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection
from django.utils import timezone

from regua import ptbr
from regua.operations import health


def _moment(value: Any) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if value else "—"


class Command(BaseCommand):
    help = (
        "Mostra se o banco responde, os workers ativos, a última entrega e o trabalho "
        "esperando. Código de saída 1 quando o banco não responde ou há trabalho sem worker."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="saída em JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            state = health.check()
        except DatabaseError as error:
            if options["json"]:
                self.stdout.write(json.dumps({"database": "erro", "error": str(error)}))
            else:
                self.stderr.write(f"Banco de dados inacessível: {error}")
            raise SystemExit(1) from None
        report = {"database": "ok", **state.as_dict()}
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write("Banco de dados: responde")
            self.stdout.write(
                "Workers: "
                + ptbr.count(state.workers_alive, "ativo", "ativos")
                + f" (último sinal: {_moment(state.worker_last_seen)})"
            )
            self.stdout.write(f"Última entrega: {_moment(state.last_delivery_at)}")
            self.stdout.write(
                "Esperando: "
                + ptbr.count(state.notices_waiting, "carta", "cartas")
                + f" (das quais {ptbr.integer(state.notices_retry)} em nova tentativa"
                + (f", a próxima em {_moment(state.next_retry_at)}" if state.next_retry_at else "")
                + "), "
                + ptbr.count(state.schedules_active, "agendamento ativo", "agendamentos ativos")
            )
            if state.unattended:
                self.stderr.write(
                    "ATENÇÃO: há trabalho esperando e nenhum worker ativo "
                    "(inicie `regua serve` ou `regua worker`)."
                )
        if state.unattended:
            raise SystemExit(1)
