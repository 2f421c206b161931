"""Hist. Cobrança per título on the web: the search box of every page, the título's page,
and the customer page's standing of each título and its pause (R2, R4, R9, R10)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.receivables.models import Pause
from regua.test import make_branch, make_notice, make_range, make_receivable
from regua.web.tests.conftest import make_user
from regua.web.tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    # 30/11/2026, a Monday, 09:00 in São Paulo.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def world(client, operator):
    client.force_login(operator)
    return make_world(operator)


def test_the_titulo_page_shows_where_it_stands_today_and_its_whole_history(client, world):
    page = client.get(reverse("receivable", args=[world.receivable.pk])).content.decode()

    assert "Título 123456/1" in page
    assert "MERCADO BOA VISTA LTDA" in page
    assert "BK – BANCO - BOLETO" in page  # the collection type's name, not only its code
    assert "10/11/2026" in page and "dia útil: o mesmo do vencimento" in page
    assert "20 dias de atraso" in page
    # R9: 2 % fine and 1 % a month pro rata die over 20 days on R$ 350,00.
    assert "R$ 7,00" in page and "R$ 2,33" in page
    assert '<dd id="updated-amount"><strong>R$ 359,33</strong></dd>' in page
    history = page.split('id="receivable-history"')[1]
    for shown in (
        "1 a 30",  # the range
        "E-mail",  # the channel
        "financeiro@boavista.com.br",
        "Enviada",
        "250 2.0.0 Ok: queued as 4F1A2",
        reverse("notice", args=[world.notice.pk]),
        reverse("notice_pdf", args=[world.notice.pk]),
    ):
        assert shown in history, shown


def test_a_due_date_on_a_holiday_shows_the_business_day_it_moved_to_and_why(client, world):
    moved = make_receivable(
        world.receivable.branch,
        world.customer,
        datetime.date(2026, 11, 15),  # a Sunday, and the Proclamação da República
        "100.00",
        document="777",
    )
    page = client.get(reverse("receivable", args=[moved.pk])).content.decode()

    assert "16/11/2026" in page
    assert "passou para o próximo dia útil (Lei 7.089/83)" in page
    assert "15/11/2026 – Proclamação da República" in page
    assert "14 dias de atraso" in page  # from the 16th, not the 15th


def test_a_moved_due_date_shows_both_dates_on_the_titulo_and_the_customer_pages(client, world):
    moved = make_receivable(
        world.receivable.branch,
        world.customer,
        datetime.date(2026, 11, 29),  # a Sunday
        "100.00",
        document="778",
    )
    page = client.get(reverse("receivable", args=[moved.pk])).content.decode()
    assert '<dd id="due-date">29/11/2026 (domingo), prorrogado para 30/11/2026</dd>' in page

    page = client.get(reverse("customer", args=[world.customer.pk])).content.decode()
    assert "<td>29/11/2026 (domingo), prorrogado para 30/11/2026</td>" in page
    # A due date on a business day is shown alone.
    due = world.receivable.due_date.strftime("%d/%m/%Y")
    assert f"<td>{due}</td>" in page


@pytest.mark.parametrize("typed", ["123456", "123456/1", "123456-1", "1/123456/1", " 123456 / 1 "])
def test_the_search_box_leads_to_the_titulo_however_the_duplicata_is_typed(client, world, typed):
    response = client.get(reverse("receivable_search"), {"q": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("receivable", args=[world.receivable.pk])


def test_a_duplicata_with_several_installments_lists_them(client, world):
    make_receivable(
        world.receivable.branch, world.customer, datetime.date(2026, 12, 10), document="123456",
        installment="2",
    )  # fmt: skip
    page = client.get(reverse("receivable_search"), {"q": "123456"}).content.decode()
    assert "2 títulos encontrados para “123456”." in page

    page = client.get(reverse("receivable_search"), {"q": "999"}).content.decode()
    assert "0 títulos encontrados para “999”." in page


def test_a_duplicata_in_two_branches_is_listed_and_the_full_key_picks_one(client, world):
    other = make_receivable(
        make_branch("2"), world.customer, datetime.date(2026, 11, 10), document="123456"
    )
    page = client.get(reverse("receivable_search"), {"q": "123456/1"}).content.decode()
    assert "2 títulos encontrados" in page
    response = client.get(reverse("receivable_search"), {"q": "2/123456/1"})
    assert response["Location"] == reverse("receivable", args=[other.pk])


def test_the_search_box_is_on_every_page_for_who_may_see_history(client, world):
    page = client.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("receivable_search")}"' in page

    client.force_login(make_user("visita", None))
    page = client.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("receivable_search")}"' not in page


def test_the_customer_page_shows_contact_standing_and_updated_amounts(client, world):
    world.customer.phone = "(11) 4000-1234"
    world.customer.address = "Av. Brasil, 50"
    world.customer.zip_code = "01430-000"
    world.customer.save()

    page = client.get(reverse("customer", args=[world.customer.pk])).content.decode()

    assert "(11) 4000-1234" in page
    assert "Av. Brasil, 50" in page and "CEP 01430-000" in page
    assert "BK – BANCO - BOLETO" in page
    assert "20 dias de atraso" in page
    assert "R$ 9,33" in page and "R$ 359,33" in page  # fine + interest; updated amount
    assert reverse("receivable", args=[world.receivable.pk]) in page


def test_the_history_tab_has_its_own_address_that_opens_the_whole_page(client, world):
    page = client.get(reverse("customer_tab", args=[world.customer.pk, "history"])).content
    page = page.decode()

    assert "<html" in page
    assert 'id="tab-history" aria-controls="tab-panel" aria-selected="true"' in page
    assert reverse("notice", args=[world.notice.pk]) in page  # the history is in the panel


def test_a_pause_set_on_the_customer_page_is_shown_with_who_and_until_and_lifted(
    client, world, operator
):
    url = reverse("customer", args=[world.customer.pk])
    response = client.post(
        reverse("customer_pause", args=[world.customer.pk]),
        {"until": "2026-12-31", "reason": "agreement", "note": "3 parcelas"},
    )
    assert response.status_code == 302 and response["Location"] == url

    page = client.get(url).content.decode()
    assert "Cobrança suspensa até 31/12/2026." in page  # the message
    assert "Acordo de pagamento: 3 parcelas" in page
    assert "Definida por olga em 30/11/2026 09:00." in page
    pause = Pause.objects.get(lifted_at__isnull=True)
    assert reverse("pause_lift", args=[pause.pk]) in page

    response = client.post(reverse("pause_lift", args=[pause.pk]))
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Suspensão retirada: a cobrança volta na próxima emissão." in page
    assert "Retirar a suspensão" not in page
    audited = AuditEntry.objects.filter(action__startswith="pause.").order_by("id")
    assert list(audited.values_list("user", "action")) == [
        ("olga", "pause.set"),
        ("olga", "pause.lift"),
    ]


def test_a_pause_set_on_the_titulo_page_shows_there_and_on_the_customer_page(client, world):
    response = client.post(
        reverse("receivable_pause", args=[world.receivable.pk]),
        {"until": "", "reason": "protest"},
    )
    assert response["Location"] == reverse("receivable", args=[world.receivable.pk])

    page = client.get(response["Location"]).content.decode()
    assert "Cobrança suspensa até alguém retirar a suspensão." in page
    assert "sem data para terminar" in page and "Cartório de protesto" in page
    customer_page = client.get(reverse("customer", args=[world.customer.pk])).content.decode()
    assert "Títulos deste cliente com a cobrança suspensa:" in customer_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"until": "2026-11-01", "reason": "agreement"},
            "A data de “não cobrar até” (01/11/2026) já passou",
        ),
        ({"until": "31/02/2027", "reason": "agreement"}, "Não cobrar até: Data inválida"),
        ({"reason": "vacation"}, "Motivo: Faça uma escolha válida."),
    ],
)
def test_a_bad_pause_is_refused_with_a_message_and_nothing_written(client, world, data, message):
    response = client.post(reverse("customer_pause", args=[world.customer.pk]), data, follow=True)

    assert message in response.content.decode()
    assert not Pause.objects.filter(lifted_at__isnull=True).exists()


def test_a_boleto_the_import_found_invalid_is_said_on_the_titulo_page(client, world):
    flagged = make_receivable(
        world.receivable.branch,
        world.customer,
        datetime.date(2026, 11, 20),
        "100.00",
        document="779",
        digitable_line="23791.23454 60000.012348 56780.001238 8 16300000234568",
        boleto_invalid=True,
    )
    page = client.get(reverse("receivable", args=[flagged.pk])).content.decode()
    assert "não é impresso nas cartas nem anexado" in page
    page = client.get(reverse("receivable", args=[world.receivable.pk])).content.decode()
    assert 'id="boleto-invalid"' not in page


def test_the_notice_page_shows_a_moved_due_date_with_both_dates(client, world):
    moved = make_receivable(
        world.receivable.branch, world.customer, datetime.date(2026, 11, 29), "80.00"
    )
    notice = make_notice(
        make_range(-5, -1),
        [moved],
        status="sent",
        effective_due_dates={moved.pk: datetime.date(2026, 11, 30)},
    )
    page = client.get(reverse("notice", args=[notice.pk])).content.decode()
    assert "<td>29/11/2026 (domingo), prorrogado para 30/11/2026</td>" in page
