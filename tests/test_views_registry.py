"""One small-numbers rule over every registered view (issue 18, deliver 2): for the forum, no view shows a count
from 1 to the threshold, or anything worked out from one, in its chart data, table (and so its CSV and Excel
downloads), summary, sentences, notes or tiles.

Parametrised over ``sendlib.views.all_views()``, so a new view is covered without a new test, and it needs no
knowledge of any view: two stores ("worlds") differ only in counts the forum must not see, with every row and
column total equal (need X on SEN support and with an EHC plan is (4, 3) in one world and (3, 4) in the other,
need Y the other way round). Whatever a forum view shows must be the same in both worlds: a hidden count, or a
share, rate, total, ranking or sentence worked from one, shows up as a difference. The same for engagement
(people heard from, by need) and for DfE's EHC plan release (small counts of plans by setting and by need that
swap with their totals kept, a small caseload elsewhere, a share within 20 weeks worked from a small count).
Then a direct check: no count the forum's tables and tiles show lies in 1..threshold, on the demo data (DfE's
EHC plan release included) and the attacker test's adversarial stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sendlib.auth import FORUM
from sendlib.export import table_to_csv
from sendlib.store import Store
from sendlib.views import Audience, Filters, Metric, View, ViewSpec, all_views, view_spec, views_for
from tests.ehcp_release import fill_release, read_release
from tests.worlds import CONFIG, adversarial_stores, census_world, engagement_world, load_demo_census

AS_OF = date(2026, 11, 23)
FORUM_AUDIENCE = Audience.of(FORUM, CONFIG)
THRESHOLD = CONFIG.suppression.threshold
SPECS = all_views()
# DfE's EHC plan release as published, with small figures that differ between the worlds, every total kept (and
# DfE's percentages as they would be published for each): Sunderland's plans in non-maintained early years and
# with no placement recorded (5 and 14 of 3,000 in January 2025, as published), and by need (MSI, not recorded);
# Isles of Scilly's caseload made small (a rank and distribution must not place it); Bury's plans issued within
# 20 weeks in 2024, three (or two) of 296 late (its share may not be shown, nor ranked).
EHCP_SWAPPED: dict[str, list[tuple[str, str, str, dict[str, str]]]] = {
    world: [
        (
            "caseload",
            "202425",
            "394",
            {"nm_early_years": early, "nm_early_years_pc": early_pc, "placement_unknown": unknown},
        ),
        ("sen_needs_all_plans", "202425", "394", {"number_msi": msi, "number_need_unknown": need_unknown}),
        ("caseload", "202425", "420", {"ehcplans": scilly}),
        (
            "timeliness_20_week",
            "2024",
            "351",
            {
                "plans_issued_within_20_weeks": within,
                "plans_issued_20_weeks_ex": within,
                "pc_plans_issued_within_20_weeks": within_pc,
                "PC_plans_issued_20_weeks_ex": within_pc,
            },
        ),
    ]
    for world, early, early_pc, unknown, msi, need_unknown, scilly, within, within_pc in (
        ("A", "5", "0.2", "14", "6", "4", "3", "293", "99"),
        ("B", "4", "0.1", "15", "7", "3", "4", "294", "99.3"),
    )
}


def ehcp_world(folder: Path, world: str, release: dict) -> Store:
    store = Store.open(folder / f"ehcp-{world}.duckdb")
    load_demo_census(store)
    frames = {dataset: frame.copy() for dataset, frame in release.items()}
    for dataset, period, old_code, figures in EHCP_SWAPPED[world]:
        frame = frames[dataset]
        row = (frame["time_period"] == period) & (frame["old_la_code"] == old_code)
        assert row.sum() == 1, (dataset, period, old_code)
        for column, figure in figures.items():
            frame.loc[row, column] = figure
    fill_release(store, frames)
    return store


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Store, Store]]]:
    """Pairs of stores that differ only in counts the forum must not see."""
    folder = tmp_path_factory.mktemp("worlds")
    release = read_release()
    made = {
        "census": (census_world(folder, "A"), census_world(folder, "B")),
        "engagement": (engagement_world(folder, "A"), engagement_world(folder, "B")),
        "ehcp": (ehcp_world(folder, "A", release), ehcp_world(folder, "B", release)),
    }
    yield made
    for pair in made.values():
        for store in pair:
            store.close()


def filters_for(store: Store) -> list[Filters]:
    """Every census period the forum can choose (and the default, the latest)."""
    periods = [row[0] for row in store.query_rows("SELECT DISTINCT period FROM census_current ORDER BY period")]
    return [Filters(as_of=AS_OF), *(Filters(as_of=AS_OF, census_period=period) for period in periods)]


def shown(view: View | None) -> dict[str, object] | None:
    """Everything a view shows, as comparable values: texts, tiles, the chart's JSON, the table as its CSV."""
    if view is None:
        return None
    return {
        "title": view.title,
        "summary": view.summary,
        "source": view.source,
        "sentences": view.sentences,
        "notes": view.notes,
        "suppression_note": view.suppression_note,
        "missing": view.missing,
        "metrics": view.metrics,
        "figure": view.figure.to_json() if view.figure is not None else None,
        "table": table_to_csv(view.table).decode("utf-8-sig") if view.table is not None else None,
    }


def forum_sees(spec: ViewSpec) -> bool:
    return spec.key in {visible.key for visible in views_for(FORUM_AUDIENCE)}


@pytest.mark.parametrize("spec", SPECS, ids=[spec.key for spec in SPECS])
@pytest.mark.parametrize("kind", ["census", "engagement", "ehcp"])
def test_a_forum_view_is_the_same_whatever_the_hidden_counts(worlds, spec: ViewSpec, kind: str) -> None:
    if not forum_sees(spec):
        pytest.skip(f"{spec.key} is not a forum view")
    first, second = worlds[kind]
    for filters in filters_for(first):
        in_a = shown(spec.build(first, CONFIG, filters, FORUM_AUDIENCE))
        in_b = shown(spec.build(second, CONFIG, filters, FORUM_AUDIENCE))
        assert in_a == in_b, f"{spec.key} ({filters}) changes with counts the forum must not see: " + ", ".join(
            part for part in (in_a or {}) if in_b is None or in_a[part] != in_b[part]
        )  # type: ignore[index]


def test_the_ehcp_worlds_tell_a_leak_apart(worlds) -> None:
    """The EHC plan worlds differ where the forum must not look: officers' setting and need tables, and the
    ranking of 20-week timeliness (Bury is in it for officers, with a different share in each world)."""
    first, second = worlds["ehcp"]
    officer = Audience("officer", 0)
    for key in ("ehc_plans.setting", "ehc_plans.need", "ehc_plans.timeliness_ranking", "ehc_plans.caseload_ranking"):
        build = view_spec(key).build
        in_a, in_b = (shown(build(store, CONFIG, Filters(as_of=AS_OF), officer)) for store in (first, second))
        assert in_a is not None and in_b is not None and in_a["table"] != in_b["table"], key


def test_the_two_worlds_tell_a_leak_apart(worlds) -> None:
    """The harness itself: the need chart as officers see it (nothing hidden) differs between the worlds, in its
    chart, its table and its summary; and the worlds do differ in what they hold, not only in load details."""
    first, second = worlds["census"]
    build = view_spec("primary_needs.need").build
    officer = Audience("officer", 0)
    in_a, in_b = (shown(build(store, CONFIG, Filters(as_of=AS_OF), officer)) for store in (first, second))
    assert in_a is not None and in_b is not None
    assert in_a["figure"] != in_b["figure"] and in_a["table"] != in_b["table"]
    forum_a = shown(build(first, CONFIG, Filters(as_of=AS_OF), FORUM_AUDIENCE))
    assert forum_a is not None and "c" in str(forum_a["table"]).split(",")  # the swapped cells are hidden


def test_every_forum_view_shows_something_in_the_worlds(worlds) -> None:
    """The comparison above is not vacuous: each forum view built in some world shows something."""
    empty = [
        spec.key
        for spec in views_for(FORUM_AUDIENCE)
        if all(
            spec.build(store, CONFIG, Filters(as_of=AS_OF), FORUM_AUDIENCE) is None
            for pair in worlds.values()
            for store in pair
        )
    ]
    assert not empty, f"views with nothing to show in any world (the test cannot see them leak): {empty}"


# Whole-number columns that are not a count of children but a difference of figures the row shows (the people
# to reach the overall rate: the group's cohort × the overall rate − those heard from, both shown): a small
# difference of two shown figures gives nothing away. The attacker test models it exactly (gap_expr).
DIFFERENCES_OF_SHOWN = {"More people to reach the overall rate"}


def small_counts(view: View) -> list[str]:
    """Counts from 1 to the threshold shown in the view's table (whole-number cells outside percentage columns)
    and tiles (whole numbers)."""
    found = []
    if view.table is not None:
        for column in view.table.columns:
            if (
                column in view.percent_columns
                or str(column).endswith("%")
                or column == "Share"
                or column in DIFFERENCES_OF_SHOWN
            ):
                continue
            for value in view.table[column]:
                # Whole numbers only: a share or a score (a float) is not a count, a "c" is text.
                if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 1 <= value <= THRESHOLD:
                    found.append(f"{view.key}: table {column} = {value}")
    for metric in view.metrics:
        digits = metric.value.replace(",", "")
        if digits.isdigit() and 1 <= int(digits) <= THRESHOLD:
            found.append(f"{view.key}: tile {metric.label} = {metric.value}")
    return found


def test_no_forum_view_shows_a_small_count(tmp_path: Path) -> None:
    found: list[str] = []
    built = 0
    for name, store in adversarial_stores(tmp_path):
        for spec in views_for(FORUM_AUDIENCE):
            for filters in filters_for(store):
                view = spec.build(store, CONFIG, filters, FORUM_AUDIENCE)
                if view is not None:
                    built += 1
                    found += [f"{name}, {filters.census_period or 'latest'}: {line}" for line in small_counts(view)]
    assert built and not found, "\n".join(found)


def test_the_small_count_check_would_catch_one() -> None:
    view = View(
        "x",
        "x",
        "x.",
        "s",
        table=pd.DataFrame({"Need": ["MSI", "VI"], "Pupils": [3, 60], "Share %": [2.0, 3.0]}),
        metrics=(Metric("EHC plans", "4"), Metric("Share", "3.0%")),
    )
    assert small_counts(view) == ["x: table Pupils = 3", "x: tile EHC plans = 4"]
