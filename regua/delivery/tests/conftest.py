import pytest

from regua.delivery import outbox
from regua.delivery.tests.smtpserver import Certificates, SilentServer, SmtpServer

# A fixed test key: the key file under the data folder is never touched.
TEST_KEY = "x7lJBdSp0A4sPqeJvQ8p0V8zQmB1yq0cXKzQ4o0R3xU="


@pytest.fixture(autouse=True)
def _delivery_settings(settings, tmp_path):
    settings.REGUA_ENCRYPTION_KEY = TEST_KEY
    settings.REGUA_ENCRYPTION_KEY_PATH = tmp_path / "keys" / "encryption.key"
    settings.REGUA_EMAIL_CAPTURE = False
    outbox.SHUTDOWN.clear()
    yield
    outbox.SHUTDOWN.clear()


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    return Certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()
