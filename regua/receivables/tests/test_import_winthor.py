"""The shared WinThor export imports as it is, and loads what its canonical twin loads."""

import datetime
from decimal import Decimal

import pytest

from regua.receivables.models import CollectionType, Customer, Receivable
from regua.receivables.tests.helpers import (
    DATA,
    database,
    load_branches,
    load_canonical,
    load_winthor,
    run,
)

pytestmark = pytest.mark.django_db


def test_the_winthor_export_imports_as_it_is():
    load_branches()
    collections = run("collection-types", DATA / "winthor" / "PCCOB.csv")
    customers = run("customers", DATA / "winthor" / "PCCLIENT.csv")
    receivables = run("receivables", DATA / "winthor" / "PCPREST.csv")

    assert (collections.ok, customers.ok, receivables.ok) == (True, True, True)
    assert (customers.created, receivables.created) == (50, 258)
    assert customers.ignored_columns == ["FANTASIA", "TIPOFJ", "BLOQUEIO", "CODUSUR1"]
    assert receivables.ignored_columns == ["NUMTRANSVENDA", "DTVENCORIG", "CODUSUR"]
    assert collections.ignored_columns == ["BOLETO"]


def test_winthor_values_land_in_the_right_fields():
    load_winthor()
    customer = Customer.objects.get(code="1003")
    assert customer.name == "FARMÁCIA SAÚDE & VIDA 3"  # Windows-1252 read as such
    assert customer.document == "10.023.757/0001-54"
    assert customer.billing_email == "financeiro3@cliente3.com.br"
    assert (customer.city, customer.state, customer.zip_code) == ("SÃO PAULO", "SP", "01003-000")

    cancelled = Receivable.objects.get(branch__code="2", document="310080", installment="3")
    assert cancelled.cancelled  # DTCANCEL 25/08/2026
    assert cancelled.amount == cancelled.paid_amount == Decimal("2477.84")
    assert cancelled.paid_date == datetime.date(2026, 9, 30)
    assert cancelled.collection is not None and cancelled.collection.code == "BK"
    assert cancelled.digitable_line == "23790.00009 00004.311759 03204.153476 2 15750000247784"
    assert cancelled.our_number == "00000000043"

    assert Receivable.objects.filter(cancelled=True).count() == 6
    itau = CollectionType.objects.get(code="341")
    assert (itau.description, itau.dunnable) == ("ITAÚ", True)
    assert itau.fine_percent == Decimal("2.00")


def test_the_never_dunned_codes_stay_not_dunnable_after_the_winthor_import():
    load_winthor()
    assert not CollectionType.objects.get(code="DESD").dunnable
    assert not CollectionType.objects.get(code="CRED").dunnable
    assert CollectionType.objects.get(code="CRED").description == "CRÉDITO DE CLIENTE"


def test_bloqueio_does_not_stop_dunning():
    load_winthor()
    # 1017 and 1034 carry BLOQUEIO = S: WinThor's credit block, not "do not dun".
    for code in ("1017", "1034"):
        assert not Customer.objects.get(code=code).do_not_dun
    assert not Customer.objects.filter(do_not_dun=True).exists()


def test_the_canonical_utf8_files_change_nothing_after_the_winthor_ones():
    load_winthor()
    before = database()
    for kind in ("collection-types", "customers", "receivables"):
        result = run(kind, DATA / "canonical" / f"{kind}.csv")
        assert result.ok, result.errors
        assert (result.created, result.updated) == (0, 0), kind
        assert result.unchanged == result.rows
    assert database() == before


def test_the_winthor_files_change_nothing_after_the_canonical_ones():
    load_canonical()
    before = database()
    for kind, name in (
        ("collection-types", "PCCOB.csv"),
        ("customers", "PCCLIENT.csv"),
        ("receivables", "PCPREST.csv"),
    ):
        result = run(kind, DATA / "winthor" / name)
        assert (result.created, result.updated, result.error_count) == (0, 0, 0), kind
    assert database() == before
