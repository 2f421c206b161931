"""Background work through Django's tasks API (django-tasks on Django 5.2)."""

from django_tasks import task

from regua.delivery import outbox


@task()
def deliver_notices(notice_ids: list[int]) -> None:
    """Deliver these notices (enqueued by ``outbox.enqueue_delivery`` after commit)."""
    outbox.deliver_now(notice_ids)
