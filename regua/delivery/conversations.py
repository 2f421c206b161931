"""K conversations with the SMTP server at once, none of them touching the database.

A provider answers each SMTP command after tens of milliseconds, so one
connection caps a worker at a few dozen messages a second however fast it
renders. The outbox's thread claims, renders and commits; it hands each
group's ready messages to a pool of threads here, one per connection, and
goes on rendering the next group while they talk. The threads only talk SMTP
(each owns its session): every read and write of a notice stays in the
outbox's thread, under its guarded UPDATEs.
"""

import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

from django.conf import settings
from django.db import connections as databases

from regua.delivery.messages import Outgoing
from regua.delivery.smtp import Result

# Connections a worker keeps open to the provider (REGUA_SMTP_CONNECTIONS).
DEFAULT_CONNECTIONS = 4


def connection_count() -> int:
    """How many SMTP connections one worker (or one ``regua run``) keeps: at least one."""
    return max(1, int(getattr(settings, "REGUA_SMTP_CONNECTIONS", DEFAULT_CONNECTIONS)))


class Session(Protocol):
    def send(self, out: Outgoing, notice_id: int | None = None) -> Result: ...

    def close(self) -> None: ...


class Parcel:
    """One group's ready messages on their way; results land here, thread by thread.

    ``slots``: when the first message may leave (monotonic) and the interval
    between two, as reserved in the shared rate limit; message ``i`` never
    starts before its own slot, whichever connection takes it.
    """

    def __init__(
        self, messages: list[tuple[int, Outgoing]], slots: tuple[float, float] | None
    ) -> None:
        self.messages = messages
        self.slots = slots
        self.results: dict[int, Result] = {}
        # Taken but never started (shutdown): handed back, the attempt not counted.
        self.released: list[int] = []
        self.error: BaseException | None = None
        self.connect_failed: Result | None = None
        self._lock = threading.Lock()
        self._left = len(messages)
        self._done = threading.Event()
        if not messages:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _finish_one(self) -> None:
        with self._lock:
            self._left -= 1
            if self._left == 0:
                self._done.set()


class Conversations:
    """``size`` threads, each with its own session, taking the messages of parcels in order."""

    def __init__(
        self,
        new_session: Callable[[], Session],
        size: int,
        stop: Callable[[], bool],
        pause: Callable[[float], object],
    ) -> None:
        self.new_session = new_session
        self.size = size
        self.stop = stop
        self.pause = pause
        self._queue: queue.SimpleQueue[tuple[Parcel, int] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        # Set when the outbox's thread gave up (an exception): what is queued is not sent.
        self._abandoned = threading.Event()

    def submit(self, parcel: Parcel) -> None:
        if not self._threads:
            for n in range(self.size):
                thread = threading.Thread(target=self._talk, name=f"smtp-{n + 1}", daemon=True)
                thread.start()
                self._threads.append(thread)
        for index in range(len(parcel.messages)):
            self._queue.put((parcel, index))

    def close(self, *, abandon: bool = False) -> None:
        """Wait for the messages handed over (or, ``abandon``, only those being sent)."""
        if abandon:
            self._abandoned.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _talk(self) -> None:
        session = self.new_session()
        try:
            while (item := self._queue.get()) is not None:
                parcel, index = item
                try:
                    self._send(session, parcel, index)
                except BaseException as e:  # reported by the outbox's thread, which stops
                    parcel.error = parcel.error or e
                finally:
                    parcel._finish_one()
        finally:
            try:
                session.close()
            finally:
                # Nothing here queries the database; should anything ever, its
                # connection (thread-local) is not left open behind the thread.
                databases.close_all()

    def _send(self, session: Session, parcel: Parcel, index: int) -> None:
        pk, out = parcel.messages[index]
        if parcel.slots is not None:
            delay = parcel.slots[0] + index * parcel.slots[1] - time.monotonic()
            if delay > 0:
                self.pause(delay)
        if self.stop() or self._abandoned.is_set() or parcel.error is not None:
            with parcel._lock:
                parcel.released.append(pk)
            return
        if parcel.connect_failed is not None:
            # The server cannot be reached: the rest of the group waits with it.
            parcel.results[pk] = parcel.connect_failed
            return
        result = session.send(out, pk)
        parcel.results[pk] = result
        if result.connect_failed:
            parcel.connect_failed = result
