"""Nothing silently lost or garbled (issue 17, requirements 10, 11 and 13).

Every data line of a census file is counted without a CSV reader and a load that read fewer rows is refused,
naming the line, by the check or the explain pass; a file that is mostly UTF-8 with a byte that is not is
refused, naming the line and the byte, while a genuine Windows-1252 file still loads; every area code must
be one DfE lists (England, a region, a local authority; a school's URN is a number), and a name that
contradicts its code is refused, while DfE's own spellings of every year load.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sendlib.ingest import IngestRejected, load_census, preview_census
from sendlib.ingest.source import RecordCounter
from sendlib.store import Store
from tests.conftest import TEST_OFFICER, census_snapshot
from tests.fixtures import run_cli

T = "period,provision,primary_need,pupils,note\n"
# About 32 MB: DuckDB's reader skips a line this long without a word (one of 16 MB it reports as too long).
HUGE = "z" * (32 * 1024 * 1024 + 100)


def _five_rows_one_huge(huge_at: int = 3) -> str:
    rows = [
        f"202425,SEN support,{need},{10 + i},note {i}" for i, need in enumerate(("ASD", "SLCN", "MLD", "SEMH", "PD"))
    ]
    rows[huge_at - 2] = rows[huge_at - 2].rsplit(",", 1)[0] + "," + HUGE
    return T + "\n".join(rows) + "\n"


# -- 10. every data line is read, or the load is refused naming the line ---------------------------------
def test_a_row_the_reader_skips_is_refused(store: Store, config, write_csv) -> None:
    path = write_csv("huge.csv", _five_rows_one_huge(huge_at=4))
    for attempt in (
        lambda: preview_census(store, path, config=config),
        lambda: load_census(store, path, config=config, actor=TEST_OFFICER),
    ):
        with pytest.raises(IngestRejected) as exc:
            attempt()
        assert "Line 4: this line is longer than 1 MB" in str(exc.value)
        assert exc.value.total == 1
    assert store.query_value("SELECT count(*) FROM census") == 0
    assert store.query_rows("SELECT outcome FROM loads") == [("rejected",)]


def test_a_row_lost_for_another_reason_is_named_by_its_line(
    store: Store, config, write_csv, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend the file has one more line than any reader sees (as a reader bug would lose one): the load
    # must not trust the reader's count, and names where the reader's rows and the file's lines part.
    real_finish = RecordCounter.finish
    monkeypatch.setattr(RecordCounter, "finish", lambda self: real_finish(self) + 1)
    path = write_csv("short.csv", T + "202425,SEN support,ASD,10,a\n\n202425,EHC plan,ASD,4,b\n")
    with pytest.raises(IngestRejected, match=r"Line 5: .*the file has 3 data rows but only 2 could be read"):
        load_census(store, path, config=config, actor=TEST_OFFICER)
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_the_cli_refuses_a_file_with_a_skipped_row(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    assert run_cli("init", "--demo", db=db).returncode == 0
    before = run_cli("export", "census", db=db).stdout
    path = tmp_path / "huge.csv"
    path.write_text(_five_rows_one_huge(huge_at=3))
    result = run_cli("ingest", "census", str(path), db=db)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert "huge.csv was not loaded" in result.stderr and "Line 3: this line is longer than 1 MB" in result.stderr
    assert run_cli("export", "census", db=db).stdout == before
    assert "\trejected\thuge.csv" in run_cli("history", db=db).stdout


def _slow_count(data: bytes) -> int:
    """Records after the header, byte by byte: the rule RecordCounter implements at C speed."""
    end = b"\n" if b"\n" in data else b"\r"
    blanks = (b"",) if end == b"\r" else (b"", b"\r")
    lines, line, quoted = [], bytearray(), False
    for byte in data:
        if byte == ord('"'):
            quoted = not quoted
        if bytes([byte]) == end and not quoted:
            lines.append(bytes(line))
            line = bytearray()
        else:
            line.append(byte)
    lines.append(bytes(line))
    return max(0, sum(1 for text in lines if text not in blanks) - 1)


def test_the_record_count_agrees_with_a_byte_by_byte_count_however_the_file_is_cut() -> None:
    rng = random.Random(17)
    pieces = [b"a", b",", b'"', b"\n", b"\r", b"\r\n", b" ", b"\n\n", b'""']
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(0, 3)))
        counter = RecordCounter()
        for start, stop in zip([0, *cuts], [*cuts, len(data)]):
            counter.feed(data[start:stop])
        assert max(0, counter.finish() - 1) == _slow_count(data), (data, cuts)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (T + '202425,SEN support,ASD,10,"two\nlines"\n\n202425,EHC plan,ASD,4,x\n\n\n', 2),
        (
            (T + "202425,SEN support,ASD,10,a\r\n\r\n202425,EHC plan,ASD,4,b")
            .replace("\n", "\r\n")
            .replace("\r\r", "\r"),
            2,
        ),
        (T.replace("\n", "\r") + '202425,SEN support,ASD,10,a\r202425,EHC plan,ASD,4,"b\rc"\r', 2),
    ],
)
def test_blank_lines_quoted_line_ends_and_old_mac_files_still_load(
    text: str, rows: int, store: Store, config, write_csv
) -> None:
    report = load_census(store, write_csv("ok.csv", text), config=config, actor=TEST_OFFICER)
    assert report.rows_read == rows


# -- 11. a file that is mostly UTF-8 with a byte that is not is refused, not read as Windows-1252 -------------
AREA = "period,provision,primary_need,pupils,area_code,area_name\n"
NAME = "Sunderland – Münster Café"


def test_a_utf8_file_with_one_invalid_byte_is_refused_naming_the_line_and_byte(store: Store, config, write_csv) -> None:
    head = (AREA + f"202425,SEN support,ASD,10,E08000024,{NAME}\n").encode()
    data = (
        head
        + b"202425,EHC plan,ASD,4,E08000024,Sunderland \xff\n"
        + f"202425,EHC plan,MLD,3,E08000024,{NAME}\n".encode()
    )
    path = write_csv("mixed.csv", data)
    for attempt in (
        lambda: preview_census(store, path, config=config),
        lambda: load_census(store, path, config=config, actor=TEST_OFFICER),
    ):
        with pytest.raises(IngestRejected) as exc:
            attempt()
        byte = data.index(b"\xff") + 1
        assert (
            f"mixed.csv is UTF-8 text with bytes that are not UTF-8 in it (the first on line 3, byte {byte:,} "
            "of the file: 0xFF)"
        ) in str(exc.value)
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_the_invalid_byte_is_found_across_chunks_and_after_the_utf8(
    store: Store, config, write_csv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sendlib.ingest import source

    monkeypatch.setattr(source, "CHUNK_BYTES", 7)  # a multi-byte character is cut between chunks
    data = (
        (AREA + "202425,SEN support,ASD,10,E08000024,Sunderland\n").encode()
        + b"202425,EHC plan,ASD,4,E08000024,Sunderland \xe9\n"
        + f"202425,EHC plan,MLD,3,E08000024,{NAME}\n".encode()
    )
    byte = data.index(b"\xe9") + 1
    with pytest.raises(IngestRejected, match=f"the first on line 3, byte {byte:,} of the file: 0xE9"):
        load_census(store, write_csv("late.csv", data), config=config, actor=TEST_OFFICER)


def test_a_genuine_windows_1252_file_still_loads_its_accents(store: Store, config, write_csv) -> None:
    data = (
        (AREA + f"202425,SEN support,ASD,10,E08000024,{NAME}\n202425,EHC plan,ASD,4,E08000024,{NAME}\n")
        .replace("\n", "\r\n")
        .encode("cp1252")
    )
    assert b"\xfc" in data and b"\xe9" in data  # ü and é as Excel writes them: single bytes
    load_census(store, write_csv("excel.csv", data), config=config, actor=TEST_OFFICER)
    assert store.query_rows("SELECT DISTINCT area_name FROM census") == [(NAME,)]


# -- 13. area codes are DfE's, and a name never contradicts its code -----------------------------------------
REFERENCE = Path(__file__).resolve().parent.parent / "sendlib" / "reference"
SEN2_AREAS = Path(__file__).resolve().parent / "fixtures" / "geography" / "dfe_sen2_caseload_areas_2019_to_2025.csv"
EES = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,sen_provision,sen_primary_need,pupil_count\n"
)


def _refused(store: Store, config, path: Path) -> str:
    before = census_snapshot(store)
    with pytest.raises(IngestRejected) as exc:
        preview_census(store, path, config=config)
    with pytest.raises(IngestRejected) as exc:
        load_census(store, path, config=config, actor=TEST_OFFICER)
    assert census_snapshot(store) == before
    return str(exc.value)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("E08999999,Sunderland", "Line 3, column 'area_code': 'E08999999' is not an area code in DfE's lists"),
        (
            "'; drop table census;--,Sunderland",
            "Line 3, column 'area_code': ''; DROP TABLE CENSUS;--' is not an area code in DfE's lists",
        ),
        (
            "E08000024,Barnsley",
            "Line 3, column 'area_name': 'Barnsley' is not the name of E08000024, which DfE's lists call Sunderland",
        ),
        (
            "E08000022,South Tyneside",
            "'South Tyneside' is not the name of E08000022, which DfE's lists call North Tyneside",
        ),
        ("E12000001,Sunderland", "'Sunderland' is not the name of E12000001, which DfE's lists call North East"),
    ],
)
def test_a_phantom_code_or_a_contradicting_name_is_refused(
    row: str, message: str, store: Store, config, write_csv
) -> None:
    text = AREA + "202425,SEN support,ASD,10,E08000024,Sunderland\n" + f"202425,EHC plan,ASD,4,{row}\n"
    assert message in _refused(store, config, write_csv("areas.csv", text))
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_one_code_under_two_areas_names_is_refused_even_when_the_figures_agree(store: Store, config, write_csv) -> None:
    text = AREA + "202425,SEN support,ASD,10,E08000024,Sunderland\n202425,SEN support,ASD,10,E08000024,Barnsley\n"
    assert "Line 3, column 'area_name': 'Barnsley' is not the name of E08000024" in _refused(
        store, config, write_csv("two-names.csv", text)
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Local authority,E92000001,England,E12000001,North East,394,E12000001,North East",
            "column 'new_la_code': 'E12000001' is the code of North East (regional), but the row's geographic level is "
            "Local authority",
        ),
        (
            "Local authority,E92000001,England,E12000001,North East,370,E08000024,Sunderland",
            "column 'old_la_code': the old LA code '370' is not E08000024's: DfE gives Sunderland the old code 394",
        ),
        ("Regional,E92000001,England,E12000099,Nowhere,,,", "column 'region_code': 'E12000099' is not an area code"),
        ("National,E92000002,England,,,,,", "column 'country_code': 'E92000002' is not an area code"),
        (
            "Local authority,E92000001,England,E12000001,North East,999,,Sunderland",
            "column 'old_la_code': '999' is not an area code in DfE's lists",
        ),
    ],
)
def test_dfe_layout_codes_levels_and_old_codes_must_agree(
    row: str, message: str, store: Store, config, write_csv
) -> None:
    text = EES + f"202425,Academic year,{row},SEN support,ASD,10\n"
    assert message in _refused(store, config, write_csv("ees.csv", text))


def test_a_school_is_named_by_a_six_digit_urn(store: Store, config, write_csv) -> None:
    head = EES.replace("la_name,", "la_name,school_urn,school_name,")
    school = (
        "202425,Academic year,School,E92000001,England,E12000001,North East,394,E08000024,Sunderland,{urn},"
        "A school,SEN support,ASD,10\n"
    )
    load_census(store, write_csv("ok.csv", head + school.format(urn="108000")), config=config, actor=TEST_OFFICER)
    message = _refused(store, config, write_csv("bad.csv", head + school.format(urn="E08999999")))
    assert "Line 2, column 'school_urn': 'E08999999' is not a school URN (six digits)." in message


def test_the_configured_area_must_be_a_dfe_code(store: Store, write_csv) -> None:
    from dataclasses import replace

    from sendlib.config import AreaConfig, Config

    config = replace(Config(), area=AreaConfig(name="Nowhere", code="E08999999"))
    message = _refused(
        store, config, write_csv("t.csv", "period,provision,primary_need,pupils\n202425,SEN support,ASD,1\n")
    )
    assert "Line 2: the configured area (area.code in config.yaml) 'E08999999' is not an area code" in message


def _ees_rows(areas: list[dict[str, str]]) -> str:
    lines = [
        ",".join(
            [
                a["time_period"],
                "Academic year",
                a["geographic_level"],
                a["country_code"],
                a["country_name"],
                a["region_code"],
                a["region_name"],
                a["old_la_code"],
                a["new_la_code"],
                _csv(a["la_name"]),
                "EHC plan",
                "ASD",
                str(index + 1),
            ]
        )
        for index, a in enumerate(areas)
    ]
    return EES + "\n".join(lines) + "\n"


def _csv(value: str) -> str:
    return f'"{value}"' if "," in value else value


def test_every_area_of_dfes_own_published_files_loads(store: Store, config, write_csv) -> None:
    import csv

    with open(SEN2_AREAS, encoding="utf-8", newline="") as fh:
        areas = [{k: v or "" for k, v in row.items()} for row in csv.DictReader(fh)]
    assert len(areas) > 1000 and {a["time_period"] for a in areas} >= {"201819", "202425"}
    report = load_census(store, write_csv("sen2-areas.csv", _ees_rows(areas)), config=config, actor=TEST_OFFICER)
    assert report.rows_read == len(areas)
    assert (
        store.query_value("SELECT count(DISTINCT area_key) FROM census WHERE geographic_level = 'Local authority'")
        >= 150
    )


@pytest.mark.parametrize("listing", ["dfe-local-authorities.csv", "dfe-region-la-hierarchy.csv"])
def test_every_local_authority_in_dfes_lists_loads_under_each_spelling(
    listing: str, store: Store, config, write_csv
) -> None:
    import csv

    with open(REFERENCE / listing, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["new_la_code"].startswith("E")]
    region = {r["new_la_code"]: r.get("parent_geography_code") or r.get("region_code") for r in rows}
    areas = [
        {
            "time_period": "202425",
            "geographic_level": "Local authority",
            "country_code": "E92000001",
            "country_name": "England",
            "region_code": region[r["new_la_code"]],
            "region_name": "",
            "old_la_code": r["old_la_code"] if r["old_la_code"].replace(" / ", "").isdigit() else "",
            "new_la_code": r["new_la_code"],
            "la_name": r["la_name"],
        }
        for r in rows
    ]
    assert len(areas) > 170
    # Each LA once per file: codes that changed (Barnsley's two) are one LA, so load them in two files.
    seen: set[str] = set()
    first, second = [], []
    for area in areas:
        key = area["old_la_code"] or area["new_la_code"]
        (second if key in seen else first).append(area)
        seen.add(key)
    for part, chunk in enumerate((first, second)):
        if chunk:
            load_census(store, write_csv(f"las-{part}.csv", _ees_rows(chunk)), config=config, actor=TEST_OFFICER)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("E06000023", "Bristol"),
        ("E06000023", "City of Bristol"),
        ("E06000010", "Kingston upon Hull"),
        ("E06000010", "Hull"),
        ("E06000047", "Durham"),
        ("E08000024", "Sunderland City Council"),
        ("E08000024", "SUNDERLAND"),
        ("E06000019", "Herefordshire"),
        ("E08000013", "St Helens"),
        ("E06000020", "Telford & Wrekin"),
        ("E12000003", "Yorkshire and the Humber"),
        ("E12000006", "East"),
        ("E08000038", "Barnsley"),
        ("370", "Barnsley"),
    ],
)
def test_dfe_spellings_of_other_years_are_the_same_area(code: str, name: str, store: Store, config, write_csv) -> None:
    load_census(
        store,
        write_csv("spelt.csv", AREA + f'202425,SEN support,ASD,10,{code},"{name}"\n'),
        config=config,
        actor=TEST_OFFICER,
    )
    assert store.query_value("SELECT area_name FROM census") == name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            (AREA + "202425,SEN support,ASD,10,E08999999,Sunderland\n").encode(),
            "Line 2, column 'area_code': 'E08999999' is not an area code in DfE's lists",
        ),
        (
            (AREA + "202425,SEN support,ASD,10,E08000024,Barnsley\n").encode(),
            "Line 2, column 'area_name': 'Barnsley' is not the name of E08000024",
        ),
        (
            (AREA + f"202425,SEN support,ASD,10,E08000024,{NAME}\n").encode()
            + b"202425,EHC plan,ASD,4,E08000024,Sunderland\xff\n",
            "is UTF-8 text with bytes that are not UTF-8 in it (the first on line 3",
        ),
    ],
    ids=["phantom-code", "contradicting-name", "mixed-encodings"],
)
def test_the_cli_refuses_phantom_areas_and_mixed_encodings(data: bytes, message: str, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    result = run_cli("ingest", "census", str(path), db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert run_cli("export", "census", db=db).stdout.strip().count("\n") == 0  # the header alone
