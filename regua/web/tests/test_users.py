import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.web.groups import OPERATOR, sync_groups
from regua.web.tests.conftest import make_user


@pytest.mark.django_db
def test_an_administrator_creates_an_operator_and_it_is_audited(client, administrator):
    sync_groups()
    from django.contrib.auth.models import Group

    client.force_login(administrator)
    response = client.post(
        reverse("user_create"),
        {
            "username": "bruno",
            "first_name": "Bruno",
            "email": "bruno@exemplo.com.br",
            "password1": "Xy7-segura-2026",
            "password2": "Xy7-segura-2026",
            "groups": [Group.objects.get(name=OPERATOR).pk],
        },
    )
    assert response.status_code == 302
    bruno = User.objects.get(username="bruno")
    assert bruno.has_perm("dunning.run_dunning")
    assert not bruno.has_perm("dunning.manage_ranges")
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.user == "ana" and entry.changes == {"groups": [OPERATOR]}


@pytest.mark.django_db
def test_a_deactivated_user_can_no_longer_sign_in(client, administrator):
    olga = make_user("olga", "operator")
    client.force_login(administrator)
    client.post(
        reverse("user_edit", args=[olga.pk]), {"first_name": "Olga", "email": "", "groups": []}
    )
    olga.refresh_from_db()
    assert not olga.is_active
    client.logout()
    from regua.web.tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "olga", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_administrator_cannot_deactivate_themself(client, administrator):
    client.force_login(administrator)
    page = client.post(
        reverse("user_edit", args=[administrator.pk]), {"first_name": "Ana", "email": ""}
    ).content.decode()
    assert "Você não pode desativar o seu próprio usuário." in page
    administrator.refresh_from_db()
    assert administrator.is_active


@pytest.mark.django_db
def test_an_operator_is_told_which_permission_is_missing(client, operator):
    client.force_login(operator)
    response = client.get(reverse("users"))
    assert response.status_code == 403
    assert (
        "Você não tem a permissão: <strong>Pode gerenciar usuários</strong>"
        in response.content.decode()
    )
