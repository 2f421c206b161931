"""B0: what every ``regua`` command pays before its own work, against Python's own start.

Each command runs ``repeat`` times; the figure is the fastest (the machine at
its best, as the floors are). The wait is a blocking ``wait4`` on the child,
not the polling of bench.process, whose sleeps would add tens of milliseconds
to a command that takes fifty.
"""

import compileall
import contextlib
import importlib.util
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bench.process import PYTHON, REGUA, ROOT, CommandFailed

# What Régua's commands are measured from (Python's start) and what they pay for.
FLOOR = (PYTHON, "-c", "pass")
COMMANDS: list[tuple[str, tuple[str, ...], str]] = [
    ("regua --version", (REGUA, "--version"), "answered before Django's settings"),
    ("regua help", (REGUA, "help"), "settings and the apps' command folders, no model"),
    ("regua check", (REGUA, "check"), "every app and model, the URLs, the system checks"),
]
DJANGO_SETUP = (
    PYTHON,
    "-c",
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'regua.settings');"
    " django.setup()",
)


def once(argv: Sequence[str], env: dict[str, str], timeout: float) -> tuple[float, float]:
    """Wall seconds and peak MB of one run of ``argv`` (output thrown away)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        list(argv),
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    finally:
        timer.cancel()
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = "\n".join(errors.strip().splitlines()[-10:])
        raise CommandFailed(f"{' '.join(argv)} terminou com código {code}:\n{tail}")
    return seconds, usage.ru_maxrss / 1024


def best_of(
    argv: Sequence[str], env: dict[str, str], repeat: int, timeout: float
) -> tuple[float, float]:
    """The fastest of ``repeat`` runs, and the peak MB of all of them."""
    once(argv, env, timeout)  # the file cache warmed, as for the floors
    runs = [once(argv, env, timeout) for _ in range(repeat)]
    return min(s for s, _ in runs), max(mb for _, mb in runs)


def compile_sources() -> None:
    """Write bytecode for regua/ and bench/ as an installation has it (deploy/install.sh).

    The measured children run with PYTHONDONTWRITEBYTECODE (bench.databases), so
    without it every one of them compiles Régua's modules again.
    """
    for folder in ("regua", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1, workers=1)


def without_bytecode() -> list[str]:
    """The packages a command imports at start whose modules have no bytecode."""
    missing = []
    for name in ("django", "regua"):
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin and not Path(importlib.util.cache_from_source(origin)).exists():
            missing.append(name)
    return missing
