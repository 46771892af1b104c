"""DfE's shipped EHC plan release (SEN2 2025) with figures changed, for the small-numbers tests' two worlds.

The session's stores get the release through the officers' load path (``sendlib.ingest.load_ehcp``, in
tests/conftest.py). Two worlds that differ in a few published figures need the release edited: ``read_release``
gives each file's rows for all children and young people (the rows the EHC plans views read: 'All EHC plans',
'New EHC plans' …) to edit, and ``fill_release`` writes them into the ``ehcp`` table as the loader lays them out
(one row per published row and measure column; the figure, else DfE's symbol) under one load in the load log,
in a second instead of a full load's ten. tests/test_ehcp_views.py checks it stores exactly what the loader does.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from sendlib.ehcp import ALL_ROWS
from sendlib.ingest.sen2 import ID_COLUMNS
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT

RELEASE = PROJECT_ROOT / "data" / "reference" / "sen2" / "education-health-and-care-plans_2025.zip"
IDENTIFIERS = list(ID_COLUMNS)  # DfE's identifying columns: the oracle below melts every other one
LOADED_AT = datetime(2026, 11, 2, 9, 30)


def release_rows(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """A published file's rows (``frame``, every column text) as the ``ehcp`` table's tidy rows, without load_id."""
    long = frame.melt(id_vars=IDENTIFIERS, var_name="measure", value_name="published")
    local = long["geographic_level"] == "Local authority"
    regional = long["geographic_level"] == "Regional"
    code = long["new_la_code"].where(local, long["region_code"].where(regional, long["country_code"]))
    name = long["la_name"].where(local, long["region_name"].where(regional, long["country_name"]))
    old = long["old_la_code"].where(local & long["old_la_code"].ne(""), None)
    value = pd.to_numeric(long["published"], errors="coerce")
    return pd.DataFrame(
        {
            "dataset": dataset,
            "period": long["time_period"],
            "period_kind": long["time_identifier"].map(
                lambda t: "academic" if t.startswith("Academic") else "calendar"
            ),
            "geographic_level": long["geographic_level"],
            "area_code": code,
            "old_la_code": old,
            "area_name": name,
            "area_key": old.where(old.notna(), code),
            "region_code": long["region_code"].where(long["geographic_level"] != "National", None),
            "breakdown_topic": long["breakdown_topic"],
            "breakdown": long["breakdown"],
            "measure": long["measure"].str.lower(),
            "value": value,
            "symbol": long["published"].where(value.isna(), None),
        }
    )


def read_release(path: Path = RELEASE, datasets: tuple[str, ...] = tuple(ALL_ROWS)) -> dict[str, pd.DataFrame]:
    """Each dataset's published rows for all children and young people, every column as text."""
    frames = {}
    with zipfile.ZipFile(path) as release:
        for dataset in datasets:
            text = release.read(f"data/{dataset}.csv").decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            frames[dataset] = frame[frame["breakdown"] == ALL_ROWS[dataset]]
    return frames


def fill_release(store: Store, frames: dict[str, pd.DataFrame] | None = None, *, file_name: str = RELEASE.name) -> int:
    """Write ``frames`` (the shipped release's, by default) into ``store`` under one new load; returns its id."""
    frames = read_release() if frames is None else frames
    rows = pd.concat([release_rows(frame, dataset) for dataset, frame in frames.items()], ignore_index=True)
    with store.transaction() as tx:
        load_id = int(tx.fetch_value("SELECT nextval('load_id_seq')"))
        tx.execute(
            "INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, outcome, "
            "rows_read, rows_stored) VALUES (?, 'ehcp', ?, 'test officer', ?, 0, ?, 'loaded', ?, ?)",
            [load_id, LOADED_AT, file_name, f"test-{load_id}", sum(map(len, frames.values())), len(rows)],
        )
        tx.insert_frame("ehcp", rows.assign(load_id=load_id))
    return load_id
