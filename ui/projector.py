"""Charts for a projector (presentation mode): every text in a chart at least 18 px, through its layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from sendlib import text
from sendlib.charts import (
    category_labels,
    fit_layout,
    key_beside,
    lines_in,
    reflow,
    rows_height,
    rows_part,
    runs_that_fit,
    side_by_side,
)

PROJECTOR_FONT_SCALE = 1.35
PROJECTOR_MAX_HEIGHT = 620  # a presented chart's height unless its rows need more
UNDER_CONTROLS_PX = 635  # what a 1280×720 screen shows under the slide controls (they take the top 85 px)
MIN_TEXT_PX = 18  # every text on a projected screen, the charts' included
MIN_TITLE_PX = 26
ROW_PX = 22  # one category (a bar, a commitment) per 22 px: every label of an 18 px axis shows, none dropped


PROJECTOR_TITLE_CHARS = 80  # a chart's title on a 1280 px screen (26 px): one line where a phone's took three
PROJECTOR_LABEL_CHARS = 60  # a row's label (19 px) beside a presented chart: one line where a phone's took three
PROJECTOR_SOURCE_CHARS = 100  # a source line or note (18 px) across a presented chart's plot, about 950 px


def for_projector(figure: go.Figure) -> go.Figure:
    """The chart as presented, alone on a 1280×720 screen under the slide controls: two panels side by side and a
    key beside its plot (a projector is wide, not tall), every text at least 18 px (``scaled_for_projector``), the
    title rewrapped to the screen's width, and the space measured again — with no strip for the mode bar (hidden
    when presenting) and rows as tall as their labels, not a finger's tap, so a chart of a dozen rows fits."""
    relabelled = go.Figure(key_beside(side_by_side(figure)))
    _rewrap_row_labels(relabelled)
    copy = scaled_for_projector(relabelled, source_chars=_source_chars(relabelled))
    if isinstance(copy.layout.title.text, str):
        copy.layout.title.text = text.plotly_rewrapped(copy.layout.title.text, PROJECTOR_TITLE_CHARS)
    # The scaled height counted the phone's margins grown with the text; the measure below is the true need, and
    # a chart that needs no more than a screen keeps the screen's height at most.
    least = min(copy.layout.height or PROJECTOR_MAX_HEIGHT, PROJECTOR_MAX_HEIGHT)
    return fit_layout(copy, min_height=least, presented=True)


def presented_parts(figure: go.Figure) -> list[go.Figure]:
    """The chart as presented (``for_projector``) on as many screens as its rows need: a chart of category rows
    taller than a 1280×720 screen shows under the slide controls (thirty commitments, the gaps by every need) is
    split into runs of neighbouring rows, each a screen with every label at full size and its title saying which
    part it is ("(1 of 2)"), as the meeting pack splits its slides. Any other chart is one screen."""
    shown = for_projector(figure)
    rows = category_labels(shown)
    if rows is None or (shown.layout.height or 0) <= UNDER_CONTROLS_PX:
        return [shown]
    font = shown.layout.font.size or MIN_TEXT_PX
    around = (shown.layout.margin.t or 0) + (shown.layout.margin.b or 0) + 20  # fit_layout's measure off the rows

    def needed(run: Sequence[str]) -> int:
        return around + rows_height([lines_in(row) for row in run], font, tight=True)

    runs = runs_that_fit(rows, lambda run: needed(run) <= UNDER_CONTROLS_PX)
    if len(runs) == 1:
        return [shown]
    parts = []
    for number, run in enumerate(runs, start=1):
        part = rows_part(shown, run)
        if isinstance(part.layout.title.text, str):
            part.layout.title.text += f" ({number} of {len(runs)})"
        part.update_layout(height=needed(rows[run.start : run.stop]))
        parts.append(part)
    return parts


PRESENTED_PX = 1080  # a presented chart's width on a 1280 px screen, inside the page's padding
_CHAR_EM = 0.55  # the average width of a character, in ems, of the charts' sans-serif text


def _source_chars(figure: go.Figure) -> int:
    """Characters a line of the source line (18 px) takes under a presented chart: it starts at the plot's left
    edge, right of the longest row label, and must end inside the chart."""
    labels = [line for value in _row_labels(figure) for line in value.split("<br>")]
    left = max((len(text.from_plotly(line)) for line in labels), default=0) * MIN_TEXT_PX * _CHAR_EM + 30
    fits = int((PRESENTED_PX - left) / (MIN_TEXT_PX * _CHAR_EM))
    return max(30, min(PROJECTOR_SOURCE_CHARS, fits))


def _row_labels(figure: go.Figure) -> set[str]:
    """Every category label down the figure's y axes: its traces' text y values and its axes' tick texts."""
    labels = {value for trace in figure.data if _categories(trace) for value in trace.y}
    for name in [key for key in figure.layout.to_plotly_json() if key.startswith("yaxis")]:
        labels |= {value for value in figure.layout[name].ticktext or () if isinstance(value, str)}
    return labels


def _rewrap_row_labels(figure: go.Figure) -> None:
    """Every category label down a y axis (wrapped for a phone's width) wrapped again to
    ``PROJECTOR_LABEL_CHARS``, the same way wherever it appears — the traces' y values, the axes' category order
    and tick texts, annotations placed at a category — so rows stay matched and each takes fewer lines."""
    labels = _row_labels(figure)
    if not labels:
        return
    wider = {label: reflow(label, PROJECTOR_LABEL_CHARS) for label in labels}  # an owner's italic line kept
    for trace in figure.data:
        if _categories(trace):
            trace.y = [wider[value] for value in trace.y]
    for name in [key for key in figure.layout.to_plotly_json() if key.startswith("yaxis")]:
        axis = figure.layout[name]
        for part in ("categoryarray", "ticktext"):
            if axis[part] is not None:
                axis[part] = [wider.get(value, value) if isinstance(value, str) else value for value in axis[part]]
    for annotation in figure.layout.annotations:
        if isinstance(annotation.y, str) and annotation.y in wider:
            annotation.y = wider[annotation.y]


def _at_least(size: float | None, floor: float, scale: float = PROJECTOR_FONT_SCALE, base: float = 14) -> int:
    return round(max((size or base) * scale, floor))


def scaled_for_projector(figure: go.Figure, source_chars: int = PROJECTOR_SOURCE_CHARS) -> go.Figure:
    """A copy of the chart for a projector: every text in it (title, ticks, axis titles, legend, annotations such
    as the source line and subplot titles, bar and point labels, heat-map cells, colour bar) at least
    ``MIN_TEXT_PX`` and larger than on a desk; bar labels never shrunk to fit; a category axis shows every label
    (one row per ``ROW_PX`` at least); the chart grown to fit, but no taller than a projector shows at once
    unless its rows need it."""
    copy = go.Figure(figure)
    base = copy.layout.font.size or 14
    body = _at_least(base, MIN_TEXT_PX)
    copy.update_layout(
        font={"size": body},
        title={"font": {"size": _at_least(copy.layout.title.font.size, MIN_TITLE_PX, base=20)}},
        legend={"font": {"size": body}},
    )
    copy.update_xaxes(tickfont={"size": body}, title_font={"size": body})
    copy.update_yaxes(tickfont={"size": body}, title_font={"size": body})
    extra = 0  # the source line's (and note's) own growth, added to the bottom margin
    for annotation in copy.layout.annotations:
        before = annotation.font.size or base
        annotation.font.size = _at_least(annotation.font.size, MIN_TEXT_PX, base=base)
        if annotation.name in ("source", "note") and isinstance(annotation.text, str):
            extra += _rewrap(annotation, before, source_chars)
            if annotation.yshift:  # under the ticks and axis title, which grew too
                grown = round(annotation.yshift * PROJECTOR_FONT_SCALE)
                extra += annotation.yshift - grown if annotation.name == "source" else 0
                annotation.yshift = grown
    rows_on: dict[str, int] = {}  # y axis (layout name) → its text categories
    for trace in copy.data:
        if "textfont" in trace:
            trace.textfont.size = _at_least(getattr(trace.textfont, "size", None), MIN_TEXT_PX, base=base)
        if trace.type == "bar":
            trace.constraintext = "none"  # Plotly would shrink a label to its bar's width, below 18 px
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = body
        if categories := _categories(trace):
            axis = "yaxis" + str(getattr(trace, "yaxis", None) or "y")[1:]
            rows_on[axis] = max(rows_on.get(axis, 0), categories)
    for axis in rows_on:
        # Plotly drops category labels that would overlap: every category gets a tick and room for its label.
        copy.layout[axis].update(tickmode="linear", tick0=0, dtick=1)
    rows = max(rows_on.values(), default=0)
    margin = copy.layout.margin
    # The title and legend above the plot, and value labels right of it, grew with the text: so do their margins.
    top, right = round((margin.t or 100) * PROJECTOR_FONT_SCALE), round((margin.r or 20) * PROJECTOR_FONT_SCALE)
    bottom = (margin.b or 80) + extra
    height = copy.layout.height or PROJECTOR_MAX_HEIGHT
    wanted = max(min(height * PROJECTOR_FONT_SCALE, PROJECTOR_MAX_HEIGHT), top + bottom + rows * ROW_PX)
    copy.update_layout(height=round(wanted), margin={"t": top, "r": right, "b": bottom})
    return copy


def _rewrap(annotation: Any, before: float, chars: int) -> int:
    """Wrap a source line or note again for its larger font, ``chars`` to a line (as many as fit between the plot's
    left edge and the side of a presented chart, which fills a 1280 px screen, not a desk's column); returns how
    much taller it grew, in pixels (less than nothing when it has fewer lines)."""
    lines = annotation.text.split("<br>")
    annotation.text = text.plotly_rewrapped(annotation.text, chars)
    after = annotation.text.count("<br>") + 1
    return round(after * annotation.font.size * 1.3 - len(lines) * before * 1.3)


def _categories(trace: Any) -> int:
    """How many text categories ``trace`` puts on its y axis (0 when its y values are not all text)."""
    values = getattr(trace, "y", None)
    if values is None or isinstance(values, dict) or not len(values):
        return 0  # a dict is Plotly's packed numeric array (a figure through the page cache): never categories
    labels = [value for value in values if isinstance(value, str)]
    return len(set(labels)) if len(labels) == len(values) else 0
