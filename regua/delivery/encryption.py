"""The SMTP password at rest: Fernet under a key that never sits in the database.

The key comes from ``REGUA_ENCRYPTION_KEY`` (or the file named by
``REGUA_ENCRYPTION_KEY_FILE``); without either it is generated once into
``settings.REGUA_ENCRYPTION_KEY_PATH``, readable by its owner only. Keep that
file out of the database backups: a stolen backup then holds no usable password.

``cryptography`` is imported when a password is first sealed or opened, not
when the models load: every ``regua`` command imports this module at start.
"""

import contextlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


class EncryptionError(Exception):
    """The key is unusable, or does not open what was stored (the message says which)."""


def _generated_key(path: Path) -> bytes:
    """The key file's content, creating it (0600) when absent; safe when two processes race."""
    from cryptography.fernet import Fernet

    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: a process
    # racing us either wins the link or reads a complete key, never half of one.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_bytes().strip()


def _fernet() -> "Fernet":
    from cryptography.fernet import Fernet

    configured = settings.REGUA_ENCRYPTION_KEY
    key = configured.strip().encode() if configured else None
    if not key:
        key = _generated_key(Path(settings.REGUA_ENCRYPTION_KEY_PATH))
    try:
        return Fernet(key)
    except ValueError:
        raise EncryptionError(
            "A chave de criptografia (REGUA_ENCRYPTION_KEY ou o arquivo de chave) não é uma "
            "chave Fernet válida: são 32 bytes em base64 url-safe, como os gerados por "
            "Fernet.generate_key()."
        ) from None


@sensitive_variables("text")
def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionError(
            "A senha do e-mail guardada não abre com a chave de criptografia atual (a chave "
            "mudou?). Informe a senha de novo: regua email configure … --password-stdin."
        ) from None
