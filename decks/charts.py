"""Charts as inline SVG, drawn on the server from plain numbers.

The CSP allows no inline script or style, so a chart is markup with presentation
attributes (x, y, width, fill="currentColor") and classes that static/css/charts.css
colours for light and dark. Each chart is a <figure>: its <svg role="img"> is named by
the <title> inside it, and the numbers sit in a table inside <details>, for screen
readers and for anyone who wants them exact. Every text is escaped by format_html.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

# One frame for the column and line charts: room for 30 days, and text still legible
# when a phone scales the drawing down to about 300px.
WIDTH = 360
HEIGHT = 200
LEFT = 38
RIGHT = 6
TOP = 12
BOTTOM = 28
FONT = 13
TICK_GAP = 6

HEAT_CELL = 11
HEAT_PITCH = 13
HEAT_LEFT = 36
HEAT_TOP = 18
HEAT_LEVELS = 4


@dataclass(frozen=True)
class Bar:
    """One column: `label` for tooltips and the table, `tick` under the axis ('' for none)."""

    label: str
    value: float
    tick: str = ""


@dataclass(frozen=True)
class StackedBar:
    label: str
    values: tuple[float, ...]
    tick: str = ""


@dataclass(frozen=True)
class Point:
    """One point of a percentage line; None leaves a gap."""

    label: str
    value: float | None
    tick: str = ""


@dataclass(frozen=True)
class Row:
    """One horizontal bar; `text` is printed beside it, `css_class` colours it."""

    label: str
    value: float | None
    text: str
    css_class: str = "bar"


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str


def _n(value: float) -> str:
    """A coordinate with at most one decimal, so the markup stays short."""
    return f"{value:.1f}".removesuffix(".0")


# The date formats are messages so that Dutch can write its months in lower case.
# A year's heatmap labels some 400 days per page view; each label is formatted once per
# language and day, not on every request.
@lru_cache(maxsize=8192)
def _format_day(day: date, kind: str, language: str | None) -> str:
    if kind == "day":
        # Translators: a date format (Django's "date" filter letters): Wed 25 Nov 2026.
        return date_format(day, pgettext("date format", "D j M Y"))
    if kind == "short":
        # Translators: a date format (Django's "date" filter letters): 25 Nov.
        return date_format(day, pgettext("date format", "j M"))
    # Translators: a date format (Django's "date" filter letters): Nov.
    return date_format(day, pgettext("date format", "M"))


def day_label(day: date) -> str:
    return _format_day(day, "day", get_language())


def short_day(day: date) -> str:
    return _format_day(day, "short", get_language())


def month_label(day: date) -> str:
    return _format_day(day, "month", get_language())


def nice_scale(maximum: float, max_steps: int = 4) -> tuple[int, int]:
    """An axis top and step of 1, 2 or 5 times a power of ten, with at most `max_steps`."""
    if maximum <= 0:
        return 1, 1
    power = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * power
            steps = math.ceil(maximum / step)
            if steps <= max_steps:
                return steps * step, step
        power *= 10


def heat_level(count: int, maximum: int) -> int:
    """Intensity class 0-4: 0 for no answers, else the quarter of the busiest day reached."""
    if count <= 0 or maximum <= 0:
        return 0
    return min(HEAT_LEVELS, -(-HEAT_LEVELS * count // maximum))


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> SafeString:
    """The chart's numbers as a table inside <details>: its text alternative."""
    # Hundreds of rows for a year's heatmap: joined as strings, every cell escaped.
    body = SafeString(
        "".join(
            f'<tr><th scope="row">{conditional_escape(row[0])}</th>'
            + "".join(f"<td>{conditional_escape(cell)}</td>" for cell in row[1:])
            + "</tr>"
            for row in rows
        )
    )
    if not body:
        body = format_html('<tr><td colspan="{}">{}</td></tr>', len(headers), _("No data yet."))
    return format_html(
        '<details class="chart-data"><summary>{}'
        '<span class="visually-hidden">: {}</span></summary>'
        '<div class="table-scroll"><table><caption class="visually-hidden">{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div></details>",
        _("Show the numbers"),
        caption,
        caption,
        format_html_join("", '<th scope="col">{}</th>', ((header,) for header in headers)),
        body,
    )


def _figure(
    *,
    chart_id: str,
    caption: str,
    title: str,
    size: tuple[float, float],
    body: SafeString,
    table: SafeString,
    legend: str = "",
    css_class: str = "",
) -> SafeString:
    return format_html(
        '<figure class="{}" id="{}"><figcaption>{}</figcaption>'
        '<div class="chart-frame"{}><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="100%" role="img" aria-labelledby="{}-title" focusable="false">'
        '<title id="{}-title">{}</title>{}</svg></div>{}{}</figure>',
        f"chart {css_class}".strip(),
        chart_id,
        caption,
        # A chart wider than a phone scrolls; keyboard users must be able to scroll it too.
        format_html(' tabindex="0" role="region" aria-label="{}"', caption)
        if "chart-wide" in css_class
        else "",
        _n(size[0]),
        _n(size[1]),
        chart_id,
        chart_id,
        title,
        body,
        legend,
        table,
    )


def _join(parts: Iterable[SafeString]) -> SafeString:
    """Markup already built by format_html, joined without escaping it again."""
    return SafeString("".join(conditional_escape(part) for part in parts))


def _text(x: float, y: float, text: str, anchor: str = "middle") -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="currentColor">{}</text>',
        _n(x),
        _n(y),
        FONT,
        anchor,
        text,
    )


def _y_axis(top_value: int, step: int, suffix: str = "") -> SafeString:
    """Horizontal grid lines with their values at the left of the plot."""
    plot_height = HEIGHT - TOP - BOTTOM
    parts = []
    for value in range(0, top_value + 1, step):
        y = TOP + plot_height * (1 - value / top_value)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="gridline" '
                'stroke="currentColor" stroke-opacity="0.3"/>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
            )
        )
        parts.append(_text(LEFT - 5, y + 4, f"{value}{suffix}", anchor="end"))
    return _join(parts)


def _text_width(text: str) -> float:
    """Text cannot be measured on the server: a character counts as 0.6 of the font
    size, a little more than the average of the interface font, so labels keep clear."""
    return len(text) * FONT * 0.6


def _x_ticks(ticks: Sequence[str]) -> SafeString:
    """Labels under the columns, each with a tick mark at its column; one that would
    touch the label after it is left out.

    The first label ends at its own column's right edge and the last at the plot's:
    centred under a narrow column, "Today" reached under the next one, and tomorrow's
    cards read as today's. Between those, labels are centred on their column.
    """
    slot = (WIDTH - LEFT - RIGHT) / max(len(ticks), 1)
    baseline = HEIGHT - BOTTOM
    parts = []
    room_until = math.inf  # the left end of the label kept to the right, plus a gap
    for index in reversed(range(len(ticks))):
        tick = ticks[index]
        if not tick:
            continue
        width = _text_width(tick)
        centre = LEFT + slot * (index + 0.5)
        right: float
        if index == len(ticks) - 1:
            # Centred, the last label would run out of the chart.
            right, anchor = WIDTH - RIGHT, "end"
        elif index == 0 and width / 2 > slot / 2:
            right, anchor = LEFT + slot, "end"
        else:
            right, anchor = centre + width / 2, "middle"
        if right > room_until:
            continue
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="tick-mark" '
                'stroke="currentColor" stroke-opacity="0.6"/>{}',
                _n(centre),
                _n(centre),
                baseline,
                baseline + 4,
                _text(right if anchor == "end" else centre, baseline + 16, tick, anchor),
            )
        )
        room_until = right - width - TICK_GAP
    return _join(reversed(parts))


def heatmap(
    *,
    chart_id: str,
    caption: str,
    title: str,
    counts: Mapping[date, int],
    start: date,
    today: date,
    unit: str | None = None,
) -> SafeString:
    """A calendar of weeks (columns, Monday first) by weekdays (rows) from `start` to `today`."""
    unit = unit or _("answers")
    weeks = (today - start).days // 7 + 1
    grid_right = HEAT_LEFT + weeks * HEAT_PITCH - (HEAT_PITCH - HEAT_CELL)
    width = grid_right + 4
    grid_bottom = HEAT_TOP + 7 * HEAT_PITCH
    height = grid_bottom + 22
    maximum = max(counts.values(), default=0)
    parts = [
        _text(HEAT_LEFT - 6, HEAT_TOP + row * HEAT_PITCH + 9, name, anchor="end")
        for row, name in ((0, WEEKDAYS_ABBR[0]), (2, WEEKDAYS_ABBR[2]), (4, WEEKDAYS_ABBR[4]))
    ]
    last_month_column = -3
    labels_right = 0.0
    day = start
    while day <= today:
        column, row = (day - start).days // 7, day.weekday()
        if day.day == 1 and column - last_month_column >= 3:
            label = month_label(day)
            x = HEAT_LEFT + column * HEAT_PITCH
            parts.append(_text(x, HEAT_TOP - 6, label, anchor="start"))
            labels_right = max(labels_right, x + _text_width(label))
            last_month_column = column
        count = counts.get(day, 0)
        # A year of cells: built with an f-string rather than format_html, which costs
        # more than the rest of the chart; the only text, the title, is escaped.
        title = escape(f"{day_label(day)}: {count} {unit}")
        parts.append(
            SafeString(
                f'<rect x="{HEAT_LEFT + column * HEAT_PITCH}" y="{HEAT_TOP + row * HEAT_PITCH}" '
                f'width="{HEAT_CELL}" height="{HEAT_CELL}" rx="2" '
                f'class="heat-{heat_level(count, maximum)}" fill="currentColor">'
                f"<title>{title}</title></rect>"
            )
        )
        day += timedelta(days=1)
    # The legend sits under the last weeks, right-aligned with the grid: Less [] [] More.
    legend_y = grid_bottom + 6
    more_width = 38
    swatches_left = grid_right - more_width - (HEAT_LEVELS + 1) * HEAT_PITCH
    parts.append(_text(swatches_left - 4, legend_y + 9, _("Less"), "end"))
    for level in range(HEAT_LEVELS + 1):
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="heat-{}" '
                'fill="currentColor"/>',
                swatches_left + level * HEAT_PITCH,
                legend_y,
                HEAT_CELL,
                HEAT_CELL,
                level,
            )
        )
    parts.append(_text(grid_right, legend_y + 9, _("More"), "end"))
    rows = [(day_label(day), count) for day, count in sorted(counts.items()) if count]
    # A month that starts in one of the last weeks has its label run past the grid: the
    # drawing is widened to hold it rather than cut it off ("de" for "dec").
    width = max(width, math.ceil(labels_right) + 2)
    return _figure(
        chart_id=chart_id,
        caption=caption,
        title=title,
        size=(width, height),
        body=_join(parts),
        table=_table(caption, [_("Day"), unit.capitalize()], rows),
        css_class="chart-wide",
    )


def bar_chart(
    *,
    chart_id: str,
    caption: str,
    title: str,
    bars: Sequence[Bar],
    unit: str,
    label_name: str | None = None,
) -> SafeString:
    """Vertical columns from a zero baseline, one per bar, with a 1-2-5 scale."""
    top_value, step = nice_scale(max((bar.value for bar in bars), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    parts = [_y_axis(top_value, step)]
    for index, bar in enumerate(bars):
        if bar.value <= 0:
            continue
        height = plot_height * bar.value / top_value
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar" fill="currentColor">'
                "<title>{}: {} {}</title></rect>",
                _n(LEFT + slot * index + slot * 0.15),
                _n(TOP + plot_height - height),
                _n(slot * 0.7),
                _n(height),
                bar.label,
                _n(bar.value),
                unit,
            )
        )
    parts.append(_x_ticks([bar.tick for bar in bars]))
    return _figure(
        chart_id=chart_id,
        caption=caption,
        title=title,
        size=(WIDTH, HEIGHT),
        body=_join(parts),
        table=_table(
            caption,
            [label_name or _("Day"), unit.capitalize()],
            [(b.label, _n(b.value)) for b in bars],
        ),
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    caption: str,
    title: str,
    bars: Sequence[StackedBar],
    series: Sequence[Series],
) -> SafeString:
    """Columns split into one segment per series, the first series at the bottom."""
    top_value, step = nice_scale(max((sum(bar.values) for bar in bars), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    parts = [_y_axis(top_value, step)]
    for index, bar in enumerate(bars):
        base: float = TOP + plot_height
        for value, one in zip(bar.values, series, strict=True):
            if value <= 0:
                continue
            height = plot_height * value / top_value
            base -= height
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="{}" fill="currentColor">'
                    "<title>{}, {}: {}</title></rect>",
                    _n(LEFT + slot * index + slot * 0.15),
                    _n(base),
                    _n(slot * 0.7),
                    _n(height),
                    one.css_class,
                    bar.label,
                    one.name,
                    _n(value),
                )
            )
    parts.append(_x_ticks([bar.tick for bar in bars]))
    legend = format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join(
            "",
            '<li><span class="swatch {}" aria-hidden="true"></span>{}</li>',
            ((one.css_class, one.name) for one in series),
        ),
    )
    rows = [(bar.label, *(_n(v) for v in bar.values), _n(sum(bar.values))) for bar in bars]
    return _figure(
        chart_id=chart_id,
        caption=caption,
        title=title,
        size=(WIDTH, HEIGHT),
        body=_join(parts),
        legend=legend,
        table=_table(caption, [_("Day"), *(one.name for one in series), _("Total")], rows),
    )


def line_chart(
    *, chart_id: str, caption: str, title: str, points: Sequence[Point], value_name: str
) -> SafeString:
    """A percentage line on a 0-100 axis; a point without a value breaks the line."""
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    parts = [_y_axis(100, 25, "%")]
    segments: list[list[tuple[float, float]]] = [[]]
    dots = []
    for index, point in enumerate(points):
        if point.value is None:
            segments.append([])
            continue
        x = LEFT + slot * (index + 0.5)
        y = TOP + plot_height * (1 - point.value / 100)
        segments[-1].append((x, y))
        dots.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" class="line-point" fill="currentColor">'
                "<title>{}: {}%</title></circle>",
                _n(x),
                _n(y),
                point.label,
                round(point.value),
            )
        )
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{_n(x)} {_n(y)}" for i, (x, y) in enumerate(segment)
            )
            parts.append(
                format_html(
                    '<path d="{}" class="line" fill="none" stroke="currentColor" '
                    'stroke-width="2" stroke-linejoin="round"/>',
                    path,
                )
            )
    parts.extend(dots)
    parts.append(_x_ticks([point.tick for point in points]))
    rows = [(p.label, "–" if p.value is None else f"{round(p.value)}%") for p in points]
    return _figure(
        chart_id=chart_id,
        caption=caption,
        title=title,
        size=(WIDTH, HEIGHT),
        body=_join(parts),
        table=_table(caption, [_("Week"), value_name], rows),
    )


def horizontal_bar_chart(
    *,
    chart_id: str,
    caption: str,
    title: str,
    rows: Sequence[Row],
    label_name: str,
    value_name: str,
    maximum: float | None = None,
    label_width: float = 80,
) -> SafeString:
    """One labelled bar per row, scaled to `maximum` (default: the largest value)."""
    row_height = 30
    text_width = 96
    height = row_height * len(rows) + 8
    scale = maximum or max((row.value or 0 for row in rows), default=0) or 1
    bar_room = WIDTH - label_width - text_width
    parts = []
    for index, row in enumerate(rows):
        y = 4 + index * row_height
        parts.append(_text(label_width - 8, y + 18, row.label, anchor="end"))
        width = bar_room * (row.value or 0) / scale
        if width > 0:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="20" rx="3" class="{}" '
                    'fill="currentColor"><title>{}: {}</title></rect>',
                    _n(label_width),
                    y + 4,
                    _n(width),
                    row.css_class,
                    row.label,
                    row.text,
                )
            )
        parts.append(_text(label_width + width + 6, y + 18, row.text, anchor="start"))
    return _figure(
        chart_id=chart_id,
        caption=caption,
        title=title,
        size=(WIDTH, height),
        body=_join(parts),
        table=_table(caption, [label_name, value_name], [(row.label, row.text) for row in rows]),
    )
