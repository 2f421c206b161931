"""regua dunning_settings: the installation's switches kept in the database (R2, R4)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from regua import ptbr
from regua.audit import log
from regua.audit.cli import acting_user, add_user_argument
from regua.dunning.calendar import move_due_dates_enabled
from regua.dunning.models import DunningSettings
from regua.dunning.selection import min_interval_days

CHOICES = {"on": True, "off": False, "default": None}


class Command(BaseCommand):
    help = (
        "Mostra ou altera a prorrogação de vencimentos em dias não úteis e o intervalo "
        "mínimo entre cartas a um cliente."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--move-due-dates",
            choices=list(CHOICES),
            help="on/off: prorrogar vencimentos em dias não úteis; default: REGUA_MOVE_DUE_DATES",
        )
        parser.add_argument(
            "--min-interval-days",
            metavar="N|default",
            help="dias sem nova carta ao cliente depois de uma (0: desligado)",
        )
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        changes: dict[str, Any] = {}
        if options["move_due_dates"] is not None:
            changes["move_due_dates"] = CHOICES[options["move_due_dates"]]
        if options["min_interval_days"] is not None:
            text = options["min_interval_days"]
            if text == "default":
                changes["min_interval_days"] = None
            elif text.isdigit():
                changes["min_interval_days"] = int(text)
            else:
                raise CommandError(
                    f"Intervalo mínimo inválido: {text!r} (use um número de dias ou default).",
                    returncode=2,
                )
        if changes:
            user = acting_user(options, "dunning.manage_ranges")
            with transaction.atomic():
                row = DunningSettings.objects.select_for_update().order_by("pk").first()
                row = row or DunningSettings()
                before = {name: getattr(row, name) for name in changes}
                for name, value in changes.items():
                    setattr(row, name, value)
                row.save()
                log.record(
                    user,
                    "dunning_settings.change",
                    row,
                    "Configuração da cobrança alterada",
                    {name: [str(before[name]), str(value)] for name, value in changes.items()},
                )
        move = "sim" if move_due_dates_enabled() else "não"
        interval = min_interval_days()
        self.stdout.write(f"Prorrogar vencimentos em dias não úteis: {move}")
        self.stdout.write(
            f"Intervalo mínimo entre cartas ao cliente: {ptbr.count(interval, 'dia', 'dias')}"
            if interval
            else "Intervalo mínimo entre cartas ao cliente: desligado"
        )
