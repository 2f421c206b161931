"""The sandbox, a security boundary, reaches no model: its values and samples import no ORM."""

import subprocess
import sys
from pathlib import Path

from regua.letters.models import LetterSettings
from regua.letters.samples import (
    DEFAULT_FINAL_NOTICE_DAYS,
    DEFAULT_FINAL_NOTICE_MEASURES,
    LARGE_SAMPLE_ITEMS,
    large_sample_context,
    sample_contexts,
)

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_sandbox_loads_no_model_and_no_database_code():
    probe = (
        "import sys\n"
        "import regua.letters.sandbox, regua.letters.variables, regua.letters.samples\n"
        "import regua.letters.sanitising\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('django.db') "
        "or m.startswith('django.apps') or m.endswith('.models') or m == 'regua.letters.loading')\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def test_the_samples_say_what_an_unconfigured_installation_says():
    defaults = LetterSettings()
    [full, bare] = sample_contexts()
    for context in (full, bare):
        assert context["final_notice"].days == defaults.final_notice_days
        assert context["final_notice"].measures == defaults.final_notice_measures
        assert context["final_notice"].legal_basis == defaults.final_notice_legal_basis
    assert defaults.final_notice_days == DEFAULT_FINAL_NOTICE_DAYS
    assert defaults.final_notice_measures == DEFAULT_FINAL_NOTICE_MEASURES


def test_the_large_sample_has_its_titulos_and_their_totals():
    context = large_sample_context()
    assert len(context["items"]) == LARGE_SAMPLE_ITEMS == 500
    assert context["totals"].count == 500
    assert context["totals"].boletos == 250
    assert context["totals"].updated_amount == sum(i.updated_amount for i in context["items"])
