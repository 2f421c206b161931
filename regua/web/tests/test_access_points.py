"""Access points: a superuser is changed only by a superuser; the Painel's amounts need a permission."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.test import make_branch, make_customer, make_receivable
from regua.web.tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SUPERUSER_ONLY = "Só um superusuário pode alterar outro superusuário."


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@exemplo.com.br", PASSWORD)


def edit(client, user, **fields):
    data = {"first_name": "", "email": user.email, "is_active": "on", "groups": []}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("user_edit", args=[user.pk]), data)


@pytest.mark.parametrize(
    "change",
    [{"is_active": None}, {"email": "atacante@exemplo.com.br"}],
    ids=["deactivate", "change-email"],
)
def test_an_administrator_who_is_not_a_superuser_cannot_change_a_superuser(
    client, administrator, root, change
):
    client.force_login(administrator)

    response = edit(client, root, **change)

    assert response.status_code == 403
    assert SUPERUSER_ONLY in response.content.decode()
    root.refresh_from_db()
    assert (root.is_active, root.email) == (True, "root@exemplo.com.br")
    assert not AuditEntry.objects.filter(action="user.change").exists()


def test_the_superusers_edit_page_says_why_it_is_closed(client, administrator, root):
    client.force_login(administrator)

    response = client.get(reverse("user_edit", args=[root.pk]))

    assert response.status_code == 403
    assert SUPERUSER_ONLY in response.content.decode()


def test_a_superuser_changes_another_superuser(client, root):
    other = User.objects.create_superuser("raiz2", "raiz2@exemplo.com.br", PASSWORD)
    client.force_login(root)

    response = edit(client, other, email="novo@exemplo.com.br")

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.email == "novo@exemplo.com.br"


def test_an_administrator_still_changes_ordinary_users(client, administrator):
    olga = make_user("olga", "operator")
    client.force_login(administrator)

    response = edit(client, olga, email="olga.nova@exemplo.com.br")

    assert response.status_code == 302
    olga.refresh_from_db()
    assert olga.email == "olga.nova@exemplo.com.br"


def test_on_the_command_line_an_administrator_cannot_change_a_superusers_password(
    administrator, root, monkeypatch
):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Nova-Senha-Forte-2026")

    with pytest.raises(CommandError, match=SUPERUSER_ONLY):
        call_command("changepassword", "root", user="ana", verbosity=0)

    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_on_the_command_line_a_superuser_changes_a_superusers_password(root, monkeypatch):
    User.objects.create_superuser("raiz2", "raiz2@exemplo.com.br", PASSWORD)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Nova-Senha-Forte-2026")

    call_command("changepassword", "root", user="raiz2", verbosity=0)

    root.refresh_from_db()
    assert root.check_password("Nova-Senha-Forte-2026")
    assert AuditEntry.objects.get(action="user.password_changed").user == "raiz2"


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_a_user_with_no_group_sees_the_painel_without_any_amount(client):
    make_receivable(make_branch(), make_customer(), datetime.date(2026, 10, 20), "1234.56")
    client.force_login(make_user("semgrupo", None))

    response = client.get(reverse("dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Os valores da cobrança aparecem para quem tem a permissão" in page
    assert "R$" not in page and "1.234,56" not in page
    assert "<svg" not in page


@time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_an_operator_sees_the_painels_amounts(client, operator):
    make_receivable(make_branch(), make_customer(), datetime.date(2026, 10, 20), "1234.56")
    client.force_login(operator)

    page = client.get(reverse("dashboard")).content.decode()

    assert "R$ 1.234,56" in page
