"""E-mail delivery: settings, the outbox, SMTP, workers and schedules.

``dispatch(notice_ids, how)`` is how every caller (command line, pages, API,
schedules) hands delivery the notices a run or an approval created.
"""

from collections import Counter
from collections.abc import Callable
from typing import Literal

How = Literal["now", "queue", "workers"]


def dispatch(
    notice_ids: list[int], how: How, *, alive: Callable[[], None] | None = None
) -> Counter[str]:
    """See ``regua.delivery.outbox.dispatch`` (imported here when called, after the apps load)."""
    from regua.delivery import outbox

    return outbox.dispatch(notice_ids, how, alive=alive)
