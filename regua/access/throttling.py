"""Login throttling: repeated failures for one username or one client address lock it for a while.

Failures are rows in the database (``LoginAttempt``), so the limit holds across
web workers and processes. The window slides: an account is locked while it has
``REGUA_LOGIN_MAX_FAILURES`` failures in the last ``REGUA_LOGIN_WINDOW_MINUTES``
minutes, and a client address while it has ``REGUA_LOGIN_MAX_FAILURES_PER_IP``.
Attempts refused while locked are not counted, so the waiting time announced to
the user is the one that holds. A successful login clears the username's failures.

An attempt is reserved before its password is checked (``reserve_attempt``): the
count and the insert happen in one transaction under a lock on the username and
the address, so a burst of parallel logins gets exactly as many password checks
as the limits leave, never one more. A wrong password leaves its reservation as
the failure; a right one gives it back.
"""

import datetime
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
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


class Locked(Exception):
    """Logins for this username or address are refused now; ``lock`` says until when."""

    def __init__(self, lock: Lock) -> None:
        super().__init__(lock.message())
        self.lock = lock


# Keys of PostgreSQL's advisory locks: one space for usernames, one for addresses.
_USERNAME_LOCK_SPACE = 0x52_47_55
_IP_LOCK_SPACE = 0x52_47_49


def _serialise(key: str, ip: str | None) -> None:
    """Make reservations for this username and address wait for each other.

    On SQLite the transaction already holds the database's write lock from its
    BEGIN IMMEDIATE. PostgreSQL's READ COMMITTED would let two transactions each
    miss the other's insert, so both take advisory locks, the username's first.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_USERNAME_LOCK_SPACE, key]
        )
        if ip:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_IP_LOCK_SPACE, ip])


def reserve_attempt(username: str | None, ip: str | None) -> int:
    """Count this attempt before its password is checked; the id of the row that counts it.

    Raises ``Locked`` (and counts nothing) while the username or address is locked.
    """
    key = normalize_username(username or "")
    with transaction.atomic():
        _serialise(key, ip)
        now = timezone.now()
        LoginAttempt.objects.filter(attempted_at__lte=now - window()).delete()
        attempt = LoginAttempt.objects.create(username=key, ip_address=ip, attempted_at=now)
        recent = LoginAttempt.objects.filter(attempted_at__gt=now - window())
        over_username = 0 < max_failures() < recent.filter(username=key).count()
        over_ip = bool(ip) and 0 < max_failures_per_ip() < recent.filter(ip_address=ip).count()
        if over_username or over_ip:
            # Locked: this attempt must not push the announced end of the lock further.
            attempt.delete()
            lock = current_lock(username, ip) or Lock(
                until=now + window(), by_username=over_username, by_ip=over_ip
            )
            raise Locked(lock)
    return attempt.pk


def record_failure(username: str | None, ip: str | None) -> None:
    """The reserved attempt's password was wrong: its row stays as the failure (never the password)."""
    key = normalize_username(username or "")
    recent = LoginAttempt.objects.filter(attempted_at__gt=timezone.now() - window())
    logger.warning(
        "Falha de login do usuário %r a partir de %s (%d falhas do usuário e %d do endereço "
        "nos últimos %d minutos).",
        key,
        ip or "endereço desconhecido",
        recent.filter(username=key).count(),
        recent.filter(ip_address=ip).count() if ip else 0,
        window() // datetime.timedelta(minutes=1),
    )


def release_attempt(attempt_id: int) -> None:
    """The reserved attempt's password was right: it is not a failure."""
    LoginAttempt.objects.filter(pk=attempt_id).delete()


def clear_failures(username: str) -> None:
    """A successful login: the account's earlier failures no longer count."""
    LoginAttempt.objects.filter(username=normalize_username(username)).delete()
