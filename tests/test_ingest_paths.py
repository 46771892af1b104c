"""The one-pass load and the full, line-by-line load store exactly the same rows and say the same things.

A file with no problems is checked and grouped in one pass over it (``_stage_fast``); a file with any problem
is staged again the full way, which names each problem by line. Both must give the same census for a clean
file, or a person's figures would depend on whether the file had a typo elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import write_census
from sendlib.ingest import census as census_module
from sendlib.ingest import load_census, preview_census
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

ROOT = Path(__file__).resolve().parent.parent
T = "period,provision,primary_need,pupils\n"
HAND_WRITTEN = {
    # Parts of one code add up (School Action + School Action Plus); a repeated, agreeing row counts once.
    "parts-and-repeats": T + "200910,School Action,ASD,100\n200910,School Action Plus,ASD,100\n"
                         "200910,School Action Plus,ASD,100\n200910,Statement,ASD,50\n200910,EHC plan,Missing,7\n",
    # An all-pupils total and no 'No SEN' row: No SEN is derived; a total that disagrees is a warning.
    "derived-no-sen": T + "202425,All pupils,Total,1000\n202425,SEN support,ASD,80\n202425,EHC plan,ASD,20\n"
                      "202425,SEN support,Total,81\n202425,EHC plan,SLCN,c\n",
}


def _files(tmp_path: Path) -> list[Path]:
    files = [ROOT / "data" / "demo" / "england-2019-20.csv", ROOT / "data" / "demo" / "sunderland-2019-20.csv",
             ROOT / "data" / "templates" / "census-example.csv"]
    files += sorted(p for p in (ROOT / "tests" / "fixtures" / "census").glob("*.csv") if "pupil" not in p.name)
    for name, text in HAND_WRITTEN.items():
        files.append(tmp_path / f"{name}.csv")
        files[-1].write_text(text, encoding="utf-8")
    synthetic = tmp_path / "synthetic.csv"
    write_census(synthetic, 3_000)
    return files + [synthetic]


def _stored(store: Store) -> list[tuple]:
    return store.query_rows("SELECT * EXCLUDE (load_id) FROM census ORDER BY ALL")


def _watch_one_pass(monkeypatch: pytest.MonkeyPatch, taken: list[bool] | None = None,
                    one_pass=None) -> list[bool]:
    """Record, for each census staged from now on, whether the one-pass path took it (True) or declined."""
    taken = [] if taken is None else taken
    one_pass = one_pass or census_module._stage_fast

    def watched(*args, **kwargs):
        rows = one_pass(*args, **kwargs)
        taken.append(rows is not None)
        return rows

    monkeypatch.setattr(census_module, "_stage_fast", watched)
    return taken


def test_one_pass_and_full_load_store_the_same(tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, full = Store.open(str(tmp_path / "fast.duckdb")), Store.open(str(tmp_path / "full.duckdb"))
    files = _files(tmp_path)
    one_pass = census_module._stage_fast
    taken: list[bool] = []
    for path in files:
        taken = _watch_one_pass(monkeypatch, taken, one_pass)
        fast_preview = preview_census(fast, path, config=config)
        fast_report = load_census(fast, path, config=config, actor=TEST_OFFICER)
        monkeypatch.setattr(census_module, "_stage_fast", lambda *args, **kwargs: None)
        full_preview = preview_census(full, path, config=config)
        full_report = load_census(full, path, config=config, actor=TEST_OFFICER)
        assert _stored(fast) == _stored(full), path.name
        assert (fast_report.rows_read, fast_report.rows_stored, fast_report.warnings, fast_report.periods,
                fast_report.areas) == (full_report.rows_read, full_report.rows_stored, full_report.warnings,
                                       full_report.periods, full_report.areas), path.name
        assert fast_report.totals.equals(full_report.totals), path.name
        assert fast_preview.changes.equals(full_preview.changes), path.name
    # Every one of these files is clean, so every one took the one pass (twice: preview and load).
    assert taken == [True] * (2 * len(files))
    assert any("derived" in str(p) for p in files) and _stored(fast)
    fast.close()
    full.close()


def test_a_file_with_a_problem_is_described_by_line_after_the_one_pass(store: Store, config, write_csv) -> None:
    # Line 3's count is not a number: the one pass only learns that something is wrong; the full stage says where.
    path = write_csv("bad.csv", T + "202425,SEN support,ASD,10\n202425,EHC plan,ASD,ten\n")
    with pytest.raises(census_module.IngestRejected, match="Line 3, column 'pupils': 'ten' is not a number"):
        load_census(store, path, config=config, actor=TEST_OFFICER)
    assert store.query_value("SELECT count(*) FROM census") == 0


BAD = {
    "count not a number": T + "202425,SEN support,ASD,10\n202425,EHC plan,ASD,ten\n",
    "unknown need": T + "202425,SEN support,Autsim,10\n",
    "bad period": T + "2024-2026,SEN support,ASD,10\n",
    "two counts for one figure": T + "202425,SEN support,ASD,10\n202425,SEN support,ASD,11\n",
    "too few values": T + "202425,SEN support,ASD\n",
    "mixed census dates": "time_period,time_identifier,geographic_level,country_code,country_name,sen_provision,"
                          "sen_primary_need,pupil_count\n202425,Academic year,National,E92000001,England,SEN support,"
                          "ASD,10\n202425,January,National,E92000001,England,EHC plan,ASD,5\n",
}


@pytest.mark.parametrize("name", list(BAD))
def test_any_problem_sends_the_file_the_full_way(name: str, store: Store, config, write_csv,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    taken = _watch_one_pass(monkeypatch)
    with pytest.raises(census_module.IngestRejected):
        load_census(store, write_csv("bad.csv", BAD[name]), config=config, actor=TEST_OFFICER)
    assert taken == [False]
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_a_rejected_file_uses_no_load_id(store: Store, config, write_csv) -> None:
    totals_only = write_csv("totals.csv", T + "202425,SEN support,Total,100\n")
    with pytest.raises(census_module.IngestRejected, match="holds only totals"):
        load_census(store, totals_only, config=config, actor=TEST_OFFICER)
    load_census(store, write_csv("good.csv", T + "202425,SEN support,ASD,10\n"), config=config, actor=TEST_OFFICER)
    ids = [row[0] for row in store.query_rows("SELECT load_id FROM loads ORDER BY load_id")]
    assert ids == [1, 2]  # the rejection's log entry and the load: no id spent on the rejected attempt itself
