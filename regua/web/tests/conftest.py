import pytest
from django.contrib.auth.models import Group, User

from regua.web.groups import ADMINISTRATOR, OPERATOR, SUPERVISOR, sync_groups

ROLES = {"operator": OPERATOR, "supervisor": SUPERVISOR, "administrator": ADMINISTRATOR}
PASSWORD = "senha-de-teste-123"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; the tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str | None) -> User:
    user = User.objects.create_user(username, f"{username}@exemplo.com.br", PASSWORD)
    if role is not None:
        sync_groups()
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


@pytest.fixture
def operator(db):
    return make_user("olga", "operator")


@pytest.fixture
def supervisor(db):
    return make_user("sergio", "supervisor")


@pytest.fixture
def administrator(db):
    return make_user("ana", "administrator")


from regua.web.tests.browser import browser_page, worker  # noqa: E402, F401 - fixtures


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; ``.messages`` holds what it accepted."""
    from regua.web.tests.smtp import SmtpServer

    with SmtpServer() as server:
        yield server
