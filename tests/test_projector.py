"""Charts for a projector (presentation mode): every text in every registered chart view at least 18 px, set in
the figure's layout; category axes keep every label; source lines rewrapped and escaped once."""

from __future__ import annotations

import html
import pickle
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from sendlib import text
from sendlib.auth import COMMISSIONER, FORUM
from sendlib.charts import add_source_line, base_layout, category_labels, category_rows
from sendlib.config import Config
from sendlib.store import Store
from sendlib.views import Audience, Filters, all_views
from ui.projector import (
    MIN_TEXT_PX,
    MIN_TITLE_PX,
    PROJECTOR_SOURCE_CHARS,
    UNDER_CONTROLS_PX,
    for_projector,
    presented_parts,
    scaled_for_projector,
)


def text_sizes(figure: go.Figure) -> Iterator[tuple[str, float | None]]:
    """Every text size a figure sets (None: it sets none, so it would fall back to Plotly's own 12 px)."""
    layout = figure.layout
    yield "font", layout.font.size
    yield "legend", layout.legend.font.size
    for name in [key for key in layout.to_plotly_json() if key.startswith(("xaxis", "yaxis"))]:
        yield f"{name} ticks", layout[name].tickfont.size
        yield f"{name} title", layout[name].title.font.size
    for annotation in layout.annotations:
        yield f"annotation {str(annotation.text)[:30]}", annotation.font.size
    for trace in figure.data:
        if "textfont" in trace and (getattr(trace, "text", None) is not None or "texttemplate" in trace):
            yield f"{trace.type} {trace.name} labels", trace.textfont.size
        if "colorbar" in trace:
            yield f"{trace.type} colour bar", trace.colorbar.tickfont.size


@pytest.fixture(scope="module")
def demo(built_demo: Path) -> Iterator[Store]:
    """The session's demo store, read only."""
    opened = Store.open(built_demo, read_only=True)
    yield opened
    opened.close()


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_every_chart_views_text_is_at_least_18px_when_presented(demo: Store, role: str) -> None:
    config = Config()
    audience = Audience.of(role, config)
    charts = 0
    for spec in all_views():
        view = spec.build(demo, config, Filters(as_of=date(2026, 3, 1)), audience)
        if view is None or view.figure is None:
            continue
        charts += 1
        assert any(size is None or size < MIN_TEXT_PX for _, size in text_sizes(view.figure)), spec.key  # desk size
        shown = scaled_for_projector(view.figure)
        small = [(where, size) for where, size in text_sizes(shown) if size is None or size < MIN_TEXT_PX]
        assert small == [], spec.key
        assert shown.layout.title.font.size >= MIN_TITLE_PX
        assert view.figure.layout.font.size == 14, "the view's own figure is unchanged"
    assert charts >= 10


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_a_chart_of_a_dozen_rows_fits_the_projector_under_the_slide_controls(demo: Store, role: str) -> None:
    """Presented, the need chart (two panels of a dozen needs) and every other chart of up to 16 label lines is
    no taller than a 1280×720 screen shows under the controls, its title on one or two lines, not a phone's
    three; a chart of more label lines grows (every label kept) rather than squeezing its rows."""
    config = Config()
    audience = Audience.of(role, config)
    for spec in all_views():
        view = spec.build(demo, config, Filters(as_of=date(2026, 3, 1)), audience)
        if view is None or view.figure is None:
            continue
        shown = for_projector(view.figure)
        rows = sum(category_rows(shown))  # label lines down the axis, as the layout measures them
        if rows <= 16:
            assert shown.layout.height <= UNDER_CONTROLS_PX, (spec.key, shown.layout.height, rows)
        assert str(shown.layout.title.text).count("<br>") <= 1, spec.key
    need = for_projector(needs_view(demo, config, audience))
    assert need.layout.height <= UNDER_CONTROLS_PX and need.layout.xaxis.domain[1] < need.layout.xaxis2.domain[0]


def needs_view(store: Store, config: Config, audience: Audience) -> go.Figure:
    """The Primary needs page's first chart: SEN support and EHC plan by primary need."""
    from sendlib.views import view_spec

    view = view_spec("primary_needs.need").build(store, config, Filters(), audience)
    assert view is not None and view.figure is not None
    return view.figure


def test_a_category_axis_keeps_every_label_and_grows_to_hold_them() -> None:
    names = [f"C-{number:02d} · commitment number {number}" for number in range(30)]
    figure = base_layout(go.Figure(go.Bar(x=list(range(30)), y=names, orientation="h")), title="Thirty", height=500)
    shown = scaled_for_projector(figure)
    assert (shown.layout.yaxis.tickmode, shown.layout.yaxis.dtick) == ("linear", 1)  # Plotly skips none
    assert shown.layout.height >= 30 * 22 + shown.layout.margin.t + shown.layout.margin.b


def test_a_numeric_axis_keeps_its_own_ticks_after_the_page_cache() -> None:
    """A chart of numbers drawn from a NumPy array (a distribution of every LA) comes back from the page's cache
    (a pickle) with its y values packed as {"dtype", "bdata"}: that is not a list of categories, so the axis keeps
    Plotly's own ticks (one a unit on 0–140% drew 143 overlapping labels on the projector)."""
    figure = go.Figure(go.Bar(x=np.arange(1, 151), y=np.linspace(100.0, 0.0, 150)))
    figure.update_yaxes(range=[0, 140])
    cached = pickle.loads(pickle.dumps(figure))
    assert isinstance(cached.data[0].y, dict)  # packed, as the page gets it
    presented = scaled_for_projector(cached)
    assert presented.layout.yaxis.tickmode is None and presented.layout.yaxis.dtick is None


def test_the_source_line_is_rewrapped_for_its_larger_text_and_escaped_once() -> None:
    source = "Source: <b>bold</b> & file_2019.csv " + "words " * 40
    figure = add_source_line(base_layout(go.Figure(go.Bar(x=[1], y=[1])), title="T", height=500), source)
    before = next(a for a in figure.layout.annotations if a.name == "source")
    after = next(a for a in scaled_for_projector(figure).layout.annotations if a.name == "source")
    assert after.font.size >= MIN_TEXT_PX and before.font.size < MIN_TEXT_PX
    assert all(len(html.unescape(line)) <= PROJECTOR_SOURCE_CHARS for line in after.text.split("<br>"))
    assert html.unescape(after.text.replace("<br>", " ")).split() == source.split()  # every word, once
    assert "<b>" not in after.text and "&lt;b&gt;" in after.text  # still plain text, never markup
    assert after.text == text.plotly_lines(source, PROJECTOR_SOURCE_CHARS)  # across the presented chart's width


def rows_shown(part: go.Figure) -> list[int]:
    """The row positions a part's y axis spans (all of them when it is not limited)."""
    rows = category_labels(part) or []
    if part.layout.yaxis.range is None:
        return list(range(len(rows)))
    low, high = sorted(part.layout.yaxis.range)
    return [i for i in range(len(rows)) if low < i < high]


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_a_chart_taller_than_the_screen_is_split_over_screens_each_row_once(demo: Store, role: str) -> None:
    """Presented, a chart of rows taller than the screen under the controls (the thirty commitments' timeline,
    the reach gaps by every need) is a screen for each run of rows, each no taller than the screen, every row
    on exactly one screen, in order, at full size, each title saying which part it is."""
    config = Config()
    audience = Audience.of(role, config)
    split = 0
    for spec in all_views():
        view = spec.build(demo, config, Filters(as_of=date(2026, 3, 1)), audience)
        if view is None or view.figure is None or category_labels(for_projector(view.figure)) is None:
            continue
        parts = presented_parts(view.figure)
        assert all(part.layout.height <= UNDER_CONTROLS_PX for part in parts), spec.key
        if len(parts) > 1:
            split += 1
            assert [i for part in parts for i in rows_shown(part)] == list(range(len(category_labels(parts[0]))))
            assert [
                str(part.layout.title.text).endswith(f"({n} of {len(parts)})") for n, part in enumerate(parts, start=1)
            ] == [True] * len(parts), spec.key
            small = [(where, size) for part in parts for where, size in text_sizes(part) if (size or 0) < MIN_TEXT_PX]
            assert small == [], spec.key
    assert split >= 1  # the demo has such a chart for each audience


def test_thirty_rows_take_three_screens_of_ten_not_a_squeezed_one() -> None:
    names = [f"C-{number:02d} · commitment number {number}" for number in range(30)]
    figure = base_layout(go.Figure(go.Bar(x=list(range(30)), y=names, orientation="h")), title="Thirty", height=500)
    parts = presented_parts(figure)
    assert 2 <= len(parts) <= 4 and all(part.layout.height <= UNDER_CONTROLS_PX for part in parts)
    assert [i for part in parts for i in rows_shown(part)] == list(range(30))
    assert for_projector(figure).layout.height > UNDER_CONTROLS_PX  # one screen would not hold them


def test_a_key_stands_beside_the_presented_plot_so_the_grid_is_not_squashed(demo: Store) -> None:
    """The stakeholder grid's numbered key goes right of the plot on a projector (under it, six lines left the
    grid a strip of 170 px); the page's grid keeps the key under it, where a phone has room."""
    from sendlib.views import view_spec

    config = Config()
    grid = view_spec("stakeholders.grid").build(demo, config, Filters(), Audience.of(COMMISSIONER, config))
    assert grid is not None and grid.figure is not None
    shown = for_projector(grid.figure)
    key = next(a for a in shown.layout.annotations if a.name == "key")
    assert shown.layout.xaxis.domain[1] < key.x and (key.y, key.yanchor) == (1, "top")
    assert shown.layout.height - shown.layout.margin.t - shown.layout.margin.b >= 300  # the grid's own height
    assert shown.layout.height <= UNDER_CONTROLS_PX
    assert next(a for a in grid.figure.layout.annotations if a.name == "key").y == 0  # the page's: under the plot


def test_presented_row_labels_keep_the_owners_italic_line_as_markup(demo: Store) -> None:
    """The exceptions' rows name a commitment and, in italics under it, its owner: rewrapped for the projector
    the italic line stays markup (it showed as "<i>Designated Clinical Officer</i>" typed out)."""
    from sendlib.views import view_spec

    config = Config()
    view = view_spec("commitments.exceptions").build(
        demo, config, Filters(as_of=date(2026, 3, 1)), Audience.of(COMMISSIONER, config)
    )
    assert view is not None and view.figure is not None
    labels = [label for part in presented_parts(view.figure) for label in category_labels(part) or []]
    assert labels and all("<i>" in label and "&lt;i&gt;" not in label for label in labels)
