"""deploy/: the systemd units verify, and the Containerfile's install script installs a
working `regua` into a fresh folder (no image can be built here; its steps can be run)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def verify(units: list[Path], regua: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """``systemd-analyze verify`` of the units, their ``regua`` pointed at ``regua``."""
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in units:
        text = unit.read_text().replace("/opt/regua/venv/bin/regua", regua)
        (folder / unit.name).write_text(text)
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=false", *sorted(str(p) for p in folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_systemd_units_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze não está disponível")
    assert {u.name for u in UNITS} >= {
        "regua.service",
        "regua-web.service",
        "regua-worker@.service",
        "regua-inbox.service",
        "regua-rqworker.service",
    }
    done = verify(UNITS, str(Path(sys.executable).parent / "regua"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""


def test_the_containerfile_installs_with_the_tested_script():
    text = (DEPLOY / "Containerfile").read_text()
    assert "/src/deploy/install.sh /src" in text
    assert 'CMD ["regua", "serve", "--bind", "0.0.0.0:8000", "--log-json"]' in text


@pytest.mark.slow
def test_the_install_script_gives_a_working_regua_in_a_fresh_folder(tmp_path):
    uv = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        pytest.skip("uv não está disponível")
    prefix, data = tmp_path / "opt", tmp_path / "data"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("VIRTUAL_ENV", "DATABASE", "PYTHONPATH"))
        },
        "REGUA_PREFIX": str(prefix),
        "REGUA_DATA_DIR": str(data),
        "UV": uv,
        "PYTHON": sys.executable,
    }
    installed = subprocess.run(
        [str(DEPLOY / "install.sh"), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    regua = prefix / "venv" / "bin" / "regua"
    # The installed code is a copy, not this working tree.
    where = subprocess.run(
        [str(prefix / "venv" / "bin" / "python"), "-c", "import regua; print(regua.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert str(prefix) in where.stdout
    migrated = subprocess.run(
        [str(regua), "migrate"], env=env, capture_output=True, text=True, timeout=600
    )
    assert migrated.returncode == 0, migrated.stderr
    assert (data / "regua.sqlite3").exists()
    status = subprocess.run(
        [str(regua), "status", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert '"database": "ok"' in status.stdout
    if shutil.which("systemd-analyze"):
        checked = verify(UNITS, str(regua), tmp_path)
        assert checked.returncode == 0, checked.stderr
