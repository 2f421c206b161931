"""Login throttling: repeated failures for one username or one client address lock it for a while.

Failures are rows in the database (``LoginAttempt``), so the limit holds across
web workers and processes. The window slides: an account is locked while it has
``REGUA_LOGIN_MAX_FAILURES`` failures in the last ``REGUA_LOGIN_WINDOW_MINUTES``
minutes, and a client address while it has ``REGUA_LOGIN_MAX_FAILURES_PER_IP``.
Attempts refused while locked are not counted, so the waiting time announced to
the user is the one that holds. A successful login clears the username's failures.
"""

import datetime
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from regua.access.models import LoginAttempt

logger = logging.getLogger("regua.access")


def max_failures() -> int:
    return int(getattr(settings, "REGUA_LOGIN_MAX_FAILURES", 5))


def max_failures_per_ip() -> int:
    # Higher than per username: an office behind one NAT address shares it.
    return int(getattr(settings, "REGUA_LOGIN_MAX_FAILURES_PER_IP", 20))


def window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "REGUA_LOGIN_WINDOW_MINUTES", 15)))


def normalize_username(username: str) -> str:
    """The key failures are counted under: "Ana" and "ana " are one account to an attacker."""
    return username.strip().casefold()[:150]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the header a trusted reverse proxy sets.

    Behind a proxy every request comes from the proxy's address; set
    ``REGUA_CLIENT_IP_HEADER`` (e.g. "HTTP_X_FORWARDED_FOR") so the limit applies
    per client. Of a list, the last entry is the one the proxy itself added.
    """
    if request is None:
        return None
    header = getattr(settings, "REGUA_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    value = request.META.get(header, "") or ""
    candidate = value.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


@dataclass(frozen=True)
class Lock:
    """Why and until when logins are refused."""

    until: datetime.datetime
    by_username: bool
    by_ip: bool

    def minutes_left(self, now: datetime.datetime | None = None) -> int:
        seconds = (self.until - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(seconds / 60))

    def message(self) -> str:
        minutes = self.minutes_left()
        unit = "minuto" if minutes == 1 else "minutos"
        return f"Muitas tentativas de acesso. Tente novamente em {minutes} {unit}."


def _unlocks_at(attempts: QuerySet[LoginAttempt], limit: int) -> datetime.datetime | None:
    """When the failures in the window drop below ``limit``, or None if they are below it."""
    if limit < 1:
        return None
    # The limit-th most recent failure is the one whose expiry brings the count below it.
    nth = attempts.order_by("-attempted_at").values_list("attempted_at", flat=True)[
        limit - 1 : limit
    ]
    found = list(nth)
    return found[0] + window() if found else None


def current_lock(username: str | None, ip: str | None) -> Lock | None:
    """The lock on this username or client address now, if any."""
    since = timezone.now() - window()
    recent = LoginAttempt.objects.filter(attempted_at__gt=since)
    by_username = (
        _unlocks_at(recent.filter(username=normalize_username(username)), max_failures())
        if username
        else None
    )
    by_ip = _unlocks_at(recent.filter(ip_address=ip), max_failures_per_ip()) if ip else None
    if by_username is None and by_ip is None:
        return None
    until = max(t for t in (by_username, by_ip) if t is not None)
    return Lock(until=until, by_username=by_username is not None, by_ip=by_ip is not None)


def record_failure(username: str | None, ip: str | None) -> None:
    """Count one failed login (never the password) and forget failures past the window."""
    now = timezone.now()
    key = normalize_username(username or "")
    LoginAttempt.objects.filter(attempted_at__lte=now - window()).delete()
    LoginAttempt.objects.create(username=key, ip_address=ip, attempted_at=now)
    recent = LoginAttempt.objects.filter(attempted_at__gt=now - window())
    logger.warning(
        "Falha de login do usuário %r a partir de %s (%d falhas do usuário e %d do endereço "
        "nos últimos %d minutos).",
        key,
        ip or "endereço desconhecido",
        recent.filter(username=key).count(),
        recent.filter(ip_address=ip).count() if ip else 0,
        window() // datetime.timedelta(minutes=1),
    )


def clear_failures(username: str) -> None:
    """A successful login: the account's earlier failures no longer count."""
    LoginAttempt.objects.filter(username=normalize_username(username)).delete()
