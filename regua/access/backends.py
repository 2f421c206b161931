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
        self.refuse_if_locked(request, username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        await sync_to_async(self.refuse_if_locked)(request, username)
        return await super().aauthenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def refuse_if_locked(request: HttpRequest | None, username: str | None) -> None:
        ip = throttling.client_ip(request)
        lock = throttling.current_lock(username, ip)
        if lock is None:
            return
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
