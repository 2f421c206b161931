"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), with faults on demand.

The handler records every accepted message and can be told to answer a
command with any code, to drop the connection in the middle of DATA, or to
take its time; the server can stop and start again on the same port, and a
bare listening socket stands for a server that never answers.
"""

import asyncio
import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USERNAME = "cobranca@exemplo.com.br"
PASSWORD = "s3nha-c0rreta"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class Handler:
    """Answers as told; records what it accepted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.mail_answers: list[str] = []  # answers to the next MAIL FROMs, in order
        self.rcpt_answers: dict[str, str] = {}  # address → answer, every time
        self.data_answers: list[str] = []  # answers to the next ends of DATA, in order
        self.drop_in_data = 0  # how many next DATA to cut after their first line
        self.delay = 0.0  # seconds before answering the end of DATA
        self.connections = 0
        self.mail_times: list[float] = []  # time.monotonic() of each MAIL FROM
        self.in_data = 0  # messages whose end of DATA waits for its answer now
        self.most_in_data = 0  # the most that ever waited at once

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mail_times.append(time.monotonic())
            answer = self.mail_answers.pop(0) if self.mail_answers else None
        if answer:
            return answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            with self.lock:
                self.in_data += 1
                self.most_in_data = max(self.most_in_data, self.in_data)
            await asyncio.sleep(self.delay)
            with self.lock:
                self.in_data -= 1
        with self.lock:
            answer = self.data_answers.pop(0) if self.data_answers else None
            if answer:
                return answer
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
            return f"250 2.0.0 Ok: queued as Q{len(self.received)}"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [r.message_id for r in self.received]


class FaultySMTP(SMTP):
    async def smtp_DATA(self, arg: str) -> None:
        handler = self.event_handler
        if handler.drop_in_data and self.envelope is not None and self.envelope.rcpt_tos:
            handler.drop_in_data -= 1
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")
            # The connection dies with the message half received.
            assert self.transport is not None
            self.transport.close()
            return
        await super().smtp_DATA(arg)

    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


class FaultyController(Controller):
    def factory(self):
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == USERNAME and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """One server: ``security`` none, starttls or ssl; ``auth`` requires USERNAME/PASSWORD."""

    def __init__(
        self,
        security: str = "none",
        *,
        auth: bool = False,
        certificate: "Certificates | None" = None,
        port: int | None = None,
    ) -> None:
        self.handler = Handler()
        self.security = security
        self.auth = auth
        self.certificate = certificate
        self.port = port or free_port()
        self.controller: FaultyController | None = None

    def start(self) -> "SmtpServer":
        kwargs: dict = {"hostname": "127.0.0.1", "port": self.port, "ready_timeout": 10}
        if self.security != "none":
            assert self.certificate is not None
            context = self.certificate.server_context()
            if self.security == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if self.auth:
            kwargs["authenticator"] = authenticate
            kwargs["auth_required"] = True
        self.controller = FaultyController(self.handler, **kwargs)
        self.controller.start()
        # The controller's own probe connection at start does not count.
        self.handler.connections = 0
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)


class SilentServer:
    """Accepts connections (the kernel does) and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()


class Certificates:
    """A test CA and a server certificate for 127.0.0.1 and localhost, written as PEM files."""

    def __init__(self, folder: Path) -> None:
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA de teste do Régua")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        folder.mkdir(parents=True, exist_ok=True)
        self.ca_file = folder / "ca.pem"
        self.cert_file = folder / "server.pem"
        self.key_file = folder / "server.key"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context
