"""Templates 1, 2 and 3 always exist: ranges name them by number."""

import pytest
from django.core.management import call_command

from regua.letters.editing import default_templates, ensure_default_templates
from regua.letters.models import LetterTemplate

pytestmark = pytest.mark.django_db


def test_a_missing_default_template_is_created_with_the_shipped_content():
    LetterTemplate.objects.filter(number=2).delete()

    assert ensure_default_templates() == 1

    template = LetterTemplate.objects.get(number=2)
    assert template.body_text == default_templates()[2]["body_text"]
    assert "<" in template.body_html_ready


def test_an_edited_template_is_left_as_it_is():
    LetterTemplate.objects.filter(number=1).update(subject="Assunto da empresa")

    assert ensure_default_templates() == 0

    assert LetterTemplate.objects.get(number=1).subject == "Assunto da empresa"


@pytest.mark.django_db(transaction=True)
def test_the_templates_come_back_after_the_database_is_flushed():
    call_command("flush", interactive=False, verbosity=0)

    assert sorted(LetterTemplate.objects.values_list("number", flat=True)) == [1, 2, 3]
