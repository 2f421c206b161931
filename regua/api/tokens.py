"""API tokens: issuing, checking and revoking them (R11: the API answers only to known users)."""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from regua.api.models import ApiToken
from regua.audit import log

# Every token starts with this, so a leaked one is recognisable in logs and
# by secret scanners; the prefix stored for display is that plus a few characters.
TOKEN_MARK = "regua_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(TOKEN_MARK) + 6
MANAGE_USERS = "audit.manage_users"
# last_used_at is refreshed at most this often, so reading does not write on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(Exception):
    """A request's token is missing, unknown, revoked or belongs to an inactive user."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token_secret() -> str:
    return TOKEN_MARK + secrets.token_urlsafe(32)


def may_manage(actor: User | AnonymousUser | None, owner: User) -> bool:
    """Users manage their own tokens; "gerenciar usuários" manages everyone's.

    ``None`` is the operating-system user on the server's command line, trusted
    as ``manage.py`` is.
    """
    if actor is None:
        return True
    if not actor.is_active:
        return False
    return actor.pk == owner.pk or actor.has_perm(MANAGE_USERS)


def create_token(owner: User, name: str, *, by: str) -> tuple[ApiToken, str]:
    """Issue a token for ``owner``; returns the row and the token, which is never stored."""
    secret = new_token_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            token_hash=hash_token(secret),
            created_by=by,
        )
        log.record(
            by,
            "api_token.create",
            token,
            f"Token de API {token.prefix}… criado para {owner.get_username()}"
            + (f" ({name})" if name else "")
            + ".",
            {"user": owner.get_username(), "name": name, "prefix": token.prefix},
        )
    return token, secret


def revoke_token(token: ApiToken, *, by: str) -> bool:
    """Revoke ``token``; False when it was already revoked (nothing changes then)."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])
        if changed:
            log.record(
                by,
                "api_token.revoke",
                token,
                f"Token de API {token.prefix}… de {token.user.get_username()} revogado.",
                {"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
            )
    return bool(changed)


@sensitive_variables("header", "secret")
def authenticate(header: str | None) -> ApiToken:
    """The token named by an ``Authorization: Bearer …`` header, else TokenRefused.

    The lookup goes by the visible prefix and the hashes are compared with
    hmac.compare_digest, so timing tells nothing about how much of a guess
    was right.
    """
    if not header:
        raise TokenRefused(
            "Autenticação necessária: envie o cabeçalho Authorization: Bearer <token>."
        )
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise TokenRefused("Cabeçalho Authorization inválido: use Authorization: Bearer <token>.")
    digest = hash_token(secret)
    found = None
    candidates = ApiToken.objects.select_related("user").filter(prefix=secret[:PREFIX_LENGTH])
    for candidate in candidates:
        if hmac.compare_digest(candidate.token_hash, digest):
            found = candidate
    if found is None:
        raise TokenRefused("Token de API inválido.")
    if found.revoked_at is not None:
        raise TokenRefused("Token de API revogado.")
    if not found.user.is_active:
        raise TokenRefused("O usuário deste token de API está inativo.")
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found
