"""`regua tokens create|list|revoke`: the API's bearer tokens."""

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from regua.api.models import ApiToken
from regua.api.tokens import create_token, may_manage, revoke_token
from regua.audit.cli import acting_user


def _when(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


class Command(BaseCommand):
    help = "Cria, lista e revoga tokens de API (Authorization: Bearer <token>)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)

        create = actions.add_parser("create", help="cria um token e o mostra uma única vez")
        create.add_argument("--user", dest="owner", required=True, help="dono do token")
        create.add_argument("--name", default="", help="para que serve (ex.: ERP)")
        create.add_argument(
            "--by",
            dest="acting_user",
            default=None,
            help="quem cria (auditoria); padrão: o usuário do sistema",
        )

        listing = actions.add_parser("list", help="lista os tokens (nunca os mostra)")
        listing.add_argument("--user", dest="owner", default=None, help="só os deste usuário")
        listing.add_argument("--json", action="store_true", help="saída em JSON")

        revoke = actions.add_parser("revoke", help="revoga um token pelo seu id")
        revoke.add_argument("id", type=int)
        revoke.add_argument(
            "--user",
            "--by",
            dest="acting_user",
            default=None,
            help="quem revoga (auditoria); padrão: o usuário do sistema",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options)
        elif action == "list":
            self.list(options)
        else:
            self.revoke(options)

    def _actor(self, options: dict[str, Any]) -> tuple[str, User | None]:
        """The name recorded and, when it is a Régua user, that user (R11)."""
        name = acting_user(options)
        user = get_user_model().objects.filter(username=options.get("acting_user") or "").first()
        return name, user

    def _refuse(self, name: str, owner: User) -> CommandError:
        return CommandError(
            f"O usuário {name!r} não pode gerenciar os tokens de {owner.get_username()!r}: "
            "é preciso a permissão Pode gerenciar usuários (audit.manage_users).",
            returncode=2,
        )

    def create(self, options: dict[str, Any]) -> None:
        owner = get_user_model().objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"Usuário {options['owner']!r} não encontrado.", returncode=2)
        if not owner.is_active:
            raise CommandError(f"O usuário {options['owner']!r} está inativo.", returncode=2)
        name, actor = self._actor(options)
        if not may_manage(actor, owner):
            raise self._refuse(name, owner)
        token, secret = create_token(owner, options["name"], by=name)
        self.stderr.write(
            f"Token {token.id} criado para {owner.get_username()}. "
            "Guarde-o agora: ele não será mostrado de novo."
        )
        self.stdout.write(secret)

    def list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("id")
        if options["owner"]:
            tokens = tokens.filter(user__username=options["owner"])
        rows = [
            {
                "id": t.id,
                "user": t.user.get_username(),
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in tokens
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("Nenhum token de API.")
            return
        for row in rows:
            state = f"revogado em {row['revoked_at']}" if row["revoked_at"] else "ativo"
            used = row["last_used_at"] or "nunca usado"
            self.stdout.write(
                f"{row['id']}\t{row['user']}\t{row['prefix']}…\t{row['name'] or '-'}\t"
                f"criado em {row['created_at']}\t{used}\t{state}"
            )

    def revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"Token {options['id']} não encontrado.", returncode=2)
        name, actor = self._actor(options)
        if not may_manage(actor, token.user):
            raise self._refuse(name, token.user)
        if revoke_token(token, by=name):
            self.stdout.write(f"Token {token.id} ({token.prefix}…) revogado.")
        else:
            self.stdout.write(f"Token {token.id} ({token.prefix}…) já estava revogado.")
