"""Who acts on templates and notices, checked on the server whatever the path (R11)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

User = AbstractBaseUser | AnonymousUser | str


def actor_name(user: User, permission: str) -> str:
    """The name to record for ``user``, who must hold ``permission`` ("app_label.codename").

    A web or API caller passes its user object. The command line passes the
    name ``regua.audit.cli.acting_user`` returned: a Régua user of that name
    must hold the permission; any other name is the operating-system user,
    trusted as ``manage.py`` is.
    """
    if isinstance(user, str):
        account = get_user_model().objects.filter(username=user).first()
        if account is not None and not (account.is_active and account.has_perm(permission)):
            raise PermissionDenied(f"O usuário {user!r} não tem a permissão {permission}.")
        return user
    has_perm = getattr(user, "has_perm", None)
    if not user.is_authenticated or has_perm is None or not has_perm(permission):
        raise PermissionDenied(f"Sem a permissão {permission}.")
    return user.get_username()
