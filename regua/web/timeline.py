"""The SVG timeline of delay ranges on the Faixas page: order and gaps at a glance (R3)."""

from dataclasses import dataclass

from regua.dunning.models import DelayRange

# Days shown: from a month before the due date to a month past "90+".
FIRST_DAY = -30
LAST_DAY = 120
WIDTH = 900
LEFT = 20
SCALE = (WIDTH - 2 * LEFT) / (LAST_DAY - FIRST_DAY + 1)
TICKS = (-30, -15, 0, 15, 30, 60, 90, 120)


@dataclass(frozen=True)
class Segment:
    label: str
    x: int
    width: int
    start_day: int
    end_day: int
    letter: bool = False


@dataclass(frozen=True)
class Tick:
    label: str
    x: int


def _x(day: int) -> int:
    day = min(max(day, FIRST_DAY), LAST_DAY + 1)
    return LEFT + round((day - FIRST_DAY) * SCALE)


def _span(start: int, end: int) -> tuple[int, int]:
    x = _x(start)
    return x, max(_x(end + 1) - x, 2)


def _tick_label(day: int) -> str:
    if day < 0:
        return f"{day}"
    if day == 0:
        return "vence"
    if day >= 90:
        return f"{day}+" if day == LAST_DAY else f"{day}"
    return str(day)


def timeline(ranges: list[DelayRange]) -> dict[str, object]:
    """Segments for the active ranges and for the gaps between them, within the shown days."""
    active = sorted((r for r in ranges if r.active), key=lambda r: r.start_day)
    segments = []
    gaps = []
    cursor = FIRST_DAY
    for r in active:
        if r.end_day < FIRST_DAY or r.start_day > LAST_DAY:
            continue
        if r.start_day > cursor:
            x, w = _span(cursor, r.start_day - 1)
            gaps.append(
                Segment(f"sem faixa: {cursor} a {r.start_day - 1}", x, w, cursor, r.start_day - 1)
            )
        x, w = _span(r.start_day, r.end_day)
        segments.append(
            Segment(str(r), x, w, r.start_day, r.end_day, letter=r.generation == "email_and_letter")
        )
        cursor = max(cursor, r.end_day + 1)
    if cursor <= LAST_DAY:
        x, w = _span(cursor, LAST_DAY)
        gaps.append(Segment(f"sem faixa: a partir de {cursor}", x, w, cursor, LAST_DAY))
    ticks = [Tick(_tick_label(d), _x(d)) for d in TICKS]
    return {
        "width": WIDTH,
        "segments": segments,
        "gaps": gaps,
        "ticks": ticks,
        "due_x": _x(0),
        "overdue_90_x": _x(91),
        "right_x": _x(LAST_DAY + 1),
    }
