"""Imports check each título's boleto (R9): broken check digits are reported with their
row and column, never printed; a due date or amount unlike the título's is a warning."""

import datetime

import pytest

from regua.receivables.tests.helpers import DATA, load_branches, run

pytestmark = pytest.mark.django_db

EXPORT = DATA / "winthor" / "PCPREST.csv"


def setup_winthor() -> None:
    load_branches()
    for kind, name in (("collection-types", "PCCOB.csv"), ("customers", "PCCLIENT.csv")):
        assert run(kind, DATA / "winthor" / name).ok


def boleto_warnings(result) -> list[str]:
    return [str(w) for w in result.warnings if "LINHADIG" in str(w)]


def test_the_winthor_export_imports_with_no_invalid_line_nor_mismatch():
    setup_winthor()
    result = run("receivables", EXPORT)
    assert result.ok, result.errors
    assert boleto_warnings(result) == []


def test_a_copy_with_one_digit_changed_is_reported_with_its_row_and_column():
    setup_winthor()
    text = EXPORT.read_bytes().decode("latin-1")
    lines = text.splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if "23790.00009 00000.283762" in line)
    lines[row] = lines[row].replace("23790.00009 00000.283762", "23790.00009 00000.283763")
    result = run("receivables", "".join(lines).encode("latin-1"), filename="PCPREST.csv")
    assert result.ok, result.errors  # the título itself is imported
    [warning] = boleto_warnings(result)
    assert warning.startswith(f"linha {row + 1}, coluna LINHADIG")
    assert "boleto inválido" in warning and "campo 2 (módulo 10)" in warning


def test_a_boleto_for_another_amount_is_a_warning_not_an_invalid_line():
    setup_winthor()
    text = EXPORT.read_bytes().decode("latin-1")
    lines = text.splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if "23790.00009 00000.283762" in line)
    lines[row] = lines[row].replace(";2896,01;", ";2900,00;")
    result = run("receivables", "".join(lines).encode("latin-1"), filename="PCPREST.csv")
    [warning] = boleto_warnings(result)
    assert "o valor do boleto (R$ 2.896,01) difere do valor do título (R$ 2.900,00)" in warning
    assert "inválido" not in warning


def test_an_invalid_line_is_stored_as_invalid_and_a_corrected_file_clears_it():
    from regua.receivables.models import Receivable

    setup_winthor()
    text = EXPORT.read_bytes().decode("latin-1")
    lines = text.splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if "23790.00009 00000.283762" in line)
    broken = list(lines)
    broken[row] = lines[row].replace("23790.00009 00000.283762", "23790.00009 00000.283763")
    result = run("receivables", "".join(broken).encode("latin-1"), filename="PCPREST.csv")
    assert result.ok, result.errors
    [invalid] = Receivable.objects.filter(boleto_invalid=True)
    assert "00000.283763" in invalid.digitable_line
    assert Receivable.objects.filter(boleto_invalid=False).exclude(digitable_line="").exists()

    result = run("receivables", "".join(lines).encode("latin-1"), filename="PCPREST.csv")
    assert result.ok, result.errors
    assert not Receivable.objects.filter(boleto_invalid=True).exists()
    invalid.refresh_from_db()
    assert "00000.283762" in invalid.digitable_line


def test_the_migration_flags_the_titulos_imported_before_the_flag():
    import importlib

    from django.apps import apps

    from regua.receivables.models import Receivable
    from regua.test import make_branch, make_customer, make_receivable

    migration = importlib.import_module(
        "regua.receivables.migrations.0007_receivable_boleto_invalid"
    )
    branch, customer = make_branch("9"), make_customer("C9")
    line = "23791.23454 60000.012348 56780.001238 8 16300000234567"
    broken = line[:-1] + "8"
    due = datetime.date(2026, 11, 14)
    good = make_receivable(branch, customer, due, digitable_line=line)
    bad = make_receivable(branch, customer, due, digitable_line=broken)
    none = make_receivable(branch, customer, due)
    migration.flag_invalid_boletos(apps, None)
    flagged = set(Receivable.objects.filter(boleto_invalid=True).values_list("pk", flat=True))
    assert bad.pk in flagged and good.pk not in flagged and none.pk not in flagged
