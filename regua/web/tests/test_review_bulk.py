"""Revisão that scales: a paginated list that builds no PDF, filters and sorting, and
approval or discard in bulk worked in the background with its counts (R8)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from regua.audit.models import AuditEntry
from regua.dunning.models import Notice
from regua.test import (
    deliver_queued,
    make_branch,
    make_customer,
    make_notice,
    make_range,
    make_receivable,
)
from regua.web import bulk_review
from regua.web.models import ReviewBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(db):
    """120 held letters: branch 1 in range 31–60 and branch 2 in range 61–90, R$ 101 to R$ 220."""
    first = make_range(31, 60, template=2, generation="email_and_letter")
    second = make_range(61, 90, template=3, generation="email_and_letter")
    branches = [make_branch("1"), make_branch("2")]
    notices = []
    for n in range(120):
        customer = make_customer(f"C{n:03}", name=f"CLIENTE {n:03}")
        receivable = make_receivable(
            branches[n % 2], customer, datetime.date(2026, 10, 1), f"{101 + n}.00"
        )
        notices.append(
            make_notice(
                first if n % 2 == 0 else second,
                [receivable],
                status="held",
                recipients=[customer.email],
            )
        )
    return notices


def test_the_list_shows_one_page_and_builds_no_pdf(client, supervisor, held):
    client.force_login(supervisor)
    page = client.get(reverse("review")).content.decode()

    assert "120 cartas aguardando revisão." in page
    assert page.count('class="pick"') == 50
    assert "Página 1 de 3" in page
    assert not Notice.objects.filter(pdf__isnull=False).exists()  # the list built no letter
    assert reverse("review_letter_pdf", args=[held[0].pk]) in page  # the viewer asks for one


def test_filters_narrow_the_list_and_the_amount_sorts_it(client, supervisor, held):
    client.force_login(supervisor)
    page = client.get(
        reverse("review"), {"filial": "2", "valor_min": "150,00", "ordem": "-valor"}
    ).content.decode()

    assert "36 cartas aguardando revisão com estes filtros." in page
    rows = page.split('class="pick"')[1:]
    assert "CLIENTE 119" in rows[0] and "R$ 220,00" in rows[0]
    assert "CLIENTE 049" in rows[-1]

    page = client.get(reverse("review"), {"faixa": "31", "modelo": "2"}).content.decode()
    assert "60 cartas aguardando revisão com estes filtros." in page


def test_a_bad_filter_says_which_and_why(client, supervisor, held):
    client.force_login(supervisor)
    page = client.get(reverse("review"), {"valor_min": "muito"}, follow=True).content.decode()
    assert "Filtro valor mínimo inválido: &#x27;muito&#x27;; use 1.234,56." in page


def test_discarding_everything_that_matches_records_the_reason_on_every_notice(
    client, supervisor, held
):
    client.force_login(supervisor)
    response = client.post(
        reverse("review_bulk"),
        {
            "escopo": "todas",
            "filial": "1",
            "acao": "discard",
            "reason": "acordo fechado por telefone",
        },
    )
    batch = ReviewBatch.objects.get()
    assert response["Location"] == reverse("review_batch", args=[batch.pk])
    assert (batch.total, batch.user, batch.action) == (60, "sergio", "discard")

    bulk_review.work(batch.pk)  # what `regua worker` does with the queued task

    discarded = Notice.objects.filter(status="discarded")
    assert discarded.count() == 60
    assert set(discarded.values_list("reason", "reviewed_by")) == {
        ("acordo fechado por telefone", "sergio")
    }
    assert set(discarded.values_list("branch__code", flat=True)) == {"1"}
    assert Notice.objects.filter(status="held").count() == 60
    assert AuditEntry.objects.filter(action="notice.discard").count() == 60
    assert AuditEntry.objects.filter(action="review.batch.discard", user="sergio").exists()
    page = client.get(reverse("review_batch", args=[batch.pk])).content.decode()
    assert "Revisão em lote concluída" in page
    assert "60 de 60 cartas processadas." in page
    assert "60 descartadas (acordo fechado por telefone)" in page


def test_a_bulk_discard_without_a_reason_is_refused_and_nothing_changes(client, supervisor, held):
    client.force_login(supervisor)
    response = client.post(
        reverse("review_bulk"),
        {"ids": [held[0].pk, held[1].pk], "acao": "discard", "reason": " "},
        follow=True,
    )
    assert "Informe o motivo do descarte." in response.content.decode()
    assert not ReviewBatch.objects.exists()
    assert Notice.objects.filter(status="held").count() == 120


def test_nothing_ticked_is_refused_with_a_message(client, supervisor, held):
    client.force_login(supervisor)
    response = client.post(reverse("review_bulk"), {"acao": "approve"}, follow=True)
    assert "Nenhuma carta selecionada." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_approving_the_ticked_letters_counts_the_paid_ones_apart(client, supervisor, held):
    from regua.receivables.models import Receivable

    paid = held[2].items.get().receivable
    Receivable.objects.filter(pk=paid.pk).update(paid_amount=Decimal("103.00"))
    already = held[4]
    Notice.objects.filter(pk=already.pk).update(status="discarded", reason="outra pessoa")
    client.force_login(supervisor)
    client.post(
        reverse("review_bulk"),
        {"ids": [held[0].pk, held[2].pk, held[4].pk], "acao": "approve"},
    )
    batch = ReviewBatch.objects.get()

    deliver_queued()  # the batch task, then the deliveries it queued

    batch.refresh_from_db()
    assert (batch.approved, batch.paid, batch.refused, batch.total) == (1, 1, 1, 3)
    assert batch.finished_at is not None
    assert Notice.objects.get(pk=held[2].pk).status == "discarded"  # R8: paid meanwhile
    assert Notice.objects.get(pk=held[0].pk).status in ("pending", "sent", "retry")
