import pytest
from django.contrib.auth.models import Group

from regua.web.groups import ADMINISTRATOR, OPERATOR, SUPERVISOR, sync_groups


def perms_of(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.django_db
def test_the_three_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        OPERATOR,
        SUPERVISOR,
        ADMINISTRATOR,
    }


@pytest.mark.django_db
def test_an_operator_may_run_dunning_and_view_history_only():
    sync_groups()
    assert perms_of(OPERATOR) == {"dunning.run_dunning", "dunning.view_history"}


@pytest.mark.django_db
def test_a_supervisor_may_review_and_manage_but_not_configure_email():
    sync_groups()
    perms = perms_of(SUPERVISOR)
    assert {"dunning.review_notices", "dunning.manage_ranges", "receivables.import_data"} <= perms
    assert "delivery.configure_email" not in perms
    assert "audit.manage_users" not in perms


@pytest.mark.django_db
def test_an_administrator_may_manage_users():
    sync_groups()
    assert {"audit.manage_users", "dunning.run_dunning"} <= perms_of(ADMINISTRATOR)


@pytest.mark.django_db
def test_syncing_again_restores_a_permission_removed_by_hand():
    sync_groups()
    group = Group.objects.get(name=OPERATOR)
    group.permissions.clear()
    sync_groups()
    assert "dunning.run_dunning" in perms_of(OPERATOR)


@pytest.mark.django_db(transaction=True)
def test_regua_groups_sync_restores_the_groups(regua_cli):
    from django.contrib.auth.models import Group

    Group.objects.filter(name=OPERATOR).delete()
    done = regua_cli("groups", "sync")
    assert done.returncode == 0, done.stderr
    assert "3 grupos sincronizados." in done.stdout
    listed = regua_cli("groups", "list").stdout
    assert "Operador de cobrança: dunning.run_dunning, dunning.view_history" in listed
