"""The three ways a census file is staged store exactly the same rows and say the same things.

A clean file is written straight into the census (``_stage_direct``); a clean file that gives a figure more
than once (a synonym, parts of one code, an area under its other code) is grouped by cell first
(``_stage_fast``); a file with any problem is staged the full way, which names each problem by line. All three
must give the same census for a clean file, or a person's figures would depend on how the file was read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synth import write_census
from sendlib.ingest import census as census_module
from sendlib.ingest import load_census, preview_census
from sendlib.store import Store
from tests.conftest import TEST_OFFICER
from tests.fixtures import WAYS, _take_way

ROOT = Path(__file__).resolve().parent.parent
T = "period,provision,primary_need,pupils\n"
HAND_WRITTEN = {
    # Parts of one code add up (School Action + School Action Plus); a repeated, agreeing row counts once.
    "parts-and-repeats": T + "200910,School Action,ASD,100\n200910,School Action Plus,ASD,100\n"
                         "200910,School Action Plus,ASD,100\n200910,Statement,ASD,50\n200910,EHC plan,Missing,7\n",
    # An all-pupils total and no 'No SEN' row: No SEN is derived; a total that disagrees is a warning.
    "derived-no-sen": T + "202425,All pupils,Total,1000\n202425,SEN support,ASD,80\n202425,EHC plan,ASD,20\n"
                      "202425,SEN support,Total,81\n202425,EHC plan,SLCN,c\n",
    # One area under two names (different figures): every way names it the same in warnings and preview.
    "one-area-two-names": "period,provision,primary_need,pupils,area_code,area_name\n"
                          "202425,SEN support,ASD,10,E08000024,Sunderland\n202425,EHC plan,ASD,4,E08000024,City of Sunderland\n"
                          "202425,SEN support,Total,11,E08000024,City of Sunderland\n",
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


def test_direct_grouped_and_full_loads_store_the_same(tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch) -> None:
    stores = {way: Store.open(str(tmp_path / f"{way}.duckdb")) for way in WAYS}
    files = _files(tmp_path)
    direct_outcomes: list = []
    for path in files:
        results = {}
        for way in WAYS:
            outcomes = _take_way(monkeypatch, way, direct_outcomes if way == "direct" else None)
            preview = preview_census(stores[way], path, config=config)
            report = load_census(stores[way], path, config=config, actor=TEST_OFFICER)
            results[way] = (_stored(stores[way]), report.rows_read, report.rows_stored, report.warnings,
                            report.periods, report.areas, report.totals, preview.changes, preview.warnings)
            assert outcomes, path.name
        for way in WAYS[1:]:
            direct, other = results["direct"], results[way]
            assert direct[:6] == other[:6], (path.name, way)
            assert direct[6].equals(other[6]) and direct[7].equals(other[7]), (path.name, way)
            assert direct[8] == other[8], (path.name, way)
    # Each file twice (preview and load): every clean file is written directly but the one repeating a figure.
    repeated = [p.name for p, outcome in zip([f for f in files for _ in (0, 1)], direct_outcomes)
                if outcome == census_module.REPEATED_CELLS]
    assert repeated == ["parts-and-repeats.csv"] * 2
    assert all(isinstance(outcome, int) or outcome == census_module.REPEATED_CELLS for outcome in direct_outcomes)
    assert any("derived" in str(p) for p in files) and _stored(stores["direct"])
    for store in stores.values():
        store.close()


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
    outcomes = _take_way(monkeypatch, "direct")
    with pytest.raises(census_module.IngestRejected):
        load_census(store, write_csv("bad.csv", BAD[name]), config=config, actor=TEST_OFFICER)
    # Two counts for one figure is only known once cells are grouped; every other problem the direct path sees.
    assert outcomes == [census_module.REPEATED_CELLS if name == "two counts for one figure" else None]
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_a_rejected_file_uses_no_load_id(store: Store, config, write_csv) -> None:
    totals_only = write_csv("totals.csv", T + "202425,SEN support,Total,100\n")
    with pytest.raises(census_module.IngestRejected, match="holds only totals"):
        load_census(store, totals_only, config=config, actor=TEST_OFFICER)
    load_census(store, write_csv("good.csv", T + "202425,SEN support,ASD,10\n"), config=config, actor=TEST_OFFICER)
    ids = [row[0] for row in store.query_rows("SELECT load_id FROM loads ORDER BY load_id")]
    assert ids == [1, 2]  # the rejection's log entry and the load: no id spent on the rejected attempt itself


def _tiny_sample(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sample a file as if it were large, from two windows (head and end) of 100 bytes; returns, for each
    attempt of the direct write, where its labels came from."""
    monkeypatch.setattr(census_module, "SAMPLE_FROM_BYTES", 1)
    monkeypatch.setattr(census_module, "SAMPLE_WINDOWS", 2)
    monkeypatch.setattr(census_module, "SAMPLE_WINDOW_BYTES", 100)
    attempts: list[str] = []
    real = census_module._write_direct

    def attempt(*args, **kwargs):
        labels_from = args[7]
        attempts.append("sample" if labels_from == "sample_rows" else "every row")
        return real(*args, **kwargs)

    monkeypatch.setattr(census_module, "_write_direct", attempt)
    return attempts


def test_a_label_the_sample_missed_is_looked_up_from_every_row(store: Store, config, write_csv,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = _tiny_sample(monkeypatch)
    text = T + "\n".join([f"202425,SEN support,{n},{i + 10}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]
                         + ["202425,SEN support,Physical disability,7", "202324,EHC plan,Hearing impairment,3"]
                         + [f"202425,EHC plan,{n},{i + 1}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]) + "\n"
    path = write_csv("middle.csv", text)
    assert len(text.encode()) > 300  # the two windows leave the middle rows out of the sample
    report = load_census(store, path, config=config, actor=TEST_OFFICER)
    assert attempts == ["sample", "every row"]
    assert report.rows_stored == 10 and report.periods == ["202324", "202425"]
    assert store.query_rows("SELECT period, provision, primary_need, pupils FROM census WHERE primary_need IN "
                            "('PD', 'HI') ORDER BY 1") == [("202324", "EHC plan", "HI", 3),
                                                           ("202425", "SEN support", "PD", 7)]


@pytest.mark.parametrize(("middle", "message"), [
    ("202425,SEN support,Autsim,10", "'Autsim' is not a primary need we recognise"),
    ("202425,SEN support,PD,ten", "Line 6, column 'pupils': 'ten' is not a number"),
])
def test_a_problem_the_sample_missed_is_still_found_by_line(middle: str, message: str, store: Store, config,
                                                             write_csv, monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny_sample(monkeypatch)
    text = T + "\n".join([f"202425,SEN support,{n},{i + 10}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]
                         + [middle] + [f"202425,EHC plan,{n},{i + 1}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]) + "\n"
    with pytest.raises(census_module.IngestRejected, match=message):
        load_census(store, write_csv("middle.csv", text), config=config, actor=TEST_OFFICER)
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_a_census_date_the_sample_missed_is_still_a_mixed_file(store: Store, config, write_csv,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny_sample(monkeypatch)
    head = ("time_period,time_identifier,geographic_level,country_code,country_name,sen_provision,sen_primary_need,"
            "pupil_count\n")
    rows = [f"202425,Academic year,National,E92000001,England,SEN support,{n},{i + 10}"
            for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH", "PD", "HI"))]
    rows.insert(3, "202425,January,National,E92000001,England,EHC plan,ASD,5")
    with pytest.raises(census_module.IngestRejected, match="mixes census dates"):
        load_census(store, write_csv("dates.csv", head + "\n".join(rows) + "\n"), config=config, actor=TEST_OFFICER)


def test_a_lone_carriage_return_in_the_sample_is_read_by_duckdb_alone(store: Store, config, write_csv,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny_sample(monkeypatch)
    monkeypatch.setattr(census_module, "SAMPLE_WINDOW_BYTES", 40)
    text = T + "202425,SEN support,ASD,10\r202425,EHC plan,ASD,5\n202425,EHC plan,SLCN,5\n"
    with pytest.raises(census_module.IngestRejected):  # a plain rejection, not a crash in the sample's reader
        load_census(store, write_csv("cr.csv", text), config=config, actor=TEST_OFFICER)


def test_a_value_over_pythons_csv_limit_does_not_stop_the_line_by_line_check(store: Store, config, write_csv) -> None:
    note = "z" * 140_000  # Python's csv reader refuses values over 131,072 characters; DuckDB reads 1 MB lines
    path = write_csv("long.csv", "period,provision,primary_need,pupils,note\n202425,SEN support,ASD,ten," + note + "\n")
    with pytest.raises(census_module.IngestRejected, match="Line 2, column 'pupils': 'ten' is not a number"):
        load_census(store, path, config=config, actor=TEST_OFFICER)
