"""Django's createsuperuser, written to Régua's audit log (R11: every user change)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from regua.audit.cli import acting_user
from regua.audit.log import record


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        before = set(users.values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in users.exclude(pk__in=before):
            record(
                acting_user({}),
                "user.created",
                user,
                description=f"Superusuário {user.get_username()} criado pela linha de comando",
                changes={"is_superuser": [None, "True"]},
            )
