"""The shipped demo data (data/demo/*.csv), loaded through the same path as any officer's upload."""

from __future__ import annotations

from pathlib import Path

import yaml

from sendlib import stakeholders
from sendlib.auth import OFFICER, Actor
from sendlib.config import PROJECT_ROOT, Config
from sendlib.ingest import LoadReport, load_census
from sendlib.store import Store

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DEMO_ACTOR = Actor("demo data", OFFICER)


def demo_census_files() -> list[Path]:
    """The demo census files, in load order."""
    return sorted(DEMO_DIR.glob("*.csv"))


def store_is_empty(store: Store) -> bool:
    """True when nothing has ever been loaded into the store."""
    return not store.query_value("SELECT count(*) FROM loads WHERE outcome = 'loaded'")


def load_demo(store: Store, config: Config) -> list[LoadReport]:
    """Load every demo census file (already-loaded files are skipped by the load path itself), and the
    demo stakeholder grid when there is none yet."""
    reports = [load_census(store, path, config=config, actor=DEMO_ACTOR) for path in demo_census_files()]
    load_demo_stakeholders(store)
    return reports


def load_demo_stakeholders(store: Store, path: Path = DEMO_DIR / "stakeholders.yaml") -> int:
    """Record the demo stakeholder groups, assessments and targets through the officers' functions.

    Does nothing when any group exists already; returns the number of groups added.
    """
    if store.query_value("SELECT count(*) FROM stakeholder_groups"):
        return 0
    demo = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in demo["groups"]:
        group_id = stakeholders.add_group(store, DEMO_ACTOR, name=group["name"], description=group["description"],
                                          kind=group["kind"], engagement=group["engagement"],
                                          short_name=group["short_name"])
        for assessed_on, influence, importance, note in group["assessments"]:
            stakeholders.record_assessment(store, DEMO_ACTOR, group_id=group_id, assessed_on=assessed_on,
                                           influence=influence, importance=importance,
                                           assessed_by=demo["assessed_by"], note=note)
        influence, importance = group["target"]
        stakeholders.set_target(store, DEMO_ACTOR, group_id=group_id, influence=influence, importance=importance,
                                target_date=demo["target_date"], reason=group["reason"], set_on=demo["target_set_on"])
    return len(demo["groups"])
