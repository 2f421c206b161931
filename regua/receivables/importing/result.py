"""What an import did: counts, row-level problems, rejected rows (and their CSV)."""

import csv
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from regua import ptbr

# Kept in memory for display; the counts go on beyond it.
MAX_KEPT: Final = 1000
REJECTS_EXTRA: Final = ("linha_original", "motivo_rejeicao")


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or the file, when ``row`` is None)."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = [f"linha {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"coluna {self.column}")
        if self.value:
            where.append(f"valor {_short(self.value)!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Rejected:
    row: int
    cells: list[str]
    reason: str


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV/formula injection)."""
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


@dataclass
class ImportResult:
    kind: str
    filename: str = ""
    snapshot: bool = False
    skip_invalid: bool = False
    header: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    settled: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowError] = field(default_factory=list)
    warning_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    rejected_count: int = 0
    committed: bool = False
    _rejects: IO[str] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when the import was written (with --skip-invalid, its good rows)."""
        return self.committed

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT:
            self.errors.append(error)

    def add_warning(self, warning: RowError) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append(warning)

    def reject(self, row: int, cells: list[str], reason: str) -> None:
        if self._rejects is None:
            self._rejects = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - lives with the result
                max_size=4 * 1024 * 1024, mode="w+", newline="", encoding="utf-8"
            )
        csv.writer(self._rejects).writerow([row, reason, *cells])
        self.rejected_count += 1

    def iter_rejected(self) -> Iterator[Rejected]:
        if self._rejects is None:
            return
        self._rejects.seek(0)
        for row, reason, *cells in csv.reader(self._rejects):
            yield Rejected(int(row), cells, reason)
        self._rejects.seek(0, 2)

    @property
    def rejected(self) -> list[Rejected]:
        return list(self.iter_rejected())

    def discard_counts(self) -> None:
        """Nothing was written: counts of a rolled-back import would mislead."""
        self.created = self.updated = self.unchanged = self.settled = 0

    def counts(self) -> dict[str, int]:
        return {
            "linhas": self.rows,
            "criados": self.created,
            "atualizados": self.updated,
            "sem_alteracao": self.unchanged,
            "baixados": self.settled,
            "erros": self.error_count,
            "avisos": self.warning_count,
            "rejeitados": self.rejected_count,
        }

    def summary(self) -> str:
        """One line in Portuguese, for the terminal, a page or the audit log."""
        if not self.committed:
            if not self.rows:
                return "Nada foi gravado."
            return (
                f"Nada foi gravado: {ptbr.count(self.error_count, 'erro', 'erros')} em "
                f"{ptbr.count(self.rows, 'linha lida', 'linhas lidas')}."
            )
        text = (
            f"{ptbr.count(self.rows, 'linha', 'linhas')}: "
            f"{ptbr.count(self.created, 'criado', 'criados')}, "
            f"{ptbr.count(self.updated, 'atualizado', 'atualizados')}, "
            f"{ptbr.integer(self.unchanged)} sem alteração"
        )
        if self.snapshot:
            text += (
                f", {ptbr.count(self.settled, 'baixado', 'baixados')} "
                f"por não {ptbr.plural(self.settled, 'constar', 'constarem')} no arquivo"
            )
        if self.rejected_count:
            text += f"; {ptbr.count(self.rejected_count, 'linha rejeitada', 'linhas rejeitadas')}"
        return text + "."


def write_rejects(result: ImportResult, target: str | Path | IO[str]) -> int:
    """Write the rejected rows as CSV (``;``, UTF-8 with BOM, for Excel); returns how many.

    The columns are the file's own, then the row number and the reason, so the
    file can be fixed and imported again (the two extra columns are ignored).
    """
    if isinstance(target, str | Path):
        with open(target, "w", newline="", encoding="utf-8-sig") as f:
            return write_rejects(result, f)
    writer = csv.writer(target, delimiter=";")
    writer.writerow([neutralise(h) for h in result.header] + list(REJECTS_EXTRA))
    count = 0
    for rejected in result.iter_rejected():
        cells = rejected.cells + [""] * (len(result.header) - len(rejected.cells))
        writer.writerow([neutralise(c) for c in cells] + [str(rejected.row), rejected.reason])
        count += 1
    return count
