"""Users changed by the command line or Django's admin are in the audit log too (R11)."""

import getpass

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from regua.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_createsuperuser_on_the_command_line_is_audited(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "uma-senha-longa-42")

    call_command(
        "createsuperuser", interactive=False, username="chefe", email="chefe@x.com.br", verbosity=0
    )

    entry = AuditEntry.objects.get(action="user.created")
    assert entry.object_id == str(User.objects.get(username="chefe").pk)
    assert "chefe" in entry.description
    assert entry.user == getpass.getuser()


def test_changepassword_on_the_command_line_is_audited_without_the_password(monkeypatch):
    User.objects.create_user("ana", password="antiga-senha-42")
    # The command reads the new password from the terminal twice.
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "nova-senha-forte-42")

    call_command("changepassword", "ana", verbosity=0)

    entry = AuditEntry.objects.get(action="user.password_changed")
    assert "ana" in entry.description
    assert "nova-senha" not in str(entry.changes) + entry.description
    assert User.objects.get(username="ana").check_password("nova-senha-forte-42")


def test_a_change_in_the_admin_is_mirrored_to_the_audit_log(client):
    admin = User.objects.create_superuser("root", "root@x.com.br", "senha-do-admin-42")
    ana = User.objects.create_user("ana", password="x-senha-42", is_active=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_change", args=[ana.pk]),
        {
            "username": "ana",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "",  # deactivated
            "date_joined_0": "2026-11-30",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-11-30",
            "initial-date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.user == "root"
    assert entry.object_type == "auth.user"
    assert entry.object_id == str(ana.pk)
    assert "ana" in entry.description
