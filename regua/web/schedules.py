"""What the pages need to know about automatic runs, whatever delivery's schedule looks like."""

import datetime


def next_automatic_run() -> datetime.datetime | None:
    """When the next scheduled run starts, or None when nothing is scheduled."""
    from regua.delivery.schedules import next_run_at

    return next_run_at()
