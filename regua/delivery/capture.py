"""Capture mode: messages kept in the database instead of sent (demo, development)."""

import threading
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from regua.delivery.messages import Outgoing
from regua.delivery.models import CapturedEmail
from regua.delivery.smtp import SENT, Result


class CaptureSession:
    """Stands in for an SMTP session; the outbox saves what it captured with the states."""

    def __init__(self) -> None:
        self.captured: list[CapturedEmail] = []
        # Filled by the outbox's sending thread, taken by the thread that commits.
        self._lock = threading.Lock()

    def __enter__(self) -> "CaptureSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def send(self, out: Outgoing, notice_id: int | None = None) -> Result:
        captured = CapturedEmail(
            notice_id=notice_id,
            message_id=out.message_id,
            from_header=out.from_header,
            to=out.to,
            cc=out.cc,
            bcc=out.bcc,
            subject=out.subject,
            body_text=out.text,
            body_html=out.html,
            has_pdf=out.has_pdf,
            raw=out.data,
        )
        with self._lock:
            self.captured.append(captured)
        return Result(
            SENT, "capturada pelo Régua (modo de demonstração, não enviada)", accepted=out.to
        )

    def take_captured(self, notice_ids: set[int] | None = None) -> list[CapturedEmail]:
        """What was captured (only for ``notice_ids`` when given), no longer kept here."""
        with self._lock:
            if notice_ids is None:
                taken, self.captured = self.captured, []
            else:
                taken = [c for c in self.captured if c.notice_id in notice_ids]
                self.captured = [c for c in self.captured if c.notice_id not in notice_ids]
        return taken


@dataclass(frozen=True)
class Attachment:
    """A part of a captured message that is a file rather than a body."""

    name: str
    content_type: str
    size: int
    inline: bool


@dataclass(frozen=True)
class CapturedContent:
    """What the stored message holds beyond its columns: headers as written, attached files."""

    headers: list[tuple[str, str]]
    attachments: list[Attachment]


def read_captured(captured: CapturedEmail) -> CapturedContent:
    """The headers and attachments of the message exactly as it would have been sent.

    Read from the raw bytes, so the page shows the message the customer would
    have received (encoded words decoded), not a reconstruction of it.
    """
    raw = bytes(captured.raw or b"")
    if not raw:
        return CapturedContent([], [])
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = [(name, str(value)) for name, value in message.items()]
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename()
        if disposition is None and name is None:
            continue  # a body: text or HTML
        payload = part.get_payload(decode=True)
        attachments.append(
            Attachment(
                name=name or "(sem nome)",
                content_type=part.get_content_type(),
                size=len(payload) if isinstance(payload, bytes) else 0,
                inline=disposition == "inline",
            )
        )
    return CapturedContent(headers, attachments)
