"""A burst of parallel logins against the running server gets no more checks than the limit."""

import http.client
import re
import threading
import time
import urllib.parse

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User

from regua.access.models import LoginAttempt

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "senha-certa-da-ana"
LOCKED = "Muitas tentativas de acesso. Tente novamente em"
BURST = 40


class CountingHasher(MD5PasswordHasher):
    """A hasher that counts the passwords it checks and takes a while, as a real one does.

    The pause stands for the real hasher's cost (PBKDF2 takes a good fraction of
    a second): it is the window a burst of parallel attempts aims at.
    """

    algorithm = "counting_md5"
    checked = 0
    _lock = threading.Lock()

    def encode(self, password: str, salt: str) -> str:
        # Every check hashes once: verify() hashes the guess to compare it, and
        # an unknown username is hashed all the same (Django's defence against timing).
        with CountingHasher._lock:
            CountingHasher.checked += 1
        time.sleep(0.2)
        return super().encode(password, salt)


@pytest.fixture
def ana(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    user = User.objects.create_user("ana", password=PASSWORD)
    CountingHasher.checked = 0
    return user


def login_form(server: str) -> tuple[str, str]:
    """The CSRF cookie and the form's token from the login page."""
    url = urllib.parse.urlsplit(server)
    conn = http.client.HTTPConnection(url.hostname or "localhost", url.port, timeout=60)
    conn.request("GET", "/entrar/")
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    cookie = next(
        c.split(";")[0]
        for c in response.headers.get_all("Set-Cookie") or []
        if c.startswith("csrftoken=")
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token, body
    return cookie, token.group(1)


def post_login(
    server: str, form: tuple[str, str], password: str, username: str = "ana"
) -> tuple[int, str]:
    """POST the login form; a connection the server's full backlog turned away is tried again.

    The test server listens with a backlog of 10; a browser would retry the
    same way. A turned-away connection never reached the application.
    """
    for _ in range(20):
        try:
            return _post_login(server, form, password, username)
        except (ConnectionResetError, ConnectionRefusedError):
            time.sleep(0.05)
    raise AssertionError("the server turned the login away 20 times")


def _post_login(
    server: str, form: tuple[str, str], password: str, username: str
) -> tuple[int, str]:
    cookie, token = form
    url = urllib.parse.urlsplit(server)
    conn = http.client.HTTPConnection(url.hostname or "localhost", url.port, timeout=60)
    conn.request(
        "POST",
        "/entrar/",
        body=urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def burst(server: str, forms: list[tuple[str, str]], usernames: list[str]) -> list[int]:
    """One wrong password per username, all sent at once from threads; their HTTP statuses."""
    start = threading.Barrier(len(usernames))
    statuses: list[int] = []

    def guess(form: tuple[str, str], username: str) -> None:
        start.wait()
        status, _ = post_login(server, form, "errada", username)
        statuses.append(status)

    threads = [
        threading.Thread(target=guess, args=(form, username))
        for form, username in zip(forms, usernames, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_a_burst_of_wrong_passwords_gets_five_checks_and_locks_the_right_one_out(live_server, ana):
    forms = [login_form(live_server.url) for _ in range(BURST + 1)]

    statuses = burst(live_server.url, forms[:BURST], ["ana"] * BURST)
    status, body = post_login(live_server.url, forms[BURST], PASSWORD)

    assert statuses == [200] * BURST
    assert CountingHasher.checked == 5
    assert LoginAttempt.objects.filter(username="ana").count() == 5
    assert status == 200
    assert LOCKED in body


def test_a_burst_spelling_the_username_differently_still_counts_as_one_account(live_server, ana):
    forms = [login_form(live_server.url) for _ in range(BURST + 1)]
    spellings = ["ana", "ANA", " Ana ", "aNa"] * (BURST // 4)

    burst(live_server.url, forms[:BURST], spellings)
    status, body = post_login(live_server.url, forms[BURST], PASSWORD)

    assert CountingHasher.checked == 5
    assert status == 200
    assert LOCKED in body


def test_a_burst_over_many_usernames_from_one_address_gets_twenty_checks(live_server, ana):
    forms = [login_form(live_server.url) for _ in range(BURST + 1)]

    burst(live_server.url, forms[:BURST], [f"usuario{n}" for n in range(BURST)])
    status, body = post_login(live_server.url, forms[BURST], PASSWORD)

    assert CountingHasher.checked == 20
    assert LoginAttempt.objects.count() == 20
    assert status == 200
    assert LOCKED in body
