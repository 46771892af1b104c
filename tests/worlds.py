"""Stores built to try the small-numbers rules: the census and engagement "worlds" that differ only in counts the
forum must not see (every total kept), and the adversarial stores of tests/test_small_numbers_attacker.py (the demo,
one activity of a thousand children, an earlier hidden total, a published symbol, EHC plan counts all small).
Shared by tests/test_views_registry.py (every view) and tests/test_publish_small_numbers.py (the published site)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from sendlib import engagement
from sendlib.config import Config
from sendlib.demo import DEMO_DIR, load_demo
from sendlib.engagement import CYP, Activity
from sendlib.ingest import load_census
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

CONFIG = Config()
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
