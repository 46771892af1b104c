"""Hostile census files, shared by the census corpus (test_ingest_corpus) and the no-traceback pages
(test_no_tracebacks): each with the fragments its rejection message must hold. Also the fake pupil
extract's identifiers, which must never be shown or stored."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sendlib.config import Config, UploadConfig
from sendlib.ingest import upload_limit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "census"
PUPIL_EXTRACT = CORPUS / "pupil_extract_fake.csv"


# -- the pupil extract's identifiers ---------------------------------------------------------------
def _pupil_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(PUPIL_EXTRACT.read_text(encoding="utf-8"))))


IDENTIFIERS: list[str] = sorted(
    {value for row in _pupil_rows() for key, value in row.items() if key in ("UPN", "Surname", "Forename", "DOB")}
)


def leaked(text: str) -> list[str]:
    return [identifier for identifier in IDENTIFIERS if identifier.lower() in text.lower()]


# -- malformed and hostile files ---------------------------------------------------------------------
T = "period,provision,primary_need,pupils\n"
ROW = "2024/25,SEN support,ASD,10\n"
EES = (
    "time_period,time_identifier,geographic_level,country_code,country_name,sen_provision,sen_primary_need,"
    "pupil_count\n"
)
EES_ROW = "201819,Academic year,National,E92000001,England,SEN support,ASD,10\n"
AREA_T = "period,provision,primary_need,pupils,area_code,area_name\n"


def _pupil_variant(edit: Callable[[list[list[str]]], None]) -> bytes:
    rows = list(csv.reader(io.StringIO(PUPIL_EXTRACT.read_text())))
    edit(rows)
    return "".join(",".join(row) + "\n" for row in rows).encode()


def _set_provision(changes: dict[int, str]) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        for index, code in changes.items():
            rows[index][6] = code

    return edit


def _split_surname(rows: list[list[str]]) -> None:
    rows[2][1] = "Test,person"  # an unquoted comma in a name shifts every later column


# About 2 MB of good census rows, each its own figure (a phase of its own): over an upload limit of 1 MB, and
# loaded whole from the command line, which has no size limit (tests/test_cli.py, tests/test_upload_page.py).
OVER_ONE_MB_ROWS = 62_000
OVER_ONE_MB = (
    "period,provision,primary_need,pupils,phase\n"
    + "".join(f"2024/25,SEN support,ASD,{n % 90 + 1},P{n:05d}\n" for n in range(OVER_ONE_MB_ROWS))
).encode()
_NUL = (T + "2024/25,SEN\x00support,ASD,10\n").encode()
_UNDECODABLE = T.encode() + b"2024/25,SEN supp\x81rt,ASD,10\n"
_EXTRACT = PUPIL_EXTRACT.read_bytes()
# One Windows-1252 é in a file whose en dash is UTF-8: read either way, part of it would be garbled.
_MIXED_ENCODINGS = (T + ROW).encode() + b"2024/25,EHC plan,ASD,4 \xe9\n" + "2024/25,EHC plan,MLD,1 \u2013\n".encode()


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    expected: tuple[str, ...]  # every fragment must be in the message
    kwargs: dict = field(default_factory=dict)
    forbidden: tuple[str, ...] = ()  # none of these may be in the message (case-insensitive)
    total: int | None = None  # how many problems the rejection counts


def bad(name: str, data: bytes, *expected: str, **options) -> object:
    """One hostile file: its name, its bytes, and fragments its rejection message must contain."""
    return pytest.param(Hostile(name, data, expected, **options), id=name)


NO_PUPIL = {"forbidden": tuple(IDENTIFIERS)}
# An upload through the page with upload.max_file_mb at 1: the limit is the page's (max_bytes), not the CLI's.
UPLOAD_OF_ONE_MB = {"max_bytes": upload_limit(Config(upload=UploadConfig(max_file_mb=1)))}

HOSTILE = [
    # Not a CSV file at all
    bad("empty", b"", "empty.csv is empty: there is nothing to load."),
    bad("header-only", T.encode(), "header-only.csv has a header row but no data rows."),
    bad("header-then-blank-lines", (T + "\n  \n\n").encode(), "has a header row but no data rows."),
    bad("blank-first-line", ("\n" + T + ROW).encode(), "has no header row: line 1 is blank."),
    bad("nul-byte", _NUL, f"contains binary data (a NUL byte at byte {_NUL.index(0) + 1})", "not a CSV text file"),
    bad("utf16-unicode-text", (T + ROW).encode("utf-16"), "contains binary data (a NUL byte at byte 4)"),
    bad(
        "xlsx-zip",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml",
        "xlsx-zip.csv is a zip archive or an Excel .xlsx workbook, not a CSV file.",
        "'CSV UTF-8'",
    ),
    bad(
        "old-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "is an old Excel .xls workbook, not a CSV file."
    ),
    bad(
        "pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "pdf.csv is a PDF document, not a CSV file.",
    ),
    bad("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not a CSV file."),
    bad(
        "over-upload-size-limit",
        OVER_ONE_MB,
        f"is {len(OVER_ONE_MB) / 1_048_576:.1f} MB, over the 1 MB limit for files uploaded through this page "
        "(upload.max_file_mb in config.yaml). The command line loads a file of any size",
        kwargs=UPLOAD_OF_ONE_MB,
    ),
    bad(
        "undecodable-bytes",
        _UNDECODABLE,
        f"is neither UTF-8 nor Windows-1252 text (byte {_UNDECODABLE.index(0x81) + 1} cannot be read)",
    ),
    bad(
        "header-without-commas",
        b"period;provision;primary_need;pupils\n2024/25;SEN support;ASD;10\n",
        "does not look like a CSV file: line 1 has no commas.",
    ),
    bad("a-letter-not-a-table", b"Dear colleague\nPlease find the census attached.\n", "line 1 has no commas"),
    bad(
        "mostly-utf8-one-byte-not",
        _MIXED_ENCODINGS,
        "is UTF-8 text with bytes that are not UTF-8 in it (the first on line 3, byte "
        f"{_MIXED_ENCODINGS.index(0xE9) + 1} of the file: 0xE9)",
    ),
    bad(
        "value-of-32-mb-skipped-by-the-reader",
        (
            T + ROW + "2024/25,EHC plan,ASD," + "9" * (32 * 1024 * 1024 + 10) + "\n" + "2024/25,EHC plan,MLD,4\n"
        ).encode(),
        "Line 3: this line is longer than 1 MB; it is not a census row (the CSV reader skipped it).",
        total=1,
    ),
    # Values over Python's csv field limit (128 KB): a plain rejection, never a traceback, and a message that quotes
    # no more than the start of the value
    bad(
        "field-over-128kb-label",
        (T + ROW + '2024/25,"' + "SEN support " * 20_000 + '",MLD,7\n').encode(),
        "Line 3, column 'provision': 'SEN support SEN support",
        "characters) is not a provision we recognise.",
        forbidden=("SEN support " * 20,),
    ),
    bad(
        "field-over-128kb-area-name",
        (
            "period,provision,primary_need,pupils,area_code,area_name\n"
            "2024/25,SEN support,ASD,10,E08000024,Sunderland\n"
            '2024/25,SEN support,MLD,10,E08000024,"' + "Sunderland " * 20_000 + '"\n'
        ).encode(),
        "an area name is at most 200 characters",
        forbidden=("Sunderland " * 20,),
    ),
    bad(
        "line-over-1mb",
        (T + "2024/25,SEN support,ASD," + "1" * 1_100_000 + "\n").encode(),
        "Line 2: this line is longer than 1 MB; it is not a census row.",
    ),
    # The header
    bad(
        "unknown-columns",
        b"a,b,c\n1,2,3\n",
        "Line 1: the columns do not match any census format we know.",
        "Found: a, b, c.",
    ),
    bad(
        "missing-required-column",
        b"period,provision,pupils\n2024/25,SEN support,10\n",
        "Line 1: the required column 'primary_need' or 'need' or 'sen_primary_need' is missing.",
        total=1,
    ),
    bad(
        "ees-missing-count-column",
        EES.replace(",pupil_count", "").encode() + b"201819,Academic year,National,x,y,z,w\n",
        "Line 1: the required column 'pupil_count' or 'number_of_pupils' is missing.",
    ),
    bad(
        "duplicate-header-names",
        (T.strip() + ",Pupils\n" + ROW.strip() + ",10\n").encode(),
        "Line 1: the column 'Pupils' appears twice in the header.",
    ),
    bad(
        "blank-header-name",
        b"period,provision,,primary_need,pupils\n2024/25,SEN support,x,ASD,10\n",
        "Line 1: column 3 of the header has no name.",
    ),
    # Labels
    bad(
        "provision-near-miss",
        (T + ROW + "2024/25,SEN suport,MLD,7\n").encode(),
        "Line 3, column 'provision': 'SEN suport' is not a provision we recognise.",
        "Did you mean 'SEN support'?",
    ),
    bad(
        "provision-unknown",
        (T + "2024/25,Wibble,ASD,7\n").encode(),
        "Line 2, column 'provision': 'Wibble' is not a provision we recognise.",
        forbidden=("Did you mean",),
    ),
    bad(
        "provision-blank",
        (T + ROW + "2024/25,,ASD,7\n").encode(),
        "Line 3, column 'provision': the provision is blank (1 row).",
    ),
    bad(
        "need-near-miss",
        (T + "2024/25,SEN support,Autistic spectrum disordr,7\n").encode(),
        "Line 2, column 'primary_need': 'Autistic spectrum disordr' is not a primary need we recognise.",
        "Did you mean 'Autistic spectrum disorder'?",
    ),
    bad(
        "need-unknown-on-three-rows",
        (T + ROW + "2024/25,SEN support,Dyslexia,3\n2024/25,EHC plan,Dyslexia,4\n2024/25,EHCP,Dyslexia,5\n").encode(),
        "Line 3, column 'primary_need': 'Dyslexia' is not a primary need we recognise (and 2 more rows).",
        total=1,
    ),
    # Counts
    bad(
        "negative-count",
        (T + ROW + "2024/25,EHC plan,ASD,-5\n").encode(),
        "Line 3, column 'pupils': '-5' is negative; a count of pupils cannot be below 0.",
    ),
    bad(
        "fractional-count",
        (T + "2024/25,EHC plan,ASD,2.5\n").encode(),
        "Line 2, column 'pupils': '2.5' is not a whole number; counts of pupils are whole numbers.",
    ),
    bad(
        "non-numeric-count",
        (T + "2024/25,EHC plan,ASD,ten\n").encode(),
        "Line 2, column 'pupils': 'ten' is not a number; expected a whole number of pupils or a published symbol",
    ),
    bad(
        "absurd-count",
        (T + "2024/25,EHC plan,ASD,99999999999999999999\n").encode(),
        "'99999999999999999999' is too large to be a count of pupils (more than 20,000,000).",
    ),
    bad(
        "count-over-every-pupil-in-england",
        (T + "2024/25,EHC plan,ASD,20000001\n").encode(),
        "Line 2, column 'pupils': '20000001' is too large to be a count of pupils",
    ),
    bad(
        "blank-count",
        (T + ROW + "2024/25,EHC plan,ASD,\n").encode(),
        "Line 3, column 'pupils': the count is blank; give a whole number of pupils or a published symbol "
        "(c, x, z, low, u, :, ~).",
    ),
    bad(
        "same-cell-two-counts",
        (T + ROW + "2024/25,EHC plan,ASD,5\n2024/25,SEN Support,Autism,11\n").encode(),
        "Line 2: two rows give different counts for the same figure (2024/25, Sunderland, phase Total, "
        "SEN support, ASD); the other is on line 4.",
        total=1,
    ),
    bad(
        "only-totals",
        (T + "2024/25,Total,Total,40000\n2024/25,SEN support,Total,4249\n2024/25,EHC plan,Total,1831\n").encode(),
        "the file holds only totals: there are no rows for SEN support, EHC plan or No SEN by primary need.",
    ),
    bad(
        "sixty-problems",
        (T + "2024/25,SEN support,ASD,-1\n" * 60).encode(),
        "(60 problems found; nothing was written):",
        "  - Line 51, column 'pupils': '-1' is negative",
        "\n  … and 10 more.",
        forbidden=("Line 52,",),
        total=60,
    ),
    # Periods
    bad(
        "period-four-digits",
        (T + "2019,SEN support,ASD,10\n").encode(),
        "Line 2, column 'period': '2019' is not a census period; expected an academic year such as 201920 or 2019/20.",
    ),
    bad(
        "period-years-not-consecutive",
        (T + ROW + "201921,EHC plan,ASD,10\n").encode(),
        "Line 3, column 'period': '201921' is not a census period",
    ),
    bad(
        "period-letters",
        (T + "abcd,SEN support,ASD,10\n").encode(),
        "Line 2, column 'period': 'abcd' is not a census period",
    ),
    bad(
        "period-given-twice",
        (T + ROW).encode(),
        "the file has its own period column 'period'; leave out --period.",
        kwargs={"period": "202425"},
    ),
    bad(
        "two-time-identifiers",
        (EES + EES_ROW + EES_ROW.replace("Academic year", "January").replace("ASD", "MLD")).encode(),
        "Column 'time_identifier': the file mixes census dates (Academic year, January); "
        "load one time_identifier per file.",
    ),
    # Geography
    bad(
        "unknown-geographic-level",
        (EES + EES_ROW.replace("National", "Planet")).encode(),
        "Line 2, column 'geographic_level': the area is missing or its geographic level is not National, "
        "Regional, Local authority or School.",
    ),
    bad(
        "phantom-area-code",
        (AREA_T + "2024/25,SEN support,ASD,10,E08999999,Sunderland\n").encode(),
        "Line 2, column 'area_code': 'E08999999' is not an area code in DfE's lists",
    ),
    bad(
        "sql-as-an-area-code",
        (AREA_T + "2024/25,SEN support,ASD,10,'; drop table census;--,Sunderland\n").encode(),
        "Line 2, column 'area_code': ''; DROP TABLE CENSUS;--' is not an area code in DfE's lists",
    ),
    bad(
        "area-name-contradicts-its-code",
        (
            AREA_T + "2024/25,SEN support,ASD,10,E08000024,Sunderland\n2024/25,EHC plan,ASD,4,E08000024,Barnsley\n"
        ).encode(),
        "Line 3, column 'area_name': 'Barnsley' is not the name of E08000024, which DfE's lists call Sunderland",
        total=1,
    ),
    # Rows DuckDB cannot read
    bad(
        "ragged-too-many-values",
        (T + ROW + "2024/25,EHC plan,ASD,5,6\n").encode(),
        "Line 3: this row has more values than the 4 columns in the header.",
        total=1,
    ),
    bad(
        "ragged-too-few-values",
        (T + ROW + "2024/25,EHC plan,ASD\n").encode(),
        "Line 3: this row has too few values: the header has 4 columns.",
        total=1,
    ),
    bad(
        "broken-quoting",
        (T + ROW + '2024/25,"EHC plan,ASD,5\n2024/25,EHC plan,MLD,5\n').encode(),
        'Line 3: a quoted value is never closed (broken quoting: check for a stray " mark).',
    ),
    # Formats asked for by name
    bad(
        "unknown-format-name",
        (T + ROW).encode(),
        "'xlsx' is not a census format; use one of auto, ees, template, pupil.",
        kwargs={"fmt": "xlsx"},
    ),
    bad(
        "template-forced-as-ees",
        (T + ROW).encode(),
        "Line 1: the required column 'geographic_level' is missing.",
        kwargs={"fmt": "ees"},
    ),
    # Pupil-level extracts: rejected without naming any pupil
    bad(
        "extract-bad-senprovision",
        _pupil_variant(_set_provision({2: "Q", 5: "S", 6: "S"})),
        "Line 3, column",
        "not a SENprovision code (1 pupil row like this); expected E (EHC plan), K (SEN support) or N (no SEN).",
        "not a SENprovision code (2 pupil rows like this)",
        kwargs={"period": "202425"},
        total=2,
        **NO_PUPIL,
    ),
    bad(
        "extract-without-period",
        _EXTRACT,
        "a pupil-level extract has no census period of its own: give it (--period 202425",
        **NO_PUPIL,
    ),
    bad(
        "extract-comma-in-a-name",
        _pupil_variant(_split_surname),
        "Line 3: this row has more values than the 8 columns in the header.",
        kwargs={"period": "202425"},
        total=1,
        **NO_PUPIL,
    ),
    bad("extract-bad-period", _EXTRACT, "'2024' is not a census period", kwargs={"period": "2024"}, **NO_PUPIL),
]


# -- hostile engagement files ---------------------------------------------------------------------
ENGAGEMENT_HEADER = (PROJECT_ROOT / "data" / "templates" / "engagement-template.csv").read_text().strip()
ENGAGEMENT_EXAMPLE = PROJECT_ROOT / "data" / "templates" / "engagement-example.csv"

# Data lines under ENGAGEMENT_HEADER, each with the fragments its rejection must hold.
BAD_LINES = {
    "bad date and count": (
        "X-1,2026-02-30,Survey,meso,both,survey,,,5,,,,,,,,,,yes,parent carers,total,,ten,,,,,",
        [
            "Line 2: The date cannot be read as a date",
            "Line 2, column 'count': The count must be a whole number, not this value.",
        ],
    ),
    "unknown need": (
        "X-1,2026-02-01,Survey,meso,both,survey,,,5,,,,,,,,,,yes,parent carers,primary need,Autism-ish,3,,,,,",
        ["Line 2, column 'category': this value is not a primary need"],
    ),
    "breakdown over total": (
        "X-1,2026-02-01,Survey,meso,both,survey,,,5,,,,,,,,,,yes,parent carers,total,,2,,,,,\n"
        "X-1,,,,,,,,,,,,,,,,,,,parent carers,provision,EHC plan,3,,,,,",
        ["Line 2: The provision breakdown of parent carers adds up to 3, more than the 2"],
    ),
    "conflicting title": (
        "X-1,2026-02-01,Survey,meso,both,survey,,,5,,,,,,,,,,yes,parent carers,total,,2,,,,,\n"
        "X-1,,Other title,,,,,,,,,,,,,,,,,children and young people,total,,2,,,,,",
        ["Line 3, column 'title': differs from line 2 for the same activity 'X-1'"],
    ),
    "same person twice": (
        "Y-1,2026-02-01,YC,macro,children and young people,focus group,,,8,,,,,,,,,,yes,"
        "children and young people,,,,P1,,,,\n"
        "Y-1,,,,,,,,,,,,,,,,,,,children and young people,,,,p1 ,,,,",
        ["Line 3, column 'participant_ref': the same participant is listed twice for this activity (also line 2)"],
    ),
}


def oversized_notes_file() -> str:
    """The example file with 200,000 characters of notes on its third line: over Python's csv field limit."""
    lines = ENGAGEMENT_EXAMPLE.read_text().splitlines()
    header = lines[0].split(",")
    values = lines[2].split(",")
    values[header.index("notes")] = '"' + "x" * 200_000 + '"'
    return "\n".join([lines[0], lines[1], ",".join(values), *lines[3:]]) + "\n"


# -- hostile EHC plan files (DfE's SEN2 release) ----------------------------------------------------------
SEN2_RELEASE = PROJECT_ROOT / "data" / "reference" / "sen2" / "education-health-and-care-plans_2025.zip"


def release_member(name: str) -> bytes:
    """One file of the shipped release zip, as DfE publishes it (BOM and all)."""
    with zipfile.ZipFile(SEN2_RELEASE) as archive:
        return archive.read(name)


def sunderland_rows(member: str = "data/timeliness_20_week.csv") -> tuple[str, list[str]]:
    """A release file's header (with its BOM) and its Sunderland rows (old LA code 394), as published."""
    header, *rows = release_member(member).decode("utf-8").splitlines()
    return header, [row for row in rows if ",E08000024,394,Sunderland," in row]


def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive holding ``members`` (path → bytes), made in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def _timeliness(
    edit: Callable[[str], str] = lambda row: row, *, header_edit: Callable[[str], str] = lambda h: h
) -> bytes:
    header, rows = sunderland_rows()
    return ("\n".join([header_edit(header), *(edit(row) for row in rows[:6])]) + "\n").encode("utf-8")


@dataclass(frozen=True)
class HostileEhcp:
    """One hostile EHC plan file: the name it is loaded under, its bytes, fragments its refusal must contain."""

    file_name: str
    data: bytes
    expected: tuple[str, ...]


def _first_row_of(column: str, value: str) -> Callable[[str], str]:
    """An edit setting ``column`` of the timeliness file's first Sunderland row (2019) to ``value``."""
    header = sunderland_rows()[0].lstrip("\ufeff").split(",")
    position = header.index(column)

    def edit(row: str) -> str:
        values = row.split(",")
        if values[0] == "2019" and values[11] == "All EHC plans issued":
            values[position] = value
        return ",".join(values)

    return edit


_CSV = _timeliness()
HOSTILE_EHCP = [
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(_first_row_of("pc_plans_issued_within_20_weeks", "abc")),
        ("column 'pc_plans_issued_within_20_weeks': 'abc' is not a figure or one of DfE's symbols",),
    ),
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(_first_row_of("plans_issued_den", "")),
        ("column 'plans_issued_den': the figure is blank",),
    ),
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(_first_row_of("time_period", "20199")),
        ("column 'time_period': '20199' is not a period", "6 digits (202425 for 2024/25)", "4 (2024)"),
    ),
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(_first_row_of("time_period", "201920")),
        ("'201920' is an academic year, but time_identifier says 'Calendar year'",),
    ),
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(header_edit=lambda h: h.replace(",breakdown_topic,", ",topic,")),
        ("the column 'breakdown_topic' is missing",),
    ),
    HostileEhcp(
        "timeliness_20_week.csv",
        _timeliness(header_edit=lambda h: h.replace(",plans_issued_den,", ",pupil_upn,")),
        ("'pupil_upn' looks like personal data",),
    ),
    HostileEhcp("notes.csv", _CSV, ("notes.csv has the layout of DfE's EHC plan files but not the name of one",)),
    HostileEhcp(
        "pupils.csv",
        b"period,provision,primary_need,pupils\n202425,SEN support,ASD,10\n",
        ("pupils.csv is not one of DfE's EHC plan files (caseload.csv, sen_needs_all_plans.csv",),
    ),
    HostileEhcp("caseload.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("is a PNG image, not a CSV file",)),
    HostileEhcp("caseload.csv", b"", ("caseload.csv is empty",)),
    HostileEhcp("release.zip", _CSV, ("release.zip is named as a zip but is not one",)),
    HostileEhcp("release.zip", b"PK\x03\x04" + b"\x00" * 60, ("release.zip is not a zip archive that can be opened",)),
    HostileEhcp("release.zip", b"PK\x05\x06" + b"\x00" * 18, ("the zip holds none of DfE's EHC plan files",)),
    HostileEhcp(
        "release.zip", make_zip({"readme.txt": b"hello"}), ("the zip holds none of DfE's EHC plan files", "readme.txt")
    ),
    HostileEhcp(
        "release.zip",
        make_zip({"../../caseload.csv": _CSV}),
        ("whose path leaves the archive ('../../caseload.csv'); nothing was extracted",),
    ),
    HostileEhcp("release.zip", make_zip({"/tmp/caseload.csv": _CSV}), ("whose path leaves the archive",)),
    HostileEhcp(
        "release.zip",
        make_zip({"data/caseload.csv": b"0" * 40_000_000}),  # 40 MB of one byte: about 40 KB compressed
        ("data/caseload.csv in the zip would unpack to 40,000,000 bytes", "it is not extracted"),
    ),
    HostileEhcp(
        "release.zip",
        make_zip({f"data/file{n}.txt": b"x" for n in range(250)}),
        ("the zip holds 250 files, more than the 200 a release can have",),
    ),
    HostileEhcp(
        "release.zip",
        make_zip({"data/timeliness_20_week.csv": _CSV, "old/timeliness_20_week.csv": _CSV}),
        ("the zip holds DfE's timeliness_20_week.csv twice",),
    ),
    HostileEhcp(
        "release.zip",
        make_zip({"data/timeliness_20_week.csv": _timeliness(_first_row_of("plans_issued_den", "12a"))}),
        ("release.zip (data/timeliness_20_week.csv)", "'12a' is not a figure"),
    ),
]
