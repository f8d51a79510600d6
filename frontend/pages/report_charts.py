"""Chart geometry for the report dashboards, drawn by the templates as inline SVG.

Coordinates are SVG user units in a fixed view box; the SVG scales to the width of its box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

COLUMN_VIEW = (720, 220)  # width and height of a column chart's view box
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 44, 24, 8  # room for axis labels
MAX_X_LABELS = 12  # more period labels than this overlap, so some are skipped
GRID_LINES = 4  # horizontal grid lines above zero, about


@dataclass(frozen=True)
class Segment:
    kind: str
    """CSS class of the segment's colour."""
    value: float
    y: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Column:
    label: str
    title: str
    """Tooltip: the period and the values, as a sentence."""
    href: str | None
    segments: list[Segment]
    x: float = 0.0
    width: float = 0.0
    show_label: bool = True


@dataclass(frozen=True)
class Tick:
    value: float
    y: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline: float
    """The y of the zero line."""
    left: float
    columns: list[Column]
    ticks: list[Tick] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return all(segment.value == 0 for column in self.columns for segment in column.segments)


def nice_step(top: float, lines: int = GRID_LINES) -> float:
    """Return a grid step of 1, 2 or 5 times a power of ten that covers `top` in about `lines` lines."""
    if top <= 0:
        return 1
    rough = top / lines
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= rough:
            return max(1, multiple * power)
    return max(1, 10 * power)


def column_chart(columns: list[Column]) -> ColumnChart:
    """Place stacked columns left to right, scaled to the tallest stack, with a grid of round values."""
    width, height = COLUMN_VIEW
    baseline = height - MARGIN_BOTTOM
    top = max((sum(segment.value for segment in column.segments) for column in columns), default=0)
    step = nice_step(top)
    scale_top = max(step, math.ceil(top / step) * step)
    unit = (baseline - MARGIN_TOP) / scale_top

    slot = (width - MARGIN_LEFT) / max(1, len(columns))
    every = math.ceil(len(columns) / MAX_X_LABELS) or 1
    placed = [_place_column(column, MARGIN_LEFT + index * slot, slot, baseline, unit, index % every == 0)
              for index, column in enumerate(columns)]
    ticks = [Tick(value=step * line, y=baseline - step * line * unit)
             for line in range(int(scale_top // step) + 1)]
    return ColumnChart(width=width, height=height, baseline=baseline, left=MARGIN_LEFT, columns=placed,
                       ticks=ticks)


def _place_column(column: Column, x: float, slot: float, baseline: float, unit: float,
                  show_label: bool) -> Column:
    gap = min(6.0, slot * 0.2)
    bottom = baseline
    segments = []
    for segment in column.segments:
        segment_height = segment.value * unit
        bottom -= segment_height
        segments.append(Segment(kind=segment.kind, value=segment.value, y=bottom, height=segment_height))
    return Column(label=column.label, title=column.title, href=column.href, segments=segments, x=x + gap / 2,
                  width=slot - gap, show_label=show_label)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """The value as shown next to the bar, already formatted."""
    href: str | None
    share: float = 0.0
    """Length relative to the longest bar, 0 to 1."""


def bar_list(bars: list[Bar]) -> list[Bar]:
    """Scale horizontal bars to the longest one."""
    longest = max((bar.value for bar in bars), default=0)
    return [Bar(label=bar.label, value=bar.value, text=bar.text, href=bar.href,
                share=bar.value / longest if longest else 0.0) for bar in bars]
