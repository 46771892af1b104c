"""A census file takes one path: stage → check → write, and an explain pass only when the file is refused.

Every row is written straight into the census; a figure the file gives more than once (parts of one code, an
agreeing repeat, an area under its other code) is added up into one row by the same rules; and a file with any
problem is described line by line by the explain pass, which runs for refused files alone. A file whose every row
is given twice must store exactly what the file itself stores, or a person's figures would depend on how often a
row was repeated.
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
    # One area under two names (different figures): named the same in warnings and preview.
    "one-area-two-names": "period,provision,primary_need,pupils,area_code,area_name\n"
    "202425,SEN support,ASD,10,E08000024,Sunderland\n202425,EHC plan,ASD,4,E08000024,City of Sunderland\n"
    "202425,SEN support,Total,11,E08000024,City of Sunderland\n",
    # One part suppressed makes its code's figure the symbol.
    "suppressed-part": T + "200910,School Action,ASD,c\n200910,School Action Plus,ASD,100\n200910,Statement,ASD,50\n",
}


def _files(tmp_path: Path) -> list[Path]:
    files = [
        ROOT / "data" / "demo" / "england-2019-20.csv",
        ROOT / "data" / "demo" / "sunderland-2019-20.csv",
        ROOT / "data" / "templates" / "census-example.csv",
    ]
    files += sorted(p for p in (ROOT / "tests" / "fixtures" / "census").glob("*.csv") if "pupil" not in p.name)
    for name, text in HAND_WRITTEN.items():
        files.append(tmp_path / f"{name}.csv")
        files[-1].write_text(text, encoding="utf-8")
    synthetic = tmp_path / "synthetic.csv"
    write_census(synthetic, 3_000)
    return [*files, synthetic]


def _stored(store: Store) -> list[tuple]:
    return store.query_rows("SELECT * EXCLUDE (load_id) FROM census ORDER BY ALL")


def _given_twice(path: Path, tmp_path: Path) -> Path:
    """``path`` with every data row given a second time after the last."""
    text = path.read_text(encoding="utf-8-sig")
    header, _, rows = text.partition("\n")
    twice = tmp_path / f"twice-{path.name}"
    twice.write_text(header + "\n" + rows + ("" if rows.endswith("\n") else "\n") + rows, encoding="utf-8")
    return twice


@pytest.fixture
def explained(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names the explain pass ran for, from now on (it still runs and refuses)."""
    calls: list[str] = []
    real = census_module._explain

    def explain(tx, source, file_name, *args, **kwargs):
        calls.append(file_name)
        return real(tx, source, file_name, *args, **kwargs)

    monkeypatch.setattr(census_module, "_explain", explain)
    return calls


def test_a_file_given_twice_stores_what_the_file_stores(tmp_path: Path, config, explained: list[str]) -> None:
    once, twice = Store.open(str(tmp_path / "once.duckdb")), Store.open(str(tmp_path / "twice.duckdb"))
    for path in _files(tmp_path):
        results = []
        for store, given in ((once, path), (twice, _given_twice(path, tmp_path))):
            preview = preview_census(store, given, config=config)
            report = load_census(store, given, config=config, actor=TEST_OFFICER)
            results.append(
                (
                    _stored(store),
                    report.rows_stored,
                    report.warnings,
                    report.periods,
                    report.areas,
                    report.totals,
                    preview.changes,
                    preview.warnings,
                    report.rows_read,
                )
            )
        first, second = results
        assert first[:5] == second[:5], path.name
        assert first[5].equals(second[5]) and first[6].equals(second[6]), path.name
        assert first[7] == second[7], path.name
        assert second[8] == 2 * first[8], path.name  # every row was read: the repeats were added up, not lost
    assert explained == []  # no clean file is explained
    assert (
        "200910",
        "Local authority",
        "E08000024",
        "394",
        "Sunderland",
        "394",
        "Total",
        "SEN support",
        "ASD",
        None,
        "c",
    ) in _stored(once)  # a suppressed part makes the sum a symbol
    for store in (once, twice):
        store.close()


def test_parts_add_up_and_a_repeated_row_counts_once(store: Store, config, write_csv) -> None:
    path = write_csv("parts.csv", HAND_WRITTEN["parts-and-repeats"])
    report = load_census(store, path, config=config, actor=TEST_OFFICER)
    assert report.rows_read == 5
    assert store.query_rows("SELECT provision, primary_need, pupils FROM census ORDER BY ALL") == [
        ("EHC plan", "ASD", 50),
        ("EHC plan", "UNK", 7),
        ("SEN support", "ASD", 200),
    ]


def test_a_file_with_a_problem_is_described_by_line(store: Store, config, write_csv, explained: list[str]) -> None:
    # Line 3's count is not a number: the check only learns that something is wrong; the explain pass says where.
    path = write_csv("bad.csv", T + "202425,SEN support,ASD,10\n202425,EHC plan,ASD,ten\n")
    with pytest.raises(census_module.IngestRejected, match="Line 3, column 'pupils': 'ten' is not a number"):
        load_census(store, path, config=config, actor=TEST_OFFICER)
    assert explained == ["bad.csv"]
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
    "a label in the middle": T
    + "\n".join(
        [f"202425,SEN support,{n},{i + 10}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]
        + ["202425,SEN support,Autsim,10"]
        + [f"202425,EHC plan,{n},{i + 1}" for i, n in enumerate(("ASD", "SLCN", "MLD", "SEMH"))]
    )
    + "\n",
}


@pytest.mark.parametrize("name", list(BAD))
def test_any_problem_is_refused_by_the_explain_pass(
    name: str, store: Store, config, write_csv, explained: list[str]
) -> None:
    for attempt in (preview_census, lambda *a, **k: load_census(*a, **k, actor=TEST_OFFICER)):
        with pytest.raises(census_module.IngestRejected, match="was not loaded"):
            attempt(store, write_csv("bad.csv", BAD[name]), config=config)
    assert explained == ["bad.csv", "bad.csv"]
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_a_rejected_file_uses_no_load_id(store: Store, config, write_csv) -> None:
    totals_only = write_csv("totals.csv", T + "202425,SEN support,Total,100\n")
    with pytest.raises(census_module.IngestRejected, match="holds only totals"):
        load_census(store, totals_only, config=config, actor=TEST_OFFICER)
    load_census(store, write_csv("good.csv", T + "202425,SEN support,ASD,10\n"), config=config, actor=TEST_OFFICER)
    ids = [row[0] for row in store.query_rows("SELECT load_id FROM loads ORDER BY load_id")]
    assert ids == [1, 2]  # the rejection's log entry and the load: no id spent on the rejected attempt itself


def test_a_lone_carriage_return_is_a_plain_rejection(store: Store, config, write_csv) -> None:
    text = T + "202425,SEN support,ASD,10\r202425,EHC plan,ASD,5\n202425,EHC plan,SLCN,5\n"
    with pytest.raises(census_module.IngestRejected):  # a plain rejection, not a crash in a reader
        load_census(store, write_csv("cr.csv", text), config=config, actor=TEST_OFFICER)
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_a_value_over_pythons_csv_limit_does_not_stop_the_line_by_line_check(store: Store, config, write_csv) -> None:
    note = "z" * 140_000  # Python's csv reader refuses values over 131,072 characters; DuckDB reads 1 MB lines
    path = write_csv("long.csv", "period,provision,primary_need,pupils,note\n202425,SEN support,ASD,ten," + note + "\n")
    with pytest.raises(census_module.IngestRejected, match="Line 2, column 'pupils': 'ten' is not a number"):
        load_census(store, path, config=config, actor=TEST_OFFICER)
