"""A run's delivery as the run page shows it, read from the database.

The pages never deliver: a run or an approval made here hands its notices to
``regua.delivery.dispatch(ids, "queue")`` and the workers (``regua worker``)
deliver them; the page polls the notices' states until nothing is moving.
"""

from regua.delivery.models import EmailSettings
from regua.dunning import lifecycle
from regua.dunning.models import DunningRun


def progress(run: DunningRun) -> dict[str, object]:
    """How far the run's delivery is: counts by state and whether anything is still moving."""
    by_status = lifecycle.count_states(run.notice_set.all())
    total = sum(by_status.values())
    moving = sum(by_status.get(s, 0) for s in lifecycle.IN_FLIGHT)
    done = total - moving
    # Without a configured server nothing moves until someone configures it:
    # the page stops polling and says so instead of waiting forever.
    stalled = moving > 0 and not EmailSettings.load().is_ready
    return {
        "total": total,
        "done": done,
        "moving": moving,
        "percent": 100 if total == 0 else round(100 * done / total),
        "finished": moving == 0,
        "stalled": stalled,
        "by_status": by_status,
    }
