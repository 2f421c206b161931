"""The outbox's entry points, called by runs and reviews.

Until delivery lands, e-mail notices stay pending (issue: the dunning engine).
"""


def enqueue_delivery(notice_ids: list[int]) -> None:
    """Have the workers deliver these notices once the current transaction commits."""


def deliver_now(notice_ids: list[int]) -> None:
    """Deliver these notices in this process, returning once each is settled or waiting."""
