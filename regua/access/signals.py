"""Clearing failed logins on success, whoever called ``login``.

Failures are counted by the backend itself, before the password is checked
(``regua.access.backends``), not on ``user_login_failed``: by then a burst of
parallel attempts would all have been checked.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from regua.access import throttling


@receiver(user_logged_in, dispatch_uid="regua.access.clear_failures")
def clear_failures(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    throttling.clear_failures(user.get_username())
