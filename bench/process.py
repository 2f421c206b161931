"""Running a command as a child process and measuring it: wall time and peak memory.

Peak memory comes from ``wait4``'s resource usage of that one child (its
``ru_maxrss``, which on Linux also covers the grandchildren it waited for), so
it is the real command's high-water mark and nobody else's.
"""

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REGUA = str(VENV_BIN / "regua")
PYTHON = sys.executable


class CommandFailed(Exception):
    """A measured command exited with an error or ran past its time limit."""


@dataclass
class Measured:
    argv: list[str]
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> "Measured":
        if self.returncode != 0:
            tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-25:])
            raise CommandFailed(
                f"{' '.join(self.argv)} terminou com código {self.returncode}:\n{tail}"
            )
        return self

    def json(self) -> dict:
        """The last line of standard output, read as JSON (the workloads report this way)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if not lines:
            raise CommandFailed(f"{' '.join(self.argv)} não escreveu nenhum resultado")
        return json.loads(lines[-1])


class Child:
    """A started command whose wall time and peak memory are taken when it ends."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        *,
        stdout_path: Path | None = None,
        stdin_path: Path | None = None,
    ) -> None:
        self.argv = [str(a) for a in argv]
        self._own_stdout = stdout_path is None
        if stdout_path is None:
            fd, name = tempfile.mkstemp(prefix="bench-out-")
            os.close(fd)
            stdout_path = Path(name)
        self._stdout_path = stdout_path
        fd, name = tempfile.mkstemp(prefix="bench-err-")
        os.close(fd)
        self._stderr_path = Path(name)
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL  # noqa: SIM115
        with open(self._stdout_path, "wb") as out, open(self._stderr_path, "wb") as err:
            self.started = time.perf_counter()
            # A session of its own, so a timeout can end the command and its children.
            self.popen = subprocess.Popen(
                self.argv,
                env=env,
                cwd=ROOT,
                stdin=stdin,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        if stdin_path and not isinstance(stdin, int):
            stdin.close()

    def wait(self, timeout: float) -> Measured:
        deadline = self.started + timeout
        pid = self.popen.pid
        delay = 0.002
        while True:
            waited, status, usage = os.wait4(pid, os.WNOHANG)
            if waited == pid:
                seconds = time.perf_counter() - self.started
                break
            if time.perf_counter() > deadline:
                self.kill()
                _, status, usage = os.wait4(pid, 0)
                seconds = time.perf_counter() - self.started
                self.popen.returncode = -9
                return self._result(seconds, usage, -9, f"tempo esgotado ({timeout:.0f} s)")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        code = os.waitstatus_to_exitcode(status)
        self.popen.returncode = code
        return self._result(seconds, usage, code, "")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def _result(
        self, seconds: float, usage: resource.struct_rusage | None, code: int, note: str
    ) -> Measured:
        stdout = "" if not self._own_stdout else self._stdout_path.read_text(errors="replace")
        stderr = self._stderr_path.read_text(errors="replace") + note
        if self._own_stdout:
            self._stdout_path.unlink(missing_ok=True)
        self._stderr_path.unlink(missing_ok=True)
        peak_mb = (usage.ru_maxrss / 1024) if usage is not None else 0.0
        return Measured(self.argv, seconds, peak_mb, code, stdout, stderr)


def measure(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    timeout: float,
    stdout_path: Path | None = None,
    stdin_path: Path | None = None,
) -> Measured:
    """Run one command to its end (or its time limit) and measure it."""
    return Child(argv, env, stdout_path=stdout_path, stdin_path=stdin_path).wait(timeout)


def measure_together(
    commands: Sequence[Sequence[str]], env: dict[str, str], *, timeout: float
) -> tuple[float, list[Measured]]:
    """Start several commands at once; the wall time runs until the last one ends."""
    started = time.perf_counter()
    children = [Child(argv, env) for argv in commands]
    results = []
    try:
        for child in children:
            remaining = max(timeout - (time.perf_counter() - started), 0.1)
            results.append(child.wait(remaining))
    finally:
        for child in children[len(results) :]:
            child.kill()
            child.wait(5)
    return time.perf_counter() - started, results
