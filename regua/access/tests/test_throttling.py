import datetime
import logging
import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from regua.access.models import LoginAttempt

pytestmark = pytest.mark.django_db

SP = zoneinfo.ZoneInfo("America/Sao_Paulo")
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SP)
PASSWORD = "senha-certa-da-ana"
LOCKED = "Muitas tentativas de acesso. Tente novamente em"


@pytest.fixture
def ana():
    return User.objects.create_user("ana", password=PASSWORD)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def login(client, page, username, password, ip="10.0.0.5"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, page, username="ana", times=1, ip="10.0.0.5"):
    for _ in range(times):
        response = login(client, page, username, "errada", ip)
        assert response.status_code == 200


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in_after_fewer_failures_than_the_limit(
    client, login_page, ana, now
):
    fail(client, login_page, times=4)

    response = login(client, login_page, "ana", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_a_wrong_password_is_told_apart_from_the_lock(client, login_page, ana, now):
    response = login(client, login_page, "ana", "errada")

    text = response.content.decode()
    assert "Usuário ou senha incorretos" in text
    assert LOCKED not in text


def test_five_failures_lock_the_username_even_for_the_right_password(client, login_page, ana, now):
    fail(client, login_page, times=5)

    response = login(client, login_page, "ana", PASSWORD)

    assert response.status_code == 200
    assert f"{LOCKED} 15 minutos." in response.content.decode()
    assert not logged_in(client)


def test_the_fifth_failure_already_says_the_account_is_locked(client, login_page, ana, now):
    fail(client, login_page, times=4)

    response = login(client, login_page, "ana", "errada")

    assert f"{LOCKED} 15 minutos." in response.content.decode()


def test_the_username_lock_holds_from_another_address_and_in_another_case(
    client, login_page, ana, now
):
    fail(client, login_page, username="ANA ", times=5, ip="10.0.0.5")

    response = login(client, login_page, "ana", PASSWORD, ip="192.168.1.77")

    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_the_lock_of_one_username_leaves_the_others_alone(client, login_page, ana, now):
    User.objects.create_user("bruno", password="senha-do-bruno")
    fail(client, login_page, times=5)

    response = login(client, login_page, "bruno", "senha-do-bruno", ip="10.0.0.9")

    assert response.status_code == 302


def test_failures_from_one_address_lock_it_for_every_username(client, login_page, ana, now):
    for n in range(20):
        fail(client, login_page, username=f"usuario{n}", ip="203.0.113.7")

    from_there = login(client, login_page, "ana", PASSWORD, ip="203.0.113.7")
    assert LOCKED in from_there.content.decode()
    assert not logged_in(client)

    from_elsewhere = login(client, login_page, "ana", PASSWORD, ip="10.0.0.5")
    assert from_elsewhere.status_code == 302


def test_the_limits_come_from_the_settings(client, login_page, ana, now, settings):
    settings.REGUA_LOGIN_MAX_FAILURES = 2
    settings.REGUA_LOGIN_WINDOW_MINUTES = 30
    fail(client, login_page, times=2)

    response = login(client, login_page, "ana", PASSWORD)

    assert f"{LOCKED} 30 minutos." in response.content.decode()


def test_the_lock_ends_when_the_window_has_passed(client, login_page, ana, now):
    fail(client, login_page, times=5)

    now.move_to(NOW + datetime.timedelta(minutes=5))
    assert f"{LOCKED} 10 minutos." in login(client, login_page, "ana", PASSWORD).content.decode()
    now.move_to(NOW + datetime.timedelta(minutes=14, seconds=30))
    assert f"{LOCKED} 1 minuto." in login(client, login_page, "ana", PASSWORD).content.decode()

    now.move_to(NOW + datetime.timedelta(minutes=15, seconds=1))
    response = login(client, login_page, "ana", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_attempts_refused_while_locked_do_not_push_the_end_of_the_lock(
    client, login_page, ana, now
):
    fail(client, login_page, times=5)
    now.move_to(NOW + datetime.timedelta(minutes=10))
    fail(client, login_page, times=3)
    assert LoginAttempt.objects.count() == 5

    now.move_to(NOW + datetime.timedelta(minutes=15, seconds=1))

    assert login(client, login_page, "ana", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_usernames_failures(client, login_page, ana, now):
    fail(client, login_page, times=4)
    assert login(client, login_page, "ana", PASSWORD).status_code == 302
    client.logout()

    fail(client, login_page, times=4)

    assert login(client, login_page, "ana", PASSWORD).status_code == 302


def test_failures_are_logged_with_the_username_and_never_the_password(
    client, login_page, ana, now, caplog
):
    caplog.set_level(logging.INFO, logger="regua.access")
    for _ in range(5):
        login(client, login_page, "ana", "Segredo-Digitado-Errado")
    login(client, login_page, "ana", PASSWORD)

    messages = [r.getMessage() for r in caplog.records if r.name == "regua.access"]
    assert len(messages) == 6
    assert all("'ana'" in m and "10.0.0.5" in m for m in messages)
    assert "Login recusado por excesso de tentativas" in messages[-1]
    assert not any("Segredo-Digitado-Errado" in m or PASSWORD in m for m in messages)
    stored = LoginAttempt.objects.values_list("username", "ip_address")
    assert list(stored) == [("ana", "10.0.0.5")] * 5


def test_authenticate_outside_the_login_page_is_throttled_too(ana, now):
    for _ in range(5):
        assert authenticate(None, username="ana", password="errada") is None

    assert authenticate(None, username="ana", password=PASSWORD) is None

    now.move_to(NOW + datetime.timedelta(minutes=16))
    assert authenticate(None, username="ana", password=PASSWORD) == ana


def test_failures_older_than_the_window_are_forgotten(client, login_page, ana, now):
    fail(client, login_page, times=3)
    now.move_to(NOW + datetime.timedelta(minutes=20))

    fail(client, login_page, times=1)

    assert LoginAttempt.objects.count() == 1


def test_behind_a_proxy_the_configured_header_names_the_client(
    client, login_page, ana, now, settings
):
    settings.REGUA_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(20):
        client.post(
            login_page,
            {"username": f"usuario{n}", "password": "errada"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
        )

    assert set(LoginAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    other_client = client.post(
        login_page,
        {"username": "ana", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other_client.status_code == 302


def test_the_failures_count_across_processes(regua_cli, settings, client, login_page):
    User.objects.create_user("ana", password=PASSWORD)
    script = (
        "from django.contrib.auth import authenticate\n"
        "for _ in range(5):\n"
        "    assert authenticate(None, username='ana', password='errada') is None\n"
    )

    done = regua_cli("shell", "-c", script, timeout=60)
    assert done.returncode == 0, done.stderr

    response = login(client, login_page, "ana", PASSWORD)
    assert LOCKED in response.content.decode()
    assert not logged_in(client)
