"""regua schedules add|list|remove: automatic runs executed by the worker as "automatic"."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user, add_user_argument
from regua.delivery.models import Schedule
from regua.delivery.schedules import (
    ScheduleError,
    add_schedule,
    next_run_at,
    parse_time,
    remove_schedule,
)
from regua.dunning.models import GroupBy

PERMISSION = "delivery.manage_schedules"


class Command(BaseCommand):
    help = "Agendamentos de emissão automática (executados pelo regua worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)

        add = actions.add_parser("add", help="cria um agendamento")
        add.add_argument("--name", required=True)
        add.add_argument("--time", required=True, metavar="HH:MM", help="horário do dia")
        add.add_argument(
            "--all-days", action="store_true", help="também em fins de semana e feriados"
        )
        add.add_argument("--branch", metavar="CODE", help="somente esta filial")
        add.add_argument("--customer", action="append", default=[], metavar="CODE")
        add.add_argument("--collection", action="append", default=[], metavar="CODE")
        add.add_argument(
            "--filters", metavar="JSON", help='filtros de uma emissão, ex.: {"branch": "1"}'
        )
        add.add_argument("--group", choices=GroupBy.values, default=GroupBy.CUSTOMER)
        add.add_argument("--inactive", action="store_true", help="cria desativado")
        add.add_argument(
            "--import-first",
            action="store_true",
            help="importa a pasta de importação antes e só emite se o arquivo do ERP de hoje chegou",
        )
        add_user_argument(add)

        listing = actions.add_parser("list", help="lista os agendamentos")
        listing.add_argument("--json", action="store_true", help="saída em JSON")

        remove = actions.add_parser("remove", help="remove um agendamento")
        remove.add_argument("name")
        add_user_argument(remove)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_add(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        try:
            filters = json.loads(options["filters"]) if options["filters"] else {}
        except json.JSONDecodeError as e:
            raise CommandError(f"--filters não é JSON válido: {e}", returncode=2) from None
        if not isinstance(filters, dict):
            raise CommandError("--filters deve ser um objeto JSON.", returncode=2)
        if options["branch"]:
            filters["branch"] = options["branch"]
        if options["customer"]:
            filters["customers"] = options["customer"]
        if options["collection"]:
            filters["collections"] = options["collection"]
        try:
            schedule = add_schedule(
                user,
                name=options["name"],
                time_of_day=parse_time(options["time"]),
                business_days_only=not options["all_days"],
                filters=filters,
                group_by=options["group"],
                active=not options["inactive"],
                import_first=options["import_first"],
            )
        except ScheduleError as e:
            raise CommandError(str(e), returncode=2) from None
        self.stdout.write(f"Agendamento criado: {self._line(schedule)}")

    def handle_list(self, options: dict[str, Any]) -> None:
        schedules = list(Schedule.objects.all())
        if options["json"]:
            self.stdout.write(json.dumps([s.describe() for s in schedules], ensure_ascii=False))
            return
        if not schedules:
            self.stdout.write("Nenhum agendamento.")
            return
        for schedule in schedules:
            self.stdout.write(self._line(schedule))
        upcoming = next_run_at()
        if upcoming:
            self.stdout.write(f"Próxima emissão automática: {upcoming:%d/%m/%Y %H:%M}")

    def handle_remove(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        schedule = Schedule.objects.filter(name=options["name"]).first()
        if schedule is None:
            raise CommandError(f"Agendamento {options['name']!r} não encontrado.", returncode=2)
        remove_schedule(user, schedule)
        self.stdout.write(f"Agendamento {schedule.name!r} removido.")

    def _line(self, schedule: Schedule) -> str:
        days = "dias úteis" if schedule.business_days_only else "todos os dias"
        state = "" if schedule.active else " (inativo)"
        filters = json.dumps(schedule.filters, ensure_ascii=False) if schedule.filters else "{}"
        return (
            f"{schedule.name}: {schedule.time_of_day:%H:%M}, {days}, "
            f"agrupamento {schedule.group_by}, filtros {filters}{state}"
        )
