"""The EHC plans page in AppTest: DfE's figures for the local area as each role sees them, the region-only switch
kept in the address, and what an empty store says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.loads import undo_load
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER
from tests.fixtures import ROLE_ACTORS, run_app

PAGE = "pages/ehc_plans.py"


def chart_titles(at: AppTest) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"]["title"]["text"].replace("<br>", " ") for chart in at.get("plotly_chart")
    ]


def shown_text(at: AppTest) -> str:
    return " ".join(str(m.value) for m in at.markdown).replace("\\", "")


@pytest.mark.parametrize("role", [OFFICER, COMMISSIONER, FORUM])
def test_the_page_shows_dfes_figures_for_every_role(demo_db: Path, role: str) -> None:
    at = run_app(PAGE, ROLE_ACTORS[role])
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "EHC plans"
    tiles = {metric.label: metric.value for metric in at.metric}
    assert tiles["EHC plans, January 2025"] == "3,000" and tiles["New plans within 20 weeks, 2024"] == "77.7%"
    titles = chart_titles(at)
    assert len(titles) == 7, titles
    assert titles[0] == "EHC plans in Sunderland each January"
    text = shown_text(at)
    assert "Sunderland had 3,000 EHC plans in January 2025" in text
    assert "77.7% of new EHC plans in Sunderland were issued within 20 weeks (79.1% without exception cases)" in text
    tables = [frame.value for frame in at.dataframe]
    setting = next(t for t in tables if "Part" in t.columns and "Special schools" in set(t["Part"]))
    early_years = setting[(setting["Part"] == "Non-maintained early years") & (setting["Area"] == "Sunderland")]
    assert str(early_years["EHC plans"].iloc[0]) == ("c" if role == FORUM else "5")


def test_the_region_only_switch_ranks_among_the_region_and_stays_in_the_address(demo_db: Path) -> None:
    at = run_app(PAGE, ROLE_ACTORS[COMMISSIONER])
    assert "of 153 local authorities in England" in shown_text(at)
    at.radio(key="benchmark_scope").set_value("region").run()
    assert not at.exception
    text = shown_text(at)
    assert "of 12 local authorities in the North East region" in text
    assert any("North East region" in title for title in chart_titles(at))
    scope = at.query_params["benchmark_scope"]
    assert (scope[0] if isinstance(scope, list) else scope) == "region"
    # A link with the choice opens the page with it.
    linked = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    linked.session_state["actor"] = ROLE_ACTORS[FORUM]
    linked.query_params["benchmark_scope"] = "region"  # as Primary needs writes it: one link serves both pages
    linked.run().switch_page(PAGE).run()
    assert linked.radio(key="benchmark_scope").value == "region"
    assert "North East region" in shown_text(linked)


def test_without_ehc_plan_figures_the_page_says_what_to_load(demo_db: Path) -> None:
    """The demo's release undone (as an officer would on Upload data): the page says what to load, and the
    Overview's EHC plans part says so too."""
    store = Store.open(demo_db)
    load_id = store.query_value("SELECT max(load_id) FROM loads WHERE kind = 'ehcp' AND outcome = 'loaded'")
    undo_load(store, int(load_id), TEST_OFFICER)
    store.close()
    at = run_app(PAGE, ROLE_ACTORS[OFFICER])
    assert not at.exception and not at.get("plotly_chart")
    assert any("No EHC plan figures are loaded for Sunderland yet" in info.value for info in at.info)
    at.switch_page("pages/overview.py").run()
    assert any("No EHC plan figures are loaded yet" in info.value for info in at.info)
