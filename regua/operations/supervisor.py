"""The process tree of `regua serve`: children started, watched, restarted and stopped.

Each child runs in a process group of its own, so a Ctrl-C in the terminal
reaches the supervisor alone, which then stops the children in order: SIGTERM
to each (gunicorn finishes the requests in flight, the worker the SMTP
conversation in flight and hands back what it had not started), SIGKILL only
for a child still alive after the grace period. A child that dies on its own
is logged and started again after a pause that doubles with each quick death
(1, 2, 4 … seconds, at most a minute); one that ran a while starts over at 1.
"""

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

BACKOFF_FIRST = 1.0
BACKOFF_LIMIT = 60.0
# A child that ran this long before dying is restarted at once (backoff reset).
HEALTHY_AFTER = 60.0
# SMTP timeouts are 30 s by default: a minute and a half lets the last message finish.
STOP_TIMEOUT = 90.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    start_at: float = 0.0
    restarts: int = field(default=0)


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        logger: logging.Logger,
        *,
        stop_timeout: float = STOP_TIMEOUT,
        backoff_first: float = BACKOFF_FIRST,
        backoff_limit: float = BACKOFF_LIMIT,
    ) -> None:
        self.children = children
        self.log = logger
        self.stop_timeout = stop_timeout
        self.backoff_first = backoff_first
        self.backoff_limit = backoff_limit
        self.stopping = threading.Event()
        self._signals = 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if self._signals == 1:
            self.log.info(
                "%s recebido: encerrando os processos",
                signal.Signals(signum).name,
                extra={"event": "stopping"},
            )
            self.stopping.set()
        else:
            # Asked again: hurry the children (gunicorn's quick exit, the worker's second signal).
            for child in self._alive():
                self._signal(child, signal.SIGINT)

    def _alive(self) -> list[Child]:
        return [c for c in self.children if c.process is not None and c.process.poll() is None]

    def _signal(self, child: Child, signum: int) -> None:
        if child.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.process.pid, signum)

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.argv, env=child.env, process_group=0, preexec_fn=_die_with_parent
        )
        child.started_at = time.monotonic()
        self.log.info(
            "%s iniciado (pid %d)",
            child.name,
            child.process.pid,
            extra={"event": "started", "child": child.name, "child_pid": child.process.pid},
        )

    def _reap(self, child: Child, now: float) -> None:
        assert child.process is not None
        code = child.process.returncode
        pid = child.process.pid
        child.process = None
        if now - child.started_at >= HEALTHY_AFTER:
            child.quick_deaths = 0
        delay = min(self.backoff_first * 2**child.quick_deaths, self.backoff_limit)
        child.quick_deaths += 1
        child.restarts += 1
        child.start_at = now + delay
        self.log.warning(
            "%s (pid %d) terminou com código %s; reinício em %s s",
            child.name,
            pid,
            code,
            f"{delay:g}",
            extra={
                "event": "died",
                "child": child.name,
                "child_pid": pid,
                "returncode": code,
                "restart_in": delay,
            },
        )

    def run(self) -> int:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                self._start(child)
            while not self.stopping.is_set():
                now = time.monotonic()
                for child in self.children:
                    if child.process is not None and child.process.poll() is not None:
                        self._reap(child, now)
                    if child.process is None and now >= child.start_at:
                        self._start(child)
                self.stopping.wait(0.2)
            return self._stop()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop(self) -> int:
        for child in self._alive():
            self._signal(child, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        clean = True
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                clean = False
                self.log.error(
                    "%s (pid %d) não terminou a tempo: encerrado à força",
                    child.name,
                    child.process.pid,
                    extra={"event": "killed", "child": child.name},
                )
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
            self.log.info(
                "%s encerrado (código %s)",
                child.name,
                child.process.returncode,
                extra={
                    "event": "stopped",
                    "child": child.name,
                    "returncode": child.process.returncode,
                },
            )
        self.log.info("regua serve encerrado", extra={"event": "exit"})
        return 0 if clean else 1
