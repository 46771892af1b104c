"""The EHC plans views on DfE's real release (SEN2 2025): the figures exactly as published for the configured
local area (Sunderland; Barnsley across its code change), beside England, the region and the statistical
neighbours; each audience's view (the forum's small numbers hidden, rank and distribution included); the
region-only switch; and what the Overview, the pack and Easy read take from them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sendlib import easy_read, ehcp, overview, pack
from sendlib.auth import FORUM, OFFICER
from sendlib.benchmark import REGION_ONLY
from sendlib.config import AreaConfig, Config
from sendlib.store import Store
from sendlib.views import Audience, Filters, View, page
from sendlib.views import ehcp as views
from tests.ehcp_release import fill_release

AS_OF = date(2025, 11, 23)  # before the next release was due: no age flag
OFFICER_AUDIENCE = Audience(OFFICER, 0)
FORUM_AUDIENCE = Audience.of(FORUM, Config())
BARNSLEY = Config(
    area=AreaConfig(
        name="Barnsley",
        code="E08000038",  # its code from May 2025; the 2025 release still gives E08000016
        old_la_code="370",
        region_code="E12000003",
        region_name="Yorkshire and The Humber",
    )
)


def build(view, store: Store, config: Config, audience: Audience = OFFICER_AUDIENCE, **filters) -> View:
    made = view(store, config, Filters(as_of=AS_OF, **filters), audience)
    assert made is not None, view.__name__
    return made


def rows_of(view: View, area: str) -> list[dict]:
    assert view.table is not None
    return view.table[view.table["Area"] == area].to_dict("records")


def test_sunderland_caseload_each_january_exactly_as_published(demo_store: Store, config: Config) -> None:
    view = build(views.caseload, demo_store, config)
    table = view.table.set_index("January")
    assert table.loc["January 2025", "Sunderland"] == 3000
    assert table.loc["January 2019", "Sunderland"] == 1588
    assert table.loc["January 2025", "England"] == 638745
    assert table.loc["January 2025", "North East"] == 29396
    assert "Statistical neighbours (average)" in table.columns
    assert view.summary == (
        "Sunderland had 3,000 EHC plans in January 2025, 210 more than a year before (up 7.5%; England up 10.8%)."
    )
    assert view.source.startswith("Source: DfE, Education, health and care plans 2025 (")
    assert "education-health-and-care-plans_2025.zip, load " in view.source and "January 2025" in view.source
    assert view.period_line == "EHC plans January 2025" and not view.age_notes
    # The chart: the local area's seven Januaries, each labelled with its count.
    trace = view.figure.data[0]
    assert list(trace.x) == [f"January {year}" for year in range(2019, 2026)]
    assert trace.text[-1] == "3,000"


def test_sunderland_timeliness_2024_exactly_as_published_beside_england(demo_store: Store, config: Config) -> None:
    view = build(views.timeliness, demo_store, config)
    ours = {row["Year"]: row for row in rows_of(view, "Sunderland")}
    england = {row["Year"]: row for row in rows_of(view, "England")}
    assert (ours["2024"]["Within 20 weeks %"], ours["2024"]["Without exception cases %"]) == (77.7, 79.1)
    assert (england["2024"]["Within 20 weeks %"], england["2024"]["Without exception cases %"]) == (45.9, 46.4)
    assert ours["2019"]["Within 20 weeks %"] == 65.1
    assert view.summary == (
        "In 2024, 77.7% of new EHC plans in Sunderland were issued within 20 weeks (79.1% without exception cases), "
        "against 45.9% in England."
    )
    # Two panels (with and without exception cases), four lines each: ours, England, the region, the neighbours.
    names = [trace.name for trace in view.figure.data]
    assert names.count("Sunderland") == 2 and names.count("England") == 2 and names.count("North East") == 2
    assert names.count("Statistical neighbours (average)") == 2


def test_the_headline_tiles_caseload_change_timeliness_against_england_and_rank(demo_store: Store, config) -> None:
    view = build(views.headline, demo_store, config)
    tiles = {tile.label: tile for tile in view.metrics}
    assert tiles["EHC plans, January 2025"].value == "3,000"
    assert tiles["EHC plans, January 2025"].delta == "+210 on January 2024"
    assert tiles["New plans within 20 weeks, 2024"].value == "77.7%"
    assert tiles["New plans within 20 weeks, 2024"].delta == "+31.8 points on England's 45.9%"
    rank = tiles["20-week timeliness among local authorities"]
    assert rank.value.endswith("of 153") and "higher is better" in rank.delta
    assert any(line.startswith("20-week timeliness, 2024: ") for line in view.sentences)
    assert any("79.1% of new plans were issued within 20 weeks (England 46.4%)" in line for line in view.sentences)
    assert any(line.startswith("EHC plans, January 2025: ") and "(" in line for line in view.sentences)
    assert view.missing is None


def test_barnsley_across_its_code_change_shows_its_own_figures(demo_store: Store) -> None:
    """Configured with its new code E08000038, Barnsley gets the figures DfE published under E08000016 (old code
    370 ties them), beside Yorkshire and The Humber and its own neighbours."""
    caseload = build(views.caseload, demo_store, BARNSLEY)
    table = caseload.table.set_index("January")
    assert table.loc["January 2025", "Barnsley"] == 3044 and table.loc["January 2019", "Barnsley"] == 2133
    assert "Yorkshire and The Humber" in table.columns and "Sunderland" not in table.columns
    timeliness = build(views.timeliness, demo_store, BARNSLEY)
    ours = {row["Year"]: row for row in rows_of(timeliness, "Barnsley")}
    assert (ours["2024"]["Within 20 weeks %"], ours["2024"]["Without exception cases %"]) == (96.7, 96.8)
    assert ehcp.areas_for(BARNSLEY).neighbours != ehcp.areas_for(Config()).neighbours
    headline = build(views.headline, demo_store, BARNSLEY)
    assert headline.metrics[0].value == "3,044"


def test_percentages_are_dfes_as_published_and_the_symbols_kept(demo_store: Store, config: Config) -> None:
    setting = build(views.by_setting, demo_store, config)
    ours = {row["Part"]: row for row in rows_of(setting, "Sunderland")}
    assert (ours["Special schools"]["EHC plans"], ours["Special schools"]["% of EHC plans"]) == (1183, 39.4)
    assert (ours["Mainstream schools"]["EHC plans"], ours["Mainstream schools"]["% of EHC plans"]) == (905, 30.2)
    assert ours["All EHC plans"]["EHC plans"] == 3000
    # DfE's own totals add up to all plans; independent schools and NEET are counts inside them.
    assert sum(ours[part.label]["EHC plans"] for part in ehcp.SETTINGS) == 3000
    assert ours["Independent special schools (within special schools)"]["EHC plans"] == 87
    assert ours["Not in employment, education or training (NEET) (within educated elsewhere)"]["EHC plans"] == 108
    need = build(views.by_need, demo_store, config)
    needs = {row["Part"]: row for row in rows_of(need, "Sunderland")}
    assert (needs["ASD"]["EHC plans"], needs["ASD"]["% of EHC plans"]) == (1009, 33.6)
    assert needs["SEMH"]["% of EHC plans"] == 22.6
    assert need.summary.startswith("In January 2025, 33.6% of EHC plans in Sunderland were for autistic spectrum")
    # The path: 2019's share decided to assess is not published ("x"), and the note says what x means.
    path = build(views.path, demo_store, config)
    years = {row["Year"]: row for row in rows_of(path, "Sunderland")}
    assert years["2019"]["Decided to assess %"] == "x" and years["2019"]["Requests"] == 468
    assert (years["2024"]["Requests"], years["2024"]["Assessments"], years["2024"]["New plans"]) == (578, 333, 306)
    assert years["2024"]["Decided to assess %"] == 32.0
    assert any("x = not available." in note for note in path.notes)


def test_the_forum_sees_no_small_count_and_no_share_that_gives_one_away(demo_store: Store, config: Config) -> None:
    """Sunderland, January 2025: 5 plans in non-maintained early years and 14 with no placement recorded. The forum
    sees neither (the 14 hidden too, or 3,000 minus the rest would give the 5) nor their percentages; officers see
    both as published."""
    officer = {row["Part"]: row for row in rows_of(build(views.by_setting, demo_store, config), "Sunderland")}
    forum_view = build(views.by_setting, demo_store, config, FORUM_AUDIENCE)
    forum = {row["Part"]: row for row in rows_of(forum_view, "Sunderland")}
    assert officer["Non-maintained early years"]["EHC plans"] == 5
    assert officer["Placement not recorded"]["EHC plans"] == 14
    for part in ("Non-maintained early years", "Placement not recorded"):
        assert forum[part]["EHC plans"] == "c" and forum[part]["% of EHC plans"] == "c"
    assert forum["Special schools"]["EHC plans"] == 1183  # the rest as published
    assert forum_view.suppression_note and forum_view.suppression_note.startswith("c = fewer than 6 children")
    chart = {trace.name: trace for trace in forum_view.figure.data}["Sunderland"]
    assert None in chart.x and "c" not in [str(x) for x in chart.x]  # a hidden share has no mark
    assert officer["Non-maintained early years"]["% of EHC plans"] == 0.2


def test_a_rank_never_places_a_hidden_figure(demo_store: Store, config: Config) -> None:
    """For the forum a local authority whose share within 20 weeks is worked from a small count has no figure: it is
    left out of the distribution and the ranking (the rank is among the figures shown), and named as left out."""
    officer = build(views.timeliness_ranking, demo_store, config)
    forum = build(views.timeliness_ranking, demo_store, config, FORUM_AUDIENCE)
    hidden = forum.table[forum.table["Within 20 weeks %"] == "c"]
    assert len(hidden) >= 1
    shown = len(forum.table) - len(hidden)
    assert f"of {shown} local authorities" in forum.summary
    assert f"of {len(officer.table)} local authorities" in officer.summary
    bars = sum(len(trace.x) for trace in forum.figure.data if trace.type == "bar")
    assert bars == shown
    assert any("not ranked" in note for note in forum.notes)


def test_the_region_only_switch_ranks_among_the_regions_authorities(demo_store: Store, config: Config) -> None:
    england = build(views.caseload_ranking, demo_store, config)
    region = build(views.caseload_ranking, demo_store, config, benchmark_scope=REGION_ONLY)
    assert "of 153 local authorities in England" in england.summary
    assert "of 12 local authorities in the North East region" in region.summary
    assert len(region.table) == 12 and len(england.table) == 153
    assert "the North East region" in region.figure.layout.title.text.replace("<br>", " ")
    ours = [trace for trace in region.figure.data if trace.name and trace.name.startswith("Sunderland")]
    assert ours and list(ours[0].y) == [3000]  # highlighted, with its value
    timeliness = build(views.timeliness_ranking, demo_store, config, benchmark_scope=REGION_ONLY)
    assert "North East region" in timeliness.summary and "higher is better" in timeliness.summary
    lines = {trace.name for trace in timeliness.figure.data if getattr(trace, "mode", None) == "lines"}
    assert {"England: 45.9%", "North East: 47.6%"} <= lines
    assert any(name.startswith("Statistical neighbours (average): ") for name in lines)


def test_caseload_has_no_better_direction(demo_store: Store, config: Config) -> None:
    view = build(views.caseload_ranking, demo_store, config)
    assert "better" not in view.summary and "worse" not in view.summary
    assert any(word in view.summary for word in ("highest quarter", "lowest quarter", "middle quarter"))


def test_every_view_for_every_audience_and_nothing_before_a_load(demo_store: Store, config, tmp_path) -> None:
    store = Store.open(tmp_path / "empty.duckdb")
    specs = page("ehc_plans").views
    for audience in (OFFICER_AUDIENCE, FORUM_AUDIENCE):
        for spec in specs:
            shown = spec.build(demo_store, config, Filters(as_of=AS_OF), audience)
            assert shown is not None and shown.summary.endswith("."), spec.key
            if spec.key != "ehc_plans.headline":
                assert shown.figure is not None and shown.table is not None and not shown.table.empty, spec.key
                json.dumps(shown.figure.to_plotly_json(), default=str)
        empty = [spec.build(store, config, Filters(as_of=AS_OF), audience) for spec in specs]
        assert empty[0] is not None and empty[0].missing and not empty[0].metrics
        assert all(view is None for view in empty[1:])
    store.close()


def test_an_old_release_is_flagged_once_the_next_was_due(demo_store: Store, config: Config) -> None:
    view = views.headline(demo_store, config, Filters(as_of=date(2026, 7, 1)), OFFICER_AUDIENCE)
    assert view.age_notes == (
        "The EHC plan figures are from DfE's 2025 release: a newer one was due by June 2026, so these figures may "
        "be out of date.",
    )
    assert view.period_line == "EHC plans January 2025 · EHC plans 2024"


def test_the_overview_pack_and_easy_read_carry_the_ehc_plan_headlines(demo_store: Store, config: Config) -> None:
    sections = {
        section.title: section for section in overview.build_overview(demo_store, config, FORUM_AUDIENCE, AS_OF)
    }
    section = sections["EHC plans"]
    assert section.page == "pages/ehc_plans.py" and section.tiles[0].value == "3,000"
    assert [tile.label for tile in section.tiles][:2] == ["EHC plans, January 2025", "New plans within 20 weeks, 2024"]
    slides = pack.collect_slides(demo_store, config, OFFICER_AUDIENCE, AS_OF)
    keys = [slide.key for slide in slides if slide.page == "EHC plans"]
    assert keys == [spec.key for spec in page("ehc_plans").views if spec.key != "ehc_plans.headline"]
    parts = {part.title: part for part in easy_read.build_easy_read(demo_store, config, FORUM_AUDIENCE, AS_OF)}
    words = " ".join(point.text for point in parts["EHC plans"].points)
    assert "about 3,000" in words and "78 out of every 100" in words and "46 out of every 100" in words
    assert parts["EHC plans"].more == "pages/ehc_plans.py"


def test_the_tests_release_helper_stores_what_the_loader_stores(demo_store: Store, tmp_path) -> None:
    """tests/ehcp_release.py (the small-numbers worlds' edited release) writes the rows the views read exactly as
    DfE's release loaded through the officers' load path has them."""
    filled = Store.open(tmp_path / "filled.duckdb")
    fill_release(filled)
    query = (
        "SELECT * EXCLUDE (load_id) FROM ehcp_current WHERE breakdown IN (SELECT unnest(?)) AND dataset IN "
        "(SELECT unnest(?)) ORDER BY ALL"
    )
    params = [list(set(ehcp.ALL_ROWS.values())), list(ehcp.ALL_ROWS)]
    loaded = demo_store.query_rows(query, params)
    assert len(loaded) > 100_000 and filled.query_rows(query, params) == loaded
    filled.close()


@pytest.mark.parametrize("threshold", [0, 5])
def test_hide_rate_follows_the_counts_it_is_worked_from(threshold: int) -> None:
    assert ehcp.suppress_rate(77.7, 171.0, 220.0, threshold) == 77.7
    assert ehcp.suppress_rate(98.0, 246.0, 250.0, threshold) == ("c" if threshold else 98.0)  # 4 late: a small count
    assert ehcp.suppress_rate(60.0, 3.0, 5.0, threshold) == ("c" if threshold else 60.0)
    assert ehcp.suppress_rate(100.0, 250.0, 250.0, threshold) == 100.0  # none late: nothing small
    assert ehcp.suppress_rate("x", 3.0, 5.0, threshold) == "x"  # DfE's own symbol as published
    assert ehcp.suppress_rate(50.0, "x", 10.0, threshold) == ("c" if threshold else 50.0)  # cannot be checked
