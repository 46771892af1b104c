"""Census benchmarking in the views: the area's standing among every LA (``primary_needs.standing``), the
region-only switch, the statistical neighbours' average as a comparator, the sentence when DfE's LA-level file is
not loaded, and small numbers: a rank or a chart never gives away a figure the forum must not see.

The store holds a census for every LA in force (tests/la_census.py, built once per session), its figures designed
so each answer is known: Sunderland and Redcar and Cleveland share the 12th highest share of pupils with an EHC
plan (5.7%); City of London has a count published as a symbol; the Isles of Scilly are small.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from sendlib import benchmark, geography, needs
from sendlib.auth import FORUM, OFFICER
from sendlib.config import AreaConfig, Config, ConfigError, load_config
from sendlib.export import table_to_csv
from sendlib.ingest import load_census
from sendlib.palette import VERMILLION
from sendlib.store import Store
from sendlib.views import Audience, Filters, View, view_spec
from sendlib.views import needs as views
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, copy_store
from tests.la_census import CITY, EARLIER, PUPILS, REDCAR, SCILLY, SUNDERLAND, designed_figures, write_la_census

CONFIG = Config()
OFFICERS = Audience.of(OFFICER, CONFIG)
THE_FORUM = Audience.of(FORUM, CONFIG)
REGION = Filters(benchmark_scope=benchmark.REGION_ONLY)
NORTH_EAST = "E12000001"


@pytest.fixture(scope="module")
def las(built_all_las: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The store with every LA's census, for this module's reading tests (none writes)."""
    opened = Store.open(copy_store(built_all_las, tmp_path_factory.mktemp("las") / "las.duckdb"))
    yield opened
    opened.close()


def ehc_share(key: str) -> float:
    figures = designed_figures()[key]
    return figures.rate(figures.ehc_plan)


def test_the_standing_among_every_la_is_ranked_with_ties_and_its_quarter(las: Store) -> None:
    view = views.standing(las, CONFIG, Filters(), OFFICERS)
    assert view is not None and view.figure is not None
    # 153 LAs in force; City of London's totals are not known (a symbol): 152 ranked.
    assert view.summary == (
        "Sunderland's share of pupils with an EHC plan, 5.7%, is the joint 12th highest of 152 local authorities "
        "in England (highest quarter)."
    )
    tiles = {tile.label: tile for tile in view.metrics}
    assert tiles["With an EHC plan"].value == "5.7%" and tiles["With an EHC plan"].delta == "joint 12th highest of 152"
    assert not tiles["With an EHC plan"].arrow  # a standing, not a change
    assert set(tiles) == {"With an EHC plan", "On SEN support", "With SEND"}
    table = view.table
    assert table is not None and len(table) == 152
    assert geography.local_authority(CITY).name not in set(table["Area"])  # type: ignore[union-attr]
    ranks = dict(zip(table["Area"], table["Rank (EHC plans)"]))
    assert ranks["Sunderland"] == ranks["Redcar and Cleveland"] == "joint 12th"
    assert table["Rank (EHC plans)"].iloc[13] == "14th"  # competition ranking: two joint 12th, then 14th
    assert table["% with an EHC plan"].is_monotonic_decreasing
    assert any("City of London (some counts published as symbols" in note for note in view.notes)
    # Every word is highest / lowest: a share of pupils has no better direction.
    said = " ".join([view.summary, *view.sentences, *(t.help or "" for t in view.metrics)])
    assert not any(word in said for word in ("best", "worst", "good", "bad", "better"))


def test_the_standing_matches_the_designed_ranks_for_every_measure(las: Store) -> None:
    """The SEN support and SEND ranks, worked out here from the designed figures, are the view's."""
    view = views.standing(las, CONFIG, Filters(), OFFICERS)
    figures = {key: f for key, f in designed_figures().items() if key != CITY}
    for label, count in (
        ("On SEN support", lambda f: f.sen_support),
        ("With SEND", lambda f: f.sen_support + f.ehc_plan),
    ):
        rates = {key: round(100 * count(f) / f.pupils, 9) for key, f in figures.items()}
        ours = rates[SUNDERLAND]
        position = 1 + sum(1 for rate in rates.values() if rate > ours)
        tied = sum(1 for rate in rates.values() if rate == ours)
        tile = next(t for t in view.metrics if t.label == label)  # type: ignore[union-attr]
        assert tile.delta == benchmark.rank_words(position, len(rates), tied)


def test_the_region_only_switch_ranks_among_the_regions_las(las: Store) -> None:
    view = views.standing(las, CONFIG, REGION, OFFICERS)
    assert view is not None and view.figure is not None and view.table is not None
    region_las = [a for a in geography.local_authorities() if a.region_code == NORTH_EAST]
    assert len(view.table) == len(region_las) == 12 and set(view.table["Region"]) == {"North East"}
    above = sum(1 for a in region_las if ehc_share(str(a.old_la_code)) > ehc_share(SUNDERLAND))
    assert view.summary == (
        f"Sunderland's share of pupils with an EHC plan, 5.7%, is the joint {benchmark.ordinal(above + 1)} highest "
        "of 12 local authorities in the North East region (highest quarter)."
    )
    assert view.title == "Among the North East region's local authorities"
    bars = sum(len(trace.x) for trace in view.figure.data if trace.type == "bar")
    assert bars == 12
    assert "North East region" in view.figure.layout.title.text
    # The neighbours' average is of all ten, wherever they are (five of Sunderland's are outside the region).
    assert any("10 of 10 with figures" in line for line in view.sentences)


def test_the_distribution_highlights_ours_beside_england_the_region_and_the_neighbours(las: Store) -> None:
    view = views.standing(las, CONFIG, Filters(), OFFICERS)
    fig = view.figure  # type: ignore[union-attr]
    ours = next(trace for trace in fig.data if trace.type == "bar" and trace.marker.color == VERMILLION)
    assert list(ours.y) == [pytest.approx(5.7)] and ours.name == "Sunderland: 5.7%"
    assert sum(len(trace.x) for trace in fig.data if trace.type == "bar") == 152
    lines = {
        trace.name.split(":")[0]: trace.y[0] for trace in fig.data if trace.type == "scatter" and trace.mode == "lines"
    }
    assert set(lines) == {"England", "North East", benchmark.NEIGHBOURS_AVERAGE}
    neighbours = [str(a.old_la_code) for a in geography.statistical_neighbours(SUNDERLAND)]
    expected = sum(ehc_share(key) for key in neighbours) / len(neighbours)
    assert lines[benchmark.NEIGHBOURS_AVERAGE] == pytest.approx(expected)
    england = designed_figures()
    assert lines["England"] == pytest.approx(
        100 * sum(f.ehc_plan for f in england.values()) / sum(f.pupils for f in england.values())
    )


def test_the_forum_never_sees_a_small_las_figure_ranked_or_drawn(las: Store) -> None:
    view = views.standing(las, CONFIG, Filters(), THE_FORUM)
    assert view is not None and view.table is not None and view.figure is not None
    scilly = geography.local_authority(SCILLY).name  # type: ignore[union-attr]
    assert scilly not in set(view.table["Area"]) and len(view.table) == 151
    drawn = [name for trace in view.figure.data if trace.type == "bar" for name, _ in trace.customdata]
    assert scilly not in drawn and len(drawn) == 151
    assert "of 151 local authorities" in view.summary
    assert any(f"{scilly} (hidden to protect small numbers)" in note for note in view.notes)
    officers = views.standing(las, CONFIG, Filters(), OFFICERS)
    assert scilly in set(officers.table["Area"])  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def second_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The same census but for one count the forum must not see: the Isles of Scilly's EHC plans, 4 instead of 2
    (6.7% of its pupils instead of 3.3%: above Sunderland's 5.7% instead of below)."""
    folder = tmp_path_factory.mktemp("second-world")
    opened = Store.open(folder / "las.duckdb")
    # The same file name as the session's store: the source line names it.
    load_census(
        opened, write_la_census(folder / "sen-la-2024-25.csv", scilly_plans=4), config=CONFIG, actor=TEST_OFFICER
    )
    yield opened
    opened.close()


def shown(view: View | None) -> dict[str, object] | None:
    """Everything the view shows: its texts, tiles, the chart's JSON and the table as its CSV download."""
    if view is None:
        return None
    return {
        "texts": (view.title, view.summary, view.source, view.sentences, view.notes, view.suppression_note),
        "metrics": view.metrics,
        "figure": view.figure.to_json() if view.figure is not None else None,
        "table": table_to_csv(view.table) if view.table is not None else None,
    }


def test_a_hidden_count_cannot_be_read_from_the_rank_the_chart_or_the_table(las: Store, second_world: Store) -> None:
    for filters in (Filters(), REGION):
        forum = [shown(views.standing(store, CONFIG, filters, THE_FORUM)) for store in (las, second_world)]
        assert forum[0] is not None and forum[0] == forum[1]
    # The two worlds do differ: for officers the small LA moves above Sunderland, which drops to joint 13th.
    officers = [views.standing(store, CONFIG, Filters(), OFFICERS) for store in (las, second_world)]
    assert "joint 12th highest of 152" in officers[0].summary  # type: ignore[union-attr]
    assert "joint 13th highest of 152" in officers[1].summary  # type: ignore[union-attr]


def as_area(name: str, code: str, old_la_code: str, region_code: str, region_name: str) -> Config:
    return Config(area=AreaConfig(name, code, old_la_code, region_code, region_name))


def test_our_own_hidden_figures_give_no_rank(las: Store) -> None:
    """When the local area's own figures are hidden from the forum, the forum gets no rank, and says why."""
    small = as_area("Isles of Scilly", "E06000053", SCILLY, "E12000009", "South West")
    view = views.standing(las, small, Filters(), Audience.of(FORUM, small))
    assert view is not None and view.figure is not None
    assert view.summary == (
        "Isles of Scilly is not ranked for 2024/25: its figures are hidden here to protect small numbers."
    )
    assert not view.metrics and not any("Isles of Scilly" in str(trace.name) for trace in view.figure.data)
    officers = views.standing(las, small, Filters(), Audience.of(OFFICER, small))
    assert officers is not None
    assert officers.summary.startswith("Isles of Scilly's share of pupils with an EHC plan, 3.3%")
    city = as_area("City of London", "E09000001", CITY, "E12000007", "London")
    view = views.standing(las, city, Filters(), Audience.of(OFFICER, city))
    assert view is not None and "published as symbols, so its totals are not known" in view.summary


def test_without_the_la_level_file_one_sentence_says_what_ranking_needs(las: Store, demo_store: Store) -> None:
    earlier = views.standing(las, CONFIG, Filters(census_period=EARLIER), OFFICERS)
    assert earlier is not None and earlier.figure is None and earlier.table is None and not earlier.metrics
    assert earlier.summary == (
        "Ranking Sunderland among all 153 local authorities needs DfE's LA-level census file (“Special educational "
        "needs in England”, every local authority) for 2023/24: the store holds no other local authority for that "
        "census."
    )
    demo = views.standing(demo_store, CONFIG, Filters(), THE_FORUM)
    assert demo is not None and demo.figure is None and "needs DfE's LA-level census file" in demo.summary
    assert view_spec("primary_needs.standing").build is views.standing  # registered: the registry tests cover it


def test_the_neighbours_average_is_a_comparator_in_the_prevalence_and_need_comparisons(las: Store) -> None:
    neighbours = [str(a.old_la_code) for a in geography.statistical_neighbours(SUNDERLAND)]
    assert needs.neighbour_keys(CONFIG) == neighbours
    prevalence = views.against_all_pupils(las, CONFIG, Filters(), OFFICERS)
    rows = prevalence.table.set_index("Area")  # type: ignore[union-attr]
    average = rows.loc[benchmark.NEIGHBOURS_AVERAGE]
    figures = designed_figures()
    assert average["% EHC plan"] == pytest.approx(sum(ehc_share(key) for key in neighbours) / 10)
    assert average["% with SEND"] == pytest.approx(
        sum(100 * (figures[k].sen_support + figures[k].ehc_plan) / PUPILS for k in neighbours) / 10
    )
    assert pd.isna(average["EHC plan"])  # an average of rates has no count
    assert "the statistical neighbours' average" in prevalence.summary  # type: ignore[union-attr]
    compared = views.compared(las, CONFIG, Filters(), OFFICERS)
    assert compared is not None and benchmark.NEIGHBOURS_AVERAGE in compared.title
    shares = compared.table[compared.table["Area"] == benchmark.NEIGHBOURS_AVERAGE]  # type: ignore[index]
    assert not shares.empty and shares["Pupils"].isna().all()
    asd = shares[(shares["Provision"] == "EHC plan") & (shares["Need"] == "ASD")]["Share"].iloc[0]
    theirs = needs.query_share_comparison(las, "202425", neighbours)
    expected = theirs[(theirs["provision"] == "EHC plan") & (theirs["need"] == "ASD")]["share_pct"].mean()
    assert asd == pytest.approx(expected)
    # The average is drawn as one more area in the chart.
    assert benchmark.NEIGHBOURS_AVERAGE in {trace.name for trace in compared.figure.data}  # type: ignore[union-attr]


def test_without_statistical_neighbours_in_comparators_there_is_no_average(las: Store) -> None:
    plain = Config(comparators=["E92000001", "E12000001"])
    assert needs.neighbour_keys(plain) == [] and needs.comparator_keys(plain) == needs.comparator_keys(CONFIG)
    prevalence = views.against_all_pupils(las, plain, Filters(), Audience.of(OFFICER, plain))
    assert benchmark.NEIGHBOURS_AVERAGE not in set(prevalence.table["Area"])  # type: ignore[union-attr]
    compared = views.compared(las, plain, Filters(), Audience.of(OFFICER, plain))
    assert benchmark.NEIGHBOURS_AVERAGE not in set(compared.table["Area"])  # type: ignore[union-attr]
    standing = views.standing(las, plain, Filters(), Audience.of(OFFICER, plain))
    assert not any(benchmark.NEIGHBOURS_AVERAGE in str(t.name) for t in standing.figure.data)  # type: ignore[union-attr]


def test_the_neighbours_average_leaves_out_what_the_forum_may_not_see(las: Store) -> None:
    """A neighbour's need table with hidden cells: the average is over the neighbours whose cell is shown."""
    theirs = pd.DataFrame(
        {
            "area_key": ["A", "A", "B", "B", "C"],
            "area_name": ["A", "A", "B", "B", "C"],
            "primary_need": ["ASD", "MSI", "ASD", "MSI", "ASD"],
            "need": ["ASD", "MSI", "ASD", "MSI", "ASD"],
            "need_name": ["Autistic", "Multi-sensory", "Autistic", "Multi-sensory", "Autistic"],
            "provision": ["EHC plan"] * 5,
            "pupils": [90, 10, 97, 3, 50],
            "share_pct": [90.0, 10.0, 97.0, 3.0, 100.0],
        }
    )
    shown = theirs[~((theirs["area_key"] == "B") & (theirs["primary_need"] == "MSI"))]  # B's 3 is hidden
    average = needs.average_shares(theirs, shown).set_index("primary_need")["share_pct"]
    # MSI: A's 10% and C's true 0% (C has no such pupil); B's hidden share is left out, not counted as 0.
    assert average["MSI"] == pytest.approx(5.0)
    assert average["ASD"] == pytest.approx((90 + 97 + 100) / 3)


def test_comparators_may_name_statistical_neighbours_and_nothing_unknown(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("comparators: [E92000001, statistical_neighbours, '370']\n")
    assert load_config(path).comparators == ["E92000001", "statistical_neighbours", "370"]
    assert "statistical_neighbours" in Config().comparators  # on by default
    for wrong in ("statistical neighbours", "E99999999"):
        path.write_text(f"comparators: ['{wrong}']\n")
        with pytest.raises(ConfigError, match=f"comparators: '{wrong}' is neither an area code"):
            load_config(path)


def test_the_neighbours_are_neither_a_comparator_key_nor_queried_as_an_area(las: Store) -> None:
    assert needs.NEIGHBOURS_KEY not in needs.comparator_keys(CONFIG)
    census = views.public_census(las, CONFIG, Filters(), OFFICERS)
    assert census is not None and REDCAR in census.neighbour_keys and needs.NEIGHBOURS_KEY not in census.area_keys


def test_the_page_keeps_the_region_switch_in_its_address(
    built_all_las: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from sendlib.auth import COMMISSIONER, add_user
    from tests.fixtures import ROLE_ACTORS

    db = copy_store(built_all_las, tmp_path / "app.duckdb")
    opened = Store.open(db)
    add_user(opened, ROLE_ACTORS[COMMISSIONER].name, COMMISSIONER, "a test password", by=TEST_OFFICER)
    opened.close()
    monkeypatch.setenv("SENDLIB_DB", str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["actor"] = ROLE_ACTORS[COMMISSIONER]
    at.query_params["benchmark_scope"] = benchmark.REGION_ONLY  # a link to the region-only ranking
    at.run().switch_page("pages/primary_needs.py").run()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert "Among the North East region's local authorities" in headings
    switch = at.radio(key="benchmark_scope")
    assert switch.value == benchmark.REGION_ONLY
    said = " ".join(m.value for m in at.markdown)
    assert "of 12 local authorities in the North East region" in said
    switch.set_value("england").run()
    assert "Among all local authorities" in [h.value for h in at.subheader]
    assert at.query_params["benchmark_scope"] in (["england"], "england")
    assert "joint 12th highest of 152 local authorities in England" in " ".join(m.value for m in at.markdown)
