"""Counting failed logins and clearing them on success, whoever called ``authenticate``."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from regua.access import throttling


@receiver(user_login_failed, dispatch_uid="regua.access.count_failure")
def count_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; only the username is read.
    given = credentials.get(get_user_model().USERNAME_FIELD, credentials.get("username"))
    username = given if isinstance(given, str) else None
    ip = throttling.client_ip(request)
    if throttling.current_lock(username, ip) is not None:
        # Refused by the lock (the backend logged it): counting it would push the
        # announced waiting time further away.
        return
    throttling.record_failure(username, ip)


@receiver(user_logged_in, dispatch_uid="regua.access.clear_failures")
def clear_failures(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    throttling.clear_failures(user.get_username())
