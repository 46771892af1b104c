"""The census load path against a corpus of real-layout files and a catalogue of malformed or hostile ones.

Good files (tests/fixtures/census/) must load to exact, known contents; every bad file must be rejected
with a message that says what is wrong and where, leaving the census exactly as it was and the attempt
in the load log. A pupil-level extract must leave no identifier anywhere. The last group of tests pins down
cases that were bugs when this corpus was written (mixed line endings, repeated totals, one figure twice).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sendlib.config import Config, UploadConfig
from sendlib.ingest import IngestRejected, LoadReport, load_census, preview_census, upload_limit
from sendlib.loads import undo_load
from sendlib.store import Store
from tests.conftest import TEST_OFFICER, built_once, census_snapshot, copy_store
from tests.hostile_files import (  # the catalogue of hostile census files, shared with test_no_tracebacks
    CORPUS,
    HOSTILE,
    IDENTIFIERS,
    PUPIL_EXTRACT,
    ROW,
    Hostile,
    T,
    _pupil_rows,
    _pupil_variant,
    _set_provision,
    leaked,
)

OLD_LAYOUT = CORPUS / "ees_older_layout_201819.csv"
FORMAT_2026 = CORPUS / "ees_2026_format.csv"
TEMPLATE = CORPUS / "template_sunderland_202425.csv"
TEMPLATE_MINIMAL = CORPUS / "template_minimal_202324.csv"

SUNDERLAND = "394"
BARNSLEY = "370"
ENGLAND = "E92000001"
NORTH_EAST = "E12000001"

LOADED_BY = TEST_OFFICER.name


def load(store: Store, path: Path, config: Config | None = None, **kwargs) -> LoadReport:
    """load_census as an officer would call it."""
    return load_census(store, path, config=config or Config(), actor=TEST_OFFICER, **kwargs)


def undo(store: Store, load_id: int) -> str:
    return undo_load(store, load_id, TEST_OFFICER)


def census_rows(store: Store) -> int:
    return store.query_value("SELECT count(*) FROM census")


def cells(store: Store, period: str, area_key: str, phase: str = "Total") -> list[tuple]:
    """(provision, primary_need, pupils, symbol) in force for one period, area and phase."""
    return store.query_rows(
        "SELECT provision, primary_need, pupils, symbol FROM census_current "
        "WHERE period = ? AND area_key = ? AND phase = ? ORDER BY ALL",
        [period, area_key, phase],
    )


def state(store: Store) -> tuple:
    """Everything a rejected load must leave alone."""
    return (
        census_snapshot(store),
        census_rows(store),
        store.query_rows("SELECT load_id, outcome FROM loads WHERE outcome <> 'rejected' ORDER BY load_id"),
    )


def duplicate_cells(store: Store) -> list[tuple]:
    """Cells in force more than once: each figure must be stored once per (period, area, phase, provision, need)."""
    return store.query_rows(
        "SELECT period, area_key, phase, provision, primary_need, count(*) FROM census_current "
        "GROUP BY ALL HAVING count(*) > 1"
    )


def varchar_values(store: Store) -> list[str]:
    """Every non-null value of every VARCHAR column of every table in the store."""
    columns = store.query_rows(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE t.table_type = 'BASE TABLE' AND c.data_type = 'VARCHAR'"
    )
    assert len(columns) > 10  # the scan really covers census, loads and the rest
    values: list[str] = []
    for table, column in columns:
        values += [
            row[0]
            for row in store.query_rows(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
        ]
    return values


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the temporary-file folder at an empty folder of the test's own, to see what is left in it."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# -- good files --------------------------------------------------------------------------------------
def test_the_corpus_identifiers_are_obviously_made_up() -> None:
    assert len(IDENTIFIERS) == 13 * 3 + 1  # 13 UPNs, 13 forenames, 13 birth dates, one surname for all
    assert all(row["UPN"].startswith("Z999") and row["Surname"] == "Testperson" for row in _pupil_rows())


def test_older_layout_loads_every_geography_with_its_labels_normalised(store: Store) -> None:
    report = load(store, OLD_LAYOUT)
    assert (report.format, report.rows_read, report.rows_stored, report.periods) == ("ees", 33, 26, ["201819"])
    assert report.areas == ["North East", "England", "Sunderland"]
    assert report.warnings == ["These columns are not used and were ignored: pupils_age_5, pupils_boys."]
    assert store.query_rows(
        "SELECT geographic_level, area_code, area_key, area_name, old_la_code, count(*), sum(pupils) "
        "FROM census_current GROUP BY ALL ORDER BY ALL"
    ) == [
        ("Local authority", "E08000024", SUNDERLAND, "Sunderland", "394", 8, 1365),
        ("National", ENGLAND, ENGLAND, "England", None, 9, 8_735_098),
        ("Regional", NORTH_EAST, NORTH_EAST, "North East", None, 9, 409_140),
    ]
    # 'SEN No Statement or EHC', 'Statement or EHC', 'Multi- Sensory Impairment', 'Profound & …', 'Missing'
    assert cells(store, "201819", ENGLAND) == [
        ("EHC plan", "ASD", 71_500, None),
        ("EHC plan", "MSI", 900, None),
        ("EHC plan", "PMLD", 9_800, None),
        ("EHC plan", "UNK", 150, None),
        ("No SEN", "UNK", 8_735_098 - 95_000 - 82_350, None),  # derived from the all-pupils total
        ("SEN support", "ASD", 87_000, None),
        ("SEN support", "MSI", 2_100, None),
        ("SEN support", "PMLD", 1_300, None),
        ("SEN support", "UNK", 4_600, None),
    ]


def test_older_layout_keeps_published_symbols_with_no_count(store: Store) -> None:
    load(store, OLD_LAYOUT)
    assert cells(store, "201819", SUNDERLAND) == [
        ("EHC plan", "ASD", 590, None),
        ("EHC plan", "MSI", None, "c"),
        ("EHC plan", "PMLD", 88, None),
        ("EHC plan", "UNK", 4, None),
        ("SEN support", "ASD", 640, None),
        ("SEN support", "MSI", 12, None),
        ("SEN support", "PMLD", None, "~"),
        ("SEN support", "UNK", 31, None),
    ]  # no No SEN derived: the total cannot be split while a cell is suppressed
    assert store.query_value("SELECT count(*) FROM census WHERE (pupils IS NULL) = (symbol IS NULL)") == 0


def test_total_rows_are_checks_not_stored_detail(store: Store) -> None:
    load(store, OLD_LAYOUT)
    load(store, FORMAT_2026)
    assert (
        store.query_value(
            "SELECT count(*) FROM census WHERE provision NOT IN ('SEN support', 'EHC plan', 'No SEN') "
            "OR primary_need NOT IN ('ASD','SLCN','MLD','SEMH','SPLD','OTH','PD','HI','NSA','VI','SLD','MSI','PMLD',"
            "'DS','UNK')"
        )
        == 0
    )
    assert (
        store.query_value(
            "SELECT count(*) FROM census WHERE primary_need ILIKE '%total%' "
            "OR provision ILIKE '%total%' OR provision ILIKE 'all%'"
        )
        == 0
    )
    assert duplicate_cells(store) == []


def test_2026_format_loads_phases_and_keeps_barnsley_across_its_code_change(store: Store) -> None:
    report = load(store, FORMAT_2026)
    assert (report.format, report.rows_read, report.rows_stored) == ("ees", 60, 42)
    assert report.periods == ["202324", "202526"] and report.areas == ["England", "Barnsley"]
    assert not any("ignored" in warning for warning in report.warnings)  # sen_status, pupil_percent are known
    assert store.query_rows(
        "SELECT period, area_code, area_key, phase, count(*), count(symbol) FROM census_current "
        "WHERE area_name = 'Barnsley' GROUP BY ALL ORDER BY ALL"
    ) == [
        ("202324", "E08000016", BARNSLEY, "Total", 7, 1),
        ("202526", "E08000038", BARNSLEY, "State-funded primary", 7, 1),
        ("202526", "E08000038", BARNSLEY, "Total", 7, 0),
    ]
    assert store.query_rows("SELECT DISTINCT area_key FROM census_current WHERE area_name = 'Barnsley'") == [
        (BARNSLEY,)
    ]
    assert cells(store, "202526", BARNSLEY, "State-funded primary") == [
        ("EHC plan", "ASD", 240, None),
        ("EHC plan", "DS", None, "c"),
        ("EHC plan", "UNK", 1, None),
        ("No SEN", "UNK", 19_800, None),  # 'No SEN provision' / 'Total'
        ("SEN support", "ASD", 560, None),
        ("SEN support", "DS", 5, None),
        ("SEN support", "UNK", 11, None),
    ]
    assert cells(store, "202324", BARNSLEY)[4:] == [
        ("SEN support", "ASD", 1_020, None),
        ("SEN support", "DS", None, "low"),
        ("SEN support", "UNK", 14, None),
    ]
    assert (
        store.query_value(
            "SELECT sum(pupils) FROM census_current WHERE period = '202526' AND area_key = ? AND phase = 'Total'",
            [ENGLAND],
        )
        == 262_000 + 2_150 + 2_300 + 139_000 + 3_300 + 300 + 7_480_000
    )


def test_local_template_reads_officers_spellings(store: Store) -> None:
    report = load(store, TEMPLATE)
    assert (report.format, report.rows_stored, report.periods, report.warnings) == ("template", 9, ["202425"], [])
    assert cells(store, "202425", SUNDERLAND) == [
        ("EHC plan", "ASD", 1110, None),
        ("EHC plan", "SEMH", 402, None),
        ("EHC plan", "SLCN", 301, None),
        ("EHC plan", "SPLD", 18, None),
        ("No SEN", "UNK", 36950, None),
        ("SEN support", "ASD", 1012, None),
        ("SEN support", "SEMH", 1380, None),
        ("SEN support", "SLCN", 1402, None),
        ("SEN support", "SPLD", 455, None),
    ]


def test_minimal_template_is_the_configured_area(store: Store) -> None:
    load(store, TEMPLATE_MINIMAL)
    assert store.query_rows(
        "SELECT DISTINCT period, geographic_level, area_code, area_name, area_key, phase FROM census_current"
    ) == [("202324", "Local authority", "E08000024", "Sunderland", SUNDERLAND, "Total")]
    assert census_rows(store) == 4


def test_every_geography_of_every_file_is_kept_side_by_side(store: Store) -> None:
    for path in (OLD_LAYOUT, FORMAT_2026, TEMPLATE, TEMPLATE_MINIMAL):
        load(store, path)
    assert store.query_rows(
        "SELECT period, geographic_level, area_key, count(*) FROM census_current GROUP BY ALL ORDER BY ALL"
    ) == [
        ("201819", "Local authority", SUNDERLAND, 8),
        ("201819", "National", ENGLAND, 9),
        ("201819", "Regional", NORTH_EAST, 9),
        ("202324", "Local authority", BARNSLEY, 7),
        ("202324", "Local authority", SUNDERLAND, 4),
        ("202324", "National", ENGLAND, 7),
        ("202425", "Local authority", SUNDERLAND, 9),
        ("202526", "Local authority", BARNSLEY, 14),
        ("202526", "National", ENGLAND, 14),
    ]
    assert census_rows(store) == 26 + 42 + 9 + 4
    assert duplicate_cells(store) == []


def without_columns(path: Path, unused: set[str]) -> bytes:
    """The CSV file at ``path`` without the ``unused`` columns, as the load keeps it."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    keep = [i for i, name in enumerate(rows[0]) if name not in unused]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i] for i in keep] for row in rows])
    return out.getvalue().encode("utf-8")


def test_aggregate_files_are_kept_under_their_hash_without_unused_columns(store: Store, tmp_path: Path) -> None:
    for path in (OLD_LAYOUT, FORMAT_2026, TEMPLATE):
        load(store, path)
    kept = {p.name: p.read_bytes() for p in (tmp_path / "uploads").iterdir()}
    # every column recognised: byte for byte as uploaded; the older layout's unused columns are left out
    assert kept == {f"{sha256(p.read_bytes())}.csv": p.read_bytes() for p in (FORMAT_2026, TEMPLATE)} | {
        f"{sha256(OLD_LAYOUT.read_bytes())}.csv": without_columns(OLD_LAYOUT, {"pupils_age_5", "pupils_boys"})
    }
    assert store.query_rows("SELECT file_name, sha256, format FROM loads ORDER BY load_id") == [
        (p.name, sha256(p.read_bytes()), "ees" if p.name.startswith("ees") else "template")
        for p in (OLD_LAYOUT, FORMAT_2026, TEMPLATE)
    ]


# Excel writes Windows-1252 (with CRLF) or UTF-8 with a byte-order mark; hand edits leave plain CRLF.
_ENCODED_TEXT = (
    "period,provision,primary_need,pupils,area_code,area_name\n"
    "2024/25,SEN support,ASD,1012,E08000024,{name}\n"
    "2024/25,SEN support,SLCN,1402,E08000024,{name}\n"
    "2024/25,EHC plan,ASD,1110,E08000024,{name}\n"
    "2024/25,EHC plan,SLCN,301,E08000024,{name}\n"
)
ENCODED = [
    pytest.param(
        _ENCODED_TEXT.format(name="Sunderland – Wearside").replace("\n", "\r\n").encode("cp1252"),
        "Sunderland – Wearside",
        id="cp1252-crlf-en-dash",
    ),
    pytest.param(
        _ENCODED_TEXT.format(name="Sunderland (Hétton)").encode("cp1252"), "Sunderland (Hétton)", id="cp1252-e-acute"
    ),
    pytest.param(b"\xef\xbb\xbf" + _ENCODED_TEXT.format(name="Sunderland").encode(), "Sunderland", id="utf8-bom"),
    pytest.param(
        b"\xef\xbb\xbf" + _ENCODED_TEXT.format(name="Sunderland – Wearside").replace("\n", "\r\n").encode(),
        "Sunderland – Wearside",
        id="utf8-bom-crlf",
    ),
    pytest.param(_ENCODED_TEXT.format(name="Sunderland").replace("\n", "\r\n").encode(), "Sunderland", id="crlf"),
]


@pytest.mark.parametrize(("data", "area_name"), ENCODED)
def test_excel_encodings_and_line_endings_load_the_same_figures(
    data: bytes, area_name: str, store: Store, write_csv: Callable[..., Path], tmp_path: Path, system_temp: Path
) -> None:
    assert data.count(b"\n") == 5
    report = load(store, write_csv("excel.csv", data))
    assert report.rows_stored == 4 and report.periods == ["202425"]
    assert store.query_rows("SELECT DISTINCT area_name, area_key FROM census_current") == [(area_name, SUNDERLAND)]
    assert cells(store, "202425", SUNDERLAND) == [
        ("EHC plan", "ASD", 1110, None),
        ("EHC plan", "SLCN", 301, None),
        ("SEN support", "ASD", 1012, None),
        ("SEN support", "SLCN", 1402, None),
    ]
    assert not [v for v in varchar_values(store) if "\r" in v or "\ufeff" in v]
    # kept byte for byte as uploaded (not the UTF-8 copy DuckDB read), and no temporary copy left behind
    assert (tmp_path / "uploads" / f"{sha256(data)}.csv").read_bytes() == data
    assert list(system_temp.iterdir()) == []


def test_the_upload_size_limit_is_inclusive_and_only_for_uploads(store: Store, write_csv: Callable[..., Path]) -> None:
    body = "period,provision,primary_need,pupils\n" + "2024/25,SEN support,ASD,10\n" * 38_000
    exactly = body + "\n" * (1_048_576 - len(body))  # blank lines pad it to exactly 1 MB
    one_mb = Config(upload=UploadConfig(max_file_mb=1))
    report = load(store, write_csv("one-mb.csv", exactly), one_mb, max_bytes=upload_limit(one_mb))
    assert report.rows_stored == 1
    over = write_csv("one-mb-and-a-byte.csv", exactly + "\n")
    with pytest.raises(IngestRejected, match="over the 1 MB limit for files uploaded through this page"):
        load(store, over, one_mb, max_bytes=upload_limit(one_mb))
    with pytest.raises(IngestRejected, match="over the 1 MB limit for files uploaded through this page"):
        preview_census(store, over, config=one_mb, max_bytes=upload_limit(one_mb))
    # The same file named without a limit (as the command line names it) loads, whatever upload.max_file_mb says.
    assert load(store, over, one_mb).rows_read == 38_000


# -- pupil-level extract: aggregated, and no identifier anywhere ------------------------------------
def test_pupil_extract_is_aggregated_and_leaves_no_identifier_anywhere(tmp_path: Path, system_temp: Path) -> None:
    folder = tmp_path / "store"
    store = Store.open(folder / "send.duckdb")
    try:
        report = load(store, PUPIL_EXTRACT, period="2024/25")
        assert (report.format, report.rows_read, report.rows_stored, report.periods) == ("pupil", 13, 7, ["202425"])
        assert cells(store, "202425", SUNDERLAND) == [
            ("EHC plan", "ASD", 2, None),
            ("EHC plan", "SEMH", 1, None),
            ("EHC plan", "UNK", 1, None),
            ("No SEN", "UNK", 3, None),
            ("SEN support", "ASD", 3, None),
            ("SEN support", "SLCN", 2, None),
            ("SEN support", "SPLD", 1, None),
        ]
        # A rejected extract: its message and its log entry name no pupil either.
        rejected_file = folder.parent / "bad-extract.csv"
        rejected_file.write_text(PUPIL_EXTRACT.read_text().replace(",K,SLCN", ",Q,SLCN"))
        with pytest.raises(IngestRejected) as exc:
            load(store, rejected_file, period="202425")
        assert "not a SENprovision code (2 pupil rows like this)" in str(exc.value)
        assert leaked(str(exc.value)) == [] and leaked(exc.value.describe()) == []
        assert leaked(repr(exc.value.problems)) == []

        values = varchar_values(store)
        assert "pupil_extract_fake.csv" in values and "bad-extract.csv" in values  # the scan sees the log
        assert [v for v in values if leaked(v)] == []
        assert store.query_rows("SELECT format, rows_read, rows_stored, outcome FROM loads ORDER BY load_id") == [
            ("pupil", 13, 7, "loaded"),
            ("pupil", None, None, "rejected"),
        ]
        assert not (folder / "uploads").exists() or list((folder / "uploads").iterdir()) == []

        load(store, TEMPLATE_MINIMAL)  # an aggregate file is kept; the extract still is not
        assert [p.name for p in (folder / "uploads").iterdir()] == [f"{sha256(TEMPLATE_MINIMAL.read_bytes())}.csv"]
    finally:
        store.close()
    found = {path.name: leaked(path.read_bytes().decode("latin-1")) for path in folder.rglob("*") if path.is_file()}
    assert "send.duckdb" in found
    assert {name: ids for name, ids in found.items() if ids} == {}
    assert list(system_temp.iterdir()) == []


@pytest.fixture(scope="session")
def built_baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline store, built once per run (closed, shared by the workers): each test below gets its own copy."""

    def build(path: Path) -> None:
        built = Store.open(path)
        load(built, TEMPLATE)
        load(built, OLD_LAYOUT)
        built.close()

    return built_once(tmp_path_factory, "census-baseline", build)


@pytest.fixture
def baseline_store(built_baseline: Path, tmp_path: Path) -> Iterator[Store]:
    """A store already holding Sunderland 2024/25 and the 2018/19 geographies: what a bad file must not touch."""
    opened = Store.open(copy_store(built_baseline, tmp_path / "test.duckdb"))
    yield opened
    opened.close()


def test_the_hostile_catalogue_is_large() -> None:
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_is_rejected_and_changes_nothing(
    case: Hostile, baseline_store: Store, write_csv: Callable[..., Path], system_temp: Path
) -> None:
    store = baseline_store
    path = write_csv(f"{case.name}.csv", case.data)
    before = state(store)
    assert census_rows(store) == 9 + 26
    with pytest.raises(IngestRejected) as exc:
        load(store, path, **case.kwargs)
    message = exc.value.describe()
    assert str(exc.value) == message
    assert message.startswith(f"{case.name}.csv was not loaded (")
    for fragment in case.expected:
        assert fragment in message
    for fragment in case.forbidden:
        assert fragment.lower() not in message.lower()
    if case.total is not None:
        assert exc.value.total == case.total
    assert 1 <= len(exc.value.problems) <= 50
    # nothing changed, the attempt is on record, nothing is left in the temporary folder
    assert state(store) == before
    assert store.query_rows(
        "SELECT file_name, file_size, outcome, message, loaded_by FROM loads ORDER BY load_id DESC LIMIT 1"
    ) == [(f"{case.name}.csv", len(case.data), "rejected", message[:4000], LOADED_BY)]
    assert list(system_temp.iterdir()) == []


def test_an_extract_never_quotes_an_identifier_from_the_wrong_column(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    path = write_csv("extract.csv", _pupil_variant(_set_provision({1: "Z999000000001"})))  # a UPN in the code column
    with pytest.raises(IngestRejected) as exc:
        load(store, path, period="202425")
    assert "not a SENprovision code" in str(exc.value)
    assert leaked(str(exc.value)) == []
    assert [v for v in varchar_values(store) if leaked(v)] == []


# -- reloads, replacements, undo and the log -----------------------------------------------------------
def test_reloading_an_identical_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    first = load(store, TEMPLATE)
    before = (state(store), store.query_rows("SELECT * FROM loads"), sorted((tmp_path / "uploads").iterdir()))
    again = load(store, TEMPLATE)
    assert again.already_loaded and again.load_id == first.load_id
    assert "already loaded" in again.summary() and "nothing changed" in again.summary()
    assert (state(store), store.query_rows("SELECT * FROM loads"), sorted((tmp_path / "uploads").iterdir())) == before


def test_a_second_load_replaces_its_period_and_area_and_undo_brings_back_the_first(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    load(store, OLD_LAYOUT)
    first = load(store, TEMPLATE)
    snapshot_first = census_snapshot(store)
    others = store.query_rows("SELECT * FROM census_current WHERE period <> '202425' ORDER BY ALL")
    second = load(
        store,
        write_csv(
            "sunderland-2024-25-revised.csv",
            "period,provision,primary_need,pupils\n2024/25,SEN support,ASD,1100\n2024/25,EHC plan,ASD,1150\n",
        ),
    )
    assert second.load_id > first.load_id and not second.already_loaded
    assert cells(store, "202425", SUNDERLAND) == [("EHC plan", "ASD", 1150, None), ("SEN support", "ASD", 1100, None)]
    assert store.query_rows("SELECT * FROM census_current WHERE period <> '202425' ORDER BY ALL") == others
    assert census_rows(store) == 26 + 9 + 2  # every version is kept
    assert "back in force" in undo(store, second.load_id)
    assert census_snapshot(store) == snapshot_first
    assert store.query_rows("SELECT outcome, undone_by FROM loads WHERE load_id = ?", [second.load_id]) == [
        ("undone", LOADED_BY)
    ]


def test_a_new_la_code_replaces_the_same_area_under_its_old_code(store: Store, write_csv: Callable[..., Path]) -> None:
    load(store, FORMAT_2026)
    snapshot = census_snapshot(store)
    report = load(
        store,
        write_csv(
            "barnsley-2023-24.csv",
            "period,provision,primary_need,pupils,area_code\n"
            "2023/24,SEN support,ASD,1111,E08000038\n2023/24,EHC plan,ASD,612,E08000038\n",
        ),
    )
    assert report.areas == ["Barnsley"]
    assert store.query_rows(
        "SELECT area_code, provision, primary_need, pupils FROM census_current "
        "WHERE period = '202324' AND area_key = ? ORDER BY ALL",
        [BARNSLEY],
    ) == [("E08000038", "EHC plan", "ASD", 612), ("E08000038", "SEN support", "ASD", 1111)]
    assert len(cells(store, "202526", BARNSLEY)) == 7  # the other period is untouched
    undo(store, report.load_id)
    assert census_snapshot(store) == snapshot


def test_rejected_attempts_are_logged_every_time_and_never_count_as_loaded(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    content = (T + "2024/25,SEN support,ASD,-3\n").encode()
    path = write_csv("bad.csv", content)
    for _ in range(2):
        with pytest.raises(IngestRejected):
            load(store, path)
    assert (
        store.query_rows("SELECT file_name, file_size, sha256, format, outcome, rows_stored FROM loads")
        == [("bad.csv", len(content), sha256(content), "template", "rejected", None)] * 2
    )
    with pytest.raises(IngestRejected):
        load(store, write_csv("empty.csv", b""))
    assert store.query_rows("SELECT format, outcome FROM loads ORDER BY load_id DESC LIMIT 1") == [("auto", "rejected")]
    assert census_rows(store) == 0
    fixed = load(store, write_csv("bad.csv", content.replace(b"-3", b"3")))
    assert not fixed.already_loaded and census_rows(store) == 1


# -- properties ------------------------------------------------------------------------------------------
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_loaded_or_rejected(store: Store, path: Path) -> None:
    """The load either succeeds (and stores sound rows) or is rejected and changes nothing; nothing else."""
    before = state(store)
    try:
        report = load(store, path)
    except IngestRejected as exc:
        assert exc.problems  # always at least one reason
        assert state(store) == before
        return
    assert isinstance(report, LoadReport)
    assert store.query_value("SELECT count(*) FROM census WHERE (pupils IS NULL) = (symbol IS NULL) OR pupils < 0") == 0
    assert duplicate_cells(store) == []


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=600))
@example(data=b"")
@example(data=b"PK\x03\x04")
@example(data=b"\xef\xbb\xbf")
@example(data=b",\n\x81")
def test_any_bytes_are_loaded_or_rejected(data: bytes, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    assert_loaded_or_rejected(store, path)


_CELLS = st.sampled_from(
    [
        "2024/25",
        "202425",
        "2019",
        "201921",
        "",
        " 2023/24 ",
        "SEN support",
        "EHCP",
        "E",
        "K",
        "N",
        "Total",
        "No SEN",
        "SEN suport",
        "Unknown",
        "ASD",
        "slcn",
        "SpLD",
        "Missing",
        "Dyslexia",
        "10",
        "0",
        "-1",
        "2.5",
        "1,234",
        '"1,234"',
        "c",
        "low",
        "x",
        "~",
        "99999999999999999999",
        "E08000024",
        "E08000016",
        "E92000001",
        "Sunderland",
        '""',
        '"',
    ]
)
_ROW_TEXT = st.one_of(
    st.lists(_CELLS, min_size=0, max_size=8).map(",".join),
    st.text(alphabet=',"\n ;\t0123456789.-/abcENKSTxé–', max_size=40),
)


def csv_body(allow_cr: bool) -> st.SearchStrategy[str]:
    """Rows of CSV-ish text; carriage returns only when asked (mixed line endings have their own test, below)."""
    line_end = st.sampled_from(["\n", "\r\n", "\r"]) if allow_cr else st.just("\n")
    return st.lists(st.tuples(_ROW_TEXT, line_end).map("".join), max_size=12).map("".join)


HEADERS = st.sampled_from(
    [
        "period,provision,primary_need,pupils\n",
        "period,provision,primary_need,pupils,phase,area_code,area_name\n",
        "area_name,pupils,primary_need,provision,period\n",
    ]
)


@PROPERTY_SETTINGS
@given(header=HEADERS, body=csv_body(allow_cr=False), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_csv_like_text_under_a_valid_header_is_loaded_or_rejected(
    header: str, body: str, encoding: str, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes((header + body).encode(encoding, errors="replace"))
    assert_loaded_or_rejected(store, path)


@PROPERTY_SETTINGS
@given(header=HEADERS, data=st.binary(max_size=300))
def test_any_bytes_under_a_valid_header_are_loaded_or_rejected(
    header: str, data: bytes, store: Store, tmp_path: Path
) -> None:
    # A carriage return is turned into a line feed here: mixed line endings have their own test (below).
    path = tmp_path / "fuzz.csv"
    path.write_bytes(header.encode() + data.replace(b"\r", b"\n"))
    assert_loaded_or_rejected(store, path)


# -- cases that were bugs when this corpus was written: each test says what must happen ---------------------
@PROPERTY_SETTINGS
@given(header=HEADERS, body=csv_body(allow_cr=True))
@example(
    header="period,provision,primary_need,pupils\r\n", body="2024/25,SEN support,ASD,10\r\n2024/25,EHC plan,ASD,5\n"
)
def test_mixed_line_endings_are_loaded_or_rejected(header: str, body: str, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes((header + body).encode())
    assert_loaded_or_rejected(store, path)


def test_a_crlf_file_with_one_lf_line_is_loaded_or_rejected_and_logged(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        "hand-edited.csv",
        b"period,provision,primary_need,pupils\r\n2024/25,SEN support,ASD,10\r\n2024/25,EHC plan,ASD,5\n",
    )
    with contextlib.suppress(IngestRejected):  # loaded or refused: either way, on record
        load(store, path)
    assert store.query_value("SELECT count(*) FROM loads") == 1


def test_a_cp1252_file_rejected_at_its_header_leaves_no_temporary_copy(
    store: Store, write_csv: Callable[..., Path], system_temp: Path
) -> None:
    extract = "\n" + PUPIL_EXTRACT.read_text().replace("Testperson", "Testpersón")  # blank line 1; not UTF-8
    with pytest.raises(IngestRejected, match="line 1 is blank"):
        load(store, write_csv("extract.csv", extract.encode("cp1252")), period="202425")
    assert [p.read_text()[:60] for p in system_temp.iterdir()] == []


def test_a_repeated_all_pupils_total_does_not_change_the_derived_no_sen(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    report = load(
        store,
        write_csv(
            "repeated-total.csv",
            T + "2024/25,SEN support,ASD,10\n2024/25,EHC plan,ASD,5\n"
            "2024/25,Total,Total,100\n2024/25,Total,Total,100\n",
        ),
    )
    assert ("No SEN", "UNK", 85, None) in cells(store, "202425", SUNDERLAND)
    assert report.warnings == []


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            "2024/25,SEN support,ASD,10,E08000016,Barnsley\n2024/25,SEN support,ASD,10,E08000038,Barnsley\n",
            id="same-count-under-two-codes",
        ),
        pytest.param(
            "2024/25,SEN support,ASD,10,E08000024,Sunderland\n2024/25,SEN support,ASD,12,E08000024,Sunderland City\n",
            id="different-counts-under-two-names",
        ),
    ],
)
def test_one_figure_is_never_stored_twice_for_one_area(rows: str, store: Store, write_csv: Callable[..., Path]) -> None:
    path = write_csv("two-codes.csv", "period,provision,primary_need,pupils,area_code,area_name\n" + rows)
    try:
        load(store, path)
    except IngestRejected as exc:
        assert "two rows give different counts" in str(exc) or "twice" in str(exc)
        return
    assert duplicate_cells(store) == []


def test_a_short_row_is_one_problem(store: Store, write_csv: Callable[..., Path]) -> None:
    with pytest.raises(IngestRejected) as exc:
        load(store, write_csv("short.csv", T + ROW + "2024/25,SEN support\n"))
    assert exc.value.total == 1
    assert [str(p) for p in exc.value.problems] == ["Line 3: this row has too few values: the header has 4 columns."]


def test_line_numbers_count_blank_lines(store: Store, write_csv: Callable[..., Path]) -> None:
    with pytest.raises(IngestRejected) as exc:
        load(store, write_csv("gap.csv", T + ROW + "\n" + "2024/25,EHC plan,ASD,-5\n"))
    assert "Line 4, column 'pupils': '-5' is negative" in str(exc.value)


def test_line_numbers_count_a_value_that_runs_over_two_lines(store: Store, write_csv: Callable[..., Path]) -> None:
    quoted = 'period,provision,primary_need,pupils,area_name\n2024/25,SEN support,ASD,10,"Sunder\nland"\n'
    with pytest.raises(IngestRejected) as exc:
        load(store, write_csv("quoted.csv", quoted + "\n2024/25,EHC plan,ASD,ten,Sunderland\n"))
    assert "Line 5, column 'pupils': 'ten' is not a number" in str(exc.value)


@pytest.mark.parametrize("count", ["١٢", "²"])
def test_non_ascii_digits_are_not_a_number(count: str, store: Store, write_csv: Callable[..., Path]) -> None:
    with pytest.raises(IngestRejected) as exc:
        load(store, write_csv("digits.csv", T + f"2024/25,SEN support,ASD,{count}\n"))
    assert f"'{count}' is not a number" in str(exc.value)


def test_problem_location_names_the_column_as_written(store: Store, write_csv: Callable[..., Path]) -> None:
    with pytest.raises(IngestRejected) as exc:
        load(store, write_csv("caps.csv", "Period,Provision,Primary_Need,Pupils\n2024/25,SEN support,ASD,-5\n"))
    assert "Line 2, column 'Pupils': '-5' is negative" in str(exc.value)


def test_reloading_a_superseded_file_puts_it_back_in_force(store: Store, write_csv: Callable[..., Path]) -> None:
    a = write_csv("a.csv", T + "2024/25,SEN support,ASD,10\n")
    load(store, a)
    load(store, write_csv("b.csv", T + "2024/25,SEN support,ASD,99\n"))
    load(store, a)
    assert cells(store, "202425", SUNDERLAND) == [("SEN support", "ASD", 10, None)]


def test_an_extract_loaded_for_another_period_is_loaded_for_that_period(store: Store) -> None:
    load(store, PUPIL_EXTRACT, period="202324")
    report = load(store, PUPIL_EXTRACT, period="202425")
    assert not report.already_loaded
    assert len(cells(store, "202425", SUNDERLAND)) == 7
