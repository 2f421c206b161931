"""regua holidays add|list|remove: the registered holidays of R2's calendar."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from regua.audit.cli import acting_user, add_user_argument
from regua.dunning import calendar
from regua.dunning.management.commands._arguments import (
    add_subcommand,
    dumps,
    iso_date,
    subcommands,
)
from regua.dunning.models import Holiday

PERMISSION = "dunning.manage_holidays"


class Command(BaseCommand):
    help = "Feriados: cadastrar (nacionais, estaduais, municipais), listar e remover."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        add = add_subcommand(sub, parser, "add", "cadastra um feriado")
        add.add_argument("date", type=iso_date, help="AAAA-MM-DD")
        add.add_argument("--state", default="", help="UF (vazio: todo o país)")
        add.add_argument("--city", default="", help="cidade (exige --state)")
        add.add_argument("--name", default="")
        add_user_argument(add)

        listing = add_subcommand(
            sub, parser, "list", "lista os feriados nacionais, bancários e cadastrados do ano"
        )
        listing.add_argument("--year", type=int, default=None, help="padrão: o ano corrente")
        listing.add_argument("--json", action="store_true")

        remove = add_subcommand(sub, parser, "remove", "remove um feriado cadastrado")
        remove.add_argument("id", type=int)
        add_user_argument(remove)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_add(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        try:
            holiday = calendar.add_holiday(
                options["date"],
                state=options["state"],
                city=options["city"],
                name=options["name"],
                user=user,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(str(holiday.pk))

    def handle_list(self, options: dict[str, Any]) -> None:
        year = options["year"] or timezone.localdate().year
        if not 1900 <= year <= 2200:
            raise CommandError(f"Ano inválido: {year}.", returncode=2)
        entries = calendar.holidays_of_year(year)
        if options["json"]:
            self.stdout.write(
                dumps(
                    [
                        {
                            "id": e.id,
                            "date": e.date.isoformat(),
                            "name": e.name,
                            "kind": e.kind,
                            "state": e.state,
                            "city": e.city,
                        }
                        for e in entries
                    ]
                )
            )
            return
        for e in entries:
            where = "/".join(p for p in (e.city, e.state) if p) or "Brasil"
            ident = f"[{e.id}]" if e.id else ""
            self.stdout.write(
                f"{e.date:%d/%m/%Y}  {e.kind:<11} {where:<20} {e.name} {ident}".rstrip()
            )

    def handle_remove(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        holiday = Holiday.objects.filter(pk=options["id"]).first()
        if holiday is None:
            raise CommandError(f"Feriado {options['id']} não encontrado.", returncode=2)
        calendar.remove_holiday(holiday, user=user)
        self.stdout.write(f"Feriado removido: {holiday}")
