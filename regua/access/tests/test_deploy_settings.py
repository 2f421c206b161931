"""Production settings: `regua check --deploy` is clean, and HTTPS protections follow REGUA_HTTPS."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REGUA = str(Path(sys.executable).parent / "regua")

PRODUCTION = {
    "REGUA_HTTPS": "1",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "regua.example.com",
}

PRINT_SETTINGS = (
    "import json\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({name: getattr(s, name) for name in (\n"
    "    'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',\n"
    "    'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER',\n"
    "    'SESSION_COOKIE_HTTPONLY', 'DEBUG')}))\n"
)


def settings_with(env: dict[str, str]) -> dict:
    """The security settings a `regua` process gets with ``env`` (REGUA_HTTPS and DEBUG unset)."""
    base = {k: v for k, v in os.environ.items() if k not in ("REGUA_HTTPS", "DEBUG")}
    done = subprocess.run(
        [REGUA, "shell", "-c", PRINT_SETTINGS],
        env={**base, "SECRET_KEY": secrets.token_urlsafe(60), **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_is_clean_with_production_settings(regua_cli, tmp_path):
    # A data folder as Régua creates it (700); an older, open one gets a warning.
    data = tmp_path / "dados"
    data.mkdir(mode=0o700)

    done = regua_cli(
        "check", "--deploy", "--fail-level", "WARNING", REGUA_DATA_DIR=str(data), **PRODUCTION
    )

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


@pytest.mark.django_db(transaction=True)
def test_without_https_the_deploy_check_names_the_missing_protections(regua_cli):
    done = regua_cli(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "REGUA_HTTPS": "0"}
    )

    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


def test_on_plain_http_the_cookies_are_not_secure_so_an_office_network_works():
    values = settings_with({})

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["DEBUG"] is False


def test_with_regua_https_the_cookies_are_secure_and_hsts_is_on():
    values = settings_with({"REGUA_HTTPS": "1"})

    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
