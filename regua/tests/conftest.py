"""Fixtures of the project-wide reliability tests.

The SMTP server with fault injection and the delivery settings come from the
delivery tests (one copy of the server, not two); the templates are seeded
again because these tests commit their data for child processes and the flush
after each one takes the seeded rows with it.
"""

import pytest

from regua.delivery.tests.conftest import (  # noqa: F401 - fixtures used here
    _delivery_settings,
    certificates,
    silent_server,
    smtp_server,
)
from regua.letters.editing import default_templates
from regua.letters.inlining import inline_css
from regua.letters.models import LetterTemplate


@pytest.fixture
def seeded_templates(transactional_db):
    for number, fields in default_templates().items():
        LetterTemplate.objects.update_or_create(
            number=number, defaults={**fields, "body_html_ready": inline_css(fields["body_html"])}
        )
