"""E-mail settings: saved through checks, audited, and the password never readable."""

import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from regua.audit.models import AuditEntry
from regua.delivery.configuration import ConfigurationError, configure_email
from regua.delivery.encryption import EncryptionError, decrypt, encrypt
from regua.delivery.models import EmailSettings

pytestmark = pytest.mark.django_db

SECRET = "Sup3r-Secreta!"


def configure(**fields):
    values = {
        "host": "smtp.exemplo.com.br",
        "port": 587,
        "security": "starttls",
        "username": "cobranca@exemplo.com.br",
        "from_email": "cobranca@exemplo.com.br",
    }
    values.update(fields)
    return configure_email("admin", password=SECRET, **values)


def test_the_password_is_stored_encrypted_and_read_back_only_by_the_smtp_code():
    cfg = configure()

    stored = EmailSettings.objects.get(pk=1)
    assert SECRET not in stored.password_encrypted
    assert stored.password() == SECRET
    assert SECRET not in repr(stored) and SECRET not in str(stored)
    assert stored.password_encrypted not in repr(stored)
    assert cfg.has_password


def test_changing_the_settings_is_audited_with_the_password_only_as_changed():
    configure()
    configure(port=465, security="ssl")

    first, second = AuditEntry.objects.filter(action="email.configure").order_by("id")
    assert first.user == "admin"
    assert first.changes["password_changed"] == "changed"
    assert second.changes["port"] == ["587", "465"]
    assert second.changes["security"] == ["starttls", "ssl"]
    assert "password_changed" not in second.changes  # same password given again
    for entry in AuditEntry.objects.all():
        assert SECRET not in str(entry.changes) + entry.description
        assert EmailSettings.objects.get().password_encrypted not in str(entry.changes)


def test_no_plain_text_password_anywhere_in_the_database(transactional_db):
    configure()
    configure(port=2525)

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        name = Path(connection.settings_dict["NAME"])
        files = [p for p in (name, Path(f"{name}-wal")) if p.exists()]
        content = b"".join(p.read_bytes() for p in files)
        assert b"smtp.exemplo.com.br" in content  # the file really holds the settings
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM delivery_emailsettings")
            rows = cursor.fetchall()
            cursor.execute("SELECT description, changes::text FROM audit_auditentry")
            rows += cursor.fetchall()
        content = repr(rows).encode()
        assert b"smtp.exemplo.com.br" in content
    assert SECRET.encode() not in content


def test_a_key_is_generated_once_into_its_own_file_readable_by_the_owner_only(settings, tmp_path):
    settings.REGUA_ENCRYPTION_KEY = None
    settings.REGUA_ENCRYPTION_KEY_PATH = tmp_path / "data" / "encryption.key"

    token = encrypt(SECRET)
    key = settings.REGUA_ENCRYPTION_KEY_PATH.read_bytes()

    assert stat.S_IMODE(os.stat(settings.REGUA_ENCRYPTION_KEY_PATH).st_mode) == 0o600
    assert decrypt(token) == SECRET
    assert settings.REGUA_ENCRYPTION_KEY_PATH.read_bytes() == key
    assert Fernet(key).decrypt(token.encode()).decode() == SECRET


def test_another_key_cannot_open_the_password_and_says_what_to_do(settings):
    configure()
    settings.REGUA_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(EncryptionError, match="--password-stdin"):
        EmailSettings.objects.get().password()


def test_a_malformed_key_is_named():
    from django.test import override_settings

    with (
        override_settings(REGUA_ENCRYPTION_KEY="curta"),
        pytest.raises(EncryptionError, match="não é uma chave Fernet válida"),
    ):
        encrypt("x")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"from_email": "sem arroba"}, "E-mail do remetente"),
        ({"from_email": "a@b.com\r\nBcc: c@d.com"}, "quebra de linha"),
        ({"from_name": "Cobrança\nBcc: x@y.com"}, "Nome do remetente: não pode conter quebra"),
        ({"cc": "ok@exemplo.com.br; ruim"}, "Cópia (Cc): 'ruim' não é um endereço"),
        ({"port": 70000}, "Porta: 70000"),
        ({"security": "tls"}, "Segurança"),
        ({"host": ""}, "Servidor: informe"),
        ({"ca_file": "/nao/existe.pem"}, "Arquivo de CA: /nao/existe.pem não existe"),
    ],
)
def test_settings_that_could_not_work_are_refused_naming_the_field(fields, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        configure(**fields)
    assert not EmailSettings.objects.exists()


def test_the_configure_command_reads_the_password_from_stdin_and_never_prints_it(
    regua_cli,
):
    done = regua_cli(
        "email",
        "configure",
        "--host",
        "smtp.exemplo.com.br",
        "--port",
        "587",
        "--security",
        "starttls",
        "--username",
        "cobranca@exemplo.com.br",
        "--password-stdin",
        "--from-email",
        "cobranca@exemplo.com.br",
        "--from-name",
        "Cobrança Exemplo",
        "--reply-to",
        "financeiro@exemplo.com.br",
        "--cc",
        "gerente@exemplo.com.br",
        "--bcc",
        "arquivo@exemplo.com.br",
        "--rate",
        "120",
        input=SECRET + "\n",
        REGUA_ENCRYPTION_KEY="x7lJBdSp0A4sPqeJvQ8p0V8zQmB1yq0cXKzQ4o0R3xU=",
    )

    assert done.returncode == 0, done.stderr
    assert "Senha: guardada (criptografada)" in done.stdout
    assert SECRET not in done.stdout + done.stderr
    cfg = EmailSettings.objects.get()
    assert (cfg.host, cfg.port, cfg.security, cfg.rate_per_minute) == (
        "smtp.exemplo.com.br",
        587,
        "starttls",
        120,
    )
    assert (cfg.from_name, cfg.reply_to, cfg.cc, cfg.bcc) == (
        "Cobrança Exemplo",
        "financeiro@exemplo.com.br",
        "gerente@exemplo.com.br",
        "arquivo@exemplo.com.br",
    )
    assert cfg.password() == SECRET


def test_configuring_needs_the_permission_when_a_user_is_named():
    User.objects.create_user("operador")

    with pytest.raises(CommandError, match="delivery.configure_email"):
        call_command(
            "email", "configure", "--host", "smtp.x.com", "--from-email", "a@x.com",
            "--user", "operador",
        )  # fmt: skip

    admin = User.objects.create_user("admin2")
    admin.user_permissions.add(Permission.objects.get(codename="configure_email"))
    call_command(
        "email", "configure", "--host", "smtp.x.com", "--from-email", "a@x.com",
        "--user", "admin2",
    )  # fmt: skip
    assert AuditEntry.objects.get(action="email.configure").user == "admin2"


def test_capture_mode_needs_no_server():
    call_command("email", "configure", "--capture")

    cfg = EmailSettings.objects.get()
    assert cfg.captures and cfg.is_ready
