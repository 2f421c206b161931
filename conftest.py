import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def database_url() -> str:
    """The URL of the database the current test is using, for child processes."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def regua_cli(transactional_db):
    """Run the real `regua` console script against the test database.

    Needs committed data, hence ``transactional_db``. Returns a function taking
    the arguments and returning the CompletedProcess (text mode).
    """

    def run(*args: str, input: str | None = None, timeout: float = 120, **env: str):
        child_env = {**os.environ, "DATABASE_URL": database_url(), **env}
        return subprocess.run(
            [str(Path(sys.executable).parent / "regua"), *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env,
            cwd=ROOT,
        )

    return run
