"""A group of notices rendered in one pass gives what rendering each one alone gives."""

import datetime
from decimal import Decimal

import pytest

from regua.dunning.models import NoticeItem
from regua.letters import loading
from regua.letters.models import LetterSettings, LetterTemplate
from regua.letters.rendering import freeze_charges, render_notice, render_notices
from regua.letters.tests.builders import make_held_notice, qr_in_html
from regua.receivables.models import CollectionType, Receivable
from regua.test import make_branch, make_collection, make_customer, make_range, make_receivable

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def notices():
    branch = make_branch(
        "1",
        legal_name="DISTRIBUIDORA EXEMPLO 1 LTDA",
        cnpj="11.222.333/0001-81",
        pix_key="11.222.333/0001-81",
        fine_percent=Decimal("2.00"),
        monthly_interest_percent=Decimal("1.00"),
    )
    boleto = make_collection("BK", fine_percent=Decimal("5.00"))
    email = make_range(1, 30, template=1, generation="email")
    final = make_range(31, 90, template=3, generation="email")
    made = []
    for n, (delay_range, due) in enumerate(
        [(email, D(2026, 11, 3)), (final, D(2026, 10, 1)), (email, D(2026, 11, 10))], start=1
    ):
        customer = make_customer(f"C{n}", name=f"CLIENTE {n} LTDA", email=f"c{n}@example.com.br")
        receivables = [
            make_receivable(branch, customer, due, "1000.00", document=f"{n}00", installment="1"),
            make_receivable(
                branch,
                customer,
                due,
                "250.50",
                document=f"{n}00",
                installment="2",
                collection=boleto,
                digitable_line="23790.12345 60000.123456 78000.123456 1 98760000234567",
            ),
        ]
        made.append(make_held_notice(delay_range, receivables, status="pending"))
    return made


def _charges(notice):
    return list(
        NoticeItem.objects.filter(notice=notice)
        .order_by("pk")
        .values_list("fine", "interest", "updated_amount")
    )


def test_a_group_rendered_at_once_gives_the_same_messages_as_one_by_one(notices):
    together = render_notices(notices)
    freeze_charges(r for r in together.values() if not isinstance(r, Exception))
    charges_together = [_charges(n) for n in notices]
    NoticeItem.objects.update(fine=None, interest=None, updated_amount=None)
    alone = {n.pk: render_notice(n) for n in notices}
    freeze_charges(alone.values())
    assert together == alone
    assert [_charges(n) for n in notices] == charges_together
    # What the customer reads: the final notice's terms and a PIX QR with the updated total.
    final = together[notices[1].pk]
    assert not isinstance(final, Exception)
    assert "no prazo de 10 dias" in final.text
    [payload] = qr_in_html(final.html)
    assert payload.startswith("000201") and "CARTA" in payload


def test_a_group_records_every_items_fine_interest_and_updated_amount(notices):
    rendered = render_notices(notices)
    assert all(None in row for n in notices for row in _charges(n))  # rendering writes nothing
    freeze_charges(r for r in rendered.values() if not isinstance(r, Exception))
    # 100/1 due 03/11, 25 days at 28/11: fine 20,00, interest 1000 × 1 % / 30 × 25 = 8,33.
    assert _charges(notices[0])[0] == (Decimal("20.00"), Decimal("8.33"), Decimal("1028.33"))
    assert all(None not in row for n in notices for row in _charges(n))


def test_a_notice_whose_template_fails_does_not_hold_back_the_others(notices):
    broken = LetterTemplate.objects.get(number=3)
    LetterTemplate.objects.filter(pk=broken.pk).update(body_text="{{ customer.name.nope }}")
    for notice in notices:
        notice.template.refresh_from_db()
    rendered = render_notices(notices)
    first, final, third = (rendered[n.pk] for n in notices)
    assert isinstance(final, Exception)
    assert not isinstance(first, Exception) and "CLIENTE 1 LTDA" in first.text
    assert not isinstance(third, Exception) and "CLIENTE 3 LTDA" in third.text


def test_templates_that_do_not_show_the_final_notice_do_not_read_its_settings(
    notices, django_assert_num_queries
):
    LetterSettings.load()
    plain = [notices[0], notices[2]]
    # The items and their títulos: nothing else (rendering writes nothing).
    with django_assert_num_queries(2):
        rendered = render_notices(plain)
    with django_assert_num_queries(1):
        freeze_charges(rendered.values())  # type: ignore[arg-type]  # the charges, one statement
    with django_assert_num_queries(0):
        freeze_charges(rendered.values())  # type: ignore[arg-type]  # already recorded
    with django_assert_num_queries(3):
        render_notices([notices[1]])  # items, títulos, the settings
    settings = LetterSettings.load()
    settings.final_notice_days = 20
    settings.save()
    assert "no prazo de 20 dias" in render_notice(notices[1]).text


def test_the_titulos_come_with_the_fields_a_letter_shows_and_load_the_others_on_use(notices):
    loaded = loading.load_items(notices)
    [first, second] = loaded[notices[0].pk]
    assert (first.receivable.document, first.receivable.installment) == ("100", "1")
    assert first.receivable.collection is None
    collection = second.receivable.collection
    assert collection is not None
    assert (collection.code, collection.fine_percent) == ("BK", Decimal("5.00"))
    assert second.balance == Decimal("250.50")
    # A field the letter does not read is loaded when asked for, as with only().
    assert second.receivable.amount == Decimal("250.50")
    assert second.days_overdue == 25


def test_a_letter_lists_its_titulos_by_due_date_then_document_and_installment(notices):
    customer = notices[0].customer
    branch = notices[0].branch
    delay_range = notices[0].delay_range
    made = [
        make_receivable(branch, customer, due, "10.00", document=doc, installment=inst)
        for due, doc, inst in [
            (D(2026, 11, 5), "B7", "2"),
            (D(2026, 11, 4), "Z1", "1"),
            (D(2026, 11, 5), "A9", "3"),
            (D(2026, 11, 5), "B7", "1"),
        ]
    ]
    notice = make_held_notice(delay_range, made, status="pending")
    [alone] = loading.load_items([notice]).values()
    together = loading.load_items([*notices, notice])[notice.pk]
    expected = [("Z1", "1"), ("A9", "3"), ("B7", "1"), ("B7", "2")]
    for loaded in (alone, together):
        assert [(i.receivable.document, i.receivable.installment) for i in loaded] == expected
    assert "Z1" in render_notice(notice).text.split("A9")[0]


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (NoticeItem, loading._ITEM_FIELDS),
        (Receivable, loading._RECEIVABLE_FIELDS),
        (CollectionType, loading._COLLECTION_FIELDS),
    ],
)
def test_the_columns_read_for_a_letter_follow_each_models_field_order(model, names):
    # Model.from_db takes the values of some fields in the model's own order.
    assert tuple(f.attname for f in model._meta.concrete_fields if f.attname in names) == names
