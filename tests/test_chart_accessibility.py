"""Every chart on every page, as each role sees it: a one-sentence text alternative that is both the chart's
accessible name and visible under it, its table one click away, and series that differ by more than colour.

Run in AppTest over the demo store, so every chart a page really draws is checked, not a list kept by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from tests.fixtures import PAGES, RESTRICTED, ROLE_ACTORS, run_app

SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _in_order(node) -> Iterator:
    """Every element and block (expander, column …) under ``node``, depth first, in the order the page shows them."""
    for key in sorted(getattr(node, "children", {})):
        child = node.children[key]
        yield child
        yield from _in_order(child)


def _visible_text(element) -> str:
    return str(getattr(element, "value", "")).replace("\\", "")  # summaries are Markdown-escaped


def _charts_with_what_follows(at: AppTest) -> list[tuple[object, list]]:
    """Each chart with the elements after it, up to the next chart."""
    elements = list(_in_order(at.main))
    positions = [i for i, element in enumerate(elements) if element.type == "plotly_chart"]
    return [
        (elements[i], elements[i + 1 : (positions[n + 1] if n + 1 < len(positions) else len(elements))])
        for n, i in enumerate(positions)
    ]


def _pages_for(role: str) -> list[str]:
    return [page for page in PAGES if role in RESTRICTED.get(page, (None, {OFFICER, COMMISSIONER, FORUM}))[1]]


@pytest.mark.parametrize("role", [OFFICER, FORUM])
def test_every_chart_has_a_one_sentence_alternative_shown_under_it_and_its_table(demo_db: Path, role: str) -> None:
    seen = 0
    for page in _pages_for(role):
        at = run_app(page, ROLE_ACTORS[role])
        assert not at.exception, (page, [e.message for e in at.exception])
        for chart, following in _charts_with_what_follows(at):
            seen += 1
            alt = chart.proto.alt
            title = json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "")
            assert alt.strip(), f"{page}: '{title}' has no text alternative"
            assert len(SENTENCE_END.findall(alt)) == 1 and SENTENCE_END.search(alt.rstrip()).end() == len(
                alt.rstrip()
            ), f"{page}: '{title}' alternative is not one sentence: {alt}"
            # The same sentence is the first thing under the chart, for everyone who can see it.
            assert following and following[0].type == "markdown" and _visible_text(following[0]) == alt, (page, title)
            expanders = [e for e in following if e.type == "expander"]
            assert any(d.type == "dataframe" for e in expanders for d in _in_order(e)), (
                f"{page}: '{title}' has no table"
            )
    assert seen >= (12 if role == OFFICER else 2)


def _look_without_colour(trace: dict) -> tuple:
    """What tells a trace apart once colour is gone: kind, drawing mode, marker shape, line dash, fill pattern."""
    marker = trace.get("marker") or {}
    pattern = marker.get("pattern") or {}
    return (
        trace.get("type"),
        trace.get("mode"),
        json.dumps(marker.get("symbol")),
        (trace.get("line") or {}).get("dash"),
        json.dumps(pattern.get("shape")),
    )


def test_series_in_a_legend_differ_by_more_than_colour(demo_db: Path) -> None:
    checked = 0
    for page in _pages_for(OFFICER):
        at = run_app(page, ROLE_ACTORS[OFFICER])
        for chart in at.get("plotly_chart"):
            spec = json.loads(chart.proto.spec)
            legend = [
                t
                for t in spec["data"]
                if t.get("showlegend", True) and t.get("name") and t.get("type") not in ("heatmap",)
            ]
            looks = [_look_without_colour(t) for t in legend]
            title = spec["layout"].get("title", {}).get("text", "")
            assert len(set(looks)) == len(looks), (
                f"{page}: '{title}' has series told apart by colour alone: " + ", ".join(t["name"] for t in legend)
            )
            checked += len(legend) > 1
    assert checked >= 6
