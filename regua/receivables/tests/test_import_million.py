"""A million títulos through the real command, within the memory budget (slow suite)."""

import random
import resource

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

    done = regua_cli("import", "receivables", str(titulos), timeout=1800)

    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{ptbr.integer(ROWS)} linhas: {ptbr.integer(ROWS)} criados" in done.stdout
    # ru_maxrss of the children is the largest one's peak, in kB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < MEMORY_LIMIT_MB, f"pico de memória {peak_mb:.0f} MB"
    assert Receivable.objects.count() == ROWS

    again = regua_cli("import", "receivables", str(titulos), "--snapshot", timeout=1800)
    assert again.returncode == 0, again.stderr[-2000:]
    assert (
        f"0 criados, 0 atualizados, {ptbr.integer(ROWS)} sem alteração, 0 baixados" in again.stdout
    )
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 < MEMORY_LIMIT_MB
