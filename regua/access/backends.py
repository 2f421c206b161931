"""Authentication with throttling of repeated failures (see ``regua.access.throttling``)."""

import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from regua.access import throttling

logger = logging.getLogger("regua.access")


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, refusing every attempt while the username or address is locked.

    Raising PermissionDenied makes Django stop trying other backends and send
    ``user_login_failed``; the right password is refused as well, or locking
    would tell an attacker when a guess was right.

    The attempt is counted before the password is checked
    (``throttling.reserve_attempt``), so parallel attempts cannot all pass the
    check of the lock before any of them is counted.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        ip = throttling.client_ip(request)
        attempt = self.reserve(ip, username)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        self.settle(attempt, user, ip, username)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        ip = throttling.client_ip(request)
        attempt = await sync_to_async(self.reserve)(ip, username)
        user = await super().aauthenticate(request, username=username, password=password, **kwargs)
        await sync_to_async(self.settle)(attempt, user, ip, username)
        return user

    @staticmethod
    def settle(attempt: int, user: User | None, ip: str | None, username: str | None) -> None:
        if user is None:
            throttling.record_failure(username, ip)
        else:
            throttling.release_attempt(attempt)

    @staticmethod
    def reserve(ip: str | None, username: str | None) -> int:
        """The reserved attempt's id; PermissionDenied with the lock's message while locked."""
        try:
            return throttling.reserve_attempt(username, ip)
        except throttling.Locked as locked:
            lock = locked.lock
        logger.warning(
            "Login recusado por excesso de tentativas: usuário %r a partir de %s "
            "(bloqueio por %s por mais %d minutos).",
            throttling.normalize_username(username or ""),
            ip or "endereço desconhecido",
            " e ".join(
                what for what, on in (("usuário", lock.by_username), ("endereço", lock.by_ip)) if on
            ),
            lock.minutes_left(),
        )
        raise PermissionDenied(lock.message())
