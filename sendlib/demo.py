"""The shipped demo data (data/demo/*.csv), loaded through the same path as any officer's upload."""

from __future__ import annotations

from pathlib import Path

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
    """Load every demo census file (already-loaded files are skipped by the load path itself)."""
    return [load_census(store, path, config=config, actor=DEMO_ACTOR) for path in demo_census_files()]
