import pytest

from regua.receivables.documents import (
    InvalidDocument,
    cnpj_check_digits,
    cpf_check_digits,
    format_cnpj,
    format_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    normalize_cnpj,
    normalize_document,
)


def test_a_cpf_with_matching_check_digits_is_valid_with_or_without_punctuation():
    assert is_valid_cpf("529.982.247-25")
    assert is_valid_cpf("52998224725")


@pytest.mark.parametrize("cpf", ["529.982.247-24", "111.111.111-11", "5299822472", "abc"])
def test_a_cpf_with_wrong_digits_repeated_digits_or_wrong_length_is_invalid(cpf):
    assert not is_valid_cpf(cpf)


def test_a_numeric_cnpj_is_checked():
    assert is_valid_cnpj("11.222.333/0001-81")
    assert not is_valid_cnpj("11.222.333/0001-80")
    assert not is_valid_cnpj("00.000.000/0000-00")


def test_the_alphanumeric_cnpj_of_the_receita_example_is_valid():
    # Receita Federal's example of the new format: letters weigh ord(c) - 48.
    assert is_valid_cnpj("12.ABC.345/01DE-35")
    assert is_valid_cnpj("12abc34501de35")
    assert not is_valid_cnpj("12.ABC.345/01DE-36")


def test_an_alphanumeric_cnpj_needs_numeric_check_digits():
    assert not is_valid_cnpj("12.ABC.345/01DE-3A")


def test_check_digits_are_computed_for_cpf_and_both_kinds_of_cnpj():
    assert cpf_check_digits("529982247") == "25"
    assert cnpj_check_digits("112223330001") == "81"
    assert cnpj_check_digits("12ABC34501DE") == "35"


def test_documents_are_formatted():
    assert format_cpf("52998224725") == "529.982.247-25"
    assert format_cnpj("12abc34501de35") == "12.ABC.345/01DE-35"


def test_normalize_formats_a_valid_cpf_or_cnpj_and_restores_zeros_a_spreadsheet_dropped():
    assert normalize_document("52998224725") == "529.982.247-25"
    assert normalize_document("11222333000181") == "11.222.333/0001-81"
    # 01.222.333/0001-... became a number in Excel and lost its leading zero.
    cnpj = "01222333000" + "1" + cnpj_check_digits("012223330001")
    assert normalize_document(cnpj.lstrip("0")) == format_cnpj(cnpj)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("529.982.247-24", "CPF inválido: os dígitos verificadores não conferem"),
        ("11.222.333/0001-80", "CNPJ inválido: os dígitos verificadores não conferem"),
        ("12.ABC.345/01DE-3X", "CNPJ inválido: as 12 primeiras posições"),
        ("123", "não é um CPF (11 dígitos) nem um CNPJ (14 posições)"),
    ],
)
def test_normalize_explains_in_portuguese_what_is_wrong(value, message):
    with pytest.raises(InvalidDocument) as error:
        normalize_document(value)
    assert str(error.value).startswith(message)


def test_a_branch_must_have_a_cnpj_not_a_cpf():
    with pytest.raises(InvalidDocument, match="CNPJ, não CPF"):
        normalize_cnpj("529.982.247-25")
    assert normalize_cnpj("11222333000181") == "11.222.333/0001-81"
