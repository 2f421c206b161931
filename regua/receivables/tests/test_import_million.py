"""A million títulos through the real command, within the memory budget (slow suite)."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from regua import ptbr
from regua.receivables.models import Receivable
from regua.receivables.tests.helpers import BRANCHES_CSV

ROWS = 1_000_000
MEMORY_LIMIT_MB = 300


def write_titulos(path, rows: int) -> None:
    rnd = random.Random(1213)
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write(
            "CODFILIAL;DUPLIC;PREST;CODCLI;DTEMISSAO;DTVENC;VALOR;VPAGO;DTPAG;CODCOB;LINHADIG;NOSSONUMBCO\r\n"
        )
        for n in range(rows):
            month, day = rnd.randint(1, 12), rnd.randint(1, 28)
            paid = f"{rnd.randint(1, 99)},00;{day:02d}/{month:02d}/2026" if n % 7 == 0 else ";"
            f.write(
                f"{1 + n % 2};{100000 + n // 3};{n % 3 + 1};{rnd.randrange(5000)};01/{month:02d}/2026;"
                f"{day:02d}/{month:02d}/2026;{rnd.randint(100, 99999)},{rnd.randint(0, 99):02d};{paid};BK;"
                f"23790.12345 60002.000000 00000.000000 1 90020000289601;{n:011d}\r\n"
            )


@pytest.mark.slow
def test_a_million_titulos_import_within_300_mb_and_again_change_nothing(regua_cli, tmp_path):
    branches = tmp_path / "filiais.csv"
    branches.write_text(BRANCHES_CSV, encoding="utf-8")
    customers = tmp_path / "clientes.csv"
    customers.write_text(
        "code;name\n" + "".join(f"{c};CLIENTE {c}\n" for c in range(5000)), encoding="utf-8"
    )
    titulos = tmp_path / "titulos.csv"
    write_titulos(titulos, ROWS)
    for kind, path in (("branches", branches), ("customers", customers)):
        assert regua_cli("import", kind, str(path)).returncode == 0

    done, peak_mb = with_peak(tmp_path, "import", "receivables", str(titulos))

    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{ptbr.integer(ROWS)} linhas: {ptbr.integer(ROWS)} criados" in done.stdout
    assert peak_mb < MEMORY_LIMIT_MB, f"pico de memória {peak_mb:.0f} MB"
    assert Receivable.objects.count() == ROWS

    again, peak_mb = with_peak(tmp_path, "import", "receivables", str(titulos), "--snapshot")
    assert again.returncode == 0, again.stderr[-2000:]
    assert (
        f"0 criados, 0 atualizados, {ptbr.integer(ROWS)} sem alteração, 0 baixados" in again.stdout
    )
    assert peak_mb < MEMORY_LIMIT_MB, f"pico de memória {peak_mb:.0f} MB"


# The import's own peak: this test process's children include earlier tests' (workers,
# servers), so the command runs under a small parent whose only child it is.
PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[2:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(done.returncode)\n"
)


def with_peak(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run `regua ARGS` against the test database; its result and peak memory in MB."""
    from conftest import database_url

    out = tmp_path / "peak.txt"
    regua = str(Path(sys.executable).parent / "regua")
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(out), regua, *args],
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "DATABASE_URL": database_url()},
    )
    # ru_maxrss is in kB on Linux.
    return done, int(out.read_text()) / 1024
