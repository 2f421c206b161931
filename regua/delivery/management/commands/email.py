"""regua email configure|show|test|branch: "Configurar e-mail para envio" (routine 1213)."""

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regua.audit.cli import acting_user, add_user_argument
from regua.delivery.configuration import (
    ConfigurationError,
    configure_branch_sender,
    configure_email,
)
from regua.delivery.encryption import EncryptionError
from regua.delivery.models import BranchSender, EmailMode, EmailSettings, Security
from regua.delivery.smtp import send_test_message
from regua.receivables.models import Branch

PERMISSION = "delivery.configure_email"


def _read_password() -> str:
    """The password from standard input: one line, typed without echo on a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass("Senha do e-mail: ")
    return sys.stdin.readline().rstrip("\r\n")


class Command(BaseCommand):
    help = "Configura e testa o envio de e-mail (servidor, segurança, remetente, cópias)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)

        configure = actions.add_parser(
            "configure", help="salva a configuração (o que não for informado fica como está)"
        )
        configure.add_argument("--host", help="servidor SMTP")
        configure.add_argument("--port", type=int, help="porta (587 starttls, 465 ssl, 25)")
        configure.add_argument("--security", choices=Security.values, help="none, starttls ou ssl")
        configure.add_argument("--ca-file", help="arquivo PEM da CA de um certificado próprio")
        configure.add_argument("--username", help="usuário (vazio: sem autenticação)")
        configure.add_argument(
            "--password-stdin",
            action="store_true",
            help="lê a senha da entrada padrão (nunca pela linha de comando)",
        )
        configure.add_argument("--no-password", action="store_true", help="remove a senha guardada")
        configure.add_argument("--from-email", help="e-mail do remetente")
        configure.add_argument("--from-name", help="nome do remetente")
        configure.add_argument("--reply-to", help="responder para")
        configure.add_argument("--cc", help="cópia (Cc), separados por ; ou ,")
        configure.add_argument("--bcc", help="cópia oculta (Cco), separados por ; ou ,")
        configure.add_argument("--timeout", type=int, help="tempo limite em segundos")
        configure.add_argument("--rate", type=int, help="mensagens por minuto (0: sem limite)")
        configure.add_argument(
            "--capture",
            action="store_true",
            help="guarda as mensagens no banco em vez de enviar (demonstração)",
        )
        add_user_argument(configure)

        show = actions.add_parser("show", help="mostra a configuração (nunca a senha)")
        add_user_argument(show)

        test = actions.add_parser("test", help="envia uma mensagem de teste")
        test.add_argument("--to", required=True, metavar="ADDRESS", help="destinatário")
        add_user_argument(test)

        branch = actions.add_parser("branch", help="remetente próprio de uma filial")
        branch.add_argument("code", help="código da filial")
        branch.add_argument("--from-name", default=None)
        branch.add_argument("--from-email", default=None)
        branch.add_argument("--reply-to", default=None)
        branch.add_argument("--signature", default=None, help="assinatura no fim das mensagens")
        branch.add_argument("--clear", action="store_true", help="volta ao remetente padrão")
        add_user_argument(branch)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_configure(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        names = {
            "host": "host",
            "port": "port",
            "security": "security",
            "ca_file": "ca_file",
            "username": "username",
            "from_email": "from_email",
            "from_name": "from_name",
            "reply_to": "reply_to",
            "cc": "cc",
            "bcc": "bcc",
            "timeout": "timeout",
            "rate": "rate_per_minute",
        }
        fields = {
            field: options[option] for option, field in names.items() if options[option] is not None
        }
        fields["mode"] = EmailMode.CAPTURE if options["capture"] else EmailMode.SMTP
        password = None
        if options["password_stdin"]:
            password = _read_password()
            if not password:
                raise CommandError("Senha vazia na entrada padrão.", returncode=2)
        elif options["no_password"]:
            password = ""
        try:
            cfg = configure_email(user, password=password, **fields)
        except (ConfigurationError, EncryptionError) as e:
            raise CommandError(str(e), returncode=2) from None
        self.stdout.write("Configuração de e-mail salva.")
        self._show(cfg)

    def handle_show(self, options: dict[str, Any]) -> None:
        acting_user(options, PERMISSION)
        self._show(EmailSettings.load())

    def _show(self, cfg: EmailSettings) -> None:
        if cfg.captures:
            self.stdout.write("Modo: captura (as mensagens ficam no Régua, não são enviadas)")
        else:
            self.stdout.write(f"Servidor: {cfg.host or '(não configurado)'}:{cfg.port}")
        self.stdout.write(f"Segurança: {cfg.get_security_display()}")
        if cfg.ca_file:
            self.stdout.write(f"CA: {cfg.ca_file}")
        self.stdout.write(f"Usuário: {cfg.username or '(sem autenticação)'}")
        self.stdout.write(
            "Senha: " + ("guardada (criptografada)" if cfg.has_password else "nenhuma")
        )
        sender = f"{cfg.from_name} <{cfg.from_email}>" if cfg.from_name else cfg.from_email
        self.stdout.write(f"Remetente: {sender or '(não configurado)'}")
        for label, value in (
            ("Responder para", cfg.reply_to),
            ("Cópia", cfg.cc),
            ("Cópia oculta", cfg.bcc),
        ):
            if value:
                self.stdout.write(f"{label}: {value}")
        self.stdout.write(f"Tempo limite: {cfg.timeout} s")
        rate = f"{cfg.rate_per_minute} por minuto" if cfg.rate_per_minute else "sem limite"
        self.stdout.write(f"Limite de envio: {rate}")
        for sender_override in BranchSender.objects.select_related("branch"):
            self.stdout.write(f"Filial {sender_override}")

    def handle_test(self, options: dict[str, Any]) -> None:
        acting_user(options, PERMISSION)
        ok, message = send_test_message(options["to"])
        if ok:
            self.stdout.write(message)
            return
        self.stderr.write(message)
        raise SystemExit(1)

    def handle_branch(self, options: dict[str, Any]) -> None:
        user = acting_user(options, PERMISSION)
        branch = Branch.objects.filter(code=options["code"]).first()
        if branch is None:
            raise CommandError(f"Filial {options['code']!r} não encontrada.", returncode=2)
        if options["clear"]:
            fields = dict.fromkeys(("from_name", "from_email", "reply_to", "signature"), "")
        else:
            current = BranchSender.objects.filter(branch=branch).first()
            fields = {
                name: options[name]
                if options[name] is not None
                else (getattr(current, name) if current else "")
                for name in ("from_name", "from_email", "reply_to", "signature")
            }
        try:
            sender = configure_branch_sender(user, branch, **fields)
        except ConfigurationError as e:
            raise CommandError(str(e), returncode=2) from None
        if sender is None:
            self.stdout.write(f"Filial {branch.code}: remetente padrão.")
        else:
            self.stdout.write(f"Filial {sender}")
