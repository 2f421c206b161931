"""Work a person waits for — validating or previewing a template — in a child process.

The budget of ``budget.py`` bounds what a template does inside Jinja; the
child adds a wall-clock limit and a memory limit around everything else
(WeasyPrint laying out the preview, CSS inlining), so a template can never
hold a web worker or the command line longer than ``SECONDS``. The child is a
fork of this process: it starts in milliseconds, with the templates already
compiled, and touches no database. The worker's hot path (rendering notices
to send) does not come here: it runs under the budget alone, which keeps its
e-mails per second.
"""

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

SECONDS = 15
MEMORY_BYTES = 1 << 30  # on top of what the process already maps

_channel: Connection | None = None


class Overrun(Exception):
    """The child ran out of time or memory; ``step`` is what it was doing."""

    def __init__(self, message: str, step: str | None) -> None:
        super().__init__(message)
        self.step = step


def in_child() -> bool:
    return _channel is not None


def report(step: str) -> None:
    """Tell the parent what the child is doing, so a time-out can name it."""
    if _channel is not None:
        _channel.send(("step", step))


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _child(channel: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _channel
    _channel = channel
    mapped = _mapped_bytes()
    if mapped:
        limit = mapped + MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        channel.send(("done", func(*args)))
    except MemoryError:
        channel.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - handed back to the parent as text
        channel.send(("error", f"{type(exc).__name__}: {exc}"))


def run_limited(func: Callable[..., Any], *args: Any, seconds: float | None = None) -> Any:
    """``func(*args)`` in a forked child, its result back; raises Overrun past the limits.

    In a child already (a preview validates the template), ``func`` runs there.
    """
    if in_child():
        return func(*args)
    seconds = SECONDS if seconds is None else seconds
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(writer, func, args), daemon=True)
    process.start()
    writer.close()
    step = None
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not reader.poll(left):
                raise Overrun(f"passou do limite de {seconds:g} segundos", step)
            try:
                kind, value = reader.recv()
            except EOFError:
                raise Overrun("o processo parou (memória demais?)", step) from None
            if kind == "step":
                step = value
            elif kind == "done":
                return value
            elif kind == "memory":
                raise Overrun(f"usou mais de {MEMORY_BYTES >> 20} MB de memória", step)
            else:
                raise RuntimeError(value)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()
