"""A local SMTP sink: aiosmtpd in its own process on 127.0.0.1, discarding every message.

On 127.0.0.1 a conversation costs nothing; a real provider answers each SMTP
command after 20–100 ms. ``Sink(latency=0.025)`` answers every command (the
greeting, EHLO, MAIL, RCPT, DATA, the end of the message, RSET, QUIT) that
long after it arrived, without holding up the other connections::

    python -m bench.sink --port 2525 --latency 0.025
"""

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import AnyStr

from aiosmtpd.handlers import Sink as Discard
from aiosmtpd.smtp import SMTP

from bench.process import PYTHON, ROOT

START_TIMEOUT = 20
# What the latency benchmarks use unless told otherwise: a provider nearby.
DEFAULT_LATENCY = 0.025


class SlowSMTP(SMTP):
    """aiosmtpd's server, each reply held ``latency`` seconds (as a network round trip would)."""

    def __init__(self, *args: object, latency: float = 0.0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.latency = latency

    async def push(self, status: AnyStr) -> None:
        # A reply of many lines ("250-…" then "250 …") is held once, before its last line:
        # the client reads on only when the last line arrives.
        last_line = len(status) < 4 or status[3:4] not in ("-", b"-")
        if self.latency and last_line:
            await asyncio.sleep(self.latency)
        await super().push(status)


async def serve(port: int, latency: float) -> None:
    loop = asyncio.get_running_loop()
    handler = Discard()
    server = await loop.create_server(
        lambda: SlowSMTP(handler, latency=latency, enable_SMTPUTF8=True, hostname="bench.sink"),
        "127.0.0.1",
        port,
    )
    async with server:
        await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sink")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="segundos antes de cada resposta"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.latency))
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """``with Sink() as sink:`` — a discarding SMTP server listening on ``sink.port``."""

    def __init__(self, latency: float = 0.0) -> None:
        self.port = free_port()
        self.latency = latency
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Sink":
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.sink", "--port", str(self.port)]
            + ["--latency", str(self.latency)],
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


if __name__ == "__main__":
    sys.exit(main())
