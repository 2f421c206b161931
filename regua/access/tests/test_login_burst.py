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

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher._lock:
            CountingHasher.checked += 1
        time.sleep(0.2)
        return super().verify(password, encoded)


@pytest.fixture
def ana(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked = 0
    return User.objects.create_user("ana", password=PASSWORD)


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


def post_login(server: str, form: tuple[str, str], password: str) -> tuple[int, str]:
    """POST the login form; a connection the server's full backlog turned away is tried again.

    The test server listens with a backlog of 10; a browser would retry the
    same way. A turned-away connection never reached the application.
    """
    for _ in range(20):
        try:
            return _post_login(server, form, password)
        except (ConnectionResetError, ConnectionRefusedError):
            time.sleep(0.05)
    raise AssertionError("the server turned the login away 20 times")


def _post_login(server: str, form: tuple[str, str], password: str) -> tuple[int, str]:
    cookie, token = form
    url = urllib.parse.urlsplit(server)
    conn = http.client.HTTPConnection(url.hostname or "localhost", url.port, timeout=60)
    conn.request(
        "POST",
        "/entrar/",
        body=urllib.parse.urlencode(
            {"username": "ana", "password": password, "csrfmiddlewaretoken": token}
        ),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def test_a_burst_of_wrong_passwords_gets_five_checks_and_locks_the_right_one_out(live_server, ana):
    forms = [login_form(live_server.url) for _ in range(BURST + 1)]
    start = threading.Barrier(BURST)
    statuses: list[int] = []

    def guess(form: tuple[str, str]) -> None:
        start.wait()
        status, _ = post_login(live_server.url, form, "errada")
        statuses.append(status)

    threads = [threading.Thread(target=guess, args=(form,)) for form in forms[:BURST]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    status, body = post_login(live_server.url, forms[BURST], PASSWORD)

    assert statuses == [200] * BURST
    assert CountingHasher.checked == 5
    assert LoginAttempt.objects.filter(username="ana").count() == 5
    assert status == 200
    assert LOCKED in body
