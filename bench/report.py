"""The results table, the machine it ran on, and docs/BENCHMARKS.md."""

import datetime
import os
import platform
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.process import ROOT

DOC = ROOT / "docs" / "BENCHMARKS.md"
TABLE_START = "<!-- bench:table -->"
TABLE_END = "<!-- /bench:table -->"
UNAVAILABLE = "não disponível"
COLUMNS = (
    "benchmark",
    "database",
    "size",
    "seconds",
    "rate",
    "floor",
    "ratio",
    "peak MB",
    "goal",
    "met?",
)


@dataclass
class Row:
    """One line of the table. ``met`` is None when there is no goal to compare with."""

    benchmark: str
    database: str
    size: str = ""
    seconds: float | None = None
    rate: str = ""
    floor: str = ""
    ratio: str = ""
    peak_mb: float | None = None
    goal: str = ""
    met: bool | None = None
    status: str = "ok"  # ok, unavailable, error
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        if self.status == "unavailable":
            met = UNAVAILABLE
        elif self.status == "error":
            met = "falhou"
        elif self.met is None:
            met = "—"
        else:
            met = "yes" if self.met else "**no**"
        return [
            self.benchmark,
            self.database,
            self.size or "—",
            f"{self.seconds:.2f}" if self.seconds is not None else "—",
            self.rate or "—",
            self.floor or "—",
            self.ratio or "—",
            f"{self.peak_mb:.0f}" if self.peak_mb is not None else "—",
            self.goal or "—",
            met,
        ]


def count(n: float, unit: str) -> str:
    return f"{n:,.0f} {unit}"


def per_second(n: float, seconds: float, unit: str) -> str:
    return f"{n / seconds:,.0f} {unit}/s" if seconds > 0 else "—"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def notes(rows: Sequence[Row]) -> str:
    out = []
    for row in rows:
        for note in row.notes:
            out.append(f"- {row.benchmark} ({row.database}): {note}")
    return "\n".join(out)


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "?"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "?"


def _memory() -> str:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return "?"
    match = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else "?"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    commit = out.stdout.strip() or "?"
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "regua"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return commit
    # Other work in the tree is measured too: say so.
    return f"{commit} with uncommitted changes in regua/" if dirty else commit


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine(versions: dict[str, str], load_at_start: str) -> dict[str, str]:
    """What the figures were measured on (the load says how much else was running)."""
    return {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} available to the run)",
        "memory": _memory(),
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        **versions,
        "load average (1/5/15 min) at start, at end": f"{load_at_start}, {load()}",
        "commit": _commit(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def machine_text(description: dict[str, str]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in description.items())


def write_doc(rows: Sequence[Row], description: dict[str, str], command: str) -> None:
    """Replace the table section of docs/BENCHMARKS.md, keeping the prose around it."""
    section = "\n".join(
        [
            TABLE_START,
            f"Measured with `{command}` on:",
            "",
            machine_text(description),
            "",
            table(rows),
            "",
            notes(rows),
            TABLE_END,
        ]
    )
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if TABLE_START in text and TABLE_END in text:
            before, rest = text.split(TABLE_START, 1)
            _, after = rest.split(TABLE_END, 1)
            DOC.write_text(before + section + after, encoding="utf-8")
            return
    DOC.write_text(f"# Benchmarks\n\n## Latest figures\n\n{section}\n", encoding="utf-8")
