"""Changing the e-mail settings and the branches' senders: checked, then audited.

The same functions serve the command line and the pages; callers check the
"delivery.configure_email" permission (R11) before calling.
"""

import ssl
from pathlib import Path
from typing import Any

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from regua.audit import log
from regua.delivery.addresses import (
    InvalidAddress,
    check_address,
    check_address_list,
)
from regua.delivery.encryption import EncryptionError
from regua.delivery.models import BranchSender, EmailMode, EmailSettings, Security
from regua.receivables.models import Branch

EDITABLE = [
    "host",
    "port",
    "security",
    "ca_file",
    "username",
    "from_name",
    "from_email",
    "reply_to",
    "cc",
    "bcc",
    "timeout",
    "rate_per_minute",
    "mode",
]
SENDER_FIELDS = ["from_name", "from_email", "reply_to", "signature"]


class ConfigurationError(ValueError):
    """Settings that cannot be saved; the message names the field and what is wrong."""


def _one_line(label: str, value: str) -> None:
    if any(c in value for c in "\r\n\0"):
        raise ConfigurationError(f"{label}: não pode conter quebra de linha.")


def _address(label: str, value: str, *, required: bool = False) -> None:
    if not value:
        if required:
            raise ConfigurationError(f"{label}: informe o endereço.")
        return
    try:
        check_address(value)
    except InvalidAddress as e:
        raise ConfigurationError(f"{label}: {e}.") from None


def validate(cfg: EmailSettings) -> None:
    """Refuse what could not work or could reach a header, naming the field."""
    if cfg.mode not in EmailMode.values:
        raise ConfigurationError(f"Modo: {cfg.mode!r} não existe (smtp ou capture).")
    if cfg.security not in Security.values:
        raise ConfigurationError(
            f"Segurança: {cfg.security!r} não existe (use none, starttls ou ssl)."
        )
    for label, value in (
        ("Servidor", cfg.host),
        ("Usuário", cfg.username),
        ("Nome do remetente", cfg.from_name),
        ("Arquivo de CA", cfg.ca_file),
    ):
        _one_line(label, value)
    if cfg.host and any(c.isspace() for c in cfg.host):
        raise ConfigurationError(f"Servidor: {cfg.host!r} não pode conter espaços.")
    if cfg.mode == EmailMode.SMTP and not cfg.host:
        raise ConfigurationError("Servidor: informe o servidor SMTP (--host).")
    if not 1 <= cfg.port <= 65535:
        raise ConfigurationError(f"Porta: {cfg.port} fora do intervalo 1 a 65535.")
    if not 1 <= cfg.timeout <= 600:
        raise ConfigurationError(f"Tempo limite: {cfg.timeout} s fora do intervalo 1 a 600.")
    if cfg.rate_per_minute < 0:
        raise ConfigurationError("Limite por minuto: não pode ser negativo.")
    _address("E-mail do remetente", cfg.from_email, required=cfg.mode == EmailMode.SMTP)
    _address("Responder para", cfg.reply_to)
    for label, value in (("Cópia (Cc)", cfg.cc), ("Cópia oculta (Cco)", cfg.bcc)):
        try:
            check_address_list(value, label)
        except InvalidAddress as e:
            raise ConfigurationError(f"{e}.") from None
    if cfg.ca_file:
        if not Path(cfg.ca_file).is_file():
            raise ConfigurationError(f"Arquivo de CA: {cfg.ca_file} não existe.")
        try:
            ssl.create_default_context(cafile=cfg.ca_file)
        except (ssl.SSLError, OSError, ValueError) as e:
            raise ConfigurationError(
                f"Arquivo de CA: {cfg.ca_file} não pôde ser lido como certificado PEM ({e})."
            ) from None


def _stored_password(cfg: EmailSettings | None) -> str | None:
    """The saved password, or None when there is none or it no longer opens."""
    if cfg is None or not cfg.has_password:
        return "" if cfg is not None else None
    try:
        return cfg.password()
    except EncryptionError:
        return None


@sensitive_variables("password")
def configure_email(user: str, *, password: str | None = None, **fields: Any) -> EmailSettings:
    """Save the settings given (others stay); ``password``: None keeps it, "" removes it.

    Audited with the changed fields; the password only as "changed".
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"campos desconhecidos: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        before = EmailSettings.objects.select_for_update().filter(pk=1).first()
        cfg = EmailSettings.objects.filter(pk=1).first() or EmailSettings(pk=1)
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(cfg, name, value)
        validate(cfg)
        password_changed = password is not None and password != _stored_password(before)
        if password is not None and password_changed:
            _one_line("Senha", password)
            cfg.set_password(password)
        cfg.updated_by = user
        cfg.save()
        changes = log.diff(before, cfg, EDITABLE)
        if password_changed:
            changes["password_changed"] = "removed" if not password else "changed"
        log.record(
            user,
            "email.configure",
            cfg,
            f"Configuração de e-mail alterada: {', '.join(sorted(changes)) or 'nada mudou'}.",
            changes,
        )
    return cfg


def configure_branch_sender(user: str, branch: Branch, **fields: str) -> BranchSender | None:
    """A branch's own sender; all fields empty removes the override. Audited."""
    unknown = set(fields) - set(SENDER_FIELDS)
    if unknown:
        raise TypeError(f"campos desconhecidos: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        before = BranchSender.objects.select_for_update().filter(branch=branch).first()
        sender = BranchSender.objects.filter(branch=branch).first() or BranchSender(branch=branch)
        for name, value in fields.items():
            setattr(sender, name, (value or "").strip())
        _one_line("Nome do remetente", sender.from_name)
        _address("E-mail do remetente", sender.from_email)
        _address("Responder para", sender.reply_to)
        changes = log.diff(before, sender, SENDER_FIELDS)
        if not any(getattr(sender, name) for name in SENDER_FIELDS):
            if before is not None:
                before.delete()
                log.record(
                    user,
                    "email.branch_sender.remove",
                    branch,
                    f"Filial {branch.code} volta a usar o remetente padrão.",
                    changes,
                )
            return None
        sender.save()
        log.record(
            user,
            "email.branch_sender",
            branch,
            f"Remetente da filial {branch.code} alterado.",
            changes,
        )
    return sender
