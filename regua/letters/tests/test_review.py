import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied

from regua.audit.models import AuditEntry
from regua.dunning.models import DunningRun, NoticeStatus
from regua.letters.review import (
    ReviewError,
    approve,
    discard,
    held_letters_pdf,
    list_held,
)
from regua.letters.tests.builders import make_held_notice, pdf_text, stored_pdf
from regua.test import make_branch, make_customer, make_range, make_receivable, set_state

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def letter_range():
    return make_range(1, 60, template=2, generation="email_and_letter")


@pytest.fixture
def branch():
    return make_branch("1")


def held(
    branch, letter_range, name="MERCADO BOA VISTA LTDA", amounts=("100.00", "250.00"), run=None
):
    customer = make_customer(name=name)
    receivables = [
        make_receivable(branch, customer, D(2026, 11, 10), amount, document=f"D{n}{customer.code}")
        for n, amount in enumerate(amounts)
    ]
    return make_held_notice(letter_range, receivables, run=run)


def test_listing_renders_and_stores_each_held_letter_once(branch, letter_range):
    notice = held(branch, letter_range)
    set_state(held(branch, letter_range, amounts=("10.00",)), NoticeStatus.DISCARDED)
    [listed] = list_held()
    assert listed.pk == notice.pk
    first = stored_pdf(notice)
    assert first.startswith(b"%PDF")
    assert "MERCADO BOA VISTA LTDA" in pdf_text(first)
    [again] = list_held()
    assert stored_pdf(again) == first


def test_approval_moves_the_notice_to_pending_with_reviewer_and_pdf(branch, letter_range):
    notice = held(branch, letter_range)
    result = approve([notice.pk], "ana")
    assert result.done == [notice.pk]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PENDING
    assert notice.reviewed_by == "ana"
    assert notice.reviewed_at == datetime.datetime(2026, 11, 28, 13, 0, tzinfo=datetime.UTC)
    text = pdf_text(stored_pdf(notice))
    assert "D0" in text and "D1" in text
    assert set(notice.items.values_list("blocks", flat=True)) == {True}
    entry = AuditEntry.objects.get(action="notice.approve")
    assert (entry.user, entry.object_id) == ("ana", str(notice.pk))


def test_a_titulo_paid_before_approval_leaves_the_notice_and_its_letter(branch, letter_range):
    notice = held(branch, letter_range)
    list_held()  # the reviewer saw both títulos
    paid = notice.items.get(receivable__document__startswith="D1").receivable
    paid.paid_amount = paid.amount
    paid.paid_date = D(2026, 11, 27)
    paid.save()
    approve([notice.pk], "ana")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PENDING
    assert list(notice.items.values_list("receivable__document", flat=True)) == [
        f"D0{notice.customer.code}"
    ]
    assert notice.total_balance == Decimal("100.00")
    text = pdf_text(stored_pdf(notice))
    assert f"D0{notice.customer.code}/1" in text
    assert f"D1{notice.customer.code}/1" not in text
    assert "R$ 250,00" not in text


def test_a_notice_whose_titulos_were_all_paid_is_discarded_at_approval(branch, letter_range):
    notice = held(branch, letter_range, amounts=("100.00",))
    receivable = notice.items.get().receivable
    receivable.paid_amount = Decimal("100.00")
    receivable.save()
    result = approve([notice.pk], "ana")
    assert result.done == [] and result.paid == [notice.pk]
    notice.refresh_from_db()
    assert (notice.status, notice.reason) == (NoticeStatus.DISCARDED, "paid")


def test_approval_refuses_notices_not_waiting_for_review(branch, letter_range):
    notice = held(branch, letter_range)
    set_state(notice, NoticeStatus.SENT)
    result = approve([notice.pk, 999999], "ana")
    assert result.done == []
    assert "Enviada" in result.refused[notice.pk]
    assert result.refused[999999] == "carta não encontrada"


def test_approving_and_discarding_need_the_review_permission(branch, letter_range):
    notice = held(branch, letter_range)
    clerk = User.objects.create_user("clerk")
    with pytest.raises(PermissionDenied):
        approve([notice.pk], clerk)
    with pytest.raises(PermissionDenied):
        discard([notice.pk], "clerk", "não conferido")
    clerk.user_permissions.add(Permission.objects.get(codename="review_notices"))
    clerk = User.objects.get(pk=clerk.pk)
    assert approve([notice.pk], clerk).done == [notice.pk]
    notice.refresh_from_db()
    assert notice.reviewed_by == "clerk"


def test_discarding_needs_a_reason_and_frees_the_titulos(branch, letter_range):
    notice = held(branch, letter_range)
    with pytest.raises(ReviewError, match="Informe o motivo"):
        discard([notice.pk], "ana", "   ")
    result = discard([notice.pk], "ana", "  cliente   pagou no caixa ")
    assert result.done == [notice.pk]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DISCARDED
    assert notice.reason == "cliente pagou no caixa"
    assert notice.reviewed_by == "ana"
    assert set(notice.items.values_list("blocks", flat=True)) == {False}
    entry = AuditEntry.objects.get(action="notice.discard")
    assert entry.changes == {"reason": "cliente pagou no caixa"}


def test_all_held_letters_of_a_run_print_as_one_pdf_each_with_its_pages(branch, letter_range):
    run = DunningRun.objects.create(user="ana", reference_date=D(2026, 11, 28))
    held(branch, letter_range, name="BETA COMERCIO LTDA", run=run)
    held(branch, letter_range, name="ALFA MERCADO LTDA", run=run)
    held(branch, letter_range, name="OUTRA EMISSAO LTDA")
    text = pdf_text(held_letters_pdf(run))
    assert text.count("Página 1 de 1") == 2
    assert text.index("ALFA MERCADO LTDA") < text.index("BETA COMERCIO LTDA")
    assert "OUTRA EMISSAO LTDA" not in text


def test_printing_a_run_without_held_letters_says_so():
    run = DunningRun.objects.create(user="ana", reference_date=D(2026, 11, 28))
    with pytest.raises(ReviewError, match=f"A emissão {run.pk} não tem cartas"):
        held_letters_pdf(run)


def test_render_ahead_stores_the_oldest_held_letters_pdfs_a_few_at_a_time(branch, letter_range):
    from regua.letters.review import render_ahead

    notices = [held(branch, letter_range, name=f"CLIENTE {n}") for n in range(3)]
    set_state(held(branch, letter_range, name="JA ENVIADA"), NoticeStatus.SENT)

    assert render_ahead(limit=2) == 2
    built = [n.pk for n in notices if stored_pdf_or_none(n)]
    assert built == [notices[0].pk, notices[1].pk]
    assert render_ahead(limit=2) == 1
    assert render_ahead(limit=2) == 0  # only held letters, each once
    assert "CLIENTE 2" in pdf_text(stored_pdf(notices[2]))


def stored_pdf_or_none(notice):
    notice.refresh_from_db(fields=["pdf"])
    return notice.pdf
