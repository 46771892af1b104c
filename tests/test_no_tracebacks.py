"""No traceback ever reaches a person: every hostile file, on the Upload and Commitments pages (AppTest) and on
the command line (a real process), ends in a plain, specific message, and the command line records each refused
load in the load log like any other rejection.

The corpus is the census hostile catalogue (tests/test_ingest_corpus.py), the malformed engagement files
(tests/test_engagement.py), the hostile EHC plan files and zips (tests/hostile_files.py, HOSTILE_EHCP), and the files
here: values over Python's csv field limit (128 KB) in an engagement
file and a commitments import, imports over their limits, and non-CSV bytes for each kind of file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, Actor, add_user
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER
from tests.hostile_files import BAD_LINES, HOSTILE, HOSTILE_EHCP, oversized_notes_file
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
    max_bytes: int | None = None  # an upload's size limit (the page's, which the command line does not have)
    expected: tuple[str, ...] = field(default_factory=tuple)  # fragments the message must hold
    file: str = ""  # the name it is loaded under, when not <name>.csv (an EHC plan file's name says what it is)

    @property
    def file_name(self) -> str:
        return self.file or f"{self.name}.csv"


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
                hostile.kwargs.get("max_bytes"),
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


def ehcp_cases() -> list[Case]:
    """DfE's EHC plan release gone wrong: bad figures and periods, unknown files, damaged zips, zip bombs, paths
    leaving the archive (tests/hostile_files.py)."""
    return [
        Case("ehcp", f"{number}-{hostile.file_name}", hostile.data, expected=hostile.expected, file=hostile.file_name)
        for number, hostile in enumerate(HOSTILE_EHCP)
    ]


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
    names = {(case.kind, case.name) for case in census_cases() + engagement_cases() + ehcp_cases() + COMMITMENTS}
    assert {
        ("census", "field-over-128kb-label"),
        ("census", "field-over-128kb-area-name"),
        ("engagement", "field-over-128kb"),
        ("commitments", "field-over-128kb"),
        ("ehcp", "14-release.zip"),  # a member path leaving the archive
    } <= names
    assert len(names) >= 80


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
        if case.fmt not in FORMAT_OPTIONS or case.max_bytes is not None:
            continue  # the page offers no such format; an upload over its limit: tests/test_upload_page.py
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
    at.radio(key="upload_kind").set_value("ehcp").run()
    for case in ehcp_cases():
        at.file_uploader[0].set_value((case.file_name, case.data, "application/octet-stream"))
        at.button(key="check_ehcp").click().run()
        if (problem := page_problem(at, case)) is not None:
            problems.append(f"ehcp {case.name}: {problem}")
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
# One real process runs every case through the command line's own entry point (sendlib.cli.main with the case's
# argv, as ``python -m sendlib`` does), with what Python itself would do on an uncaught exception: the traceback
# on stderr and exit 1. Starting a process per case took over a minute of the suite for the same assertions;
# python -m sendlib's own start-up is covered by tests/test_cli.py.
DRIVER = """
import contextlib, io, json, sys, traceback
from sendlib.cli import main
jobs, answers = json.load(open(sys.argv[1])), []
for argv in jobs:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
    answers.append({"returncode": code, "stderr": err.getvalue()})
json.dump(answers, open(sys.argv[2], "w"))
"""


def ingest_argv(case: Case, folder: Path) -> list[str]:
    """The command line that loads ``case`` into a store of its own in ``folder`` (written here)."""
    folder.mkdir()
    path, db = folder / case.file_name, folder / "store.duckdb"
    path.write_bytes(case.data)
    argv = ["--db", str(db)]
    options = (["--period", case.period] if case.period else []) + (
        ["--format", case.fmt] if case.fmt != "auto" else []
    )
    return [*argv, "ingest", case.kind, str(path), *options]


def load_log(folder: Path) -> list[tuple]:
    """The load log of the store in ``folder`` (none when the command made no store)."""
    db = folder / "store.duckdb"
    if not db.exists():
        return []
    store = Store.open(db, read_only=True)
    try:
        return store.query_rows("SELECT kind, file_name, outcome FROM loads ORDER BY load_id")
    finally:
        store.close()


def test_no_hostile_file_puts_a_traceback_on_the_command_line_and_each_refusal_is_logged(tmp_path: Path) -> None:
    # A file over the upload limit is no hostile file on the command line, which loads a file of any size
    # (tests/test_cli.py).
    cases = [case for case in census_cases() if case.max_bytes is None] + engagement_cases() + ehcp_cases()
    folders = [tmp_path / f"case-{number}" for number in range(len(cases))]
    jobs, answers = tmp_path / "jobs.json", tmp_path / "answers.json"
    jobs.write_text(json.dumps([ingest_argv(case, folder) for case, folder in zip(cases, folders, strict=True)]))
    ran = subprocess.run(
        [sys.executable, "-c", DRIVER, str(jobs), str(answers)], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    problems = []
    for case, folder, loaded in zip(cases, folders, json.loads(answers.read_text()), strict=True):
        where, stderr, code, log = f"{case.kind} {case.name}", loaded["stderr"], loaded["returncode"], load_log(folder)
        if "Traceback" in stderr or "_csv" in stderr or 'File "/' in stderr:
            problems.append(f"{where}: a traceback on stderr")
        elif code == 2:
            if "usage:" not in stderr or case.fmt in FORMAT_OPTIONS:
                problems.append(f"{where}: exit 2 without a usage message")
        elif code != 1 or not stderr.strip():
            problems.append(f"{where}: exit {code} with stderr {stderr[:100]!r}")
        elif log != [(case.kind, case.file_name, "rejected")]:
            problems.append(f"{where}: the refusal is not in the load log")
        elif any(fragment not in stderr for fragment in case.expected):
            problems.append(f"{where}: the message lacks {case.expected}")
        elif len(stderr) > 10_000:
            problems.append(f"{where}: {len(stderr):,} characters on stderr")
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
