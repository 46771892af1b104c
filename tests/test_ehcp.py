"""DfE's EHC plan release (SEN2) as published: the real zip, tidy in ``ehcp``, checked, previewed, skipped when loaded
already, undone; the command line's ``ingest ehcp`` and ``export ehcp``.

The shipped release is loaded once per session, by the demo store (``built_demo``: load 3); each test gets its own
copy of the file. Tests that load files of their own use a few real rows of the release, not the whole of it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sendlib.config import Config
from sendlib.ingest import IngestRejected, check_ehcp, load_census, load_ehcp
from sendlib.ingest.ehcp import EXPORT_COLUMNS
from sendlib.loads import PreviewOutOfDate, undo_load
from sendlib.store import Store
from tests.conftest import TEST_OFFICER
from tests.fixtures import run_cli
from tests.hostile_files import SEN2_RELEASE, make_zip, release_member, sunderland_rows

ALL_PLANS = ("All EHC plans", "All EHC plans")
ALL_ISSUED = ("All EHC plans issued", "All EHC plans issued")


def figure(store: Store, dataset: str, period: str, area_key: str, measure: str, topic: tuple[str, str]) -> tuple:
    """(value, symbol) of one figure in force."""
    rows = store.query_rows(
        """SELECT value, symbol FROM ehcp_current WHERE dataset = ? AND period = ? AND area_key = ? AND measure = ?
           AND breakdown_topic = ? AND breakdown = ?""",
        [dataset, period, area_key, measure, *topic],
    )
    assert len(rows) == 1, rows
    return rows[0]


def release_load(store: Store) -> int:
    return int(store.query_value("SELECT load_id FROM loads WHERE kind = 'ehcp' AND file_name LIKE '%.zip'"))


def write(tmp_path: Path, name: str, header: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_sunderland_england_and_every_local_authority_are_as_dfe_publishes_them(demo_store: Store) -> None:
    assert figure(demo_store, "caseload", "202425", "394", "ehcplans", ALL_PLANS) == (3000.0, None)
    assert figure(demo_store, "caseload", "202425", "E92000001", "ehcplans", ALL_PLANS) == (638745.0, None)
    issued = ("timeliness_20_week", "2024", "394")
    assert figure(demo_store, *issued, "pc_plans_issued_within_20_weeks", ALL_ISSUED) == (77.7, None)
    assert figure(demo_store, *issued, "pc_plans_issued_20_weeks_ex", ALL_ISSUED) == (79.1, None)  # 'PC_…' published
    assert demo_store.query_rows(
        """SELECT DISTINCT period_kind, geographic_level, area_code, old_la_code, area_name, region_code
           FROM ehcp_current WHERE area_key = '394' ORDER BY 1"""
    ) == [
        ("academic", "Local authority", "E08000024", "394", "Sunderland", "E12000001"),
        ("calendar", "Local authority", "E08000024", "394", "Sunderland", "E12000001"),
    ]
    levels = demo_store.query_rows(
        """SELECT geographic_level, count(DISTINCT area_key) FROM ehcp_current
           WHERE dataset = 'caseload' AND period = '202425' GROUP BY 1 ORDER BY 1"""
    )
    assert levels == [("Local authority", 153), ("National", 1), ("Regional", 9)]
    datasets = {row[0] for row in demo_store.query_rows("SELECT DISTINCT dataset FROM ehcp_current")}
    assert {"caseload", "sen_needs_all_plans", "newplans", "sen_need_newplans", "requests", "assessments"} <= datasets
    assert "timeliness_20_week" in datasets
    periods = demo_store.query_rows("SELECT DISTINCT period FROM ehcp_current WHERE dataset = 'caseload' ORDER BY 1")
    assert [p for (p,) in periods] == ["201819", "201920", "202021", "202122", "202223", "202324", "202425"]


def test_every_published_cell_is_one_row_and_every_symbol_is_kept_beside_a_null_value(demo_store: Store) -> None:
    reader = csv.reader(io.StringIO(release_member("data/caseload.csv").decode("utf-8-sig")))
    header, *rows = list(reader)
    cells = [value for row in rows for value in row[12:]]
    stored = demo_store.query_rows(
        """SELECT count(*), count(*) FILTER (symbol = 'x' AND value IS NULL),
                  count(*) FILTER (value IS NULL AND symbol IS NULL), count(DISTINCT measure)
           FROM ehcp_current WHERE dataset = 'caseload'"""
    )[0]
    assert stored == (len(rows) * (len(header) - 12), cells.count("x"), 0, len(header) - 12)
    assert cells.count("x") > 100_000  # the release's own 'not available' marks, none lost
    assessed = ("assessments", "2019", "E92000001", "assess_in_year", ("All EHC needs assessments",) * 2)
    assert figure(demo_store, *assessed) == (None, "x")


def test_barnsley_under_its_new_code_is_the_same_area_and_undo_brings_the_old_figures_back(
    config: Config, demo_store: Store, tmp_path: Path
) -> None:
    header, *rows = release_member("data/caseload.csv").decode("utf-8").splitlines()
    barnsley = [r for r in rows if r.startswith("202425,") and ",E08000016,370,Barnsley," in r]
    assert len(barnsley) > 50
    renamed = [r.replace(",E08000016,370,", ",E08000038,370,") for r in barnsley]
    renamed = [r.replace(",All EHC plans,All EHC plans,3044,", ",All EHC plans,All EHC plans,3045,") for r in renamed]
    path = write(tmp_path, "caseload.csv", header, renamed)
    before = demo_store.query_value("SELECT count(*) FROM ehcp_current WHERE area_key = '370'")
    version = demo_store.data_version()

    preview = check_ehcp(demo_store, path, config=config)
    assert demo_store.data_version() == version  # a preview writes nothing
    assert preview.changes[["dataset", "period", "changed", "added", "removed"]].values.tolist() == [
        ["caseload", "202425", 1, 0, 0]  # the same area, one figure changed: not a new area
    ]
    assert preview.examples[["area_name", "measure", "before", "after"]].values.tolist() == [
        ["Barnsley", "ehcplans", "3044", "3045"]
    ]

    report = load_ehcp(demo_store, path, config=config, actor=TEST_OFFICER)
    assert figure(demo_store, "caseload", "202425", "370", "ehcplans", ALL_PLANS) == (3045.0, None)
    codes = "SELECT DISTINCT area_code FROM ehcp_current WHERE area_key = '370' AND dataset = 'caseload' AND period = ?"
    assert demo_store.query_rows(codes, ["202425"]) == [("E08000038",)]
    assert demo_store.query_rows(codes, ["202324"]) == [("E08000016",)]
    assert demo_store.query_value("SELECT count(*) FROM ehcp_current WHERE area_key = '370'") == before

    assert "back in force" in undo_load(demo_store, report.load_id, TEST_OFFICER)
    assert figure(demo_store, "caseload", "202425", "370", "ehcplans", ALL_PLANS) == (3044.0, None)
    assert demo_store.query_rows(codes, ["202425"]) == [("E08000016",)]


def test_the_release_loaded_again_changes_nothing(config: Config, demo_store: Store) -> None:
    loads, version = demo_store.query_value("SELECT count(*) FROM loads"), demo_store.data_version()
    preview = check_ehcp(demo_store, SEN2_RELEASE, config=config)
    assert preview.already_loaded_as == release_load(demo_store)
    report = load_ehcp(demo_store, SEN2_RELEASE, config=config, actor=TEST_OFFICER)
    assert report.already_loaded and report.load_id == release_load(demo_store)
    assert report.summary().endswith("was already loaded (load 3); nothing changed.")
    assert demo_store.query_value("SELECT count(*) FROM loads") == loads and demo_store.data_version() == version


def test_a_csv_then_the_zip_holding_it_loads_only_what_is_new_and_undo_is_per_load(
    config: Config, store: Store, tmp_path: Path
) -> None:
    requests, timeliness = release_member("data/requests.csv"), release_member("data/timeliness_20_week.csv")
    (tmp_path / "requests.csv").write_bytes(requests)
    release = tmp_path / "release.zip"
    release.write_bytes(make_zip({"data/requests.csv": requests, "data/timeliness_20_week.csv": timeliness}))

    first = load_ehcp(store, tmp_path / "requests.csv", config=config, actor=TEST_OFFICER)
    second = load_ehcp(store, release, config=config, actor=TEST_OFFICER)
    assert [(f.dataset, f.already_loaded_as) for f in second.files] == [("requests", 1), ("timeliness_20_week", None)]
    assert "Already loaded, so not loaded again: requests (load 1)." in second.summary()
    assert store.query_rows("SELECT load_id, dataset, file_name FROM ehcp_files ORDER BY 1") == [
        (1, "requests", "requests.csv"),
        (2, "timeliness_20_week", "data/timeliness_20_week.csv"),
    ]
    in_force = "SELECT dataset, min(load_id), max(load_id) FROM ehcp_current GROUP BY 1 ORDER BY 1"
    assert store.query_rows(in_force) == [("requests", 1, 1), ("timeliness_20_week", 2, 2)]
    again = load_ehcp(store, release, config=config, actor=TEST_OFFICER)
    assert again.already_loaded and again.load_id == 2

    undo_load(store, first.load_id, TEST_OFFICER)  # the CSV's figures go; the zip's own stay
    assert store.query_rows(in_force) == [("timeliness_20_week", 2, 2)]
    third = load_ehcp(store, release, config=config, actor=TEST_OFFICER)
    assert [(f.dataset, f.already_loaded_as) for f in third.files] == [("requests", None), ("timeliness_20_week", 2)]
    assert store.query_rows(in_force) == [("requests", 3, 3), ("timeliness_20_week", 2, 2)]


def test_a_preview_of_a_changed_file_says_what_changes_and_goes_stale_after_another_load(
    config: Config, demo_store: Store, tmp_path: Path
) -> None:
    header, rows = sunderland_rows()
    changed = [
        r.replace(",77.7,", ",78.8,") if r.startswith("2024,") and ",All EHC plans issued," in r else r for r in rows
    ]
    path = write(tmp_path, "timeliness_20_week.csv", header, changed)
    version, figures = demo_store.data_version(), demo_store.query_value("SELECT count(*) FROM ehcp")
    preview = check_ehcp(demo_store, path, config=config)
    lines = preview.lines()
    assert "timeliness_20_week 2024: replaces what is loaded: 1 figure changed, 0 new, 0 no longer given." in lines
    assert "timeliness_20_week 2023: the same figures as loaded now." in lines
    assert preview.examples[["period", "area_name", "measure", "before", "after"]].values.tolist() == [
        ["2024", "Sunderland", "pc_plans_issued_within_20_weeks", "77.7", "78.8"]
    ]
    assert demo_store.data_version() == version and demo_store.query_value("SELECT count(*) FROM ehcp") == figures

    undo_load(demo_store, release_load(demo_store), TEST_OFFICER)  # another officer's change comes in between
    with pytest.raises(PreviewOutOfDate, match="The EHC plan figures changed since you checked this file"):
        load_ehcp(demo_store, path, config=config, actor=TEST_OFFICER, checked_version=preview.checked_version)
    assert demo_store.query_value("SELECT count(*) FROM ehcp") == figures


def test_a_duplicated_column_is_kept_once_when_it_agrees_and_refused_when_it_does_not(
    config: Config, store: Store, tmp_path: Path
) -> None:
    header, rows = sunderland_rows("data/annual_reviews.csv")
    assert header.count(",review_meeting_prior_24,") == 1 and header.count("review_meeting_prior_24") == 2
    path = write(tmp_path, "annual_reviews.csv", header, rows)
    report = load_ehcp(store, path, config=config, actor=TEST_OFFICER)
    assert "the column 'review_meeting_prior_24' appears twice in the header with the same figures; kept once." in (
        " ".join(report.notes)
    )
    assert store.query_value("SELECT count(*) FROM ehcp WHERE measure = 'review_meeting_prior_24'") == len(rows)

    position = header.split(",").index("review_meeting_prior_24") + 1  # the second copy
    values = rows[2].split(",")
    values[position] = str(int(values[position]) + 1)
    disagreeing = write(tmp_path, "annual_reviews.csv", header, [*rows[:2], ",".join(values), *rows[3:]])
    with pytest.raises(IngestRejected, match=r"Line 4: the column 'review_meeting_prior_24' appears twice"):
        load_ehcp(store, disagreeing, config=config, actor=TEST_OFFICER)


def test_a_census_load_of_ehcp_data_says_what_it_is(config: Config, store: Store, tmp_path: Path) -> None:
    for name in ("caseload.csv", "sen_needs_all_plans.csv"):
        header, rows = sunderland_rows(f"data/{name}")
        path = write(tmp_path, name, header, rows[:5])
        with pytest.raises(IngestRejected) as refused:
            load_census(store, path, config=config, actor=TEST_OFFICER)
        assert refused.value.problems[0].message.startswith(
            f"This is DfE's EHC plan data ({name}), not a census file: load it as EHC plans"
        )
    with pytest.raises(IngestRejected, match=r"This is DfE's EHC plan data \(education-health-and-care-plans_2025"):
        load_census(store, SEN2_RELEASE, config=config, actor=TEST_OFFICER)


def test_a_zip_member_leaving_the_archive_is_never_written_and_nothing_is_left_behind(
    config: Config, store: Store, tmp_path: Path
) -> None:
    header, rows = sunderland_rows()
    good = ("\n".join([header, *rows]) + "\n").encode()
    hostile = tmp_path / "deep" / "release.zip"
    hostile.parent.mkdir()
    hostile.write_bytes(make_zip({"../../timeliness_20_week.csv": good, "data/timeliness_20_week.csv": good}))
    before = sorted(str(p) for p in tmp_path.parent.rglob("*"))
    with pytest.raises(IngestRejected, match="whose path leaves the archive"):
        load_ehcp(store, hostile, config=config, actor=TEST_OFFICER)
    assert sorted(str(p) for p in tmp_path.parent.rglob("*") if "test.duckdb" not in p.name) == [
        p for p in before if "test.duckdb" not in Path(p).name
    ]
    fine = tmp_path / "release.zip"
    fine.write_bytes(make_zip({"data/timeliness_20_week.csv": good}))
    load_ehcp(store, fine, config=config, actor=TEST_OFFICER)
    assert list(store.work_dir.iterdir()) == []  # the extracted member went with the load


def test_the_command_line_loads_refuses_and_exports_with_the_census_exit_codes(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    header, rows = sunderland_rows()
    good = write(tmp_path, "timeliness_20_week.csv", header, rows)
    loaded = run_cli("ingest", "ehcp", str(good), db=db)
    assert loaded.returncode == 0 and loaded.stdout.startswith("Loaded timeliness_20_week.csv as load 1")

    line = next(n for n, r in enumerate(rows, start=2) if r.startswith("2024,") and ",All EHC plans issued," in r)
    bad_rows = [r.replace(",77.7,", ",7 7,") if n == line else r for n, r in enumerate(rows, start=2)]
    (tmp_path / "bad").mkdir()
    bad = write(tmp_path / "bad", "timeliness_20_week.csv", header, bad_rows)
    refused = run_cli("ingest", "ehcp", str(bad), db=db)
    assert refused.returncode == 1
    assert refused.stderr.startswith("timeliness_20_week.csv was not loaded (1 problem found; nothing was written):")
    assert f"Line {line}, column 'pc_plans_issued_within_20_weeks': '7 7' is not a figure" in refused.stderr
    assert run_cli("ingest", "ehcp", db=db).returncode == 2  # no file named: a usage error

    exported = run_cli("export", "ehcp", db=db)
    assert exported.returncode == 0
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert list(table[0]) == list(EXPORT_COLUMNS)
    issued = {
        r["measure"]: (r["value"], r["symbol"])
        for r in table
        if r["period"] == "2024" and r["breakdown"] == "All EHC plans issued"
    }
    assert issued["pc_plans_issued_within_20_weeks"] == ("77.7", "")  # as published, not re-rounded
    assert issued["pc_plans_issued_20_weeks_ex"] == ("79.1", "")
    assert issued["plans_issued_den"][0].isdigit()  # a count has no ".0"
    assert ("", "x") in {(r["value"], r["symbol"]) for r in table}
    history = run_cli("history", db=db).stdout.splitlines()
    assert [h.split("\t")[2:4] for h in history] == [
        ["rejected", "timeliness_20_week.csv"],
        ["loaded", "timeliness_20_week.csv"],
    ]


def test_the_demo_holds_dfes_whole_release(demo_store: Store) -> None:
    assert demo_store.query_rows("SELECT load_id, kind, file_name, format FROM loads WHERE kind = 'ehcp'") == [
        (3, "ehcp", "education-health-and-care-plans_2025.zip", "sen2")
    ]
    files = demo_store.query_rows("SELECT file_name FROM ehcp_files WHERE load_id = 3 ORDER BY 1")
    assert len(files) == 12 and ("data/caseload.csv",) in files and ("data/timeliness_20_week.csv",) in files
