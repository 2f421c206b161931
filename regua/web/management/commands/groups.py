"""regua groups sync|list: the three seeded groups and their permissions (R11)."""

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from regua.web.groups import GROUPS, sync_groups


class Command(BaseCommand):
    help = "Grupos de usuários (Operador, Supervisor, Administrador) e suas permissões."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        actions.add_parser("sync", help="cria os grupos e restaura as suas permissões")
        actions.add_parser("list", help="mostra os grupos, permissões e usuários")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync":
            missing = sync_groups()
            for name, perms in missing.items():
                self.stderr.write(f"{name}: permissões ainda inexistentes: {', '.join(perms)}")
            self.stdout.write(f"{len(GROUPS)} grupos sincronizados.")
            return
        for name in GROUPS:
            group = Group.objects.filter(name=name).first()
            if group is None:
                self.stdout.write(f"{name}: não existe (rode `regua groups sync`)")
                continue
            perms = sorted(
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            )
            users = sorted(group.user_set.values_list("username", flat=True))
            self.stdout.write(f"{name}: {', '.join(perms)}")
            self.stdout.write(f"  usuários: {', '.join(users) or '—'}")
