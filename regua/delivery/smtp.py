"""Talking to the SMTP server: connections, one message's transaction, reasons people read.

A message's transaction ends in one of three verdicts, the outbox's states:
sent (the server took it for at least one of the customer's addresses),
retry (4xx answers, refused or dropped connections, timeouts) and failed
(5xx: the server refused it for good). The server's own words are kept.
"""

import smtplib
import socket
import ssl
from dataclasses import dataclass, field

from django.utils import timezone

from regua.delivery.addresses import InvalidAddress, check_address
from regua.delivery.encryption import EncryptionError
from regua.delivery.messages import (
    MessageError,
    Outgoing,
    compose,
    domain_of,
    format_address,
    new_message_id,
    sender_for,
)
from regua.delivery.models import CapturedEmail, EmailSettings, Security
from regua.dunning.models import NoticeStatus

SENT, RETRY, FAILED = NoticeStatus.SENT, NoticeStatus.RETRY, NoticeStatus.FAILED


@dataclass
class Result:
    """What became of one message."""

    status: str
    response: str = ""
    reason: str = ""
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    # The customer's addresses refused with a 5xx: marked invalid for later runs (R7).
    refused_for_good: list[str] = field(default_factory=list)
    connection_broken: bool = False
    # Nothing of the message had left yet: trying it again at once cannot double it.
    before_data: bool = True
    connect_failed: bool = False


class ConnectFailed(Exception):
    """No usable connection: ``reason`` in plain Portuguese, ``response`` the server's words."""

    def __init__(self, reason: str, response: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.response = response


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def timed_out(exc: BaseException) -> bool:
    """A timeout, also when smtplib reports it as a disconnection (its cause is kept)."""
    return any(
        isinstance(e, TimeoutError | socket.timeout) for e in (exc, exc.__context__, exc.__cause__)
    )


def describe(exc: BaseException, cfg: EmailSettings) -> tuple[str, str]:
    """(reason for a person, the server's words) for what went wrong talking to the server."""
    where = f"{cfg.host}:{cfg.port}"
    response = ""
    if isinstance(exc, smtplib.SMTPResponseException):
        response = _answer(exc.smtp_code, exc.smtp_error)
    if timed_out(exc):
        return f"tempo esgotado: {where} não respondeu em {cfg.timeout} s", response
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "senha incorreta ou usuário não aceito pelo servidor", response
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or exc.reason or ""
        return (
            f"certificado não confiável em {where} ({detail}); se o servidor usa um "
            "certificado próprio da empresa, informe o arquivo da CA (--ca-file)",
            response,
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"falha na conexão segura com {where} ({exc.reason or exc}); confira a porta e a "
            "segurança (ssl costuma ser a porta 465, starttls a 587)",
            response,
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        return f"o servidor {where} recusou a conexão", response
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"o servidor {where} encerrou a conexão inesperadamente", response
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"o servidor {where} respondeu com erro", response
    if isinstance(exc, ConnectionRefusedError):
        return (
            f"conexão recusada por {where} (servidor fora do ar, porta errada ou firewall)",
            response,
        )
    if isinstance(exc, socket.gaierror):
        return f"servidor {cfg.host!r} não encontrado (confira o nome)", response
    if isinstance(exc, OSError):
        return f"erro de rede ao falar com {where}: {exc.strerror or exc}", response
    return f"erro ao falar com {where}: {type(exc).__name__}", response


def tls_context(cfg: EmailSettings) -> ssl.SSLContext:
    """Certificates verified, always; a company's own CA may be added."""
    return ssl.create_default_context(cafile=cfg.ca_file or None)


def open_connection(cfg: EmailSettings) -> smtplib.SMTP:
    """A connection ready for MAIL FROM: secured and authenticated as configured."""
    # gethostname(), not getfqdn(): no DNS lookup on every connection.
    local = socket.gethostname() or "localhost"
    conn: smtplib.SMTP | None = None
    stage = "connect"
    try:
        context = tls_context(cfg) if cfg.security != Security.NONE else None
        if cfg.security == Security.SSL:
            conn = smtplib.SMTP_SSL(
                cfg.host, cfg.port, local_hostname=local, timeout=cfg.timeout, context=context
            )
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, local_hostname=local, timeout=cfg.timeout)
        conn.ehlo()
        if cfg.security == Security.STARTTLS:
            stage = "starttls"
            conn.starttls(context=context)
            conn.ehlo()
        if cfg.username:
            stage = "auth"
            conn.login(cfg.username, cfg.password())
        return conn
    except EncryptionError as e:
        _close(conn)
        raise ConnectFailed(str(e)) from None
    except smtplib.SMTPNotSupportedError:
        _close(conn)
        if stage == "starttls":
            raise ConnectFailed(
                f"o servidor {cfg.host}:{cfg.port} não oferece STARTTLS (escolha ssl ou outra porta)"
            ) from None
        raise ConnectFailed(
            f"o servidor {cfg.host}:{cfg.port} não aceita autenticação (AUTH) nesta conexão; "
            "confira a segurança (starttls/ssl)"
        ) from None
    except (OSError, smtplib.SMTPException) as e:
        _close(conn)
        raise ConnectFailed(*describe(e, cfg)) from None


def _close(conn: smtplib.SMTP | None) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _reset(conn: smtplib.SMTP) -> bool:
    """RSET after a refused transaction; False when the connection is gone."""
    try:
        return conn.rset()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _refused(code: int, reason: str, response: str, *, broken: bool, before_data: bool) -> Result:
    status = RETRY if code < 500 else FAILED
    return Result(
        status, response, reason, connection_broken=broken or code == 421, before_data=before_data
    )


def transact(conn: smtplib.SMTP, out: Outgoing) -> Result:
    """MAIL, RCPT for every address, DATA: one message on an open connection."""
    stage = "MAIL"
    try:
        # The addresses were checked (no CR/LF, no brackets): smtplib's parsing
        # of each one again would cost more than the server's answer.
        code, text = conn.docmd("mail", f"FROM:<{out.envelope_from}>")
        if code != 250:
            broken = code == 421 or not _reset(conn)
            return _refused(
                code,
                "o servidor recusou o remetente",
                _answer(code, text),
                broken=broken,
                before_data=True,
            )
        stage = "RCPT"
        accepted: list[str] = []
        refused: dict[str, str] = {}
        for address in [*out.to, *out.copies]:
            code, text = conn.docmd("rcpt", f"TO:<{address}>")
            if code in (250, 251):
                accepted.append(address)
            elif code == 421:
                return _refused(
                    code,
                    "o servidor encerrou a conexão",
                    _answer(code, text),
                    broken=True,
                    before_data=True,
                )
            else:
                refused[address] = _answer(code, text)
        for address, answer in out.invalid.items():
            refused.setdefault(address, answer)
        customer_accepted = [a for a in out.to if a in accepted]
        for_good = [a for a in out.to if refused.get(a, "").startswith("5")]
        if not customer_accepted:
            broken = not _reset(conn)
            words = "; ".join(f"{a}: {refused[a]}" for a in out.to if a in refused)
            temporary = any(refused.get(a, "").startswith("4") for a in out.to)
            return Result(
                RETRY if temporary else FAILED,
                words,
                "o servidor recusou todos os destinatários",
                refused=refused,
                refused_for_good=for_good,
                connection_broken=broken,
            )
        stage = "DATA"
        code, text = conn.data(out.data)
        answer = _answer(code, text)
        if code == 250:
            return Result(
                SENT,
                answer,
                accepted=customer_accepted,
                refused=refused,
                refused_for_good=for_good,
            )
        result = _refused(
            code, "o servidor recusou a mensagem", answer, broken=code == 421, before_data=False
        )
        result.refused = refused
        return result
    except smtplib.SMTPDataError as e:
        # DATA itself refused (no 354): nothing of the message was sent.
        code = e.smtp_code
        broken = code == 421 or not _reset(conn)
        return _refused(
            code,
            "o servidor recusou a mensagem",
            _answer(code, e.smtp_error),
            broken=broken,
            before_data=True,
        )
    except (OSError, smtplib.SMTPException) as e:
        # Dropped connections and timeouts are temporary (RFC 5321 §6.1: no 250,
        # no responsibility taken): the message is tried again later.
        if timed_out(e):
            reason = f"tempo esgotado esperando o servidor ({stage})"
        else:
            reason = f"a conexão caiu durante o envio ({stage})"
        conn.close()
        return Result(
            RETRY,
            _answer(e.smtp_code, e.smtp_error)
            if isinstance(e, smtplib.SMTPResponseException)
            else "",
            reason,
            connection_broken=True,
            before_data=stage != "DATA",
        )


class SmtpSession:
    """One connection reused for many messages, reopened when the server drops it."""

    def __init__(self, cfg: EmailSettings) -> None:
        self.cfg = cfg
        self.conn: smtplib.SMTP | None = None
        self.sent_on_connection = 0

    def __enter__(self) -> "SmtpSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        _close(self.conn)
        self.conn = None

    def send(self, out: Outgoing, notice_id: int | None = None) -> Result:
        for first_try in (True, False):
            if self.conn is None:
                try:
                    self.conn = open_connection(self.cfg)
                except ConnectFailed as e:
                    return Result(RETRY, e.response, e.reason, connect_failed=True)
                self.sent_on_connection = 0
            result = transact(self.conn, out)
            if result.connection_broken:
                self.conn.close()
                self.conn = None
            # A server may close a long-used connection before a message began
            # (421 "too many messages", idle time): one fresh connection for it.
            if (
                first_try
                and result.connection_broken
                and result.before_data
                and self.sent_on_connection > 0
            ):
                continue
            if result.status == SENT:
                self.sent_on_connection += 1
            return result
        raise AssertionError("unreachable")  # pragma: no cover


def send_test_message(to: str) -> tuple[bool, str]:
    """Send one real message with the saved settings: (accepted?, what to tell the person)."""
    cfg = EmailSettings.load()
    try:
        address = check_address(to)
    except InvalidAddress as e:
        return False, f"Destinatário inválido: {e}."
    if not cfg.is_ready:
        return False, (
            "O envio de e-mail não está configurado: informe o servidor e o remetente "
            "(regua email configure)."
        )
    try:
        sender = sender_for(cfg, None)
        message_id = new_message_id(domain_of(sender.address))
        text = (
            "Esta é uma mensagem de teste do Régua.\n\n"
            "Se ela chegou, as cartas de cobrança por e-mail serão entregues por este servidor."
        )
        data = compose(
            message_id=message_id,
            date=timezone.now(),
            from_header=format_address(sender.name, sender.address),
            to_headers=[address],
            cc=[],
            reply_to=sender.reply_to,
            subject="Régua: mensagem de teste",
            text=text,
            html=f"<p>{text.replace(chr(10) * 2, '</p><p>')}</p>",
        )
    except MessageError as e:
        return False, f"A mensagem de teste não pôde ser montada: {e}."
    out = Outgoing(message_id, sender.envelope_from, [address], [], [], data)
    if cfg.captures:
        CapturedEmail.objects.create(
            message_id=message_id,
            from_header=format_address(sender.name, sender.address),
            to=[address],
            subject="Régua: mensagem de teste",
            body_text=text,
            raw=data,
        )
        return True, (
            f"Modo de captura: a mensagem para {address} foi guardada no Régua, não enviada "
            f"(Message-ID {message_id})."
        )
    with SmtpSession(cfg) as session:
        result = session.send(out)
    if result.status == SENT:
        return True, f"O servidor aceitou a mensagem para {address}: {result.response}"
    words = f" Resposta do servidor: {result.response}" if result.response else ""
    return False, f"A mensagem de teste não foi aceita: {result.reason}.{words}"
