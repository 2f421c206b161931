"""Who is acting on the command line (R11): ``--user NAME``, else the OS user."""

import argparse
import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from regua.access.permissions import actor_name


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        dest="acting_user",
        default=None,
        help="quem executa (registrado no histórico e na auditoria); padrão: o usuário do sistema",
    )


def acting_user(options: dict, permission: str | None = None) -> str:
    """The name recorded for this command.

    When ``--user`` names a Régua user, that user must hold ``permission``
    ("app_label.codename"): the command line gets no way around R11. Without
    ``--user`` the operating-system user is recorded; whoever has a shell on
    the server is trusted as ``manage.py`` is.
    """
    name = options.get("acting_user")
    if not name:
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return os.environ.get("USER", "sistema")
    try:
        if permission:
            return actor_name(name, permission)
        user = get_user_model().objects.filter(username=name).first()
        if user is not None and not user.is_active:
            raise PermissionDenied(f"O usuário {name!r} está inativo.")
    except PermissionDenied as denied:
        raise CommandError(str(denied), returncode=2) from None
    return name
