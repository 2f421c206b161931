"""Background work through Django's tasks API (django-tasks on Django 5.2)."""

from django_tasks import task

from regua.delivery import outbox


@task()
def deliver_notices(notice_ids: list[int]) -> dict[str, int]:
    """Deliver these notices (queued by ``regua.delivery.dispatch``); returns how many
    ended in each state, which ``regua worker`` adds to its own count."""
    return dict(outbox.deliver_now(notice_ids))
