import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_pages_speak_portuguese_by_default_and_offer_a_skip_link(client, operator):
    client.force_login(operator)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="pt-br">' in page
    assert '<a class="skip-link" href="#conteudo">Pular para o conteúdo</a>' in page
    assert ">Painel<" in page


@pytest.mark.django_db
def test_english_can_be_chosen_and_stays_for_the_session(client, operator):
    client.force_login(operator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="en">' in page
    assert ">Dashboard<" in page and "Notices sent in the last 30 days" in page


@pytest.mark.django_db
def test_the_menu_offers_only_what_the_role_may_open(client, operator):
    client.force_login(operator)
    page = client.get(reverse("dashboard")).content.decode()
    assert ">Emitir<" in page and ">Clientes<" in page
    assert ">Usuários<" not in page and ">Faixas de atraso<" not in page


def test_the_login_page_is_in_portuguese(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "<h1>Entrar</h1>" in page and 'for="id_password">Senha' in page
