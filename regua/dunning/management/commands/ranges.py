"""regua ranges add|list|remove: the delay ranges of R3."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user, add_user_argument
from regua.dunning import ranges
from regua.dunning.management.commands._arguments import add_subcommand, dumps, subcommands
from regua.dunning.models import DelayRange, GenerationType
from regua.ptbr import money

PERMISSION = "dunning.manage_ranges"


class Command(BaseCommand):
    help = "Faixas de atraso: cadastrar, listar e remover."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        add = add_subcommand(sub, parser, "add", "cadastra uma faixa e mostra o seu id")
        add.add_argument(
            "--start", type=int, required=True, help="primeiro dia (negativo: antes do vencimento)"
        )
        add.add_argument("--end", type=int, required=True, help="último dia")
        add.add_argument("--template", type=int, required=True, help="número do modelo (1, 2, 3)")
        add.add_argument("--generation", required=True, choices=GenerationType.values)
        add.add_argument("--name", default="")
        add.add_argument("--min-balance", default="0.00", help="saldo mínimo por carta, em reais")
        add.add_argument(
            "--boleto",
            action="store_true",
            help="enviar boleto: anexa o boleto de cada título com código de barras válido",
        )
        add.add_argument(
            "--template-b",
            type=int,
            default=None,
            help="teste A/B: número do segundo modelo da faixa (exige --share)",
        )
        add.add_argument(
            "--share",
            type=int,
            default=None,
            help="teste A/B: porcentagem de clientes no modelo B, de 1 a 99",
        )
        add_user_argument(add)

        listing = add_subcommand(sub, parser, "list", "lista as faixas")
        listing.add_argument("--json", action="store_true")

        remove = add_subcommand(
            sub, parser, "remove", "exclui uma faixa (ou a desativa, se ela tem histórico)"
        )
        remove.add_argument("id", type=int)
        add_user_argument(remove)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_add(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        try:
            saved = ranges.save_range(
                user=user,
                start_day=options["start"],
                end_day=options["end"],
                template=options["template"],
                generation=options["generation"],
                name=options["name"],
                min_balance=options["min_balance"],
                send_boleto=options["boleto"],
                template_b=options["template_b"],
                share=options["share"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        self.stdout.write(str(saved.pk))

    def handle_list(self, options: dict[str, Any]) -> None:
        all_ranges = DelayRange.objects.select_related("template", "template_b").order_by(
            "start_day", "pk"
        )
        if options["json"]:
            self.stdout.write(dumps([ranges.range_json(r) for r in all_ranges]))
            return
        for r in all_ranges:
            state = "ativa" if r.active else "inativa"
            minimum = f", saldo mínimo {money(r.min_balance)}" if r.min_balance > Decimal(0) else ""
            boleto = ", enviar boleto" if r.send_boleto else ""
            if r.template_b is not None:
                boleto += f", modelo B {r.template_b.number} para {r.share}% dos clientes"
            self.stdout.write(
                f"{r.pk:>4}  {r.start_day:>5} a {r.end_day:<5} modelo {r.template.number}  "
                f"{r.get_generation_display():<13} {state:<8} {r.name}{minimum}{boleto}"
            )

    def handle_remove(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        delay_range = DelayRange.objects.filter(pk=options["id"]).first()
        if delay_range is None:
            raise CommandError(f"Faixa {options['id']} não encontrada.", returncode=2)
        description = delay_range.describe()
        if ranges.remove_range(delay_range, user) == "deactivated":
            self.stdout.write(f"Faixa {description} desativada: ela tem histórico de cartas.")
        else:
            self.stdout.write(f"Faixa {description} excluída.")
