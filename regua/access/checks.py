"""`regua check --deploy`: the data folder must not be readable by other local accounts."""

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connections


def _open_to_others(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


@register(Tags.security, deploy=True)
def data_folder_is_private(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when the data folder, or the SQLite database, is open to the group or to others.

    Folders created by Régua are 700 and its files 600; a folder made by hand or
    by an older version may be 755 with a 644 database beside the keys.
    """
    folder = Path(settings.DATA_DIR)
    found: list[CheckMessage] = []
    if _open_to_others(folder):
        found.append(
            Warning(
                f"A pasta de dados {folder} pode ser lida por outros usuários do servidor; "
                "ela guarda o banco de dados, as chaves e os arquivos importados.",
                hint=f"chmod 700 {folder}",
                id="regua.W001",
            )
        )
    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        name = Path(str(database["NAME"]))
        exposed = [
            path
            for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm"))
            if _open_to_others(path)
        ]
        if exposed:
            found.append(
                Warning(
                    "O banco de dados pode ser lido por outros usuários do servidor: "
                    + ", ".join(str(path) for path in exposed)
                    + ".",
                    hint="chmod 600 " + " ".join(str(path) for path in exposed),
                    id="regua.W002",
                )
            )
    return found
