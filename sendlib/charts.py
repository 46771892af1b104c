"""Shared look for every Plotly figure: fonts, layout, the space around the plot, and the source line.

Colours come from ``sendlib.palette`` (one colour-blind-safe palette for the whole product). Figures are
plain Plotly objects: pages render them, tests read their traces, exports write them to images.

Every figure's layout is fitted here, once (``base_layout``), so a fix serves the page, the downloads and the
pack at once:

- The figure carries its own template (``TEMPLATE``: axes grow their margins to fit their labels), so it does
  not depend on the process's default template. Streamlit replaces that default with one that has no
  automargin when it is imported, and every PNG/SVG made in the app then cut the names on the left axis.
- Long text is wrapped by one helper (``wrap``): axis labels, titles, source lines.
- The top is measured, not guessed: a strip for Plotly's mode bar (it never covers the title), the title's
  lines, the legend (one entry a line, so its height does not depend on the screen's width), then the plot.
- A chart with a row per category gets at least ``ROW_HEIGHT`` pixels a row (more for wrapped labels).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import plotly.graph_objects as go

from sendlib import text
from sendlib.palette import BACKGROUND, CATEGORICAL, NOTE_TEXT, TEXT

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
FONT_SIZE = 14
TITLE_SIZE = 20

# Widths in characters: a label or title this long fits a 390 px phone beside its chart (measured in Chromium).
LABEL_CHARS = 24
TITLE_CHARS = 36
LABEL_LINES = 3  # an axis label is cut (with "…") after this many lines
SOURCE_LINE_CHARS = 110

TOOLBAR_SPACE = 34  # px at the top kept clear for Plotly's mode bar (shown on hover or tap, at the top right)
LINE_HEIGHT = 1.3  # a line of text is about 1.3 × its font size tall
ROW_HEIGHT = 30  # px a row at least, for a chart with one row per category (a line of label each)
AXIS_SPACE = 66  # tick labels and the x axis title sit in the first ~60 px under the plot
SOURCE_LINE_HEIGHT = 16
NOTE_LINE_HEIGHT = 18

# The product's own template: the figure names it, so the process's default (Streamlit's, in the app) never
# applies. Axes grow the margins to fit their tick labels and titles.
TEMPLATE = go.layout.Template(
    layout={
        # 1,500 not 1500 on a count's axis, as every figure in the text and tables is written.
        "xaxis": {"automargin": True, "separatethousands": True},
        "yaxis": {"automargin": True, "separatethousands": True},
        "colorway": list(CATEGORICAL),
    }
)


def wrap(value: object, width: int = LABEL_CHARS, max_lines: int | None = None) -> str:
    """``value`` as Plotly text wrapped at word boundaries to ``width`` characters (at most ``max_lines`` lines,
    the last ending in "…" when cut): the one wrapping helper of every chart (labels, titles, source lines).
    Escaped (``text.plotly_lines``): stored text stays text."""
    return text.plotly_lines(value, width, max_lines)


# The widths the views wrap their row labels at (wrap_all's LABEL_CHARS, the exceptions' titles 40): a label's
# lines that read as one of these wraps are the helper's, and may be wrapped again wider (``reflow``).
WRAP_WIDTHS = (LABEL_CHARS, 40)


def reflow(label: str, width: int) -> str:
    """``label`` (Plotly text) with each run of lines that the wrapping helper made re-wrapped at ``width``
    characters (never narrower than it was): a label wrapped to fit a phone takes a line or two on a 1000 px
    print or a projector. A line with markup (an owner in italics) or a break that was not the helper's (the
    figures under a group's name: the line above it had room for their first word) stays where it is."""
    lines = label.split("<br>")
    out: list[str] = []
    run: list[str] = []  # plain lines that read as one text wrapped greedily at some width
    for line in [*lines, None]:
        if line is not None and "<" not in line and _one_wrap([*run, text.from_plotly(line)]):
            run.append(text.from_plotly(line))
            continue
        if run:
            out.append(wrap(" ".join(run), max(width, *(len(r) for r in run))))
            run = []
        if line is None:
            break
        if "<" in line:
            out.append(line)
        else:
            run = [text.from_plotly(line)]
    return "<br>".join(out)


def _one_wrap(lines: list[str]) -> bool:
    """Whether ``lines`` are what the wrapping helper makes of one text at one of ``WRAP_WIDTHS``: every line fits
    that width and each next line's first word would not have fitted on the line before."""
    widest = max(len(line) for line in lines)
    narrowest_break = min((len(a) + 1 + len(b.split(" ")[0]) for a, b in pairwise(lines)), default=widest + 1)
    return any(widest <= width < narrowest_break for width in WRAP_WIDTHS)


def wrap_all(values: Iterable[object], width: int = LABEL_CHARS, max_lines: int = LABEL_LINES) -> list[str]:
    """Each of ``values`` wrapped (``wrap``), in order, at most ``max_lines`` lines each: a category axis's
    labels (the full text is in the table; a name typed at any length cannot take the chart's width)."""
    return [wrap(value, width, max_lines) for value in values]


def lines_in(value: object) -> int:
    """How many lines Plotly draws for ``value`` (its ``<br>`` breaks plus one)."""
    return str(value or "").count("<br>") + 1


def legend_entries(fig: go.Figure) -> int:
    """How many entries the figure's legend shows (traces shown in it, one per legend group)."""
    if fig.layout.showlegend is False:
        return 0
    shown = [trace for trace in fig.data if trace.showlegend is not False]
    if fig.layout.showlegend is None and len(fig.data) < 2:
        return 0  # Plotly draws no legend for a single trace unless asked
    groups = {trace.legendgroup or f"#{index}" for index, trace in enumerate(shown)}
    return len(groups)


PRESENTED_LEGEND_PX = 1000  # the width a presented chart's legend spreads across (a 1280 px screen's plot)


def _legend_rows(fig: go.Figure, font: float) -> int:
    """The rows a legend laid across ``PRESENTED_LEGEND_PX`` takes: each entry its name (about 0.55 em a
    character) and its symbol (about 45 px); Plotly starts a new row when the next entry does not fit."""
    shown = [trace for trace in fig.data if trace.showlegend is not False and trace.name]
    rows, used = 1, 0.0
    for trace in shown:
        wide = len(str(trace.name)) * font * 0.55 + 45
        if used and used + wide > PRESENTED_LEGEND_PX:
            rows, used = rows + 1, 0.0
        used += wide
    return rows


def category_rows(fig: go.Figure) -> list[int]:
    """The lines of each label down the y axis of a chart with one row per category (empty for a numeric y
    axis): its tick texts when it names them, else the distinct text y values of its traces."""
    ticks = fig.layout.yaxis.ticktext
    labels = set(ticks) if ticks else set(_text_values(fig, "y"))
    return [lines_in(label) for label in labels]


def _text_values(fig: go.Figure, axis: str) -> list[str]:
    """The text values (categories) the figure's traces put on their ``axis`` ("x" or "y")."""
    found: list[str] = []
    for trace in fig.data:
        values = getattr(trace, axis, None)
        if values is not None:
            found.extend(value for value in values if isinstance(value, str))
    return found


def category_labels(figure: go.Figure) -> list[str] | None:
    """The rows of a single-axis chart with text categories on its y axis, top to bottom as drawn (None for any
    other chart: its rows are not split)."""
    layout = figure.layout
    if any(name.startswith("yaxis") and name != "yaxis" for name in layout.to_plotly_json()):
        return None
    ticks, at = layout.yaxis.ticktext, layout.yaxis.tickvals
    if ticks and at is not None and list(at) == list(range(len(ticks))):
        return [str(t) for t in ticks]  # numbered rows (the reach gaps'): row i at y = i, named by its tick text
    order = layout.yaxis.categoryorder
    if order == "array" and layout.yaxis.categoryarray:
        rows = [str(c) for c in layout.yaxis.categoryarray]
    elif order in (None, "trace"):
        rows = []
        for trace in figure.data:
            values = getattr(trace, "y", None)
            if values is None:
                continue
            if not isinstance(values, list | tuple):
                return None  # numbers (a typed array): not a row per category
            for value in values:
                if not isinstance(value, str):
                    return None
                if value not in rows:
                    rows.append(value)
    else:
        return None
    return rows or None


def runs_that_fit(rows: Sequence[str], fits: Callable[[Sequence[str]], bool]) -> list[range]:
    """``rows`` (top to bottom) as the fewest runs of neighbours that each ``fits`` one chart, at least a row each
    (the meeting pack's slides, the projector's screens)."""
    runs: list[range] = []
    first = 0
    while first < len(rows):
        end = first + 1
        while end < len(rows) and fits(rows[first : end + 1]):
            end += 1
        runs.append(range(first, end))
        first = end
    return runs


def rows_part(figure: go.Figure, run: range) -> go.Figure:
    """A copy of a chart of category rows (``category_labels``) showing only the rows in ``run``: category i sits
    at y = i, so the copy's y axis spans the run's positions (top down when the axis is reversed). Anything
    placed at a row outside the run is outside the axis, where Plotly does not draw it."""
    part = go.Figure(figure)
    low, high = run.start - 0.5, run.stop - 0.5
    reversed_axis = figure.layout.yaxis.autorange == "reversed"
    part.update_yaxes(range=[high, low] if reversed_axis else [low, high], autorange=False)
    return part


def rows_height(rows: list[int], font: float = FONT_SIZE, *, tight: bool = False) -> int:
    """Pixels for rows with these label lines: Plotly spaces rows evenly, so every row gets what the longest label
    needs and a gap, and ``ROW_HEIGHT`` (grown with the font) at least — room to tap a bar. ``tight`` rows (a
    projector: nothing to tap) are as tall as their labels and a small gap."""
    line = font * LINE_HEIGHT
    floor, gap = (0.0, 2) if tight else (ROW_HEIGHT * font / FONT_SIZE, 8)
    each = max([floor, *(lines * line + gap for lines in rows)])
    return round(each * len(rows))


def _subplot_titles(fig: go.Figure) -> int:
    """Lines of the texts drawn just above the plot: subplot titles (``make_subplots``) and a line's label
    (``add_vline``'s "top": the timeline's Today); 0 when there are none. The legend is lifted above them."""
    above = [
        a
        for a in fig.layout.annotations
        if a.yref in ("paper", "y domain") and a.y is not None and a.y >= 1 and a.yanchor == "bottom" and a.name is None
    ]
    return max((lines_in(a.text) for a in above), default=0)


def side_by_side(fig: go.Figure, gap: float = 0.14) -> go.Figure:
    """A copy of a two-panel chart stacked by ``make_subplots(rows=2, cols=1)`` (the need chart, the comparison)
    with its panels side by side, for a projector (wide, not tall: stacked, the need chart is taller than the
    screen): the same traces and axes, their domains swapped, each subplot title over its panel, the height left
    for ``fit_layout`` to measure. Any other figure is returned as it is."""
    layout = fig.layout
    if "xaxis2" not in layout or "yaxis2" not in layout or "xaxis3" in layout:
        return fig
    if tuple(layout.xaxis.domain or (0, 1)) != tuple(layout.xaxis2.domain or (0, 1)):
        return fig  # already side by side
    copy = go.Figure(fig)
    half = (1 - gap) / 2
    copy.update_layout(
        height=None,
        xaxis={"domain": [0, half]},
        xaxis2={"domain": [1 - half, 1]},
        yaxis={"domain": [0, 1]},
        yaxis2={"domain": [0, 1]},
    )
    titles = [
        a
        for a in copy.layout.annotations
        if a.xref == "paper" and a.yref == "paper" and a.yanchor == "bottom" and a.name is None
    ]
    for annotation, centre in zip(sorted(titles, key=lambda a: -(a.y or 0)), (half / 2, 1 - half / 2), strict=False):
        annotation.update(x=centre, y=1)
    return copy


def fit_layout(
    fig: go.Figure, *, min_height: int | None = None, plot_height: int = 0, presented: bool = False
) -> go.Figure:
    """Measure the space the figure's text needs and lay it out: the mode bar's strip, the title (wrapped
    already), the legend, subplot titles, then the plot; a row a label line, with room to tap (``rows_height``).
    The height grows to fit (never below ``min_height``, the figure's own height by default, nor a plot area
    lower than ``plot_height``). Run again after changing font sizes.

    ``presented`` (presentation mode, ``ui.projector.for_projector``): no mode bar (it is hidden), nothing to tap
    (rows as tall as their labels), and the legend across the screen's width, not one entry a line — so that
    a chart of a dozen rows fits a 1280×720 screen under the slide controls."""
    font = fig.layout.font.size or FONT_SIZE
    toolbar = 8 if presented else TOOLBAR_SPACE  # presented: no mode bar, only room for the title's ascent
    title_font = fig.layout.title.font.size or TITLE_SIZE
    title_lines = lines_in(fig.layout.title.text)
    title_height = round(title_lines * title_font * LINE_HEIGHT)
    # Plotly hangs a title of several lines from its first line's place, so the lines above it rise by about a
    # line each: a presented chart, with no mode-bar strip to absorb them, pads the title down by as much.
    pad = toolbar + (round((title_lines - 1) * title_font * LINE_HEIGHT) if presented else 0)
    entries = legend_entries(fig)
    legend_lines = _legend_rows(fig, font) if presented else entries
    legend_height = round(legend_lines * max(font * LINE_HEIGHT, 20) + 6) if entries else 0
    subtitles = _subplot_titles(fig)
    subtitle_height = round(subtitles * font * LINE_HEIGHT + 6) if subtitles else 0
    top = toolbar + title_height + 10 + legend_height + subtitle_height + (10 if entries else 0)
    fig.update_layout(
        title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": pad}},
        # One entry a line, above the plot from its left edge: its height is the same on a phone as on a
        # desk. (Placed from the figure's left edge, the legend would push the plot right by its width.)
        legend={
            "orientation": "h" if presented else "v",
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "yref": "paper",
            "y": 1,
            "yanchor": "bottom",
            "title": None,
        },
        margin={"t": top},
    )
    bottom = fig.layout.margin.b or 40
    needed = top + bottom + max(rows_height(category_rows(fig), font, tight=presented) + 20, plot_height)
    own = min_height if min_height is not None else fig.layout.height or 520
    fig.update_layout(height=max(own, needed))
    if subtitle_height and entries:
        # The legend sits above the subplot titles: lifted by their height, in the plot's own units.
        plot = fig.layout.height - top - bottom
        fig.update_layout(legend={"y": 1 + subtitle_height / max(plot, 1)})
    return fig


def base_layout(
    fig: go.Figure,
    *,
    title: str,
    height: int,
    source: str | None = None,
    source_chars: int | None = None,
    key: Sequence[str] = (),
    plot_height: int = 0,
) -> go.Figure:
    """Apply the product's layout: its template, the title (wrapped), readable fonts, white background, a
    ``key`` under the plot (one entry a line, e.g. "1 CYP using services" for marks labelled with numbers),
    the source line at the foot (wrapped at ``source_chars``), and the space each needs (``fit_layout``).
    ``height`` is the least height; a chart with many rows, a long title or a long legend grows, and so does one
    whose plot area would be lower than ``plot_height`` (a grid that must stay near square).

    ``title`` and ``source`` are plain text (they quote area and file names): they are escaped here, so
    Plotly shows them as typed and never reads them as markup."""
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": wrap(title, TITLE_CHARS),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "font": {"size": TITLE_SIZE, "color": TEXT},
        },
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT},
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        height=height,
        margin={"l": 10, "r": 20, "b": 40, "pad": 4},
        hoverlabel={"font": {"size": 14}},
    )
    # Plotly's default axis text is a light grey; the product's text colour keeps ticks readable (contrast).
    # automargin here as well as in the template: a figure made before its template was set keeps it too.
    axis_text = {"tickfont": {"color": TEXT}, "title_font": {"color": TEXT}, "automargin": True}
    fig.update_xaxes(**axis_text)
    fig.update_yaxes(**axis_text)
    axis = axis_space(fig)
    key_height = add_key(fig, key, axis) if key else 0
    if source:
        add_source_line(fig, source, source_chars or SOURCE_LINE_CHARS, below=key_height, axis=axis)
    return fit_layout(fig, min_height=height, plot_height=plot_height)


KEY_LINE_HEIGHT = 19


def axis_space(fig: go.Figure) -> int:
    """Pixels under the plot that the x axis takes: its tick labels (the lines of the longest, for text ticks)
    and its title (its lines)."""
    tick_lines = max((lines_in(x) for x in _text_values(fig, "x")), default=1)
    title_lines = lines_in(fig.layout.xaxis.title.text) if fig.layout.xaxis.title.text else 0
    return AXIS_SPACE + round(FONT_SIZE * LINE_HEIGHT * (tick_lines - 1 + title_lines - 1))


def add_key(fig: go.Figure, entries: Sequence[str], axis: int = AXIS_SPACE) -> int:
    """Write ``entries`` (plain text, each wrapped) one a line under the plot's axis; returns the pixels taken.
    The key stays in the chart on the page too (``for_screen`` keeps it)."""
    lines = "<br>".join(wrap(entry, LABEL_CHARS + 6, 2) for entry in entries)
    fig.add_annotation(
        text=lines,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-axis,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": FONT_SIZE, "color": TEXT},
        name="key",
    )
    taken = KEY_LINE_HEIGHT * lines_in(lines) + 8
    fig.update_layout(margin={"b": axis + taken})
    return taken


KEY_BESIDE_SHARE = 0.6  # of a wide chart's width, the plot's when its key stands beside it


def key_beside(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` with its key (``add_key``) beside the plot, on the right, instead of under it, and the
    space it took underneath given back (a projector is wide, not tall: under the stakeholder grid, six key lines
    squashed the grid to a strip). A figure without a key, or of more than one x axis, is returned as it is."""
    keys = [a for a in fig.layout.annotations if a.name == "key"]
    if not keys or any(name.startswith("xaxis") and name != "xaxis" for name in fig.layout.to_plotly_json()):
        return fig
    copy = go.Figure(fig)
    key = next(a for a in copy.layout.annotations if a.name == "key")
    taken = KEY_LINE_HEIGHT * lines_in(key.text) + 8
    copy.update_xaxes(domain=[0, KEY_BESIDE_SHARE])
    key.update(x=KEY_BESIDE_SHARE + 0.05, y=1, yshift=0, yanchor="top")
    for annotation in copy.layout.annotations:
        if annotation.name in ("source", "note") and annotation.yshift:
            annotation.yshift += taken  # under the axis again, not under the key
    copy.update_layout(margin={"b": max((copy.layout.margin.b or 0) - taken, 40)})
    return copy


def add_source_line(
    fig: go.Figure, source: str, chars: int = SOURCE_LINE_CHARS, below: int = 0, axis: int = AXIS_SPACE
) -> go.Figure:
    """Write ``source`` (plain text, escaped here) small under the plot (``below`` pixels further down, under a
    key), wrapped to fit, so it travels with every export. The bottom margin grows with the number of wrapped
    lines so the text is never clipped.
    """
    lines = wrap(source, chars)
    bottom = axis + below + source_block(lines)
    fig.add_annotation(
        text=lines,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(axis + below),
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 12, "color": NOTE_TEXT},
        name="source",
    )
    fig.update_layout(margin={"b": bottom})
    return fig


def source_block(lines: str) -> int:
    """Pixels the source line ``lines`` (wrapped) takes under the plot."""
    return 12 + SOURCE_LINE_HEIGHT * lines_in(lines)


def for_screen(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` for the page: without the source line drawn in for the downloads (the page writes it
    as text under the chart, where it wraps to any screen; inside a chart it cannot), its bottom margin and
    height shrunk by the space it took. (The suppression note is only ever added to a download's copy.)"""
    copy = go.Figure(fig)
    sources = [a for a in copy.layout.annotations if a.name == "source"]
    if not sources:
        return copy
    freed = sum(source_block(a.text) for a in sources)
    # Assigned, not update_layout: an update would merge the shorter list into the old one by position.
    copy.layout.annotations = [a for a in copy.layout.annotations if a.name != "source"]
    copy.update_layout(
        margin={"b": max((copy.layout.margin.b or 0) - freed, 40)},
        height=max((copy.layout.height or 520) - freed, 200),
    )
    return copy


def with_note(fig: go.Figure, note: str | None) -> go.Figure:
    """A copy of ``fig`` with ``note`` (e.g. what 'c' means) added under its source line, so an exported image
    carries it; the figure itself is unchanged. No note: the copy is the same figure."""
    copy = go.Figure(fig)
    if not note:
        return copy
    lines = wrap(note, SOURCE_LINE_CHARS)
    count = lines_in(lines)
    copy.add_annotation(
        text=lines,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-(copy.layout.margin.b or 40),
        align="left",
        showarrow=False,
        font={"size": 12, "color": NOTE_TEXT},
        name="note",
    )
    copy.update_layout(
        margin={"b": (copy.layout.margin.b or 40) + NOTE_LINE_HEIGHT * count + 6},
        height=(copy.layout.height or 520) + NOTE_LINE_HEIGHT * count + 6,
    )
    return copy
