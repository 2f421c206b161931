"""Django's changepassword, written to Régua's audit log (R11: every user change).

With ``--user NAME`` naming a Régua user, that user must manage users, and
only a superuser may change a superuser's password (as on the pages).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser

from regua.access.permissions import check_may_change_user
from regua.audit.cli import acting_user, add_user_argument
from regua.audit.log import record


class Command(changepassword.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> str | None:
        actor = acting_user(options, "audit.manage_users")
        name = options.get("username") or actor
        manager = get_user_model()._default_manager.db_manager(options["database"])
        target = manager.filter(**{get_user_model().USERNAME_FIELD: name}).first()
        if target is not None:
            try:
                check_may_change_user(actor, target)
            except PermissionDenied as denied:
                raise CommandError(str(denied), returncode=2) from None
        message = super().handle(*args, **options)
        user = manager.get(**{get_user_model().USERNAME_FIELD: name})
        record(
            actor,
            "user.password_changed",
            user,
            description=f"Senha de {name} trocada pela linha de comando",
            changes={"password": "changed"},
        )
        return message
