"""The `regua` console script: the project's manage.py.

Two failures of the machine, not of the command, end every command with a
message instead of a traceback, each with an exit status of its own
(documented in the README; 2 stays "bad arguments or configuration"):

- 75 (EX_TEMPFAIL): another process holds SQLite's write lock past the wait;
  nothing was changed, try again in a moment.
- 74 (EX_IOERR): the disk is full (or failing) while writing; the
  transaction was rolled back, so nothing is half-written.

Every command pays Django's start (settings, then every app and model:
about a third of a second), except the answers that need none of it:
``regua --version`` (and ``regua version``) prints Django's version as
Django's own would, and ``regua``, ``regua help``, ``regua --help``, ``regua -h``
and ``regua help --commands`` list the commands from the installed apps'
``management/commands`` folders without importing any model. The text is
Django's own, made by its ``ManagementUtility``; anything else (another
argument, ``--settings``, shell completion, settings that do not load, an app
named by its AppConfig class) goes the ordinary way.
"""

import errno
import importlib.util
import os
import shutil
import sys
from collections.abc import Sequence

LOCKED_STATUS = 75
DISK_STATUS = 74

LOCKED_MESSAGE = (
    "Outra operação está gravando no banco de dados neste momento e não terminou a tempo; "
    "nada foi alterado. Tente de novo em alguns instantes."
)
FULL_MESSAGE = (
    "Não há espaço em disco para gravar; nada foi gravado pela metade. "
    "Libere espaço no disco e tente de novo."
)
IO_MESSAGE = (
    "Erro de leitura ou gravação no disco (cheio ou com defeito); nada foi gravado pela metade. "
    "Verifique o disco e tente de novo."
)

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def machine_failure(error: BaseException) -> tuple[int, str] | None:
    """The exit status and message for a locked database or a full disk, else None."""
    for cause in _chain(error):
        if isinstance(cause, OSError) and cause.errno in _FULL_ERRNOS:
            return DISK_STATUS, FULL_MESSAGE
        text = str(cause).lower()
        # SQLite's own words (sqlite3.OperationalError, and Django's wrapper of it).
        if "database is locked" in text or "database table is locked" in text:
            return LOCKED_STATUS, LOCKED_MESSAGE
        if "database or disk is full" in text:
            return DISK_STATUS, FULL_MESSAGE
        if "disk i/o error" in text:
            return DISK_STATUS, IO_MESSAGE
        # PostgreSQL: SQLSTATE 53100 (disk_full).
        if getattr(cause, "sqlstate", None) == "53100" or "no space left on device" in text:
            return DISK_STATUS, FULL_MESSAGE
    return None


def quick_answer(argv: Sequence[str]) -> str | None:
    """What ``argv`` prints when it needs no app loaded (module docstring), else None."""
    args = list(argv[1:])
    if os.environ.get("DJANGO_AUTO_COMPLETE"):
        return None
    if args[:1] == ["version"] or args == ["--version"]:
        import django

        return django.get_version()
    if args in ([], ["help"], ["--help"], ["-h"]):
        return _help_text(argv, commands_only=False)
    if args == ["help", "--commands"]:
        return _help_text(argv, commands_only=True)
    return None


def _help_text(argv: Sequence[str], *, commands_only: bool) -> str | None:
    """Django's main help, with the commands found as ``get_commands`` finds them.

    ``get_commands`` walks the app registry, which ``django.setup()`` fills by
    importing every model; the folders it walks are known from the installed
    modules' locations alone.
    """
    from django.conf import settings
    from django.core import management

    try:
        installed = list(settings.INSTALLED_APPS)
    except Exception:  # noqa: BLE001 - Django's own path says what is wrong
        return None
    commands = dict.fromkeys(management.find_commands(management.__path__[0]), "django.core")
    for entry in reversed(installed):
        try:
            spec = importlib.util.find_spec(entry)
        except (ImportError, ValueError):
            return None
        locations = list(dict.fromkeys(spec.submodule_search_locations or [])) if spec else []
        if len(locations) != 1:
            return None  # an AppConfig class, or no package: Django's own path
        folder = os.path.join(locations[0], "management")
        commands.update(dict.fromkeys(management.find_commands(folder), entry))
    utility = management.ManagementUtility(list(argv))
    own = management.get_commands
    management.get_commands = lambda: commands
    try:
        return utility.main_help_text(commands_only=commands_only)
    finally:
        management.get_commands = own


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regua.settings")
    answer = quick_answer(sys.argv)
    if answer is not None:
        sys.stdout.write(answer + "\n")
        return
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as error:
        failure = machine_failure(error)
        if failure is None or "--traceback" in sys.argv:
            raise
        status, message = failure
        if message == IO_MESSAGE and _data_disk_full():
            message = FULL_MESSAGE
        sys.stderr.write(f"Erro: {message}\n")
        sys.exit(status)


def _data_disk_full() -> bool:
    """Whether the data folder's disk has next to nothing left (SQLite then says "disk I/O error")."""
    try:
        from django.conf import settings

        return shutil.disk_usage(settings.DATA_DIR).free < 1024 * 1024
    except Exception:  # the message stays the general one
        return False


if __name__ == "__main__":
    main()
