"""The figures the reliability tests measure, kept as JSON for docs/RELIABILITY.md.

Each file under ``artifacts/reliability/`` (git-ignored) maps a key such as
``"postgresql/10x2000"`` to the latest figures measured with that database
and size, so the ordinary and the slow suite do not overwrite each other.
"""

import json
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "artifacts" / "reliability"


def record(name: str, key: str, figures: dict[str, Any]) -> Path:
    """Store ``figures`` under ``<database>/<key>`` in ``artifacts/reliability/<name>.json``."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"{connection.vendor}/{key}"] = {**figures, "database": connection.vendor}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path
