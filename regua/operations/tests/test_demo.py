import datetime
import re

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import F

from regua.dunning.models import DelayRange
from regua.operations import demo
from regua.receivables import boleto
from regua.receivables.documents import is_valid_cnpj, is_valid_cpf
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def portfolio() -> list[tuple]:
    return list(
        Receivable.objects.order_by("document", "installment").values_list(
            "branch__code", "document", "installment", "customer__code", "due_date",
            "amount", "paid_amount", "cancelled", "collection__code", "digitable_line",
        )
    )  # fmt: skip


@time_machine.travel("2026-11-20 10:00 -03:00", tick=False)
def test_demo_without_server_creates_the_data_and_a_user_and_prints_the_login(capsys):
    call_command("demo", "--no-server", "--password", "senha-demo-1213")

    out = capsys.readouterr().out
    assert "Acesse http://127.0.0.1:8000/ com o usuário demo e a senha senha-demo-1213" in out
    user = authenticate(username="demo", password="senha-demo-1213")
    assert user is not None and user.is_superuser
    assert Branch.objects.count() == 2
    assert 200 <= Customer.objects.count() <= 500
    assert 2000 <= Receivable.objects.count() <= 6000
    assert f"{Receivable.objects.count()} títulos" in out


@time_machine.travel("2026-11-20 10:00 -03:00", tick=False)
def test_a_random_password_is_made_and_printed_when_none_is_given(capsys):
    call_command("demo", "--no-server")
    password = re.search(r"e a senha (\S+)", capsys.readouterr().out)
    assert password is not None
    assert authenticate(username="demo", password=password[1]) is not None


def test_the_demo_data_is_realistic():
    summary = demo.load_demo(TODAY)
    assert summary.ranges == 5

    branches = list(Branch.objects.all())
    assert all(is_valid_cnpj(b.cnpj) and b.legal_name and b.address for b in branches)
    assert [bool(b.pix_key) for b in branches] == [True, False]

    customers = Customer.objects.all()
    assert all(is_valid_cpf(c.document) or is_valid_cnpj(c.document) for c in customers)
    assert customers.filter(email="", billing_email="").count() >= 5
    assert customers.filter(billing_email__contains=";").count() >= 5
    assert customers.filter(do_not_dun=True, do_not_dun_until__isnull=True).exists()
    promised = customers.get(do_not_dun_until__isnull=False)
    assert promised.do_not_dun_until is not None and promised.do_not_dun_until > TODAY

    dues = Receivable.objects.values_list("due_date", flat=True)
    assert min(dues) >= TODAY - datetime.timedelta(days=90)
    assert max(dues) <= TODAY + datetime.timedelta(days=30)
    assert min(dues) <= TODAY - datetime.timedelta(days=80)
    assert max(dues) >= TODAY + datetime.timedelta(days=20)
    titulos = Receivable.objects.all()
    assert titulos.filter(cancelled=True).exists()
    assert titulos.filter(paid_amount__gt=0, paid_amount__lt=F("amount")).exists()
    assert titulos.filter(paid_amount=F("amount")).exists()
    assert titulos.filter(collection__code="DESD").exists()
    assert not CollectionType.objects.get(code="DESD").dunnable
    assert set(CollectionType.objects.filter(dunnable=True).values_list("code", flat=True)) >= {
        "BK", "C", "237", "341",
    }  # fmt: skip
    for receivable in titulos.filter(collection__code__in=["BK", "237", "341"])[:50]:
        assert_boleto(receivable)
    assert not titulos.filter(collection__code="C").exclude(digitable_line="").exists()


def assert_boleto(receivable: Receivable) -> None:
    digits = re.sub(r"\D", "", receivable.digitable_line)
    assert len(digits) == 47 and len(receivable.barcode) == 44
    barcode = receivable.barcode
    assert int(barcode[9:19]) == int(receivable.amount * 100)
    assert barcode[5:9] == f"{boleto.due_factor(receivable.due_date):04d}"
    for field, dv in (
        (digits[0:9], digits[9]),
        (digits[10:20], digits[20]),
        (digits[21:31], digits[31]),
    ):
        assert boleto.mod10(field) == int(dv)
    assert boleto.mod11_bank(barcode[:4] + barcode[5:]) == int(barcode[4])
    assert boleto.read_line(receivable.digitable_line, barcode).amount == receivable.amount


def test_the_due_factor_restarts_at_1000_in_2025():
    assert boleto.due_factor(datetime.date(2025, 2, 21)) == 9999
    assert boleto.due_factor(datetime.date(2025, 2, 22)) == 1000
    assert boleto.due_factor(datetime.date(2000, 7, 3)) == 1000


def test_the_demo_is_the_same_for_the_same_day():
    demo.load_demo(TODAY, customers=40)
    first = portfolio()
    Receivable.objects.all().delete()
    Customer.objects.all().delete()
    Branch.objects.all().delete()
    demo.load_demo(TODAY, customers=40)
    assert portfolio() == first
    assert len(first) > 200


def test_the_demo_loads_only_into_an_empty_database(capsys):
    Branch.objects.create(code="99", legal_name="JÁ EXISTE LTDA")
    call_command("demo", "--no-server", "--password", "x-1213-x")
    assert (
        "O banco já tem dados: a demonstração não foi carregada de novo" in capsys.readouterr().out
    )
    assert not Receivable.objects.exists()
    assert DelayRange.objects.count() == 5  # ranges come anyway when there are none


def test_existing_ranges_are_left_alone():
    from regua.test import make_range

    make_range(1, 10)
    assert demo.ensure_delay_ranges() == 0
    assert DelayRange.objects.count() == 1


def test_running_demo_again_gives_the_demo_user_a_new_password():
    demo.set_demo_user("primeira-senha")
    demo.set_demo_user("segunda-senha")
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("segunda-senha")
