"""Issue 8, audit: changing a user (groups, deactivation) is recorded with who did it.

Creating a user is proven by the pages tests; this is the other half of
"the audit log covers changes to … users".
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.web.groups import OPERATOR, SUPERVISOR
from regua.web.tests.conftest import make_user


@pytest.mark.django_db
def test_moving_a_user_to_another_group_and_deactivating_them_is_audited(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    administrator = make_user("ana", "administrator")
    olga = make_user("olga", "operator")
    client.force_login(administrator)

    response = client.post(
        reverse("user_edit", args=[olga.pk]),
        {
            "first_name": "Olga",
            "last_name": "",
            "email": "olga@exemplo.com.br",
            "groups": [Group.objects.get(name=SUPERVISOR).pk],
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.change")
    assert entry.user == "ana"
    assert "olga" in entry.description
    assert entry.changes == {"groups": [[OPERATOR], [SUPERVISOR]], "is_active": [True, False]}
