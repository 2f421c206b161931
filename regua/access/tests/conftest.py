from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent / "templates"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Throttling is about counting attempts, not about the hasher's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login_page(settings):
    """The test login page (Django's LoginView with Régua's form) at /entrar/."""
    settings.ROOT_URLCONF = "regua.access.tests.urls"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [TEMPLATES, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "/entrar/"
