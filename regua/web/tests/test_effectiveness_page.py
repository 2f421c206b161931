"""The Efetividade page: the report's figures, the reference group and how attribution works."""

import pytest
import time_machine
from django.urls import reverse

from regua.dunning.tests.test_effectiveness import history  # noqa: F401 - the shared fixture
from regua.web.tests.conftest import make_user

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_the_page_shows_every_figure_and_says_how_attribution_works(client, history):  # noqa: F811
    client.force_login(make_user("ana", "operator"))
    response = client.get(reverse("effectiveness"), {"de": "2026-10-01", "ate": "2026-10-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cartas enviadas de 01/10/2026 a 31/10/2026." in html
    for text in (
        "Lembrete (1 a 15 dias)",
        "R$ 460,00",  # notified in the first range
        "R$ 290,00",  # recovered there
        "63,0 %",
        "5,5",  # median days
        "R$ 560,00",  # total notified
        "poucos dados",
        "não comparável",
        "Como os pagamentos são atribuídos",
        "baixa presumida",
    ):
        assert text in html, text
    assert "<svg" in html and "Recuperação ao longo do tempo" in html


@time_machine.travel("2026-11-10 09:00 -03:00", tick=False)
def test_a_bad_date_is_named_and_the_page_still_answers(client, history):  # noqa: F811
    client.force_login(make_user("ana", "operator"))
    response = client.get(reverse("effectiveness"), {"de": "31/13/2026", "por": "cor"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Data inválida: &#x27;31/13/2026&#x27;" in html
    assert "Agrupamento desconhecido: &#x27;cor&#x27;" in html


def test_without_the_history_permission_the_page_is_refused(client):
    client.force_login(make_user("zé", None))
    assert client.get(reverse("effectiveness")).status_code == 403
