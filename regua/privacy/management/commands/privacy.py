"""`regua privacy export|redact|prune`: a customer's LGPD requests and the history's retention."""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError
from django.utils import timezone

from regua import ptbr
from regua.audit.cli import acting_user, add_user_argument
from regua.privacy import export, redaction, retention
from regua.receivables.models import Customer

PERMISSION = "audit.manage_users"

PRUNE_HELP = (
    "apaga as cartas em estado final (enviada, falhou, descartada, não enviada) criadas há "
    "mais que o período de retenção, com seus títulos de carta, e as emissões que ficarem "
    "vazias; cartas pendentes, em revisão, enviando, em nova tentativa ou incertas nunca são "
    "apagadas. Atenção: apagar os títulos de uma carta libera o bloqueio de reenvio (R5) "
    "daquela faixa — um título ainda aberto, com o mesmo vencimento e ainda dentro da faixa, "
    "poderá receber de novo a carta dessa faixa. Por isso só o histórico final e antigo é apagado."
)


class Command(BaseCommand):
    help = "LGPD: exporta ou remove os dados pessoais de um cliente; apaga o histórico antigo."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="AÇÃO")

        p = actions.add_parser(
            "export",
            help="grava em FILE (JSON; '-' para a saída padrão) tudo o que o Régua guarda "
            "sobre o cliente: cadastro, títulos, cartas com destinatários, textos e situações",
        )
        p.add_argument("--customer", required=True, metavar="CODE", help="código do cliente")
        p.add_argument("file", metavar="FILE")
        add_user_argument(p)

        p = actions.add_parser(
            "redact",
            help="remove os dados pessoais do cliente (nome, documento, e-mails, telefone, "
            "endereço) e, nas suas cartas, destinatários, assunto, textos e PDF; mantém valores, "
            "datas, faixas, situações e títulos; registra na auditoria",
        )
        p.add_argument("--customer", required=True, metavar="CODE", help="código do cliente")
        p.add_argument(
            "--reason", required=True, help="motivo (por exemplo, o protocolo do pedido)"
        )
        add_user_argument(p)

        p = actions.add_parser(
            "prune",
            help=PRUNE_HELP,
            description=PRUNE_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            metavar="N",
            help="período de retenção em dias; padrão: REGUA_HISTORY_RETENTION_DAYS "
            f"({retention.DEFAULT_RETENTION_DAYS} se não configurado)",
        )
        p.add_argument(
            "--dry-run", action="store_true", help="só conta o que seria apagado, sem apagar"
        )
        add_user_argument(p)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        user = acting_user(options, PERMISSION)
        if action == "export":
            self.export(options["customer"], options["file"], user)
        elif action == "redact":
            self.redact(options["customer"], options["reason"], user)
        else:
            self.prune(options["older_than_days"], options["dry_run"], user)

    def customer(self, code: str) -> Customer:
        customer = Customer.objects.filter(code=code).first()
        if customer is None:
            raise CommandError(f"Cliente com código {code!r} não encontrado.")
        return customer

    def export(self, code: str, destination: str, user: str) -> None:
        data = export.export_customer(self.customer(code), user=user)
        try:
            export.write_json(data, destination)
        except OSError as error:
            raise CommandError(
                f"Não foi possível gravar {destination}: {error.strerror}."
            ) from None
        # With "-" the JSON owns standard output; the summary goes to the error stream.
        out = self.stderr if destination == "-" else self.stdout
        where = "a saída padrão" if destination == "-" else destination
        out.write(
            f"Dados do cliente {code} exportados para {where}: "
            f"{ptbr.count(len(data['receivables']), 'título', 'títulos')}, "
            f"{ptbr.count(len(data['notices']), 'carta', 'cartas')}."
        )

    def redact(self, code: str, reason: str, user: str) -> None:
        try:
            result = redaction.redact_customer(self.customer(code), reason=reason, user=user)
        except redaction.RedactionRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Dados pessoais do cliente {code} removidos: "
            f"{ptbr.count(result.notices, 'carta', 'cartas')} "
            f"(sem destinatários, textos e {ptbr.count(result.pdfs_removed, 'PDF', 'PDFs')}), "
            f"{ptbr.count(result.audit_entries, 'registro', 'registros')} de auditoria; "
            f"{ptbr.count(result.receivables_kept, 'título mantido', 'títulos mantidos')} "
            "com valores e datas."
        )

    def prune(self, days: int | None, dry_run: bool, user: str) -> None:
        try:
            result = retention.prune_history(older_than_days=days, dry_run=dry_run, user=user)
        except ValueError as error:
            raise CommandError(str(error)) from None
        except ProtectedError as error:
            raise CommandError(
                f"Não foi possível apagar o histórico: outros registros dependem dele ({error})."
            ) from None
        cutoff = f"{timezone.localtime(result.cutoff):%d/%m/%Y}"
        verb = ptbr.plural(
            result.notices,
            *(("seria apagada", "seriam apagadas") if dry_run else ("apagada", "apagadas")),
        )
        self.stdout.write(
            f"Histórico anterior a {cutoff} (retenção de {result.older_than_days} dias): "
            f"{ptbr.count(result.notices, 'carta', 'cartas')} {verb}, "
            f"com {ptbr.count(result.items, 'título', 'títulos')} de cartas, "
            f"e {ptbr.count(result.runs, 'emissão', 'emissões')} sem cartas."
        )
        if dry_run:
            self.stdout.write("Simulação (--dry-run): nada foi apagado.")
