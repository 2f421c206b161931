"""Capture mode: messages kept in the database instead of sent (demo, development)."""

from regua.delivery.messages import Outgoing
from regua.delivery.models import CapturedEmail
from regua.delivery.smtp import SENT, Result


class CaptureSession:
    """Stands in for an SMTP session; the outbox saves what it captured with the states."""

    def __init__(self) -> None:
        self.captured: list[CapturedEmail] = []

    def __enter__(self) -> "CaptureSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def send(self, out: Outgoing, notice_id: int | None = None) -> Result:
        self.captured.append(
            CapturedEmail(
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
        )
        return Result(
            SENT, "capturada pelo Régua (modo de demonstração, não enviada)", accepted=out.to
        )

    def take_captured(self) -> list[CapturedEmail]:
        captured, self.captured = self.captured, []
        return captured
