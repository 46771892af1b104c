"""Nothing silently lost or garbled (issue 17, requirements 10, 11 and 13).

Every data line of a census file is counted without a CSV reader and a load that read fewer rows is refused,
naming the line, whichever way the file is staged; a file that is mostly UTF-8 with a byte that is not is
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
from tests.test_cli import run_cli
from tests.test_ingest_paths import WAYS, _take_way

T = "period,provision,primary_need,pupils,note\n"
# About 32 MB: DuckDB's reader skips a line this long without a word (one of 16 MB it reports as too long).
HUGE = "z" * (32 * 1024 * 1024 + 100)


def _five_rows_one_huge(huge_at: int = 3) -> str:
    rows = [f"202425,SEN support,{need},{10 + i},note {i}" for i, need in enumerate(("ASD", "SLCN", "MLD", "SEMH", "PD"))]
    rows[huge_at - 2] = rows[huge_at - 2].rsplit(",", 1)[0] + "," + HUGE
    return T + "\n".join(rows) + "\n"


# -- 10. every data line is read, or the load is refused naming the line ---------------------------------
@pytest.mark.parametrize("way", WAYS)
def test_a_row_the_reader_skips_is_refused_on_every_way(way: str, store: Store, config, write_csv,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _take_way(monkeypatch, way)
    path = write_csv("huge.csv", _five_rows_one_huge(huge_at=4))
    for attempt in (lambda: preview_census(store, path, config=config),
                    lambda: load_census(store, path, config=config, actor=TEST_OFFICER)):
        with pytest.raises(IngestRejected) as exc:
            attempt()
        assert "Line 4: this line is longer than 1 MB" in str(exc.value)
        assert exc.value.total == 1
    assert outcomes  # the way asked for was taken
    assert store.query_value("SELECT count(*) FROM census") == 0
    assert store.query_rows("SELECT outcome FROM loads") == [("rejected",)]


@pytest.mark.parametrize("way", WAYS)
def test_a_row_lost_for_another_reason_is_named_by_its_line(way: str, store: Store, config, write_csv,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Pretend the file has one more line than any reader sees (as a reader bug would lose one): the load
    # must not trust the reader's count, and names where the reader's rows and the file's lines part.
    _take_way(monkeypatch, way)
    real_finish = RecordCounter.finish
    monkeypatch.setattr(RecordCounter, "finish", lambda self: real_finish(self) + 1)
    path = write_csv("short.csv", T + "202425,SEN support,ASD,10,a\n202425,EHC plan,ASD,4,b\n")
    with pytest.raises(IngestRejected, match=r"Line 4: .*the file has 3 data rows but only 2 could be read"):
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


@pytest.mark.parametrize(("text", "rows"), [
    (T + "202425,SEN support,ASD,10,\"two\nlines\"\n\n202425,EHC plan,ASD,4,x\n\n\n", 2),
    ((T + "202425,SEN support,ASD,10,a\r\n\r\n202425,EHC plan,ASD,4,b").replace("\n", "\r\n").replace("\r\r", "\r"), 2),
    (T.replace("\n", "\r") + "202425,SEN support,ASD,10,a\r202425,EHC plan,ASD,4,\"b\rc\"\r", 2),
])
def test_blank_lines_quoted_line_ends_and_old_mac_files_still_load(text: str, rows: int, store: Store, config,
                                                                    write_csv) -> None:
    report = load_census(store, write_csv("ok.csv", text), config=config, actor=TEST_OFFICER)
    assert report.rows_read == rows


# -- 11. a file that is mostly UTF-8 with a byte that is not is refused, not read as Windows-1252 -------------
AREA = "period,provision,primary_need,pupils,area_code,area_name\n"
NAME = "Sunderland – Münster Café"


def test_a_utf8_file_with_one_invalid_byte_is_refused_naming_the_line_and_byte(store: Store, config, write_csv) -> None:
    head = (AREA + f"202425,SEN support,ASD,10,E08000024,{NAME}\n").encode()
    data = head + b"202425,EHC plan,ASD,4,E08000024,Sunderland \xff\n" + f"202425,EHC plan,MLD,3,E08000024,{NAME}\n".encode()
    path = write_csv("mixed.csv", data)
    for attempt in (lambda: preview_census(store, path, config=config),
                    lambda: load_census(store, path, config=config, actor=TEST_OFFICER)):
        with pytest.raises(IngestRejected) as exc:
            attempt()
        byte = data.index(b"\xff") + 1
        assert (f"mixed.csv is UTF-8 text with bytes that are not UTF-8 in it (the first on line 3, byte {byte:,} "
                "of the file: 0xFF)") in str(exc.value)
    assert store.query_value("SELECT count(*) FROM census") == 0


def test_the_invalid_byte_is_found_across_chunks_and_after_the_utf8(store: Store, config, write_csv,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from sendlib.ingest import source
    monkeypatch.setattr(source, "CHUNK_BYTES", 7)  # a multi-byte character is cut between chunks
    data = (AREA + "202425,SEN support,ASD,10,E08000024,Sunderland\n").encode() + b"202425,EHC plan,ASD,4,E08000024,Sunderland \xe9\n" \
        + f"202425,EHC plan,MLD,3,E08000024,{NAME}\n".encode()
    byte = data.index(b"\xe9") + 1
    with pytest.raises(IngestRejected, match=f"the first on line 3, byte {byte:,} of the file: 0xE9"):
        load_census(store, write_csv("late.csv", data), config=config, actor=TEST_OFFICER)


def test_a_genuine_windows_1252_file_still_loads_its_accents(store: Store, config, write_csv) -> None:
    data = (AREA + f"202425,SEN support,ASD,10,E08000024,{NAME}\n202425,EHC plan,ASD,4,E08000024,{NAME}\n").replace("\n", "\r\n").encode("cp1252")
    assert b"\xfc" in data and b"\xe9" in data  # ü and é as Excel writes them: single bytes
    load_census(store, write_csv("excel.csv", data), config=config, actor=TEST_OFFICER)
    assert store.query_rows("SELECT DISTINCT area_name FROM census") == [(NAME,)]
