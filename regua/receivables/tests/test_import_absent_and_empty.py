"""A column absent from the file keeps the stored value; an empty cell empties it."""

import datetime
from decimal import Decimal

import pytest

from regua.receivables.models import Branch, CollectionType, Customer, Receivable
from regua.receivables.tests.helpers import load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db


def test_a_column_absent_from_the_file_keeps_the_stored_value():
    run("customers", "code;name;email;phone\n7;ANA;ana@x.com.br;(11) 1111-1111\n")
    result = run("customers", "code;name\n7;ANA MARIA\n")
    assert result.updated == 1
    customer = Customer.objects.get(code="7")
    assert (customer.name, customer.email, customer.phone) == (
        "ANA MARIA",
        "ana@x.com.br",
        "(11) 1111-1111",
    )


def test_an_empty_cell_in_a_present_column_empties_the_field():
    run("customers", "code;name;email;phone\n7;ANA;ana@x.com.br;(11) 1111-1111\n")
    run("customers", "code;name;email;phone\n7;ANA;;\n")
    customer = Customer.objects.get(code="7")
    assert (customer.email, customer.phone) == ("", "")


def test_a_new_row_gets_the_defaults_for_absent_columns():
    run("branches", "code;legal_name\n9;NOVA FILIAL LTDA\n")
    branch = Branch.objects.get(code="9")
    assert (branch.fine_percent, branch.monthly_interest_percent) == (
        Decimal("2.00"),
        Decimal("1.00"),
    )


def test_empty_percentages_of_a_branch_mean_the_default_and_of_a_collection_none():
    run("branches", "code;legal_name;fine_percent\n9;NOVA FILIAL LTDA;\n")
    assert Branch.objects.get(code="9").fine_percent == Decimal("2.00")
    run("collection-types", "code;fine_percent\nXX;\n")
    assert CollectionType.objects.get(code="XX").fine_percent is None


def test_empty_dates_and_paid_amounts_of_a_titulo():
    load_branches()
    make_customer("C1")
    run(
        "receivables",
        "branch;document;installment;customer;due_date;amount;paid_amount;paid_date;issue_date\n"
        "1;A;1;C1;10/11/2026;100,00;40,00;01/11/2026;01/10/2026\n",
    )
    run(
        "receivables",
        "branch;document;installment;customer;due_date;amount;paid_amount;paid_date\n"
        "1;A;1;C1;10/11/2026;100,00;;\n",
    )
    receivable = Receivable.objects.get(document="A")
    assert (receivable.paid_amount, receivable.paid_date) == (Decimal("0.00"), None)
    assert receivable.issue_date == datetime.date(2026, 10, 1)  # column absent: kept


def test_a_customer_marked_do_not_dun_until_a_date():
    run(
        "customers",
        "code;name;blocked;blocked_until;blocked_reason\n7;ANA;S;31/12/2026;acordo de pagamento\n",
    )
    customer = Customer.objects.get(code="7")
    assert customer.do_not_dun
    assert customer.do_not_dun_until == datetime.date(2026, 12, 31)
    assert customer.do_not_dun_reason == "acordo de pagamento"
    run("customers", "code;name;blocked;blocked_until;blocked_reason\n7;ANA;;;\n")
    customer.refresh_from_db()
    assert (customer.do_not_dun, customer.do_not_dun_until, customer.do_not_dun_reason) == (
        False,
        None,
        "",
    )


def test_a_required_column_with_an_empty_cell_is_an_error():
    result = run("customers", "code;name\n7;\n")
    assert str(result.errors[0]) == "linha 2, coluna name: campo obrigatório vazio"
