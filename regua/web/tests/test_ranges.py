import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.dunning.models import DelayRange
from regua.letters.models import LetterTemplate
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable


def form(start, end, template=1, generation="email", **extra):
    return {
        "name": extra.pop("name", ""),
        "start_day": start,
        "end_day": end,
        "template": LetterTemplate.objects.get(number=template).pk,
        "generation": generation,
        "min_balance": extra.pop("min_balance", "0.00"),
        "active": "on",
        **extra,
    }


@pytest.mark.django_db
def test_a_supervisor_adds_a_range_and_it_is_audited_with_their_name(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("range_add"), form(1, 15, name="Lembrete"))
    assert response.status_code == 302
    saved = DelayRange.objects.get()
    assert (saved.start_day, saved.end_day, saved.name) == (1, 15, "Lembrete")
    assert AuditEntry.objects.get(action="range.add").user == "sergio"


@pytest.mark.django_db
def test_an_overlapping_range_is_refused_naming_the_range_it_collides_with(client, supervisor):
    make_range(1, 15, name="Primeiro aviso")
    client.force_login(supervisor)
    response = client.post(reverse("range_add"), form(10, 30))
    page = response.content.decode()
    assert response.status_code == 200
    assert "se sobrepõe à faixa" in page and "Primeiro aviso" in page
    assert DelayRange.objects.count() == 1


@pytest.mark.django_db
def test_editing_a_range_keeps_it_and_changes_its_days(client, supervisor):
    r = make_range(1, 15)
    client.force_login(supervisor)
    client.post(reverse("range_edit", args=[r.pk]), form(1, 20, template=2))
    r.refresh_from_db()
    assert (r.end_day, r.template.number) == (20, 2)


@pytest.mark.django_db
def test_a_range_with_history_is_deactivated_not_deleted(client, supervisor):
    r = make_range(1, 15)
    make_notice(
        r,
        [make_receivable(make_branch(), make_customer(), __import__("datetime").date(2026, 11, 1))],
    )
    client.force_login(supervisor)
    response = client.post(reverse("range_remove", args=[r.pk]), follow=True)
    r.refresh_from_db()
    assert not r.active
    assert "desativada: ela tem histórico" in response.content.decode()


@pytest.mark.django_db
def test_a_range_without_history_is_deleted(client, supervisor):
    r = make_range(1, 15)
    client.force_login(supervisor)
    client.post(reverse("range_remove", args=[r.pk]))
    assert not DelayRange.objects.exists()


@pytest.mark.django_db
def test_the_timeline_draws_the_ranges_in_order_and_the_gaps_between_them(client, supervisor):
    make_range(-5, -1)
    make_range(1, 15)
    make_range(31, 9999, generation="email_and_letter")
    client.force_login(supervisor)
    page = client.get(reverse("ranges")).content.decode()
    assert page.count('class="range"') == 3
    assert "sem faixa: 0 a 0" in page  # the due day itself
    assert "sem faixa: 16 a 30" in page
    assert "a vencer" in page and "90+ dias" in page
    assert page.index("-5–-1") < page.index("1–15") < page.index("31–9999")
    assert "vence" in page


@pytest.mark.django_db
def test_removing_a_range_with_history_asks_first_and_says_it_will_be_deactivated(
    client, supervisor
):
    r = make_range(1, 15, name="Aviso")
    customer, branch = make_customer(), make_branch()
    for document in ("1", "2"):
        receivable = make_receivable(
            branch, customer, __import__("datetime").date(2026, 11, 1), document=document
        )
        make_notice(r, [receivable])
    client.force_login(supervisor)
    page = client.get(reverse("ranges")).content.decode()
    assert f'href="{reverse("range_remove", args=[r.pk])}"' in page  # a link to the question

    page = client.get(reverse("range_remove", args=[r.pk])).content.decode()

    assert "Esta faixa já foi usada em 2 cartas de cobrança." in page
    assert "Ela será <strong>desativada</strong>, não excluída" in page
    assert "Desativar a faixa" in page
    r.refresh_from_db()
    assert r.active  # asking changed nothing


@pytest.mark.django_db
def test_removing_a_range_without_history_asks_first_and_says_it_will_be_deleted(
    client, supervisor
):
    r = make_range(1, 15)
    client.force_login(supervisor)

    page = client.get(reverse("range_remove", args=[r.pk])).content.decode()

    assert "Nenhuma carta usou esta faixa. Ela será <strong>excluída</strong> de vez" in page
    assert "Excluir a faixa" in page
    assert DelayRange.objects.filter(pk=r.pk).exists()
    client.post(reverse("range_remove", args=[r.pk]))
    assert not DelayRange.objects.exists()


@pytest.mark.django_db
def test_a_range_may_send_the_boleto_and_the_form_shows_it_when_edited(client, supervisor):
    client.force_login(supervisor)
    assert "Enviar boleto" in client.get(reverse("range_add")).content.decode()
    client.post(reverse("range_add"), form(1, 15, send_boleto="on"))
    saved = DelayRange.objects.get()
    assert saved.send_boleto
    page = client.get(reverse("range_edit", args=[saved.pk])).content.decode()
    assert 'name="send_boleto"' in page and "checked" in page.split('name="send_boleto"')[1][:80]
    client.post(reverse("range_edit", args=[saved.pk]), form(1, 15))
    saved.refresh_from_db()
    assert not saved.send_boleto
