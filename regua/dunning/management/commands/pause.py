"""regua pause customer|receivable|lift|list: R4's "não cobrar até" set in Régua."""

import argparse
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from regua.audit.cli import acting_user, add_user_argument
from regua.dunning.history import parse_receivable_key
from regua.dunning.management.commands._arguments import add_subcommand, dumps, subcommands
from regua.receivables import pauses
from regua.receivables.models import Customer, Pause, PauseReason, Receivable

PERMISSION = "dunning.run_dunning"
REASONS = ", ".join(f"{c.value} ({c.label})" for c in PauseReason)


def day(text: str) -> datetime.date:
    """A date as dd/mm/aaaa or AAAA-MM-DD."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(
        f"data inválida: {text!r} (use dd/mm/aaaa ou AAAA-MM-DD, por exemplo 31/12/2026)"
    )


def _customer(code: str) -> Customer:
    customer = Customer.objects.filter(code=code).first()
    if customer is None:
        raise CommandError(f"Cliente {code!r} não encontrado.", returncode=2)
    return customer


def _receivable(key: str) -> Receivable:
    try:
        branch, document, installment = parse_receivable_key(key)
    except ValueError as error:
        raise CommandError(str(error), returncode=2) from None
    receivable = (
        Receivable.objects.select_related("branch")
        .filter(branch__code=branch, document=document, installment=installment)
        .first()
    )
    if receivable is None:
        raise CommandError(f"Título {key!r} não encontrado.", returncode=2)
    return receivable


def _line(pause: Pause) -> str:
    target = f"cliente {pause.customer.code}" if pause.customer else f"título {pause.receivable}"
    until = f"até {pause.until:%d/%m/%Y}" if pause.until else "sem data para terminar"
    note = f" — {pause.note}" if pause.note else ""
    created = timezone.localtime(pause.created_at)
    lifted = (
        f"; retirada por {pause.lifted_by} em {timezone.localtime(pause.lifted_at):%d/%m/%Y %H:%M}"
        if pause.lifted_at
        else ""
    )
    return (
        f"{pause.pk:>5}  {target}  {until}  {pause.get_reason_display()}{note}"
        f"  (por {pause.created_by} em {created:%d/%m/%Y %H:%M}{lifted})"
    )


class Command(BaseCommand):
    help = "Suspender a cobrança (não cobrar até) de clientes e títulos, retirar e listar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        for name, what, help_text in (
            ("customer", "CODE", "código do cliente"),
            ("receivable", "KEY", "FILIAL/DUPLICATA/PRESTAÇÃO, por exemplo 1/123456/2"),
        ):
            cmd = add_subcommand(
                sub,
                parser,
                name,
                f"suspende a cobrança de um {'cliente' if name == 'customer' else 'título'}",
            )
            cmd.add_argument("target", metavar=what, help=help_text)
            cmd.add_argument("--until", type=day, default=None, help="não cobrar até (inclusive)")
            cmd.add_argument("--reason", required=True, help=f"motivo: {REASONS}")
            cmd.add_argument("--note", default="", help="observação (até 200 caracteres)")
            add_user_argument(cmd)

        lift = add_subcommand(sub, parser, "lift", "retira a suspensão de um cliente ou título")
        lift.add_argument("kind", choices=["customer", "receivable"])
        lift.add_argument("target", help="código do cliente ou FILIAL/DUPLICATA/PRESTAÇÃO")
        add_user_argument(lift)

        listing = add_subcommand(sub, parser, "list", "lista as suspensões em vigor")
        listing.add_argument("--all", action="store_true", help="também as retiradas e vencidas")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def _set(self, options: dict[str, Any], kind: str) -> None:
        user = acting_user(options, PERMISSION)
        try:
            if kind == "customer":
                pause = pauses.pause_customer(
                    _customer(options["target"]),
                    until=options["until"],
                    reason=options["reason"],
                    note=options["note"],
                    user=user,
                )
            else:
                pause = pauses.pause_receivable(
                    _receivable(options["target"]),
                    until=options["until"],
                    reason=options["reason"],
                    note=options["note"],
                    user=user,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(_line(pause))

    def handle_customer(self, options: dict[str, Any]) -> None:
        self._set(options, "customer")

    def handle_receivable(self, options: dict[str, Any]) -> None:
        self._set(options, "receivable")

    def handle_lift(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        if options["kind"] == "customer":
            pause = pauses.open_pause(customer=_customer(options["target"]))
        else:
            pause = pauses.open_pause(receivable=_receivable(options["target"]))
        if pause is None or not pauses.lift(pause, user):
            raise CommandError(
                f"Nenhuma suspensão em vigor para {options['target']!r}.", returncode=2
            )
        self.stdout.write(f"Suspensão retirada: {_line(pause)}")

    def handle_list(self, options: dict[str, Any]) -> None:
        today = timezone.localdate()
        found = list(pauses.listed(today, lifted=options["all"]))
        if options["json"]:
            self.stdout.write(dumps([pauses.pause_json(p, today) for p in found]))
            return
        if not found:
            self.stdout.write("Nenhuma suspensão em vigor.")
            return
        for pause in found:
            self.stdout.write(_line(pause))
