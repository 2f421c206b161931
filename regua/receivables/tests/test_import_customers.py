import pytest

from regua.receivables.models import Branch, Customer
from regua.receivables.tests.helpers import messages, run

pytestmark = pytest.mark.django_db


def test_a_valid_cpf_or_cnpj_is_stored_formatted():
    run("customers", "code;name;document\n1;ANA;52998224725\n2;EMPRESA;12abc34501de35\n")
    assert Customer.objects.get(code="1").document == "529.982.247-25"
    assert Customer.objects.get(code="2").document == "12.ABC.345/01DE-35"


def test_an_invalid_document_is_an_error_naming_row_column_and_value():
    result = run("customers", "CODCLI;CLIENTE;CGCENT\n1;ANA;529.982.247-24\n")
    assert messages(result) == (
        "linha 2, coluna CGCENT, valor '529.982.247-24': "
        "CPF inválido: os dígitos verificadores não conferem"
    )
    assert not Customer.objects.exists()


def test_an_invalid_email_is_a_warning_and_the_customer_is_imported():
    result = run("customers", 'code;name;email;billing_email\n1;ANA;ana@;"fin@ana.com.br; nada"\n')
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "linha 2, coluna email, valor 'ana@': e-mail inválido; gravado assim mesmo, mas não receberá cartas",
        "linha 2, coluna billing_email, valor 'nada': e-mail inválido; gravado assim mesmo, mas não receberá cartas",
    ]
    assert Customer.objects.get(code="1").email == "ana@"


def test_changing_a_customers_emails_clears_the_refused_addresses():
    run("customers", "code;name;email\n1;ANA;ana@x.com.br\n2;BIA;bia@x.com.br\n")
    Customer.objects.update(invalid_emails=["velho@x.com.br"])

    run("customers", "code;name;email\n1;ANA;ana@novo.com.br\n2;BIA;bia@x.com.br\n")

    assert Customer.objects.get(code="1").invalid_emails == []
    assert Customer.objects.get(code="2").invalid_emails == ["velho@x.com.br"]


def test_changing_a_customers_address_clears_the_returned_letters_mark():
    run(
        "customers",
        "code;name;address;zip_code\n1;ANA;Rua A, 1;01001-000\n2;BIA;Rua B, 2;01001-000\n",
    )
    Customer.objects.update(postal_address_invalid=True)

    run(
        "customers",
        "code;name;address;zip_code\n1;ANA;Rua Nova, 10;01001-000\n2;BIA;Rua B, 2;01001-000\n",
    )

    assert not Customer.objects.get(code="1").postal_address_invalid
    assert Customer.objects.get(code="2").postal_address_invalid  # same address: still returned


def test_cells_that_look_like_formulas_are_stored_as_text():
    run("customers", "code;name;phone;address\n1;=1+1;+55 11 3000-0000;@rua\n2;-ANA;-;x\n")
    one = Customer.objects.get(code="1")
    assert (one.name, one.phone, one.address) == ("=1+1", "+55 11 3000-0000", "@rua")
    assert Customer.objects.get(code="2").name == "-ANA"


def test_a_text_longer_than_the_field_is_an_error():
    result = run("customers", f"code;name;state\n1;ANA;{'São Paulo'}\n")
    assert (
        messages(result)
        == "linha 2, coluna state, valor 'São Paulo': texto com 9 caracteres; o máximo é 2"
    )


def test_a_stray_quote_is_reported_with_its_row():
    result = run("customers", 'code;name\n1;"BAR" DO JOÃO\n2;ANA\n', skip_invalid=True)
    assert messages(result) == (
        "linha 2: linha ilegível (aspas fora do lugar: depois de fechar aspas deve vir o separador)"
    )
    assert list(Customer.objects.values_list("code", flat=True)) == ["2"]


def test_two_columns_meaning_the_same_field_are_refused():
    result = run("customers", "code;CODCLI;name\n1;1;ANA\n")
    assert (
        messages(result)
        == "linha 1: as colunas 'code' e 'CODCLI' dizem a mesma coisa (code); deixe só uma"
    )


def test_branches_import_with_cnpj_pix_key_and_rates():
    result = run(
        "branches",
        "code;legal_name;cnpj;pix_key;fine_percent;monthly_interest_percent;email\n"
        "1;EXEMPLO LTDA;11222333000181;financeiro@exemplo.com.br;2,5;0,033;x@\n",
    )
    assert result.ok and result.warning_count == 1
    branch = Branch.objects.get(code="1")
    assert branch.cnpj == "11.222.333/0001-81"
    assert branch.pix_key == "financeiro@exemplo.com.br"
    assert (str(branch.fine_percent), str(branch.monthly_interest_percent)) == ("2.5000", "0.0330")


def test_a_branch_with_a_cpf_is_refused():
    result = run("branches", "code;legal_name;cnpj\n1;JOÃO;52998224725\n")
    assert (
        messages(result)
        == "linha 2, coluna cnpj, valor '52998224725': uma filial tem CNPJ, não CPF"
    )
