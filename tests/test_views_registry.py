"""One small-numbers rule over every registered view (issue 18, deliver 2): for the forum, no view shows a count
from 1 to the threshold, or anything worked out from one, in its chart data, table (and so its CSV and Excel
downloads), summary, sentences, notes or tiles.

Parametrised over ``sendlib.views.all_views()``, so a new view is covered without a new test, and it needs no
knowledge of any view: two stores ("worlds") differ only in counts the forum must not see, with every row and
column total equal (need X on SEN support and with an EHC plan is (4, 3) in one world and (3, 4) in the other,
need Y the other way round). Whatever a forum view shows must be the same in both worlds: a hidden count, or a
share, rate, total, ranking or sentence worked from one, shows up as a difference. The same for engagement
(people heard from, by need). Then a direct check: no count the forum's tables and tiles show lies in
1..threshold, on the demo data and on the attacker test's adversarial stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sendlib import engagement
from sendlib.auth import FORUM
from sendlib.config import Config
from sendlib.demo import DEMO_DIR, load_demo
from sendlib.engagement import CYP, Activity
from sendlib.export import table_to_csv
from sendlib.ingest import load_census
from sendlib.store import Store
from sendlib.views import Audience, Filters, Metric, View, ViewSpec, all_views, view_spec, views_for
from tests.conftest import TEST_OFFICER

AS_OF = date(2026, 11, 23)
CONFIG = Config()
FORUM_AUDIENCE = Audience.of(FORUM, CONFIG)
THRESHOLD = CONFIG.suppression.threshold
SPECS = all_views()
HEADER = "period,area_code,area_name,provision,primary_need,pupils\n"
# A census newer than the demo's (so it is the latest, and with the demo's a trend): large counts, and two needs
# whose small counts swap between the worlds with every total kept.
LATER = {
    "SEN support": {"SLCN": 1400, "MLD": 1300, "SEMH": 1250, "ASD": 900, "PD": 60},
    "EHC plan": {"ASD": 560, "SLD": 190, "SEMH": 170, "SLCN": 120, "PD": 40},
}
SWAPPED = {
    "A": {("SEN support", "SpLD"): 4, ("EHC plan", "SpLD"): 3, ("SEN support", "VI"): 3, ("EHC plan", "VI"): 4},
    "B": {("SEN support", "SpLD"): 3, ("EHC plan", "SpLD"): 4, ("SEN support", "VI"): 4, ("EHC plan", "VI"): 3},
}
ENGLAND_LATER = {
    "SEN support": {"SLCN": 260000, "MLD": 230000, "SEMH": 220000, "ASD": 130000, "SpLD": 150000},
    "EHC plan": {"ASD": 110000, "SEMH": 50000, "SLD": 30000, "SLCN": 40000, "SpLD": 10000},
}
# People heard from by need in one activity of 1,000 children (as tests/test_small_numbers_attacker.py): MSI and
# VI are small and swap between the two engagement worlds; the total stays 1,000.
HEARD = {"ASD": 400, "SEMH": 250, "SLCN": 150, "MLD": 119, "SPLD": 40, "SLD": 20, "OTH": 10, "PD": 6}
HEARD_SWAPPED = {"A": {"MSI": 1, "VI": 4}, "B": {"MSI": 4, "VI": 1}}


def later_census(world: str) -> str:
    lines = [
        f"202021,E08000024,Sunderland,{provision},{need},{pupils}"
        for provision, counts in LATER.items()
        for need, pupils in counts.items()
    ]
    lines += [
        f"202021,E08000024,Sunderland,{provision},{need},{pupils}"
        for (provision, need), pupils in SWAPPED[world].items()
    ]
    lines += ["202021,E08000024,Sunderland,No SEN,Total,36000", "202021,E92000001,England,No SEN,Total,7800000"]
    lines += [
        f"202021,E92000001,England,{provision},{need},{pupils}"
        for provision, counts in ENGLAND_LATER.items()
        for need, pupils in counts.items()
    ]
    return HEADER + "\n".join(lines) + "\n"


def load_demo_census(store: Store) -> None:
    for path in sorted(DEMO_DIR.glob("*.csv")):
        load_census(store, path, config=CONFIG, actor=TEST_OFFICER)


def record_activity(store: Store, needs: dict[str, int]) -> None:
    counts = engagement.counts_for(
        CYP, 1000, {"provision": {"EHC plan": 600, "SEN support": 400}, "primary need": needs}
    )
    activity = Activity(
        reference="ADV-1",
        activity_date=date(2025, 11, 5),
        title="One big survey",
        level="meso",
        audience=CYP,
        method="survey",
        hart_rung=5,
        feedback_given=True,
        counts=counts,
    )
    engagement.record_activity(store, TEST_OFFICER, activity)


def census_world(folder: Path, world: str) -> Store:
    store = Store.open(folder / f"census-{world}.duckdb")
    load_demo_census(store)
    (folder / world).mkdir(exist_ok=True)
    path = folder / world / "later.csv"  # one name in both worlds: the source line names the file
    path.write_text(later_census(world))
    load_census(store, path, config=CONFIG, actor=TEST_OFFICER)
    return store


def engagement_world(folder: Path, world: str) -> Store:
    store = Store.open(folder / f"engagement-{world}.duckdb")
    load_demo_census(store)
    record_activity(store, {**HEARD, **HEARD_SWAPPED[world]})
    return store


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Store, Store]]]:
    """Pairs of stores that differ only in counts the forum must not see."""
    folder = tmp_path_factory.mktemp("worlds")
    made = {
        "census": (census_world(folder, "A"), census_world(folder, "B")),
        "engagement": (engagement_world(folder, "A"), engagement_world(folder, "B")),
    }
    yield made
    for pair in made.values():
        for store in pair:
            store.close()


def adversarial_stores(folder: Path) -> Iterator[tuple[str, Store]]:
    """The demo data, and the adversarial stores of tests/test_small_numbers_attacker.py, one at a time."""
    stores: list[tuple[str, Callable[[Store], None]]] = [
        ("demo", lambda store: load_demo(store, CONFIG)),
        (
            "one activity of a thousand children",
            lambda store: (load_demo_census(store), record_activity(store, {**HEARD, "MSI": 1, "VI": 4})),
        ),
        (
            "an earlier hidden total",
            lambda store: _with_file(
                store,
                folder,
                "201819,E08000024,Sunderland,SEN support,ASD,4\n201819,E08000024,Sunderland,EHC plan,ASD,2\n",
            ),
        ),
        (
            "a published symbol",
            lambda store: _with_file(
                store,
                folder,
                "201819,E08000024,Sunderland,SEN support,ASD,800\n"
                "201819,E08000024,Sunderland,EHC plan,ASD,c\n"
                "201819,E08000024,Sunderland,EHC plan,SLCN,90\n",
            ),
        ),
        (
            "EHC plan counts all small",
            lambda store: _with_file(
                store,
                folder,
                "202021,E08000024,Sunderland,SEN support,ASD,100\n"
                "202021,E08000024,Sunderland,SEN support,SLCN,80\n"
                "202021,E08000024,Sunderland,EHC plan,ASD,3\n"
                "202021,E08000024,Sunderland,EHC plan,SLCN,2\n"
                "202021,E08000024,Sunderland,EHC plan,MLD,1\n",
            ),
        ),
    ]
    for number, (name, fill) in enumerate(stores):
        store = Store.open(folder / f"adversarial-{number}.duckdb")
        try:
            fill(store)
            yield name, store
        finally:
            store.close()


def _with_file(store: Store, folder: Path, rows: str) -> None:
    load_demo_census(store)
    path = folder / f"extra-{abs(hash(rows))}.csv"
    path.write_text(HEADER + rows)
    load_census(store, path, config=CONFIG, actor=TEST_OFFICER)


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
@pytest.mark.parametrize("kind", ["census", "engagement"])
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
