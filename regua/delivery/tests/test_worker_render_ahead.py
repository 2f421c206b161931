"""An idle worker builds the held letters' PDFs ahead of the reviewer (issue 13); a worker
run with --until-done does not (it delivers what is ready and stops)."""

import datetime

import pytest

from regua.delivery.worker import RENDER_AHEAD, TaskRunner, Worker
from regua.dunning.models import Notice
from regua.test import make_branch, make_customer, make_notice, make_range, make_receivable

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes old connections


@pytest.fixture
def held():
    letter = make_range(31, 60, template=2, generation="email_and_letter")
    branch = make_branch("1")
    return [
        make_notice(
            letter,
            [make_receivable(branch, make_customer(), datetime.date(2026, 10, 1))],
            status="held",
        )
        for _ in range(RENDER_AHEAD + 1)
    ]


def built() -> int:
    return Notice.objects.filter(pdf__isnull=False).count()


def test_an_idle_pass_builds_a_few_held_letters_and_says_it_was_busy(held):
    worker = Worker(worker_id="worker:test:1")
    tasks = TaskRunner(worker.worker_id)

    assert worker.run_pass(tasks) is True
    assert built() == RENDER_AHEAD
    assert worker.run_pass(tasks) is True
    assert built() == RENDER_AHEAD + 1
    assert worker.run_pass(tasks) is False  # nothing left to do: idle
    assert Notice.objects.filter(status="held").count() == len(held)  # only the PDF changed


def test_a_worker_until_done_leaves_the_held_letters_to_the_reviewer(held):
    worker = Worker(worker_id="worker:test:2", until_done=True)

    assert worker.run_pass(TaskRunner(worker.worker_id)) is False
    assert built() == 0
