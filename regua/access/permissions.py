"""Who may act (R11): one rule for pages, the API, commands and the engine's own functions."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.core.exceptions import PermissionDenied

User = AbstractBaseUser | AnonymousUser | str


def permission_label(perm: str) -> str:
    """The permission's name as users know it ("Pode configurar e-mail para envio")."""
    app_label, codename = perm.split(".", 1)
    found = (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .values_list("name", flat=True)
        .first()
    )
    return found or perm


def actor_name(user: User, permission: str) -> str:
    """The name to record for ``user``, who must hold ``permission`` ("app_label.codename").

    A page or API call passes its user object. The command line passes a
    name: a Régua user of that name must be active and hold the permission;
    any other name is the operating-system user, trusted as ``manage.py`` is.
    Raises PermissionDenied with a Portuguese message naming the permission.
    """
    if isinstance(user, str):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            return user
        if not account.is_active:
            raise PermissionDenied(f"O usuário {user!r} está inativo.")
        if not account.has_perm(permission):
            raise PermissionDenied(
                f"O usuário {user!r} não tem a permissão necessária: "
                f"{permission_label(permission)} ({permission})."
            )
        return user
    has_perm = getattr(user, "has_perm", None)
    if not user.is_authenticated or not user.is_active or has_perm is None:
        raise PermissionDenied("É preciso entrar com um usuário ativo.")
    if not has_perm(permission):
        raise PermissionDenied(
            f"Sem a permissão necessária: {permission_label(permission)} ({permission})."
        )
    return user.get_username()


SUPERUSER_ONLY = "Só um superusuário pode alterar outro superusuário."


def check_may_change_user(actor: User, target: AbstractBaseUser) -> None:
    """Refuse (PermissionDenied) when ``actor`` is not a superuser and ``target`` is one.

    Managing users (``audit.manage_users``) lets an Administrador deactivate
    accounts and change their e-mail; over a superuser that would let them
    lock out, or take over through a password reset, the account above
    their own. A name (the command line) that is no Régua user is the
    operating-system user, trusted as ``manage.py`` is.
    """
    if not getattr(target, "is_superuser", False):
        return
    if isinstance(actor, str):
        account = get_user_model().objects.filter(username=actor).first()
        if account is None:
            return
        actor = account
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(SUPERUSER_ONLY)
