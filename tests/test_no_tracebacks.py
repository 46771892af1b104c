"""No traceback ever reaches a person: every hostile file, on the Upload and Commitments pages (AppTest) and on
the command line (a real process), ends in a plain, specific message, and the command line records each refused
load in the load log like any other rejection.

The corpus is the census hostile catalogue (tests/test_ingest_corpus.py), the malformed engagement files
(tests/test_engagement.py), and the files here: values over Python's csv field limit (128 KB) in an engagement
file and a commitments import, imports over their limits, and non-CSV bytes for each kind of file.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER
from tests.hostile_files import BAD_LINES, HOSTILE, oversized_notes_file
from tests.hostile_files import ENGAGEMENT_HEADER as HEADER

FORMAT_OPTIONS = ("auto", "ees", "template", "pupil")  # what the Upload page's format box offers


@dataclass
class Case:
    """One hostile file for one way in: ``kind`` is census, engagement or commitments."""

    kind: str
    name: str
    data: bytes
    period: str | None = None
    fmt: str = "auto"
    max_file_mb: int | None = None
    expected: tuple[str, ...] = field(default_factory=tuple)  # fragments the message must hold


def census_cases() -> list[Case]:
    cases = []
    for param in HOSTILE:
        hostile = param.values[0]
        cases.append(
            Case(
                "census",
                hostile.name,
                hostile.data,
                hostile.kwargs.get("period"),
                hostile.kwargs.get("fmt", "auto"),
                hostile.config.upload.max_file_mb if hostile.config is not None else None,
            )
        )
    return cases


ENGAGEMENT_EXTRA = {
    "field-over-128kb": (oversized_notes_file().encode(), ("Line 3: a value on this line is over 131,072 characters",)),
    "empty": (b"", ("is empty",)),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("is a PNG image, not a CSV file",)),
    "census-file": (b"period,provision,primary_need,pupils\n202425,SEN support,SLCN,5\n", ("not an engagement file",)),
    "broken-quote": (
        (HEADER + '\nX-1,2026-02-01,"Survey,meso,both\n').encode(),
        ("Line 2: Hart's ladder rung must be a whole number from 1 to 8, not this value.",),
    ),
}


def engagement_cases() -> list[Case]:
    cases = [
        Case("engagement", name.replace(" ", "-"), f"{HEADER}\n{lines}\n".encode(), expected=(expected[0],))
        for name, (lines, expected) in BAD_LINES.items()
    ]
    cases += [Case("engagement", name, data, expected=expected) for name, (data, expected) in ENGAGEMENT_EXTRA.items()]
    return cases


IMPORT_HEADER = "reference,title,strategy,level,owner,start_date,due_date\n"
COMMITMENT_ROW = "N{n},Commitment {n},S,micro,Owner,2026-01-01,2026-06-30\n"
COMMITMENTS = [
    Case(
        "commitments",
        "field-over-128kb",
        (IMPORT_HEADER + 'N1,"' + "t" * 200_000 + '",S,micro,O,2026-01-01,2026-06-30\n').encode(),
        expected=("Line 2: a value on this line is over 131,072 characters",),
    ),
    Case(
        "commitments",
        "header-over-128kb",
        ('"' + "h" * 200_000 + '",title\n').encode(),
        expected=("Line 1: a value on this line is over 131,072 characters",),
    ),
    Case(
        "commitments",
        "twenty-thousand-rows",
        (IMPORT_HEADER + "".join(COMMITMENT_ROW.format(n=n) for n in range(20_000))).encode(),
        expected=("more than 1,000 commitments (upload.max_commitment_rows in config.yaml)",),
    ),
    Case("commitments", "png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", expected=("has no reference",)),
    Case("commitments", "empty", b"", expected=("has no reference",)),
    Case(
        "commitments",
        "title-too-long",
        (IMPORT_HEADER + "N1," + "x" * 300 + ",S,micro,O,2026-01-01,2026-06-30\n").encode(),
        expected=("Line 2: The title is 300 characters; keep it to 200.",),
    ),
    Case(
        "commitments",
        "broken-quote",
        (IMPORT_HEADER + 'N1,"Unclosed,S,micro,O,2026-01-01,2026-06-30\n').encode(),
        expected=("Nothing was imported",),
    ),
]


def test_the_corpus_holds_every_kind_of_hostile_file() -> None:
    names = {(case.kind, case.name) for case in census_cases() + engagement_cases() + COMMITMENTS}
    assert {
        ("census", "field-over-128kb-label"),
        ("census", "field-over-128kb-area-name"),
        ("engagement", "field-over-128kb"),
        ("commitments", "field-over-128kb"),
    } <= names
    assert len(names) >= 60


# -- the pages ------------------------------------------------------------------------------------------------
@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pages.duckdb"
    store = Store.open(path)
    add_user(store, "jo.officer@example.invalid", OFFICER, "a test password", by=TEST_OFFICER)
    store.close()
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["actor"] = Actor("jo.officer@example.invalid", OFFICER)
    return at.run().switch_page(page).run()


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text, messages included."""
    parts = []
    for kind in ("markdown", "error", "warning", "info", "success", "caption", "text", "code", "exception"):
        parts += [str(getattr(element, "value", "")) for element in getattr(at, kind)]
    return "\n".join(parts).replace("\\", "")


def page_problem(at: AppTest, case: Case) -> str | None:
    """What is wrong with how the page answered ``case``, or None when it gave a plain message."""
    text = shown_text(at)
    if at.exception:
        return f"an exception element: {at.exception[0].value[:200]}"
    if "Traceback" in text or "_csv" in text or 'File "/' in text:
        return "a traceback in the page's text"
    refusals = [element.value.replace("\\", "") for element in (*at.error, *at.warning)]
    if not refusals:
        return "no error or warning shown"
    for fragment in case.expected:
        if fragment not in text:
            return f"the message lacks {fragment!r}"
    if max(len(message) for message in refusals) > 2_000:
        return "a message over 2,000 characters"
    return None


def test_no_hostile_file_puts_a_traceback_on_the_upload_page(db: Path) -> None:
    at = open_page("pages/upload.py")
    problems = []
    for case in census_cases():
        if case.fmt not in FORMAT_OPTIONS or case.max_file_mb is not None:
            continue  # the page offers no such format; the size limit is the file box's own (tested on the CLI)
        at.file_uploader[0].set_value((f"{case.name}.csv", case.data, "text/csv"))
        at.selectbox(key="census_format").set_value(case.fmt)
        at.text_input[0].set_value(case.period or "")
        at.button(key="check_file").click().run()
        if (problem := page_problem(at, case)) is not None:
            problems.append(f"census {case.name}: {problem}")
    at.radio(key="upload_kind").set_value("engagement").run()
    for case in engagement_cases():
        at.file_uploader[0].set_value((f"{case.name}.csv", case.data, "text/csv"))
        at.button(key="check_engagement").click().run()
        if (problem := page_problem(at, case)) is not None:
            problems.append(f"engagement {case.name}: {problem}")
    assert problems == []


def test_no_hostile_import_puts_a_traceback_on_the_commitments_page(db: Path) -> None:
    at = open_page("pages/commitments.py")
    problems = []
    for case in COMMITMENTS:
        at.file_uploader(key="commitments_import").set_value((f"{case.name}.csv", case.data, "text/csv"))
        at.button(key="commitments_import_button").click().run()
        if (problem := page_problem(at, case)) is not None:
            problems.append(f"commitments {case.name}: {problem}")
    assert problems == []


# -- the command line -------------------------------------------------------------------------------------------
def run_ingest(case: Case, folder: Path) -> tuple[Case, subprocess.CompletedProcess, list[tuple]]:
    """Load ``case`` with the real command line into a store of its own; returns the process and the load log."""
    folder.mkdir()
    path, db = folder / f"{case.name}.csv", folder / "store.duckdb"
    path.write_bytes(case.data)
    command = [sys.executable, "-m", "sendlib", "--db", str(db)]
    if case.max_file_mb is not None:
        (folder / "config.yaml").write_text(f"upload:\n  max_file_mb: {case.max_file_mb}\n")
        command += ["--config", str(folder / "config.yaml")]
    options = (["--period", case.period] if case.period else []) + (
        ["--format", case.fmt] if case.fmt != "auto" else []
    )
    loaded = subprocess.run(
        [*command, "ingest", case.kind, str(path), *options],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    log: list[tuple] = []
    if db.exists():  # the process has ended: the store is free to read
        store = Store.open(db, read_only=True)
        try:
            log = store.query_rows("SELECT kind, file_name, outcome FROM loads ORDER BY load_id")
        finally:
            store.close()
    return case, loaded, log


def test_no_hostile_file_puts_a_traceback_on_the_command_line_and_each_refusal_is_logged(tmp_path: Path) -> None:
    cases = census_cases() + engagement_cases()
    with ThreadPoolExecutor(max_workers=2) as pool:  # each in its own store: one process may hold a store file
        results = list(pool.map(lambda pair: run_ingest(pair[1], tmp_path / f"case-{pair[0]}"), enumerate(cases)))
    problems = []
    for case, loaded, log in results:
        where = f"{case.kind} {case.name}"
        if "Traceback" in loaded.stderr or "_csv" in loaded.stderr or 'File "/' in loaded.stderr:
            problems.append(f"{where}: a traceback on stderr")
        elif loaded.returncode == 2:
            if "usage:" not in loaded.stderr or case.fmt in FORMAT_OPTIONS:
                problems.append(f"{where}: exit 2 without a usage message")
        elif loaded.returncode != 1 or not loaded.stderr.strip():
            problems.append(f"{where}: exit {loaded.returncode} with stderr {loaded.stderr[:100]!r}")
        elif log != [(case.kind, f"{case.name}.csv", "rejected")]:
            problems.append(f"{where}: the refusal is not in the load log")
        elif any(fragment not in loaded.stderr for fragment in case.expected):
            problems.append(f"{where}: the message lacks {case.expected}")
        elif len(loaded.stderr) > 10_000:
            problems.append(f"{where}: {len(loaded.stderr):,} characters on stderr")
    assert problems == []


def test_an_unexpected_failure_on_the_command_line_is_a_sentence_on_record(tmp_path: Path) -> None:
    """A fault no check foresaw (here one injected into the load path of a real process) still reaches the
    officer as a sentence, with no traceback or server path, and the attempt is in the load log."""
    db, path = tmp_path / "store.duckdb", tmp_path / "fine.csv"
    path.write_text("period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1500\n")
    script = (
        "import sys, sendlib.cli as cli\n"
        "def broken(*args, **kwargs):\n    raise RuntimeError('/srv/secret/path/census.py went wrong')\n"
        "cli.load_census = broken\n"
        f"sys.exit(cli.main(['--db', {str(db)!r}, 'ingest', 'census', {str(path)!r}]))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert ran.returncode == 1
    assert ran.stderr == (
        "error: the command stopped on an unexpected problem (RuntimeError); nothing was written. "
        "Please report it, with the command you ran.\n"
    )
    store = Store.open(db, read_only=True)
    try:
        assert store.query_rows("SELECT kind, file_name, outcome, message FROM loads") == [
            ("census", "fine.csv", "rejected", "stopped by an unexpected problem (RuntimeError)")
        ]
    finally:
        store.close()
