"""Geometry of the small charts the pages draw as SVG on the server.

No chart library: the pages need bars and one line, drawn the same in every
browser, printable and legible without JavaScript. Labels never overlap:
bar charts are horizontal (one row per label, the label in its own column,
cut with "…" beyond what fits) and a line chart shows only as many month
labels as fit side by side.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

ROW: Final = 30
LABEL_WIDTH: Final = 190
MAX_LABEL_WIDTH: Final = 230
VALUE_WIDTH: Final = 110
# Width of one character of the 12 px chart font, generously (digits and capitals).
CHAR_WIDTH: Final = 7


def fit(text: str, width: int) -> str:
    """``text`` cut with "…" to fit ``width`` SVG units of the chart font."""
    most = max(1, width // CHAR_WIDTH)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@dataclass(frozen=True)
class HBar:
    label: str  # as shown (maybe cut)
    full_label: str  # in the tooltip and the table
    value: Decimal
    value_text: str
    y: int
    width: int
    text_y: int


@dataclass(frozen=True)
class HBarChart:
    bars: list[HBar]
    width: int
    height: int
    bar_x: int
    value_x: int
    bar_height: int


def hbars(
    items: list[tuple[str, Decimal, str]], *, width: int = 480, largest: Decimal | None = None
) -> HBarChart:
    """Horizontal bars for (label, value, value as text), scaled to ``largest`` (else the max)."""
    top = max((v for _, v, _ in items), default=Decimal(0))
    scale_to = largest if largest is not None else top
    # The labels' column fits the longest label, up to a limit (beyond it, cut with "…").
    label_width = min(
        max(LABEL_WIDTH // 2, max((len(t) for t, _, _ in items), default=0) * CHAR_WIDTH + 10),
        MAX_LABEL_WIDTH,
    )
    # The amounts' column is as wide as the longest amount: legible at any size.
    value_width = max(VALUE_WIDTH, max((len(t) for _, _, t in items), default=0) * CHAR_WIDTH + 10)
    room = max(width - label_width - value_width - 10, 60)
    width = label_width + room + value_width + 10
    bars = []
    for i, (label, value, text) in enumerate(items):
        length = int(room * value / scale_to) if scale_to > 0 and value > 0 else 0
        bars.append(
            HBar(
                label=fit(label, label_width - 10),
                full_label=label,
                value=value,
                value_text=text,
                y=i * ROW + 6,
                width=max(length, 1 if value > 0 else 0),
                text_y=i * ROW + 20,
            )
        )
    return HBarChart(
        bars=bars,
        width=width,
        height=max(len(items), 1) * ROW + 6,
        bar_x=label_width,
        value_x=label_width + room + 8,
        bar_height=ROW - 10,
    )


@dataclass(frozen=True)
class Point:
    x: int
    y: int
    label: str
    value_text: str
    show_label: bool


@dataclass(frozen=True)
class LineChart:
    points: list[Point]
    path: str
    width: int
    height: int
    baseline: int
    gridlines: list[tuple[int, str]]


def line(
    items: list[tuple[str, Decimal, str]], *, width: int = 480, height: int = 220
) -> LineChart:
    """A line over (label, value 0..1, value as text), with 0 %, 50 % and 100 % gridlines."""
    # Room on the right for the last month's label, centred on its point.
    left, right, top, bottom = 48, 40, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(items)
    step = plot_w / (count - 1) if count > 1 else 0
    # Month labels are about 7 characters: show every n-th so that they never touch.
    every = max(1, -(-(7 * CHAR_WIDTH + 8) // int(step))) if step else 1
    points = []
    for i, (label, value, text) in enumerate(items):
        share = min(max(value, Decimal(0)), Decimal(1))
        x = int(left + (i * step if count > 1 else plot_w / 2))
        y = int(top + plot_h - share * plot_h)
        points.append(Point(x, y, label, text, show_label=(i % every == 0 or i == count - 1)))
    if count > 1 and (count - 1) % every:
        # The last label is always shown: drop the regular one that would touch it.
        last_regular = (count - 1) // every * every
        if points[-1].x - points[last_regular].x < 7 * CHAR_WIDTH + 8:
            p = points[last_regular]
            points[last_regular] = Point(p.x, p.y, p.label, p.value_text, show_label=False)
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    grid = [(int(top + plot_h - f * plot_h), f"{int(f * 100)} %") for f in (0, 0.5, 1)]
    return LineChart(points, path, width, height, top + plot_h, grid)
