"""The dates a run or its filters may name: the years an import accepts, 1900 to 2199.

A reference date of 9999-12-31 or 0001-01-01 would make the selection step
past the calendar's ends (Python's dates stop at years 1 and 9999); with the
ranges' days bounded too (``ranges.MAX_DAYS``) every date the engine derives
stays inside it.
"""

import datetime

from regua.receivables.importing.values import MAX_YEAR, MIN_YEAR

FIRST = datetime.date(MIN_YEAR, 1, 1)
LAST = datetime.date(MAX_YEAR, 12, 31)


def out_of_range(day: datetime.date) -> str | None:
    """Why ``day`` cannot be used (in Portuguese), or None when it can."""
    if FIRST <= day <= LAST:
        return None
    return f"a data {_shown(day)} está fora do intervalo aceito ({_shown(FIRST)} a {_shown(LAST)})"


def _shown(day: datetime.date) -> str:
    # strftime's %Y writes year 1 as "1": spelled out instead.
    return f"{day.day:02}/{day.month:02}/{day.year:04}"
