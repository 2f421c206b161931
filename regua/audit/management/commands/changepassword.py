"""Django's changepassword, written to Régua's audit log (R11: every user change)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from regua.audit.cli import acting_user
from regua.audit.log import record


class Command(changepassword.Command):
    def handle(self, *args: Any, **options: Any) -> str | None:
        message = super().handle(*args, **options)
        name = options.get("username") or acting_user({})
        user = (
            get_user_model()
            ._default_manager.db_manager(options["database"])
            .get(**{get_user_model().USERNAME_FIELD: name})
        )
        record(
            acting_user({}),
            "user.password_changed",
            user,
            description=f"Senha de {name} trocada pela linha de comando",
            changes={"password": "changed"},
        )
        return message
