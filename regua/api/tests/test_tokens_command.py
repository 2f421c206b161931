import io
import json

import pytest
from django.core.management import CommandError, call_command

from regua.api.models import ApiToken
from regua.api.tests.base import make_token, make_user
from regua.api.tokens import authenticate, hash_token
from regua.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def tokens(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tokens", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_hash():
    ana = make_user("ana")

    out, err = tokens("create", "--user", "ana", "--name", "ERP")

    secret = out.strip()
    token = ApiToken.objects.get()
    assert token.user == ana and token.name == "ERP"
    assert token.token_hash == hash_token(secret)
    assert authenticate(f"Bearer {secret}") == token
    assert "não será mostrado de novo" in err
    listing, _ = tokens("list")
    assert secret not in listing
    assert token.prefix in listing


def test_create_is_written_to_the_audit_log_without_the_token():
    make_user("ana")

    out, _ = tokens("create", "--user", "ana", "--by", "ana")

    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.user == "ana"
    assert out.strip() not in json.dumps(entry.changes) + entry.description


def test_create_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="'zé' não encontrado"):
        tokens("create", "--user", "zé")


def test_a_user_without_manage_users_cannot_create_a_token_for_someone_else():
    make_user("ana")
    make_user("bia")

    with pytest.raises(CommandError, match=r"audit\.manage_users"):
        tokens("create", "--user", "ana", "--by", "bia")

    assert not ApiToken.objects.exists()


def test_an_administrator_creates_a_token_for_someone_else():
    make_user("ana")
    make_user("admin", "audit.manage_users")

    tokens("create", "--user", "ana", "--by", "admin")

    assert ApiToken.objects.get().user.username == "ana"


def test_list_as_json_shows_prefix_and_state_but_no_secret():
    ana = make_user("ana")
    secret = make_token(ana, "ERP")

    out, _ = tokens("list", "--json")

    rows = json.loads(out)
    assert [(r["user"], r["name"], r["revoked_at"]) for r in rows] == [("ana", "ERP", None)]
    assert secret not in out


def test_revoke_refuses_the_token_afterwards_and_is_audited():
    ana = make_user("ana")
    secret = make_token(ana)
    token = ApiToken.objects.get()

    out, _ = tokens("revoke", str(token.id), "--user", "ana")

    assert "revogado" in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.user == "ana" and entry.object_id == str(token.id)
    with pytest.raises(Exception, match="revogado"):
        authenticate(f"Bearer {secret}")


def test_revoke_refuses_someone_elses_token_without_manage_users():
    make_token(make_user("ana"))
    make_user("bia")
    token = ApiToken.objects.get()

    with pytest.raises(CommandError, match=r"audit\.manage_users"):
        tokens("revoke", str(token.id), "--by", "bia")

    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_changes_nothing_the_second_time():
    make_token(make_user("ana"))
    token = ApiToken.objects.get()
    tokens("revoke", str(token.id))

    out, _ = tokens("revoke", str(token.id))

    assert "já estava revogado" in out
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_the_console_script_creates_a_working_token(regua_cli):
    make_user("ana")

    result = regua_cli("tokens", "create", "--user", "ana", "--name", "ERP")

    assert result.returncode == 0, result.stderr
    assert authenticate(f"Bearer {result.stdout.strip()}").user.username == "ana"
