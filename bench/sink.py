"""A local SMTP sink: aiosmtpd in its own process on 127.0.0.1, discarding every message."""

import socket
import subprocess
import time
from types import TracebackType

from bench.process import PYTHON, ROOT

START_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """``with Sink() as sink:`` — a discarding SMTP server listening on ``sink.port``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Sink":
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "aiosmtpd",
                "--nosetuid",
                "--smtputf8",
                "--listen",
                f"127.0.0.1:{self.port}",
                "--class",
                "aiosmtpd.handlers.Sink",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("o servidor SMTP de teste (aiosmtpd) não iniciou")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(3) == b"220":
                        return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"o servidor SMTP de teste não respondeu em {START_TIMEOUT} s")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
