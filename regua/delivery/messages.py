"""Composing the MIME message of a notice.

Every header value passes the rule of the standard library's default policy
(no CR or LF, ever: such a value is a ``MessageError``, not a new header) and
every address is checked before it is written. The message is written here
rather than through ``email.message.EmailMessage`` because that costs about
3 ms a message on a small machine, twice what the SMTP conversation costs;
the tests parse what this module writes with ``email.policy.default``.
"""

import base64
import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime, formataddr

from django.utils import timezone
from django.utils.html import escape

from regua.delivery.addresses import InvalidAddress, check_address, single_line
from regua.delivery.models import BranchSender, EmailSettings
from regua.dunning.models import Notice
from regua.letters.boleto import notice_boletos_pdf
from regua.letters.rendering import html_with_cid

CRLF = "\r\n"


class MessageError(Exception):
    """A notice that cannot become a message; the text says what is wrong."""


class NoRecipients(MessageError):
    """No valid address is left for the customer (R7: the notice is skipped)."""

    def __init__(self, invalid: dict[str, str]) -> None:
        super().__init__("nenhum endereço de e-mail válido")
        self.invalid = invalid


@dataclass(frozen=True)
class Sender:
    """Who a branch's notices come from: the installation's settings, or the branch's own."""

    name: str
    address: str
    reply_to: str
    signature: str
    envelope_from: str
    copies_cc: tuple[str, ...]
    copies_bcc: tuple[str, ...]


@dataclass
class Outgoing:
    """One message ready for the SMTP transaction."""

    message_id: str
    envelope_from: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    data: bytes
    subject: str = ""
    text: str = ""
    html: str = ""
    has_pdf: bool = False
    from_header: str = ""
    invalid: dict[str, str] = field(default_factory=dict)

    @property
    def copies(self) -> list[str]:
        return [*self.cc, *self.bcc]


def sender_for(cfg: EmailSettings, override: BranchSender | None) -> Sender:
    """The sender of a branch's notices; raises MessageError when an address is unusable."""
    name = (override.from_name if override else "") or cfg.from_name
    address = (override.from_email if override else "") or cfg.from_email
    reply_to = (override.reply_to if override else "") or cfg.reply_to
    try:
        return Sender(
            name=single_line(name),
            address=check_address(address),
            reply_to=check_address(reply_to) if reply_to else "",
            signature=override.signature if override else "",
            envelope_from=check_address(cfg.from_email or address),
            copies_cc=tuple(check_address(a) for a in cfg.cc_list()),
            copies_bcc=tuple(check_address(a) for a in cfg.bcc_list()),
        )
    except InvalidAddress as e:
        raise MessageError(f"remetente ou cópia configurados com problema: {e}") from None


def new_message_id(domain: str, notice_id: int | None = None) -> str:
    local = f"regua.{notice_id}.{secrets.token_hex(8)}" if notice_id else secrets.token_hex(12)
    return f"<{local}@{domain}>"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "regua.invalid"


def _one_line(name: str, *values: str) -> None:
    """The default policy's rule: a line break in a value would start a new header."""
    for value in values:
        if "\r" in value or "\n" in value or "\0" in value:
            raise MessageError(f"o cabeçalho {name} contém quebra de linha: {value[:60]!r}")


def encode_words(text: str) -> str:
    """Text for a header: as is when plain ASCII, else RFC 2047 encoded words, folded."""
    if text.isascii() and text.isprintable() and "=?" not in text and len(text) < 900:
        return text
    words = []
    chunk = b""
    for char in text:
        encoded = char.encode("utf-8")
        # 45 bytes make 60 base64 characters: each word stays within 75.
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    if chunk:
        words.append(chunk)
    return f"{CRLF} ".join(f"=?utf-8?b?{base64.b64encode(w).decode()}?=" for w in words)


def format_address(name: str, address: str) -> str:
    name = single_line(name)
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        return formataddr((name, address))
    # Accents, or a name that itself reads "=?utf-8?b?…?=": mail programs decode
    # such text even inside quotes and would show what it hides as the name.
    # Encoded as a whole, it is shown as typed.
    return f"{encode_words(name)} <{address}>"


def _base64_part(content_type: str, payload: bytes, extra: str = "") -> str:
    body = base64.encodebytes(payload).decode("ascii").replace("\n", CRLF)
    return (
        f"Content-Type: {content_type}{CRLF}"
        f"Content-Transfer-Encoding: base64{CRLF}{extra}{CRLF}{body}"
    )


def _html_part(html: str) -> str:
    """The HTML body; its images (the PIX QR) as inline parts, since Gmail and
    Outlook do not show ``data:`` images: multipart/related with Content-IDs."""
    html, images = html_with_cid(html)
    part = _base64_part('text/html; charset="utf-8"', _text_bytes(html))
    if not images:
        return part
    related = f"=_regua_{secrets.token_hex(12)}"
    inline = "".join(
        f"--{related}{CRLF}"
        + _base64_part(
            "image/png",
            png,
            f'Content-ID: <{cid}>{CRLF}Content-Disposition: inline; filename="pix.png"{CRLF}',
        )
        for cid, png in images
    )
    return (
        f'Content-Type: multipart/related; boundary="{related}"{CRLF}{CRLF}'
        + f"--{related}{CRLF}"
        + part
        + inline
        + f"--{related}--{CRLF}"
    )


def _text_bytes(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", CRLF).encode("utf-8")


def compose(
    *,
    message_id: str,
    date: datetime.datetime,
    from_header: str,
    to_headers: list[str],
    cc: list[str],
    reply_to: str,
    subject: str,
    text: str,
    html: str,
    pdf: bytes | None = None,
    pdf_name: str = "carta.pdf",
    attachments: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """The message as sent: multipart text + HTML, the PDF attached when there is one,
    then each of ``attachments`` (name, PDF bytes): the boletos of a range that sends them.

    Bcc is deliberately absent: the copies go in the envelope only.
    """
    _one_line("Message-ID", message_id)
    _one_line("From", from_header)
    _one_line("To", *to_headers)
    _one_line("Cc", *cc)
    _one_line("Reply-To", reply_to)
    _one_line("Subject", subject)
    # Folded lines (CRLF + space) are written here, after every value was checked.
    headers = [
        f"Date: {format_datetime(timezone.localtime(date))}{CRLF}",
        f"Message-ID: {message_id}{CRLF}",
        f"From: {from_header}{CRLF}",
        f"To: {f',{CRLF} '.join(to_headers)}{CRLF}",
    ]
    if cc:
        headers.append(f"Cc: {f',{CRLF} '.join(cc)}{CRLF}")
    if reply_to:
        headers.append(f"Reply-To: {reply_to}{CRLF}")
    headers.append(f"Subject: {encode_words(subject)}{CRLF}")
    headers.append(f"MIME-Version: 1.0{CRLF}")
    headers.append(f"Auto-Submitted: auto-generated{CRLF}")

    boundary = f"=_regua_{secrets.token_hex(12)}"
    alternative = (
        f"--{boundary}{CRLF}"
        + _base64_part('text/plain; charset="utf-8"', _text_bytes(text))
        + f"--{boundary}{CRLF}"
        + _html_part(html)
        + f"--{boundary}--{CRLF}"
    )
    files = ([(pdf_name, pdf)] if pdf is not None else []) + list(attachments)
    if not files:
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"{CRLF}')
        return _ascii("".join(headers) + CRLF + alternative)

    outer = f"=_regua_{secrets.token_hex(12)}"
    headers.append(f'Content-Type: multipart/mixed; boundary="{outer}"{CRLF}')
    body = (
        f"--{outer}{CRLF}"
        f'Content-Type: multipart/alternative; boundary="{boundary}"{CRLF}{CRLF}' + alternative
    )
    for name, data in files:
        safe_name = "".join(c for c in name if c.isalnum() or c in "-_.") or "carta.pdf"
        body += f"--{outer}{CRLF}" + _base64_part(
            f'application/pdf; name="{safe_name}"',
            data,
            f'Content-Disposition: attachment; filename="{safe_name}"{CRLF}',
        )
    body += f"--{outer}--{CRLF}"
    return _ascii("".join(headers) + CRLF + body)


def _ascii(message: str) -> bytes:
    try:
        return message.encode("ascii")
    except UnicodeEncodeError:
        # Only a header can bring one (bodies are base64): an address with accents.
        raise MessageError(
            "um cabeçalho contém caracteres fora do padrão (acentos em endereço?)"
        ) from None


def with_signature(text: str, html: str, signature: str) -> tuple[str, str]:
    """The branch's signature below both bodies (escaped in the HTML one)."""
    if not signature.strip():
        return text, html
    text = f"{text.rstrip()}\n\n-- \n{signature.strip()}\n"
    block = f'<p class="assinatura">{escape(signature.strip()).replace(chr(10), "<br>")}</p>'
    if "</body>" not in html:
        return text, f"{html}{block}"
    return text, html.replace("</body>", f"{block}</body>", 1)


def notice_message(notice: Notice, sender: Sender, *, now: datetime.datetime) -> Outgoing:
    """The message of a notice to all its recipients; MessageError when it cannot be one.

    Addresses that are malformed, or that a server already refused for good
    (R7), are left out and reported in ``invalid``; NoRecipients when none is left.
    """
    refused_before = {a.lower() for a in (notice.customer.invalid_emails or [])}
    to: list[str] = []
    invalid: dict[str, str] = {}
    for raw in notice.recipients or []:
        try:
            address = check_address(str(raw))
        except InvalidAddress as e:
            invalid[str(raw)] = f"endereço inválido: {e}"
            continue
        if address.lower() in refused_before:
            invalid[address] = "recusado antes pelo servidor (endereço marcado como inválido)"
        elif address.lower() not in {a.lower() for a in to}:
            to.append(address)
    if not to:
        raise NoRecipients(invalid)
    if "\r" in notice.subject or "\n" in notice.subject:
        raise MessageError("o assunto da carta contém quebra de linha")
    if not notice.subject.strip():
        raise MessageError("a carta está sem assunto")
    if not notice.message_id:
        raise MessageError("a carta não recebeu Message-ID antes do envio")

    text, html = with_signature(notice.body_text, notice.body_html, sender.signature)
    boletos = notice_boletos_pdf(notice)
    customer_name = notice.customer.name
    from_header = format_address(sender.name, sender.address)
    data = compose(
        message_id=notice.message_id,
        date=now,
        from_header=from_header,
        to_headers=[format_address(customer_name, a) for a in to],
        cc=list(sender.copies_cc),
        reply_to=sender.reply_to,
        subject=notice.subject,
        text=text,
        html=html,
        pdf=bytes(notice.pdf) if notice.pdf else None,
        pdf_name=f"carta-{notice.pk}.pdf",
        attachments=[(f"boletos-{notice.pk}.pdf", boletos)] if boletos else [],
    )
    return Outgoing(
        message_id=notice.message_id,
        envelope_from=sender.envelope_from,
        to=to,
        cc=list(sender.copies_cc),
        bcc=list(sender.copies_bcc),
        data=data,
        subject=notice.subject,
        text=text,
        html=html,
        has_pdf=bool(notice.pdf),
        from_header=from_header,
        invalid=invalid,
    )
