import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from regua.audit.models import AuditEntry
from regua.letters.editing import (
    default_templates,
    import_templates,
    read_templates,
    save_letter_settings,
    templates_json,
)
from regua.letters.models import LetterSettings, LetterTemplate

pytestmark = pytest.mark.django_db


def test_importing_the_defaults_restores_the_shipped_content():
    LetterTemplate.objects.filter(number=1).update(body_text="editado")
    import_templates(default_templates(), "ana")
    assert LetterTemplate.objects.get(number=1).body_text == default_templates()[1]["body_text"]
    [entry] = AuditEntry.objects.filter(action="template.change")
    assert entry.object_id == str(LetterTemplate.objects.get(number=1).pk)


def test_an_import_naming_an_unknown_template_number_is_refused(tmp_path):
    path = tmp_path / "modelos.json"
    path.write_text('{"templates": [{"number": 7, "name": "x"}]}')
    with pytest.raises(ValueError, match="1, 2 ou 3"):
        read_templates(path)


def test_a_json_export_reads_back_the_same(tmp_path):
    path = tmp_path / "modelos.json"
    path.write_text(templates_json(default_templates()))
    assert read_templates(path) == default_templates()


def test_the_final_notice_settings_are_validated_and_audited():
    save_letter_settings("ana", final_notice_days=20, final_notice_legal_basis="Lei 9.492/1997")
    settings = LetterSettings.load()
    assert (settings.final_notice_days, settings.final_notice_legal_basis) == (20, "Lei 9.492/1997")
    entry = AuditEntry.objects.get(action="letters.settings")
    assert entry.changes["final_notice_days"] == ["10", "20"]
    with pytest.raises(ValidationError):
        save_letter_settings("ana", final_notice_measures="")


def test_the_default_content_migration_is_reversible():
    module = __import__(
        "regua.letters.migrations.0004_default_template_content", fromlist=["fill", "unfill"]
    )
    module.unfill(apps, None)
    plain = LetterTemplate.objects.get(number=3)
    assert plain.body_text == module.PLAIN_BODY and plain.letter_html == ""
    module.fill(apps, None)
    filled = LetterTemplate.objects.get(number=3)
    assert filled.body_text == default_templates()[3]["body_text"]
    assert 'style="' in filled.body_html_ready


def test_the_seeded_templates_are_the_defaults_with_their_css_inlined():
    for number, fields in default_templates().items():
        template = LetterTemplate.objects.get(number=number)
        assert template.fields() == fields
        # Inlined: only the phone layout's @media rules stay in a <style>.
        for rules in re.findall(r"<style>(.*?)</style>", template.body_html_ready, re.DOTALL):
            assert rules.strip().startswith("@media") and rules.count("@media") == 1
        assert 'style="' in template.body_html_ready
