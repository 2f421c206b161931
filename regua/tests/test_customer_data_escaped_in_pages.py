"""Issue 8, XSS: a customer's name with markup is shown as text on every page that shows it.

The letters tests prove the HTML e-mail and the letter escape customer data,
and the pages tests that a notice's HTML body only shows inside a sandboxed
frame; this walks every page that prints a customer's name (list, statement, a
notice, Emitir's preview, a run's progress, Revisão,
Pendências) with a name an attacker would choose.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable
from regua.web.tests.conftest import make_user

DATE = datetime.date(2026, 11, 30)
NAME = '<script>alert("cliente")</script><img src=x onerror=alert(1)>'
ESCAPED = (
    "&lt;script&gt;alert(&quot;cliente&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
)


@pytest.fixture
def pages(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    branch = make_branch("1")
    email_range = make_range(1, 30)
    letter_range = make_range(31, 60, template=2, generation="email_and_letter")
    customer = make_customer("6666", name=NAME, billing_email="financeiro@cliente.com.br")
    recent = make_receivable(branch, customer, DATE - datetime.timedelta(days=10), "120.00")
    older = make_receivable(branch, customer, DATE - datetime.timedelta(days=40), "480.00")
    held = make_notice(letter_range, [older], status="held")
    failed = make_notice(
        email_range, [recent], status="failed", reason="o servidor recusou todos os destinatários"
    )
    return {
        "lista de clientes": (reverse("customers"), {"q": "script"}),
        "extrato": (reverse("customer", args=[customer.pk]), {}),
        "carta": (reverse("notice", args=[failed.pk]), {}),
        "prévia do Emitir": (
            reverse("run_new"),
            {"reference_date": DATE.isoformat(), "group_by": "customer"},
        ),
        "progresso da emissão": (reverse("run_progress", args=[failed.run_id]), {}),
        "revisão": (reverse("review"), {"carta": held.pk}),
        "pendências": (reverse("pending"), {}),
    }


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 30, 15, tzinfo=datetime.UTC), tick=False)
def test_a_customer_name_with_markup_is_escaped_on_every_page_that_shows_it(client, pages):
    client.force_login(make_user("ana", "administrator"))

    for label, (url, params) in pages.items():
        response = client.get(url, params)
        page = response.content.decode()
        assert response.status_code == 200, label
        assert NAME not in page, label
        assert "<script>alert" not in page, label
        assert ESCAPED in page, label
