"""Census files → the canonical census table: detect, decode, then stage → check → write, one path for all.

Every census file (demo data, command line, Upload page, preview or load) takes the same path:

1. ``open_source`` checks size, binary signatures and encoding, hashes the file, counts its lines and reads
   the header. The format is detected from the header (or given): ``ees`` (DfE open data, both layouts),
   ``template`` (the local template) or ``pupil`` (a pupil-level extract, counted on the way in). Columns are
   matched by name, in any order, any case; a personal-looking column an aggregate file does not use is refused.
2. **Stage** (inside the load's one transaction): views over DuckDB's own CSV reader give every row its role
   names, codes, canonical geography and parsed count (``src``, ``staged``); the file's distinct labels,
   periods and census dates are read once and looked up once each, and a bad one refuses the file at once.
3. **Write**: every row goes from the reader straight into ``census`` under the next load id, held nowhere
   else (an extract is counted by cell instead: no pupil's row is written). A row that breaks a rule is
   written with a marked level (``_PROBLEM_MARK``), so that the rules are one condition (``_ROW_PROBLEM``).
4. **Check**: one scan of the rows written counts the marked rows, the rows read (which must equal the file's
   data lines) and the distinct figures. A figure given more than once (parts of one code, an agreeing repeat,
   an area under its old and new code) has its rows read again and added up into one (``_merge_cells``); two
   rows disagreeing about one figure are marked. Totals move out to ``given_totals`` and No SEN is completed.
5. **Explain**, only when the check found anything: the file is read again, with each row's line, and every rule
   in ``_validate`` names the lines and columns that break it (first 50, then a count). ``IngestRejected``
   carries them; the transaction is rolled back and the attempt is recorded in the load log.
6. Otherwise the load is logged: for each (period, area) the newest load is the one in force (view
   ``census_current``); earlier versions are kept so a load can be undone. A preview does all of this under
   ``PREVIEW_LOAD_ID`` and rolls back.

Temporary objects (all inside the load's transaction; none outlives it):

- lookups, made once per load by ``_create_lookups``: ``provision_alias``, ``need_alias``, ``component_label``,
  ``ref_area`` (DfE's areas and spellings);
- the stage, by ``_stage_source`` and ``_normalise``: views ``src`` (role names over the file's rows) and
  ``staged`` (codes, geography, counts, ``area_fault``), tables ``distinct_labels``, ``provision_lookup``,
  ``need_lookup``, ``period_lookup``; the reader's rejected lines go to ``stage_rejects``;
- the write: ``repeated_cells`` (figures given more than once), ``given_totals`` (the file's totals, which
  the warnings compare with the detail), view ``detail`` (the rows written under the load id);
- explain only: ``raw_csv`` (every value as text, rejected lines in ``csv_rejects``), ``row_line`` (row → line
  where they differ), ``explain_repeated`` (figures given on more than one row), ``explain_rows`` (the rows of
  ``staged`` over ``raw_csv`` that a rule can name, with each row's line), ``explain_cells``,
  ``count_rejects`` (the reader's rows beside the file's records); a kept copy's read, ``kept_copy_rejects``.

There is no Python loop per row, so a national file loads in about the time DuckDB needs to read it
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.codes import (
    EHC_PLAN,
    LOCAL_AUTHORITY,
    NATIONAL,
    NO_SEN,
    PUBLISHED_SYMBOLS,
    REGIONAL,
    SCHOOL,
    SEN_SUPPORT,
    TOTAL_PHASE,
    format_period,
    is_valid_period,
)
from sendlib.config import Config
from sendlib.errors import IngestError
from sendlib.geography import Area, area_spellings, known_areas
from sendlib.ingest.labels import (
    ALL_PUPILS,
    ANY_SEN,
    COMPONENT_PARTS,
    LABEL_KEY_SQL,
    NEED_ALIASES,
    PROVISION_ALIASES,
    TOTAL_NEED,
    UNKNOWN_PROVISION,
    suggest,
)
from sendlib.ingest.sen2 import is_sen2_zip, looks_like_sen2_header
from sendlib.ingest.source import (
    SourceError,
    SourceFile,
    count_data_rows,
    data_records,
    open_source,
)
from sendlib.loads import AlreadyLoaded, ReadValue, load_log_version, refuse_if_changed
from sendlib.store import (
    KEPT_PENDING_PREFIX,
    PRIVATE_FILE_MODE,
    PRIVATE_FOLDER_MODE,
    Store,
    StoreError,
    StoreInputError,
    Transaction,
)

FORMAT_EES = "ees"
FORMAT_TEMPLATE = "template"
FORMAT_PUPIL = "pupil"
FORMATS = (FORMAT_EES, FORMAT_TEMPLATE, FORMAT_PUPIL)
FORMAT_NAMES = {
    FORMAT_EES: "DfE 'Special educational needs in England' open data",
    FORMAT_TEMPLATE: "local census template",
    FORMAT_PUPIL: "pupil-level school census extract",
}
# Aggregate formats are kept by hash (their recognised columns) so no figure uploaded is lost; an extract never is.
RETAINED_FORMATS = (FORMAT_EES, FORMAT_TEMPLATE)
PUPIL_PROVISION_CODES = {"E": EHC_PLAN, "K": SEN_SUPPORT, "N": NO_SEN}

MAX_PROBLEMS_LISTED = 50
MAX_LINE_BYTES = 1_048_576  # DuckDB's max_line_size: a longer line is no census row
MAX_PUPILS_IN_A_CELL = 20_000_000  # more than every pupil in England: a count this big is a mistake
ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located where possible."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where)
        message = _shorten_quoted(self.message)
        return f"{text[:1].upper()}{text[1:]}: {message}" if where else message


MAX_QUOTED_CHARS = 80  # a value quoted back in a message: enough to find it in the file, never the whole value
MAX_CENSUS_TEXT = 200  # longest area name or phase a census file may give (the longest real one is under 60)


def _shorten_quoted(message: str) -> str:
    """``message`` with every quoted value over MAX_QUOTED_CHARS cut to its start and its length, so that a
    value of megabytes reaches the page, the command line and the load log as one short line."""
    # A quoted value opens with a quote not preceded by a letter and closes with one not followed by one, so the
    # prose between two quoted values ("'a', 'b' look like …") is never taken for a value.
    return re.sub(
        rf"(?<!\w)'(?=\S)([^']{{{MAX_QUOTED_CHARS + 1},}})'(?!\w)",
        lambda m: f"'{m[1][:60]}…' ({len(m[1]):,} characters)",
        message,
    )


class IngestRejected(IngestError):
    """The file was not loaded; nothing was written. ``problems`` says why, ``total`` how many in all."""

    def __init__(self, file_name: str, problems: list[Problem], total: int | None = None) -> None:
        self.file_name = file_name
        self.problems = problems[:MAX_PROBLEMS_LISTED]
        self.total = max(total or 0, len(problems))
        super().__init__(self.describe())

    def describe(self) -> str:
        """Every listed problem, one per line, under a sentence saying nothing was loaded."""
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        lines = [f"{self.file_name} was not loaded ({count} found; nothing was written):"]
        lines += [f"  - {problem}" for problem in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  … and {self.total - len(self.problems)} more.")
        return "\n".join(lines)


@dataclass
class LoadReport:
    """What a successful (or already done) load did."""

    load_id: int
    file_name: str
    format: str
    rows_read: int
    rows_stored: int
    periods: list[str]
    areas: list[str]
    warnings: list[str] = field(default_factory=list)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    already_loaded: bool = False

    def summary(self) -> str:
        """A short plain-English account of the load, for the command line and the page."""
        if self.already_loaded:
            return f"{self.file_name} was already loaded (load {self.load_id}); nothing changed."
        periods = ", ".join(format_period(p) for p in self.periods)
        areas = _list_some(self.areas)
        return (
            f"Loaded {self.file_name} as load {self.load_id} ({FORMAT_NAMES.get(self.format, self.format)}): "
            f"{self.rows_stored:,} rows stored from {self.rows_read:,} read; census {periods}; {areas}."
        )


@dataclass
class CensusPreview:
    """What a file would change, worked out without writing anything."""

    file_name: str
    format: str
    rows_read: int
    periods: list[str]
    areas: list[str]
    warnings: list[str]
    totals: pd.DataFrame  # period, area_name, provision, pupils in the file
    changes: pd.DataFrame  # per need and provision: before, after, difference
    already_loaded_as: int | None
    checked_version: str = ""  # the census loads this preview was worked out against (load_log_version)


def _list_some(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    noun = "area" if len(names) == 1 else "areas"
    return f"{len(names)} {noun} ({shown}{f' and {more} more' if more > 0 else ''})"


# -- formats ---------------------------------------------------------------------------------------
# role → accepted header names, first match wins (all compared in lower case).
_EES_COLUMNS: dict[str, tuple[str, ...]] = {
    "period": ("time_period",),
    "time_identifier": ("time_identifier",),
    "geographic_level": ("geographic_level",),
    "country_code": ("country_code",),
    "country_name": ("country_name",),
    "region_code": ("region_code",),
    "region_name": ("region_name",),
    "old_la_code": ("old_la_code",),
    "new_la_code": ("new_la_code",),
    "la_name": ("la_name",),
    "school_urn": ("school_urn", "urn"),
    "school_name": ("school_name",),
    "phase": ("phase_type_grouping", "phase"),
    "provision": ("sen_provision", "pupil_sen_status", "sen_status"),
    "need": ("sen_primary_need", "primary_need"),
    "count": ("pupil_count", "number_of_pupils"),
}
_EES_REQUIRED = ("period", "geographic_level", "provision", "need", "count")
_EES_KNOWN_EXTRA = {"pupil_percent", "number_of_pupils_percent", "sen_status", "pupil_sen_status"}

_TEMPLATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "period": ("period", "time_period"),
    "provision": ("provision", "sen_provision"),
    "need": ("primary_need", "need", "sen_primary_need"),
    "count": ("pupils", "count", "pupil_count"),
    "phase": ("phase",),
    "area_code": ("area_code",),
    "area_name": ("area_name",),
}
_TEMPLATE_REQUIRED = ("period", "provision", "need", "count")

# A pupil-level extract: only the SEN columns are ever read; identifiers (UPN, names, date of birth) are
# recognised so that the format is detected, and are never read into the store, a log or a message.
_PUPIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "provision": ("senprovision", "sen_provision"),
    "need": ("sentype", "senprimaryneed", "sen_type"),
}
_PUPIL_REQUIRED = ("provision",)
_PUPIL_IDENTIFIERS = {
    "upn",
    "surname",
    "forename",
    "dob",
    "legalsurname",
    "legalforename",
    "preferredsurname",
    "formerupn",
    "uln",
    "middlenames",
    "dateofbirth",
    "postcode",
    "address",
}

# An aggregate file must not carry personal data: an unused column is refused when its header, split into
# words (snake_case, spaces, camelCase) and joined again, looks like a person's name, birth date, identifier,
# address or contact details. A column describing a school or area (school_postcode, la_name) is not.
_PERSONAL_WORDS = {
    "upn",
    "uln",
    "dob",
    "child",
    "childs",
    "surname",
    "surnames",
    "forename",
    "forenames",
    "postcode",
    "address",
    "email",
    "phone",
    "telephone",
    "mobile",
    "nhs",
}
_PERSONAL_JOINED = (
    "firstname",
    "lastname",
    "surname",
    "forename",
    "givenname",
    "familyname",
    "middlename",
    "fullname",
    "preferredname",
    "legalname",
    "childname",
    "pupilname",
    "studentname",
    "learnername",
    "parentname",
    "carername",
    "guardianname",
    "personname",
    "dateofbirth",
    "birthdate",
    "postcode",
    "postalcode",
    "address",
    "email",
    "phonenumber",
    "telephone",
    "nhsnumber",
    "nhsno",
)
_PERSONAL_BARE = {"name", "names"}
_ORGANISATION_WORDS = {"school", "establishment", "setting", "provider", "la", "region", "lad", "area"}
_HEADER_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

_COLUMN_SPECS = {
    FORMAT_EES: (_EES_COLUMNS, _EES_REQUIRED),
    FORMAT_TEMPLATE: (_TEMPLATE_COLUMNS, _TEMPLATE_REQUIRED),
    FORMAT_PUPIL: (_PUPIL_COLUMNS, _PUPIL_REQUIRED),
}


def looks_personal(column: str) -> bool:
    """True when a column's header names personal data: a name, date of birth, UPN/ULN, postcode, address,
    NHS number, e-mail or phone (compared as words, whatever the case and separators)."""
    words = [word.lower() for word in _HEADER_WORD.findall(column)]
    if not words or words[0] in _ORGANISATION_WORDS:
        return False
    joined = "".join(words)
    return (
        joined in _PERSONAL_BARE
        or bool(set(words) & _PERSONAL_WORDS)
        or any(part in joined for part in _PERSONAL_JOINED)
    )


def _personal_columns_problem(columns: list[str]) -> Problem:
    named = ", ".join(f"'{column}'" for column in columns)
    return Problem(
        f"the column{'s' if len(columns) > 1 else ''} {named} look{'' if len(columns) > 1 else 's'} like personal "
        "data (names, dates of birth, pupil numbers, addresses or contact details), which an aggregate census "
        "file must not carry and the dashboard will not keep. Remove "
        f"{'them' if len(columns) > 1 else 'it'} and load the file again; or, if it is a pupil-level school "
        "census extract, load it as one: choose the format 'pupil-level school census extract' and its census "
        "period (on the command line, --format pupil with --period): an extract is counted on the way in and "
        "never kept.",
        line=1,
    )


def _ehcp_not_census(file_name: str) -> Problem:
    return Problem(
        f"This is DfE's EHC plan data ({file_name}), not a census file: load it as EHC plans (on the Upload page, "
        "'EHC plans'; on the command line, python -m sendlib ingest ehcp FILE)."
    )


def detect_format(header: list[str], file_name: str) -> str:
    """``ees`` when the header has DfE open-data columns, ``template`` for the local template, ``pupil`` for a
    pupil-level extract (SENprovision, or pupil identifiers in a header with no aggregate columns)."""
    if looks_like_sen2_header(header):
        raise IngestRejected(file_name, [_ehcp_not_census(file_name)])
    names = {column.strip().lower() for column in header}
    aggregate = bool({"geographic_level", "time_period", "provision", "primary_need", "pupils"} & names)
    if "senprovision" in names or (names & _PUPIL_IDENTIFIERS and not aggregate):
        return FORMAT_PUPIL
    if "geographic_level" in names or "time_period" in names:
        return FORMAT_EES
    if {"provision", "primary_need"} & names or "pupils" in names:
        return FORMAT_TEMPLATE
    raise IngestRejected(
        file_name,
        [
            Problem(
                "the columns do not match any census format we know. Expected either the DfE open-data "
                "columns (time_period, geographic_level, sen_provision, sen_primary_need, pupil_count …), "
                "the local template (period, provision, primary_need, pupils), or a pupil-level extract "
                f"(UPN, SENprovision, SENtype …). Found: {', '.join(header[:12])}.",
                line=1,
            )
        ],
    )


def _map_columns(header: list[str], fmt: str, file_name: str, has_period: bool) -> tuple[dict[str, int], list[str]]:
    """Role → column index for ``fmt``; also the names of columns that will be ignored."""
    spec, required = _COLUMN_SPECS[fmt]
    lowered = [column.strip().lower() for column in header]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(lowered):
        if not name:
            problems.append(Problem(f"column {index + 1} of the header has no name.", line=1))
        elif name in seen:
            problems.append(Problem(f"the column '{header[index]}' appears twice in the header.", line=1))
        seen.setdefault(name, index)
    mapping: dict[str, int] = {}
    for role, accepted in spec.items():
        for name in accepted:
            if name in seen:
                mapping[role] = seen[name]
                break
    if fmt == FORMAT_PUPIL and not has_period:
        problems.append(
            Problem(
                "a pupil-level extract has no census period of its own: give it (--period 202425, or the "
                "period box on the Upload page)."
            )
        )
    for role in required:
        if role not in mapping and not (role == "period" and has_period):
            wanted = " or ".join(f"'{name}'" for name in spec[role])
            problems.append(Problem(f"the required column {wanted} is missing.", line=1))
    if problems:
        raise IngestRejected(file_name, problems)
    used = set(mapping.values())
    ignored = [
        header[i]
        for i in range(len(header))
        if i not in used and fmt != FORMAT_PUPIL and not (fmt == FORMAT_EES and lowered[i] in _EES_KNOWN_EXTRA)
    ]
    personal = [column for column in ignored if looks_personal(column)]
    if personal:
        raise IngestRejected(file_name, [_personal_columns_problem(personal)])
    return mapping, ignored


# -- staging ---------------------------------------------------------------------------------------
def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_csv_sql(source: SourceFile, keep: list[int] | None, rejects_table: str) -> str:
    """DuckDB's reader over the file, every column text (c0…cN), bad lines collected in ``rejects_table``.

    ``keep`` limits the columns read to those indexes (a pupil-level extract keeps only its SEN columns).
    """
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.header))) + "}"
    selected = "*" if keep is None else ", ".join(f"c{i}" for i in sorted(set(keep)))
    return f"""(SELECT {selected} FROM read_csv({_quote_literal(str(source.csv_path))}, header = true,
                auto_detect = false, columns = {columns}, delim = ',', quote = '"', escape = '"',
                store_rejects = true, rejects_table = '{rejects_table}', rejects_scan = '{rejects_table}_scans',
                max_line_size = {MAX_LINE_BYTES}))"""


def _unreadable(file_name: str) -> IngestRejected:
    # DuckDB's reader stops outright on a few layouts it cannot recover from, chiefly mixed line endings.
    return IngestRejected(
        file_name,
        [
            Problem(
                "the file cannot be read as CSV: its lines end in different ways (some with Windows CRLF, some with "
                "LF or CR alone), or its layout is broken. Open it in Excel and save it again as 'CSV UTF-8'."
            )
        ],
    )


def _raise_if_unreadable(exc: StoreError, file_name: str) -> None:
    """Raise ``_unreadable`` when a statement reading the file failed in DuckDB's CSV reader (StoreInputError);
    anything else (memory, disk) is not a bad file, and the caller re-raises it as the store error it is."""
    if isinstance(exc, StoreInputError):
        raise _unreadable(file_name) from exc


def _stage_raw(tx: Transaction, source: SourceFile, file_name: str, keep: list[int] | None = None) -> int:
    """Read the file with DuckDB into temp table raw_csv (c0…cN, all text); returns rows read.

    Lines DuckDB cannot read (ragged, broken quoting) are collected in csv_rejects and reported.
    """
    tx.execute("DROP TABLE IF EXISTS raw_csv")
    try:
        tx.execute(f"CREATE TEMP TABLE raw_csv AS {_read_csv_sql(source, keep, 'csv_rejects')}")
    except StoreError as exc:
        raise _unreadable(file_name) from exc
    # DuckDB reports a short row once per missing value: one problem per line is what a person needs.
    per_line = (
        "SELECT line, any_value(column_name), any_value(error_type), any_value(error_message) "
        "FROM csv_rejects GROUP BY line"
    )
    rejects = tx.fetchall(f"{per_line} ORDER BY line LIMIT ?", [MAX_PROBLEMS_LISTED + 1])
    if rejects:
        total = tx.fetch_value(f"SELECT count(*) FROM ({per_line})")
        raise IngestRejected(file_name, [_describe_reject(row, source.header) for row in rejects], total)
    return int(tx.fetch_value("SELECT count(*) FROM raw_csv"))


def _check_every_row_read(tx: Transaction, source: SourceFile, file_name: str, rows_read: int) -> None:
    """Refuse the file when the CSV reader read fewer (or more) rows than the file has data lines.

    DuckDB's reader skips a line of about 32 MB without a word, so its own count cannot be trusted to be
    every row of the file. As many rows as lines after the header (counted in the hashing pass) is every
    line read; otherwise the file's records are counted exactly, without any CSV reader (one more pass,
    for a file with blank lines or values over two lines, or one that lost a row).
    """
    if rows_read == source.lines_after_header:
        return
    data_rows = count_data_rows(source.csv_path)
    if rows_read != data_rows:
        raise IngestRejected(file_name, [_unread_line(tx, source, rows_read, data_rows)])


def _unread_line(tx: Transaction, source: SourceFile, rows_read: int, data_rows: int) -> Problem:
    """Which line the reader did not read: the first one too long for it, else the first whose opening value
    is not the reader's next row's (the file's records and the reader's rows side by side)."""
    last_line = 1
    for record in data_records(source.csv_path):  # streamed: a failing national file is never held
        if record.size > MAX_LINE_BYTES:
            return Problem(
                "this line is longer than 1 MB; it is not a census row (the CSV reader skipped it).", line=record.line
            )
        last_line = record.line
    read = iter(row[0] for row in tx.fetchall(f"SELECT c0 FROM {_read_csv_sql(source, [0], 'count_rejects')}"))
    line = last_line + 1  # every record matched a row: the reader's extra rows (or the count's) come after
    missing = object()
    for record in data_records(source.csv_path):
        if next(read, missing) != _first_value(record.head):
            line = record.line
            break
    return Problem(
        f"this line was not read: the file has {data_rows:,} data rows but only {rows_read:,} "
        "could be read. Check it for a stray quote mark or a very long value, then save the file "
        "again as 'CSV UTF-8'.",
        line=line,
    )


def _first_value(head: bytes) -> str | None:
    """The first value of a record's first line as DuckDB reads it (a blank value is NULL)."""
    try:
        value = next(csv.reader([head.decode("utf-8", errors="replace")]), [""])[0]
    except (csv.Error, IndexError):
        return None
    return value or None


def _data_row_lines(source: SourceFile) -> list[int]:
    """The physical line each data row starts on, in the order DuckDB reads them.

    DuckDB skips blank lines and lets a quoted value run over several lines, so a row's position among
    the rows read is not its line in the file. Python's csv reader counts physical lines as it goes.
    """
    starts: list[int] = []
    with open(source.csv_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            next(reader, None)  # the header
            previous = reader.line_num
            for record in reader:
                if record:  # a blank line reads as [] here, and not at all in DuckDB
                    starts.append(previous + 1)
                previous = reader.line_num
        except csv.Error:
            # A value over Python's csv field limit, or a stray carriage return: the two readers cannot be
            # lined up, so the caller keeps DuckDB's own numbering.
            return []
    return starts


def _stage_line_numbers(tx: Transaction, source: SourceFile, rows_read: int, *, every_column: bool) -> bool:
    """Temp table row_line (row_index → line_no) when rows and lines differ; False when they match.
    ``every_column``: raw_csv holds every column of the file (not an extract's few).

    Only a file that is being described problem by problem comes here, so the extra read costs nothing
    on a clean load. When there are as many rows as lines after the header and no value holds a line break,
    every row is one line and none is blank: row i is line i + 2, with no need to read the file in Python.
    """
    if rows_read == source.lines_after_header and every_column:
        values = " OR ".join(f"contains(c{i}, chr(10)) OR contains(c{i}, chr(13))" for i in range(len(source.header)))
        if not tx.fetch_value(f"SELECT EXISTS (SELECT 1 FROM raw_csv WHERE {values})"):
            return False
    starts = _data_row_lines(source)
    if len(starts) != rows_read or all(line == index + 2 for index, line in enumerate(starts)):
        return False  # nothing to correct (or a layout the two readers see differently: keep DuckDB's count)
    tx.execute("CREATE OR REPLACE TEMP TABLE row_line (row_index BIGINT, line_no BIGINT)")
    tx.insert_frame("row_line", pd.DataFrame({"row_index": range(len(starts)), "line_no": starts}))
    return True


def _describe_reject(row: tuple[Any, ...], header: list[str]) -> Problem:
    line, _column, error_type, error_message = row
    expected = len(header)
    if error_type == "MISSING COLUMNS":
        return Problem(f"this row has too few values: the header has {expected} columns.", line=line)
    if error_type == "TOO MANY COLUMNS":
        return Problem(f"this row has more values than the {expected} columns in the header.", line=line)
    if error_type == "UNQUOTED VALUE":
        return Problem('a quoted value is never closed (broken quoting: check for a stray " mark).', line=line)
    if error_type == "LINE SIZE OVER MAXIMUM":
        return Problem("this line is longer than 1 MB; it is not a census row.", line=line)
    if error_type == "INVALID ENCODING":
        return Problem("this line has characters that cannot be read as text.", line=line)
    return Problem(f"this line cannot be read as CSV ({error_message}).", line=line)


def _column_sql(mapping: dict[str, int], role: str, default: str = "NULL") -> str:
    """The SQL expression reading ``role`` from raw_csv, trimmed; ``default`` when the file lacks it."""
    if role not in mapping:
        return default
    return f"nullif(trim(c{mapping[role]}), '')"


def _header_name(header: list[str], mapping: dict[str, int], role: str) -> str:
    return header[mapping[role]] if role in mapping else role


def _stage_source(
    tx: Transaction,
    fmt: str,
    mapping: dict[str, int],
    config: Config,
    period: str | None,
    rows_from: str = "raw_csv",
    line_map: bool = False,
) -> None:
    """Temp view src: one row per file row with raw values under role names, plus line_no.

    ``rows_from`` is the temp table raw_csv (line numbers from its row ids) or a query reading the file
    itself (the fast path: no line numbers, which only a rejected file needs). ``line_map``: take each row's
    line from temp table row_line (see ``_stage_line_numbers``).
    """
    if fmt == FORMAT_EES:
        level = _column_sql(mapping, "geographic_level")
        area_code = f"""CASE {level}
            WHEN '{NATIONAL}' THEN {_column_sql(mapping, "country_code")}
            WHEN '{REGIONAL}' THEN {_column_sql(mapping, "region_code")}
            WHEN '{LOCAL_AUTHORITY}'
                THEN coalesce({_column_sql(mapping, "new_la_code")}, {_column_sql(mapping, "old_la_code")})
            WHEN '{SCHOOL}' THEN {_column_sql(mapping, "school_urn")} END"""
        area_name = f"""CASE {level}
            WHEN '{NATIONAL}' THEN {_column_sql(mapping, "country_name")}
            WHEN '{REGIONAL}' THEN {_column_sql(mapping, "region_name")}
            WHEN '{LOCAL_AUTHORITY}' THEN {_column_sql(mapping, "la_name")}
            WHEN '{SCHOOL}' THEN {_column_sql(mapping, "school_name")} END"""
        old_la = (
            f"CASE WHEN {level} IN ('{LOCAL_AUTHORITY}', '{SCHOOL}') THEN {_column_sql(mapping, 'old_la_code')} END"
        )
    elif fmt == FORMAT_PUPIL:
        level = "NULL"
        area_code = _quote_literal(config.area.code)
        area_name = "NULL"
        old_la = "NULL"
    else:
        level = "NULL"
        area_code = _column_sql(mapping, "area_code", _quote_literal(config.area.code))
        area_name = _column_sql(mapping, "area_name")
        old_la = "NULL"
    period_sql = _column_sql(mapping, "period", _quote_literal(period or ""))
    # In an extract every row is one pupil; a pupil on N (no SEN) or with no SENtype has no recorded need.
    count_sql = "'1'" if fmt == FORMAT_PUPIL else _column_sql(mapping, "count")
    need_sql = (
        f"coalesce({_column_sql(mapping, 'need')}, 'UNK')" if fmt == FORMAT_PUPIL else _column_sql(mapping, "need")
    )
    provision_sql = (
        f"upper({_column_sql(mapping, 'provision')})" if fmt == FORMAT_PUPIL else _column_sql(mapping, "provision")
    )
    tx.execute("DROP VIEW IF EXISTS src")
    # A view, not a table: the normalising query reads the file's rows once. Rows written in an open
    # transaction number from a large offset, so line numbers count from the first rowid.
    position = "rowid - (SELECT min(rowid) FROM raw_csv)"
    if rows_from != "raw_csv":
        line_no = "CAST(NULL AS BIGINT)"
    elif line_map:  # a join, not a subquery per row: a rejected national file still takes seconds
        rows_from = (
            f"(SELECT r.*, l.line_no AS mapped_line FROM (SELECT *, {position} AS row_index FROM raw_csv) r "
            "JOIN row_line l USING (row_index))"
        )
        line_no = "mapped_line"
    else:
        line_no = f"CAST({position} + 2 AS BIGINT)"
    tx.execute(
        f"""CREATE TEMP VIEW src AS
        SELECT {line_no} AS line_no,
               {period_sql} AS period_raw,
               {_column_sql(mapping, "time_identifier")} AS time_identifier,
               {level} AS level_raw,
               upper({area_code}) AS area_code,
               {area_name} AS area_name,
               {old_la} AS old_la_code,
               coalesce({_column_sql(mapping, "phase")}, '{TOTAL_PHASE}') AS phase_raw,
               {provision_sql} AS provision_raw,
               CASE WHEN {provision_sql} = 'N' THEN 'UNK' ELSE {need_sql} END AS need_raw,
               {count_sql} AS count_raw
        FROM {rows_from}"""
    )


def _create_lookups(tx: Transaction) -> None:
    """Temp tables of label aliases and DfE areas, joined by the normalising query."""
    for table, aliases in (("provision_alias", PROVISION_ALIASES), ("need_alias", NEED_ALIASES)):
        tx.execute(f"CREATE OR REPLACE TEMP TABLE {table} (key VARCHAR PRIMARY KEY, code VARCHAR)")
        items = sorted(aliases.items())
        tx.execute(
            f"INSERT INTO {table} VALUES " + ", ".join("(?, ?)" for _ in items),
            [value for pair in items for value in pair],
        )
    # A part's spellings share its part name, so that two spellings of one part are one figure, not two parts.
    tx.execute("CREATE OR REPLACE TEMP TABLE component_label (key VARCHAR PRIMARY KEY, part VARCHAR)")
    parts = sorted(COMPONENT_PARTS.items())
    tx.execute(
        "INSERT INTO component_label VALUES " + ", ".join("(?, ?)" for _ in parts),
        [value for pair in parts for value in pair],
    )
    # Every DfE code, and every old three-digit LA code (an older file may give only that), with each name
    # DfE's lists spell it by: exactly ('|'-separated, the usual case, one cheap comparison per row) and
    # normalised as _NAME_KEY_SQL normalises a file's name (compared only when the exact spelling differs).
    areas = dict(known_areas())
    for area in sorted(areas.values(), key=lambda a: a.code):  # the newest code of an LA names its old code
        if area.old_la_code:
            areas[area.old_la_code] = Area(area.old_la_code, area.name, area.level, area.old_la_code)
    spellings = area_spellings()
    tx.execute(
        "CREATE OR REPLACE TEMP TABLE ref_area (area_code VARCHAR PRIMARY KEY, area_name VARCHAR, "
        "level VARCHAR, old_la_code VARCHAR, spellings VARCHAR, name_keys VARCHAR)"
    )
    rows = [
        (
            area.code,
            area.name,
            area.level,
            area.old_la_code,
            "|" + "|".join(sorted(spellings.get(area.code, {area.name}))) + "|",
        )
        for area in areas.values()
    ]
    tx.execute(
        "INSERT INTO ref_area SELECT code, name, level, old_code, spelt, "
        f"(SELECT string_agg(DISTINCT {_NAME_KEY_SQL.format(name='n')}, '|') "
        "FROM unnest(string_split(trim(spelt, '|'), '|')) AS t(n)) "
        "FROM (VALUES " + ", ".join("(?, ?, ?, ?, ?)" for _ in rows) + ") AS v(code, name, level, old_code, spelt)",
        [value for row in rows for value in row],
    )


# An area name reduced to its words: lower case, accents and punctuation gone, '&' as 'and', and the words
# DfE adds or drops between years ('Bristol, City of' / 'Bristol'; 'County Durham' / 'Durham') left out.
_NAME_NOISE = ("city", "of", "county", "the", "borough", "council", "metropolitan", "royal", "district")
_NAME_KEY_SQL = (
    "array_to_string(list_filter(string_split(trim(regexp_replace(lower(strip_accents(replace("
    "{name}, '&', ' and '))), '[^a-z0-9]+', ' ', 'g')), ' '), lambda w: w NOT IN ("
    + ", ".join(f"'{word}'" for word in _NAME_NOISE)
    + ", '')), ' ')"
)


_SYMBOL_LIST = ", ".join(_quote_literal(symbol) for symbol in PUBLISHED_SYMBOLS)


def _normalise(tx: Transaction, config: Config) -> None:
    """Temp view staged: view src with codes, canonical geography and parsed counts, and the label lookups.

    Reads src once here, for temp table distinct_labels (the labels, periods and census dates it gives), so
    that each label is keyed once; the view itself holds nothing, so the rows written are read once more.
    """
    # A file has a handful of distinct labels and a million rows: key each label once, then join on the text.
    tx.execute("""CREATE OR REPLACE TEMP TABLE distinct_labels AS
        SELECT DISTINCT provision_raw, need_raw, period_raw, time_identifier FROM src""")
    for kind, column, aliases in (
        ("provision", "provision_raw", "provision_alias"),
        ("need", "need_raw", "need_alias"),
    ):
        key = LABEL_KEY_SQL.format(col="d.raw")
        tx.execute(
            f"""CREATE OR REPLACE TEMP TABLE {kind}_lookup AS
            SELECT d.raw, a.code, c.part
            FROM (SELECT DISTINCT {column} AS raw FROM distinct_labels WHERE {column} IS NOT NULL) d
            LEFT JOIN {aliases} a ON a.key = {key} LEFT JOIN component_label c ON c.key = {key}"""
        )
    tx.execute(
        """CREATE OR REPLACE TEMP TABLE period_lookup AS
        SELECT raw, regexp_replace(regexp_replace(raw, '^(\\d{4})[/-](\\d{2})$', '\\1\\2'),
                                   '^(\\d{4})[/-]\\d{2}(\\d{2})$', '\\1\\2') AS period
        FROM (SELECT DISTINCT period_raw AS raw FROM distinct_labels WHERE period_raw IS NOT NULL)"""
    )
    tx.execute("DROP VIEW IF EXISTS staged")
    # A view cannot hold parameters: the configured area is written into it as literals.
    area = [
        _quote_literal(value) if value is not None else "NULL"
        for value in (config.area.code, config.area.name, config.area.code, config.area.old_la_code)
    ]
    tx.execute(
        f"""CREATE TEMP VIEW staged AS
        WITH parsed AS (
            SELECT s.*,
                pp.period,
                pl.code AS provision,
                nl.code AS primary_need,
                CASE WHEN lower(count_raw) IN ({_SYMBOL_LIST}) THEN lower(count_raw) END AS symbol,
                CASE WHEN regexp_full_match(count_raw, '\\d{{1,3}}(,\\d{{3}})+|\\d+(\\.0+)?')
                     THEN TRY_CAST(regexp_replace(regexp_replace(count_raw, ',', '', 'g'), '\\.0+$', '') AS BIGINT)
                END AS pupils,
                coalesce(s.level_raw, ra.level,
                         CASE WHEN s.area_code LIKE 'E92%' THEN '{NATIONAL}'
                              WHEN s.area_code LIKE 'E12%' THEN '{REGIONAL}' ELSE '{LOCAL_AUTHORITY}' END)
                    AS geographic_level,
                coalesce(s.area_name, ra.area_name,
                         CASE WHEN s.area_code = {area[0]} THEN {area[1]} END) AS area_name_final,
                coalesce(s.old_la_code, ra.old_la_code,
                         CASE WHEN s.area_code = {area[2]} THEN {area[3]} END) AS old_la_final,
                coalesce(pl.part, '') || '|' || coalesce(nl.part, '') AS part_key,
                ra.area_code IS NOT NULL AS known_code, ra.level AS known_level, ra.old_la_code AS known_old_la,
                ra.area_name AS known_name, ra.spellings AS known_spellings, ra.name_keys AS known_name_keys,
                s.area_name AS given_name, s.old_la_code AS given_old_la
            FROM src s
            LEFT JOIN period_lookup pp ON pp.raw = s.period_raw
            LEFT JOIN provision_lookup pl ON pl.raw = s.provision_raw
            LEFT JOIN need_lookup nl ON nl.raw = s.need_raw
            LEFT JOIN ref_area ra ON ra.area_code = s.area_code
        )
        SELECT line_no, period_raw, period, time_identifier, geographic_level, area_code,
               area_name_final AS area_name, old_la_final AS old_la_code,
               CASE WHEN geographic_level = '{LOCAL_AUTHORITY}' THEN coalesce(old_la_final, area_code)
                    ELSE area_code END AS area_key,
               CASE WHEN lower(phase_raw) IN ('total', 'all schools', 'all') THEN '{TOTAL_PHASE}'
                    ELSE phase_raw END AS phase,
               provision_raw, provision, need_raw, primary_need, count_raw, pupils, symbol, part_key,
               {_AREA_FAULT_SQL} AS area_fault
        FROM parsed"""
    )


# What is wrong with a row's area, or NULL (rows of parsed, in _normalise). A school is named by its URN,
# which no shipped list holds: six digits. Any other code must be in DfE's lists at the row's level, with
# the old LA code DfE gives it, and a name that is one of DfE's spellings of it or shares its words (a
# local 'Sunderland – Wearside' for Sunderland; never 'Barnsley'). Conditions run in order and stop at
# the first that holds, so the name is reduced to its words only when it is not spelt exactly as DfE does.
_AREA_FAULT_SQL = f"""CASE
    WHEN area_code IS NULL OR geographic_level NOT IN ('{NATIONAL}', '{REGIONAL}', '{LOCAL_AUTHORITY}', '{SCHOOL}')
        THEN NULL
    WHEN geographic_level = '{SCHOOL}' THEN CASE WHEN NOT regexp_full_match(area_code, '[0-9]{{6}}') THEN 'urn' END
    WHEN NOT known_code THEN 'unknown'
    WHEN known_level <> geographic_level THEN 'level'
    WHEN given_old_la IS NOT NULL AND known_old_la IS NOT NULL AND given_old_la <> known_old_la THEN 'old code'
    WHEN given_name IS NULL OR given_name = known_name OR contains(known_spellings, '|' || given_name || '|') THEN NULL
    WHEN NOT list_bool_or(list_transform(string_split(known_name_keys, '|'), lambda known:
             contains(' ' || {_NAME_KEY_SQL.format(name="given_name")} || ' ', ' ' || known || ' ')
             OR contains(' ' || known || ' ', ' ' || {_NAME_KEY_SQL.format(name="given_name")} || ' ')))
        THEN 'name'
END"""


# -- validation ------------------------------------------------------------------------------------
# Each row-level check as one condition over staged, shared by the full validation (which lists the rows)
# and the fast path's single count (which only needs to know whether any row fails).
_BAD_PERIOD = (
    "period IS NULL OR NOT regexp_full_match(period, '\\d{6}') "
    "OR TRY_CAST(substr(period, 1, 4) AS INTEGER) NOT BETWEEN 1990 AND 2100 "
    "OR (TRY_CAST(substr(period, 1, 4) AS INTEGER) + 1) % 100 <> TRY_CAST(substr(period, 5, 2) AS INTEGER)"
)
_BAD_COUNT = f"symbol IS NULL AND (pupils IS NULL OR pupils > {MAX_PUPILS_IN_A_CELL})"
_BAD_AREA = (
    f"area_code IS NULL OR geographic_level NOT IN ('{NATIONAL}', '{REGIONAL}', '{LOCAL_AUTHORITY}', '{SCHOOL}')"
)
_UNNAMED_AREA = "area_code IS NOT NULL AND area_name IS NULL AND area_fault IS NULL"
_ROW_PROBLEM = " OR ".join(
    f"({condition})"
    for condition in (
        _BAD_PERIOD,
        "provision IS NULL",
        "primary_need IS NULL",
        _BAD_COUNT,
        _BAD_AREA,
        _UNNAMED_AREA,
        "area_fault IS NOT NULL",
    )
)


def _problems_from(
    tx: Transaction, sql: str, params: list[Any] | None, describe: Callable[[tuple[Any, ...]], Problem]
) -> tuple[list[Problem], int]:
    rows = tx.fetchall(f"SELECT * FROM ({sql}) LIMIT {MAX_PROBLEMS_LISTED + 1}", params)
    if not rows:
        return [], 0
    total = tx.fetch_value(f"SELECT count(*) FROM ({sql})", params)
    return [describe(row) for row in rows], int(total)


def _validate(tx: Transaction, header: list[str], mapping: dict[str, int], fmt: str) -> tuple[list[Problem], int]:
    """Every problem in staged (first 50 per check), and how many there are in all."""

    def col(role: str) -> str:
        return _header_name(header, mapping, role)

    checks: list[tuple[str, Callable[[tuple[Any, ...]], Problem]]] = [
        (
            f"SELECT line_no, period_raw FROM explain_rows WHERE {_BAD_PERIOD} ORDER BY line_no",
            lambda r: Problem(
                f"'{r[1] or ''}' is not a census period; expected an academic year such as 201920 or 2019/20.",
                r[0],
                col("period"),
            ),
        ),
        (
            (
                "SELECT min(line_no), provision_raw, count(*) FROM explain_rows WHERE provision IS NULL "
                "GROUP BY provision_raw ORDER BY 1"
            ),
            lambda r: _unknown_label(r, "provision", col("provision")),
        ),
        (
            (
                "SELECT min(line_no), need_raw, count(*) FROM explain_rows WHERE primary_need IS NULL "
                "GROUP BY need_raw ORDER BY 1"
            ),
            lambda r: _unknown_label(r, "primary need", col("need")),
        ),
        (
            f"SELECT line_no, count_raw, pupils FROM explain_rows WHERE {_BAD_COUNT} ORDER BY line_no",
            lambda r: Problem(_count_problem(r[1], r[2]), r[0], col("count")),
        ),
        (
            f"SELECT line_no, area_code FROM explain_rows WHERE {_BAD_AREA} ORDER BY line_no",
            lambda r: Problem(
                "the area is missing or its geographic level is not National, Regional, Local authority or School.",
                r[0],
                col("geographic_level") if fmt == FORMAT_EES else col("area_code"),
            ),
        ),
        (
            (
                "SELECT first_line, last_line, period, area_name, phase, provision, primary_need FROM explain_cells "
                "WHERE conflicting ORDER BY 1"
            ),
            lambda r: Problem(
                f"two rows give different counts for the same figure ({format_period(r[2] or '')}, {r[3]}, "
                f"phase {r[4]}, {r[5]}, {r[6]}); the other is on line {r[1]}.",
                r[0],
            ),
        ),
    ]
    if fmt == FORMAT_PUPIL:
        codes = ", ".join(f"'{code}'" for code in PUPIL_PROVISION_CODES)
        checks[1] = (
            (
                f"SELECT min(line_no), provision_raw, count(*) FROM explain_rows WHERE provision_raw IS NULL "
                f"OR provision_raw NOT IN ({codes}) GROUP BY provision_raw ORDER BY 1"
            ),
            # Values are never quoted back from an extract: a misaligned column could hold a UPN or a name.
            lambda r: Problem(
                f"not a SENprovision code ({r[2]} pupil row{'s' if r[2] != 1 else ''} like this); expected "
                "E (EHC plan), K (SEN support) or N (no SEN).",
                r[0],
                col("provision"),
            ),
        )
        checks[2] = (
            "SELECT min(line_no), count(*) FROM explain_rows WHERE primary_need IS NULL GROUP BY need_raw ORDER BY 1",
            lambda r: Problem(
                f"not a SENtype code we recognise ({r[1]} pupil row{'s' if r[1] != 1 else ''} like this); expected "
                "a school census code such as ASD, SLCN, SEMH or SPLD.",
                r[0],
                col("need"),
            ),
        )
        del checks[-1]  # many pupils share a cell: identical rows are expected, not duplicates

    def area_column(level: str, fault: str, old_code_only: bool) -> str | None:
        """The column holding what is wrong: the name or the code, as this format gives each level."""
        if fmt != FORMAT_EES:
            role = "area_name" if fault == "name" else "area_code"
            return col(role) if role in mapping else None
        roles = {
            NATIONAL: ("country_code", "country_name"),
            REGIONAL: ("region_code", "region_name"),
            LOCAL_AUTHORITY: ("new_la_code", "la_name"),
            SCHOOL: ("school_urn", "school_name"),
        }[level]
        role = {"name": roles[1], "old code": "old_la_code"}.get(fault, roles[0])
        if role == "new_la_code" and (old_code_only or role not in mapping):
            role = "old_la_code"  # the row gives its LA by the old code alone
        return col(role)

    checks.append(
        (
            (
                "SELECT min(s.line_no), s.area_code, s.area_name, s.old_la_code, s.geographic_level, s.area_fault, "
                "any_value(r.area_name), any_value(r.level), any_value(r.old_la_code), count(*) FROM explain_rows s "
                "LEFT JOIN ref_area r ON r.area_code = s.area_code WHERE s.area_fault IS NOT NULL "
                "GROUP BY ALL ORDER BY 1"
            ),
            lambda r: _area_problem(
                r, area_column(r[4], r[5], r[1] == r[3]), configured="area_code" not in mapping and fmt != FORMAT_EES
            ),
        )
    )
    checks.append(
        (
            f"SELECT min(line_no), area_code FROM explain_rows WHERE {_UNNAMED_AREA} GROUP BY area_code ORDER BY 1",
            # Every code DfE lists has its name: only a school (its URN) can be left without one.
            lambda r: Problem(
                f"the school '{_shown(r[1])}' has no name; give it in the school_name column.",
                r[0],
                col("school_name") if "school_name" in mapping else None,
            ),
        )
    )
    problems: list[Problem] = []
    total = 0
    if "time_identifier" in mapping:
        identifiers = [r[0] for r in tx.fetchall("SELECT DISTINCT time_identifier FROM distinct_labels ORDER BY 1")]
        if len(identifiers) > 1:
            problems.append(
                Problem(
                    f"the file mixes census dates ({', '.join(str(i) for i in identifiers)}); "
                    "load one time_identifier per file.",
                    column=col("time_identifier"),
                )
            )
            total += 1
    for sql, describe in checks:
        found, count = _problems_from(tx, sql, None, describe)
        problems.extend(found)
        total += count
    return problems, total


def _shown(text: str | None, limit: int = 40) -> str:
    """A value from the file, quoted back no longer than ``limit`` characters."""
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def _area_problem(row: tuple[Any, ...], column: str | None, *, configured: bool) -> Problem:
    """One problem per distinct area a file gives wrongly (see _AREA_FAULT_SQL for the faults)."""
    line, code, name, old_code, level, fault, known_name, known_level, known_old, count = row
    rows = f" ({count} rows)" if count > 1 else ""
    if fault == "urn":
        message = f"'{_shown(code)}' is not a school URN (six digits){rows}."
    elif fault == "unknown":
        where = "the configured area (area.code in config.yaml) " if configured else ""
        message = (
            f"{where}'{_shown(code)}' is not an area code in DfE's lists{rows}: give England (E92000001), "
            "a region (E12…) or a local authority (such as E08000024) as DfE codes it."
        )
    elif fault == "level":
        message = (
            f"'{code}' is the code of {known_name} ({known_level.lower()}), but the row's geographic level "
            f"is {level}{rows}."
        )
    elif fault == "old code":
        message = (
            f"the old LA code '{_shown(old_code)}' is not {code}'s: DfE gives {known_name} the old code "
            f"{known_old}{rows}."
        )
    else:
        message = (
            f"'{_shown(name)}' is not the name of {code}, which DfE's lists call {known_name}{rows}; "
            "correct the code or the name."
        )
    return Problem(message, line, column)


def _unknown_label(row: tuple[Any, ...], kind: str, column: str) -> Problem:
    first_line, label, count = row
    if label is None:
        return Problem(f"the {kind} is blank ({count} row{'s' if count != 1 else ''}).", first_line, column)
    nearest = suggest(label, "provision" if kind == "provision" else "need")
    hint = f" Did you mean '{nearest}'?" if nearest else ""
    rows = f" (and {count - 1} more row{'s' if count > 2 else ''})" if count > 1 else ""
    return Problem(f"'{label}' is not a {kind} we recognise{rows}.{hint}", first_line, column)


def _count_problem(raw: str | None, parsed: int | None) -> str:
    symbols = ", ".join(PUBLISHED_SYMBOLS)
    if raw is None:
        return f"the count is blank; give a whole number of pupils or a published symbol ({symbols})."
    text = raw.strip()
    if re.fullmatch(r"-\s*[0-9]+(\.[0-9]+)?", text):
        return f"'{text}' is negative; a count of pupils cannot be below 0."
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        if parsed is not None or "." not in text:
            return f"'{text}' is too large to be a count of pupils (more than {MAX_PUPILS_IN_A_CELL:,})."
        return f"'{text}' is not a whole number; counts of pupils are whole numbers."
    return f"'{text}' is not a number; expected a whole number of pupils or a published symbol ({symbols})."


# -- write -----------------------------------------------------------------------------------------
# A preview writes its rows under this id inside a transaction that is always rolled back.
PREVIEW_LOAD_ID = 0
# A figure as the census keys it: two rows with the same key give one figure more than once.
_CELL_HASH = "hash(period, area_key, phase, provision, primary_need)"
# Rows that are neither a total nor No SEN's total: stored as the file gives them.
_PLAIN_CELL = f"provision IN ('{SEN_SUPPORT}', '{EHC_PLAN}', '{NO_SEN}') AND primary_need <> '{TOTAL_NEED}'"
# The cells a census keeps: SEN support, EHC plan and No SEN by need (No SEN's total stands for its need).
_KEPT_CELL = (
    f"provision IN ('{SEN_SUPPORT}', '{EHC_PLAN}', '{NO_SEN}') "
    f"AND (primary_need <> '{TOTAL_NEED}' OR provision = '{NO_SEN}')"
)
_CENSUS_COLUMNS = (
    "period, geographic_level, area_code, old_la_code, area_name, area_key, phase, provision, "
    "primary_need, pupils, symbol"
)
# While a load is staged, a row written with a problem (see _ROW_PROBLEM) or two rows disagreeing about one
# figure carry this geographic level: no good row has it (blanks are NULL and a row without a level is a problem
# row), so one count of the rows written says whether anything is wrong. The rows never commit: any mark sends
# the file to the explain pass, which refuses it.
_PROBLEM_MARK = "''"


def _labels_refused(tx: Transaction, fmt: str, mapping: dict[str, int]) -> bool:
    """Whether any distinct label, period or census date of the file (temp table distinct_labels and its
    lookups) is unknown, blank or mixed: known from the label columns alone, before a row is written."""
    mixed = (
        "(SELECT count(DISTINCT coalesce(time_identifier, '')) FROM distinct_labels) > 1"
        if "time_identifier" in mapping
        else "false"
    )
    codes = ", ".join(_quote_literal(code) for code in PUPIL_PROVISION_CODES)
    not_a_code = (
        f"OR EXISTS (SELECT 1 FROM distinct_labels WHERE provision_raw NOT IN ({codes}))" if fmt == FORMAT_PUPIL else ""
    )
    return bool(
        tx.fetch_value(
            f"""SELECT EXISTS (SELECT 1 FROM provision_lookup WHERE code IS NULL)
                OR EXISTS (SELECT 1 FROM need_lookup WHERE code IS NULL)
                OR EXISTS (SELECT 1 FROM distinct_labels
                           WHERE provision_raw IS NULL OR need_raw IS NULL OR period_raw IS NULL)
                OR EXISTS (SELECT 1 FROM (SELECT period FROM period_lookup) WHERE {_BAD_PERIOD})
                OR {mixed} {not_a_code}"""
        )
    )


def _write_rows(tx: Transaction, load_id: int) -> None:
    """Every row of view staged into census under ``load_id``, as it is, a row with a problem marked.

    The rows go from DuckDB's reader straight into the census, held nowhere else (no grouping, no copy), like
    DuckDB's own ``CREATE TABLE … AS SELECT * FROM read_csv``. Blank values are written as '' so that a bad row
    is marked and counted rather than stopping the write on a NOT NULL column.
    """
    tx.execute(
        f"""INSERT INTO census SELECT {int(load_id)}, coalesce(period, ''),
               CASE WHEN {_ROW_PROBLEM} THEN {_PROBLEM_MARK} ELSE geographic_level END,
               coalesce(area_code, ''), old_la_code, coalesce(area_name, ''), coalesce(area_key, ''), phase,
               coalesce(provision, ''), coalesce(primary_need, ''), pupils, symbol
        FROM staged"""
    )


def _merge_cells(tx: Transaction, load_id: int, *, pupils: bool) -> None:
    """Make the rows written under ``load_id`` one per figure: where the file gives a figure more than once
    (parts of one code such as School Action and School Action Plus, a synonym, one area under two codes, a
    pupil-level extract's pupils) its rows are read again from view staged and added up into one.

    Within one label, a repeated row counts once and two different counts are a conflict (marked, for the
    explain pass to name); different labels of one code add up, and one suppressed part makes the sum a
    symbol. ``pupils`` (an extract): every row is a pupil, so nothing was written yet, every row is read and
    a label's rows are counted; no pupil's row is ever written.
    """
    written = f"census WHERE load_id = {int(load_id)}"
    if pupils:
        where = "true"
    else:
        tx.execute(f"""CREATE OR REPLACE TEMP TABLE repeated_cells AS
            SELECT {_CELL_HASH} AS cell FROM {written} GROUP BY cell HAVING count(*) > 1""")
        tx.execute(f"DELETE FROM {written} AND {_CELL_HASH} IN (SELECT cell FROM repeated_cells)")
        where = f"{_CELL_HASH} IN (SELECT cell FROM repeated_cells)"
    per_label = "count(*)" if pupils else "any_value(pupils)"
    # Two different values have different min and max: cheaper than counting distinct values.
    value = "coalesce(CAST(pupils AS VARCHAR), symbol, count_raw)"
    conflicting = "false" if pupils else f"min({value}) <> max({value})"
    area = (
        "max(geographic_level) AS geographic_level, max(area_code) AS area_code, "
        "any_value(old_la_code) AS old_la_code, arg_max(area_name, area_code) AS area_name"
    )
    tx.execute(
        f"""INSERT INTO census SELECT {int(load_id)}, coalesce(period, ''),
               CASE WHEN marked THEN {_PROBLEM_MARK} ELSE geographic_level END, coalesce(area_code, ''),
               old_la_code, coalesce(area_name, ''), coalesce(area_key, ''), phase, coalesce(provision, ''),
               coalesce(primary_need, ''), pupils, symbol
        FROM (
            WITH per_label AS (
                SELECT period, {area}, area_key, phase, provision, primary_need, {per_label} AS pupils,
                       any_value(symbol) AS symbol, {conflicting} OR bool_or({_ROW_PROBLEM}) AS marked
                FROM staged WHERE {where}
                GROUP BY period, area_key, phase, provision, primary_need, part_key)
            SELECT period, {area}, area_key, phase, provision, primary_need,
                   CASE WHEN count(symbol) = 0 THEN sum(pupils) END AS pupils,
                   CASE WHEN count(symbol) > 0 THEN min(symbol) END AS symbol, bool_or(marked) AS marked
            FROM per_label GROUP BY period, area_key, phase, provision, primary_need)"""
    )


def _complete_rows(tx: Transaction, load_id: int) -> None:
    """Move the file's totals out of the rows written under ``load_id`` into temp table given_totals (the
    warnings compare them with the detail), and complete No SEN.

    No SEN's total stands for its need (UNK) unless the file breaks No SEN down; where the file gives all pupils
    but no No SEN row, No SEN is derived (all pupils less the rows kept) for prevalence.
    """
    written = f"census WHERE load_id = {int(load_id)}"
    tx.execute(
        f"CREATE OR REPLACE TEMP TABLE given_totals AS SELECT * EXCLUDE (load_id) FROM {written} "
        f"AND NOT ({_PLAIN_CELL})"
    )
    tx.execute(f"DELETE FROM {written} AND NOT ({_PLAIN_CELL})")
    tx.execute(
        f"""INSERT INTO census SELECT {int(load_id)}, period, geographic_level, area_code, old_la_code, area_name,
               area_key, phase, provision, 'UNK', pupils, symbol
        FROM given_totals t WHERE t.provision = '{NO_SEN}' AND t.primary_need = '{TOTAL_NEED}' AND NOT EXISTS (
            SELECT 1 FROM {written} AND provision = '{NO_SEN}' AND period = t.period AND area_key = t.area_key
            AND phase = t.phase)"""
    )
    tx.execute(
        f"""INSERT INTO census SELECT {int(load_id)}, * FROM (
            WITH kept AS (SELECT {_CENSUS_COLUMNS} FROM {written}), {_DERIVED_NO_SEN_CTES}
            SELECT * FROM derived_no_sen)"""
    )


# Files that give all pupils as a total (in given_totals) but no 'No SEN' row: derive No SEN, for prevalence,
# from the rows kept (relation kept, census columns).
_DERIVED_NO_SEN_CTES = f"""all_pupil_totals AS (  -- a total repeated in the file counts once
    SELECT period, area_key, phase, any_value(geographic_level) AS geographic_level,
           max(area_code) AS area_code, any_value(old_la_code) AS old_la_code,
           arg_max(area_name, area_code) AS area_name, any_value(pupils) AS pupils
    FROM given_totals WHERE provision = '{ALL_PUPILS}' AND primary_need = '{TOTAL_NEED}' AND pupils IS NOT NULL
    GROUP BY period, area_key, phase
),
derived_no_sen AS (
    SELECT t.period, any_value(t.geographic_level), t.area_code, any_value(t.old_la_code),
           any_value(t.area_name), t.area_key, t.phase, '{NO_SEN}', 'UNK',
           any_value(t.pupils) - sum(k.pupils), CAST(NULL AS VARCHAR)
    FROM all_pupil_totals t
    JOIN kept k ON k.period = t.period AND k.area_key = t.area_key AND k.phase = t.phase
    WHERE NOT EXISTS (SELECT 1 FROM kept n WHERE n.provision = '{NO_SEN}' AND n.period = t.period
                      AND n.area_key = t.area_key AND n.phase = t.phase)
    GROUP BY t.period, t.area_code, t.area_key, t.phase
    HAVING count(k.symbol) = 0 AND any_value(t.pupils) >= sum(k.pupils)
)"""


# -- explain ---------------------------------------------------------------------------------------
# A row of a figure the refused file gives on more than one row (temp table explain_repeated).
_EXPLAIN_REPEATED = (
    f"provision IS NOT NULL AND primary_need IS NOT NULL AND {_CELL_HASH} IN (SELECT cell FROM explain_repeated)"
)


def _build_explain_cells(tx: Transaction) -> None:
    """Temp table explain_cells: one row per figure the refused file gives (period, area, phase, provision, need,
    label part), with its first and last line and whether two of its rows disagree (``conflicting``)."""
    value = "coalesce(CAST(pupils AS VARCHAR), symbol, count_raw)"
    tx.execute(
        f"""CREATE OR REPLACE TEMP TABLE explain_cells AS
        SELECT min(line_no) AS first_line, max(line_no) AS last_line, period,
               arg_max(area_name, area_code) AS area_name,
               phase, provision, primary_need, min({value}) <> max({value}) AS conflicting
        FROM explain_rows WHERE {_EXPLAIN_REPEATED}
        GROUP BY period, area_key, phase, provision, primary_need, part_key"""
    )


def _explain(
    tx: Transaction,
    source: SourceFile,
    file_name: str,
    fmt: str,
    mapping: dict[str, int],
    config: Config,
    period: str | None,
    keep: list[int] | None,
) -> NoReturn:
    """Refuse a file the check found wrong, naming every problem by line and column.

    Runs only for a refused file, so it may read the file again and hold its rows: into temp table raw_csv
    (every value as text, with DuckDB's rejected lines), then, by view staged over it, into temp table
    explain_rows: the rows a rule can name, each with its line, which the rules in ``_validate`` read.
    """
    tx.execute("DROP VIEW IF EXISTS staged")
    tx.execute("DROP VIEW IF EXISTS src")
    rows_read = _stage_raw(tx, source, file_name, keep)
    _check_every_row_read(tx, source, file_name, rows_read)
    _stage_source(
        tx, fmt, mapping, config, period, line_map=_stage_line_numbers(tx, source, rows_read, every_column=keep is None)
    )
    _normalise(tx, config)
    # Only the rows a rule can name are held: those breaking a rule, and every row of a figure given more than
    # once (only such a figure can be given two ways). The rest of a national file is never copied.
    codes = ", ".join(_quote_literal(code) for code in PUPIL_PROVISION_CODES)
    named = (
        f"({_ROW_PROBLEM}) OR provision_raw IS NULL OR provision_raw NOT IN ({codes})"
        if fmt == FORMAT_PUPIL
        else _ROW_PROBLEM
    )
    if fmt != FORMAT_PUPIL:  # many pupils share a cell: identical rows are expected, not a figure given twice
        tx.execute(f"""CREATE OR REPLACE TEMP TABLE explain_repeated AS SELECT {_CELL_HASH} AS cell FROM staged
            WHERE provision IS NOT NULL AND primary_need IS NOT NULL GROUP BY cell HAVING count(*) > 1""")
        named += f" OR ({_EXPLAIN_REPEATED})"
    tx.execute(f"CREATE OR REPLACE TEMP TABLE explain_rows AS SELECT * FROM staged WHERE {named}")
    if fmt != FORMAT_PUPIL:
        _build_explain_cells(tx)
    problems, total = _validate(tx, source.header, mapping, fmt)
    if not problems:  # the check and the rules disagree: a fault here, never the file's
        raise StoreError(f"{file_name}: the census check found a problem that no rule names; nothing was written.")
    raise IngestRejected(file_name, problems, total)


def _total_warnings(tx: Transaction) -> list[str]:
    """Where the file's own total rows disagree with the sum of its detail rows."""
    rows = tx.fetchall(
        f"""WITH detail_sums AS (
            SELECT period, area_key, phase, provision, sum(pupils) AS pupils, count(symbol) AS symbols
            FROM detail GROUP BY ALL
            UNION ALL
            SELECT period, area_key, phase, '{ANY_SEN}', sum(pupils), count(symbol) FROM detail
            WHERE provision IN ('{SEN_SUPPORT}', '{EHC_PLAN}') GROUP BY ALL
            UNION ALL
            SELECT period, area_key, phase, '{ALL_PUPILS}', sum(pupils), count(symbol) FROM detail GROUP BY ALL
        ),
        file_totals AS (
            SELECT period, area_key, min(area_name) AS area_name, phase, provision, any_value(pupils) AS pupils
            FROM given_totals WHERE primary_need = '{TOTAL_NEED}' AND pupils IS NOT NULL
              AND provision NOT IN ('{UNKNOWN_PROVISION}')
            GROUP BY period, area_key, phase, provision
        )
        SELECT t.period, t.area_name, t.phase, t.provision, d.pupils, t.pupils
        FROM file_totals t JOIN detail_sums d USING (period, area_key, phase, provision)
        WHERE d.symbols = 0 AND d.pupils <> t.pupils
          AND NOT (t.provision = '{ALL_PUPILS}' AND EXISTS (
              SELECT 1 FROM given_totals u WHERE u.provision = '{UNKNOWN_PROVISION}' AND u.period = t.period
              AND u.area_key = t.area_key))
        ORDER BY t.period, t.area_name, t.phase, t.provision"""
    )
    names = {ALL_PUPILS: "all pupils", ANY_SEN: "all pupils with SEN"}
    warnings = [
        f"{area}, {format_period(period)}, phase {phase}: the {names.get(provision, provision)} rows add up to "
        f"{detail_sum:,} but the file's total says {file_total:,}."
        for period, area, phase, provision, detail_sum, file_total in rows[:20]
    ]
    if len(rows) > 20:
        warnings.append(f"… and {len(rows) - 20} more totals that do not match their detail.")
    return warnings


def _removal_warnings(tx: Transaction) -> list[str]:
    """A load replaces everything stored for each (period, area) it holds: say which stored figures would go."""
    rows = tx.fetchall(
        """SELECT c.period, min(c.area_name), count(*),
               list(DISTINCT c.provision || ' ' || c.primary_need ORDER BY c.provision || ' ' || c.primary_need)[:6]
           FROM census_current c
           WHERE (c.period, c.area_key) IN (SELECT DISTINCT period, area_key FROM detail)
             AND NOT EXISTS (SELECT 1 FROM detail d WHERE d.period = c.period AND d.area_key = c.area_key
                             AND d.phase = c.phase AND d.provision = c.provision AND d.primary_need = c.primary_need)
           GROUP BY c.period, c.area_key ORDER BY 1, 2 LIMIT 21"""
    )
    warnings = [
        f"{area}, {format_period(period)}: {count:,} figure{'s' if count != 1 else ''} stored now "
        f"({', '.join(sample)}{' …' if count > len(sample) else ''}) {'are' if count != 1 else 'is'} not in this file "
        "and will no longer be shown: a load replaces everything stored for its census periods and areas."
        for period, area, count, sample in rows[:20]
    ]
    if len(rows) > 20:
        warnings.append("… and more areas losing figures they have now.")
    return warnings


def _change_warnings(tx: Transaction, threshold_pct: float) -> list[str]:
    """Provision totals moving more than ``threshold_pct`` % from the previous period in the store."""
    rows = tx.fetchall(
        f"""WITH new_totals AS (
            SELECT period, area_key, min(area_name) AS area_name, provision, sum(pupils) AS pupils
            FROM detail WHERE phase = '{TOTAL_PHASE}' AND provision IN ('{SEN_SUPPORT}', '{EHC_PLAN}')
            GROUP BY period, area_key, provision
        ),
        stored AS (
            SELECT period, area_key, provision, sum(pupils) AS pupils FROM census_current
            WHERE phase = '{TOTAL_PHASE}' AND provision IN ('{SEN_SUPPORT}', '{EHC_PLAN}')
            GROUP BY period, area_key, provision
        ),
        previous AS (
            SELECT n.period, n.area_name, n.provision, n.pupils AS new_pupils, s.period AS prev_period,
                   s.pupils AS prev_pupils,
                   row_number() OVER (PARTITION BY n.period, n.area_key, n.provision ORDER BY s.period DESC) AS rn
            FROM new_totals n JOIN stored s ON s.area_key = n.area_key AND s.provision = n.provision
                 AND s.period < n.period
        )
        SELECT period, area_name, provision, prev_period, prev_pupils, new_pupils FROM previous
        WHERE rn = 1 AND prev_pupils > 0 AND abs(new_pupils - prev_pupils) * 100.0 / prev_pupils > ?
        ORDER BY area_name, provision, period LIMIT 21""",
        [threshold_pct],
    )
    warnings = [
        f"{area}, {provision}: {new:,} in {format_period(period)} against {prev:,} in {format_period(prev_period)} "
        f"({(new - prev) * 100 / prev:+.0f}%, more than the {threshold_pct:g}% that upload.change_warning_pct allows "
        "without a second look)."
        for period, area, provision, prev_period, prev, new in rows[:20]
    ]
    if len(rows) > 20:
        warnings.append("… and more areas with large changes.")
    return warnings


def _file_totals(tx: Transaction) -> pd.DataFrame:
    return tx.fetch_df(
        f"""SELECT period, area_name, provision, sum(pupils) AS pupils, count(symbol) AS suppressed_cells
        FROM detail WHERE phase = '{TOTAL_PHASE}' GROUP BY ALL
        ORDER BY period, min(geographic_level) DESC, area_name, provision"""
    )


# -- the load path ---------------------------------------------------------------------------------
@dataclass
class _Staged:
    fmt: str
    rows_read: int
    warnings: list[str]
    periods: list[str]
    areas: list[str]
    load_id: int | None
    kept_columns: list[int] | None = None  # the recognised columns, when some are not: all a kept copy holds


def _next_load_id(tx: Transaction) -> int:
    """The id the next ``nextval('load_id_seq')`` will give, without taking it (a rejected file takes none)."""
    return int(
        tx.fetch_value(
            "SELECT coalesce(last_value, start_value - increment_by) + increment_by "
            "FROM duckdb_sequences() WHERE sequence_name = 'load_id_seq'"
        )
    )


def _view_detail(tx: Transaction, load_id: int) -> None:
    """Temp view detail: the rows written under ``load_id`` (the rows to store), in census columns."""
    tx.execute("DROP TABLE IF EXISTS detail")
    tx.execute(
        f"CREATE OR REPLACE TEMP VIEW detail AS SELECT {_CENSUS_COLUMNS} FROM census WHERE load_id = {int(load_id)}"
    )


def _only_totals(file_name: str) -> IngestRejected:
    return IngestRejected(
        file_name,
        [Problem("the file holds only totals: there are no rows for SEN support, EHC plan or No SEN by primary need.")],
    )


def _stage(
    tx: Transaction,
    source: SourceFile,
    file_name: str,
    fmt: str,
    period: str | None,
    config: Config,
    progress: ProgressCallback,
    *,
    writing: bool,
) -> _Staged:
    """Stage, check and write one file inside ``tx``: everything up to the load's log entry.

    The rows are written into census under the next load id (``PREVIEW_LOAD_ID`` for a preview, whose
    transaction is rolled back); they are not in force until the log entry says 'loaded'. Temp view detail
    is the rows written; the warnings are worked out against what was stored before.
    """
    chosen = detect_format(source.header, file_name) if fmt == "auto" else fmt
    if chosen not in FORMATS:
        raise IngestRejected(
            file_name, [Problem(f"'{fmt}' is not a census format; use one of auto, {', '.join(FORMATS)}.")]
        )
    mapping, ignored = _map_columns(source.header, chosen, file_name, has_period=bool(period))
    if period and "period" in mapping:
        raise IngestRejected(
            file_name,
            [Problem(f"the file has its own period column '{source.header[mapping['period']]}'; leave out --period.")],
        )
    progress(0.15, "Reading the file")
    pupils = chosen == FORMAT_PUPIL
    keep = list(mapping.values()) if pupils else None  # an extract's identifiers are never read

    def explain() -> NoReturn:
        progress(0.45, "Finding what is wrong")
        _explain(tx, source, file_name, chosen, mapping, config, period, keep)

    # Stage: views src and staged over the file; its distinct labels looked up once each (one read of the file).
    _create_lookups(tx)
    try:
        _stage_source(tx, chosen, mapping, config, period, rows_from=_read_csv_sql(source, keep, "stage_rejects"))
        _normalise(tx, config)
    except StoreError as exc:
        _raise_if_unreadable(exc, file_name)
        raise
    if tx.fetch_value("SELECT count(*) FROM stage_rejects") or _labels_refused(tx, chosen, mapping):
        explain()
    # Write, then check: the rows go in as they are, then one scan of the rows written counts the problems.
    load_id = _next_load_id(tx) if writing else PREVIEW_LOAD_ID
    written = f"census WHERE load_id = {int(load_id)}"
    try:
        if pupils:
            _merge_cells(tx, load_id, pupils=True)
        else:
            _write_rows(tx, load_id)
    except StoreError as exc:
        _raise_if_unreadable(exc, file_name)
        raise
    rejects, marked, rows, cells, pupils_read = tx.fetchall(
        f"""SELECT (SELECT count(*) FROM stage_rejects), count(*) FILTER (WHERE geographic_level = {_PROBLEM_MARK}),
                   count(*), count(DISTINCT {_CELL_HASH}), sum(pupils) FROM {written}"""
    )[0]
    if rejects or marked:
        explain()
    rows_read = int(pupils_read or 0) if pupils else int(rows)
    _check_every_row_read(tx, source, file_name, rows_read)
    if cells != rows and not pupils:  # a figure given more than once: add its rows up, or name the conflict
        _merge_cells(tx, load_id, pupils=False)
        if tx.fetch_value(f"SELECT count(*) FROM {written} AND geographic_level = {_PROBLEM_MARK}"):
            explain()
    tx.execute("DROP VIEW staged")  # it reads the file: nothing after this point may read it again by accident
    tx.execute("DROP VIEW src")
    progress(0.65, "Comparing with what is stored")
    if not tx.fetch_value(f"SELECT count(*) FROM {written} AND {_KEPT_CELL}"):
        raise _only_totals(file_name)
    _complete_rows(tx, load_id)
    _view_detail(tx, load_id)
    # A load id is taken only once the file has passed: a sequence is not rolled back with a rejected load.
    taken = int(tx.fetch_value("SELECT nextval('load_id_seq')")) if writing else None
    if writing and taken != load_id:  # only one writer (the write lock): the id cannot move
        raise StoreError(f"Load id {taken} was taken while the file was written as {load_id}; try again.")
    _refuse_overlong_text(tx, file_name)
    warnings = []
    if ignored:
        shown = ", ".join(ignored[:10]) + (f" and {len(ignored) - 10} more" if len(ignored) > 10 else "")
        warnings.append(f"These columns are not used and were ignored: {shown}.")
    warnings += _total_warnings(tx)
    warnings += _removal_warnings(tx)
    warnings += _change_warnings(tx, config.upload.change_warning_pct)
    periods = [r[0] for r in tx.fetchall("SELECT DISTINCT period FROM detail ORDER BY 1")]
    areas = [
        r[0]
        for r in tx.fetchall(
            "SELECT area_name FROM detail GROUP BY area_name ORDER BY min(geographic_level) DESC, area_name"
        )
    ]
    kept_columns = [i for i, column in enumerate(source.header) if column not in ignored] if ignored else None
    return _Staged(chosen, rows_read, warnings, periods, areas, taken, kept_columns)


def _refuse_overlong_text(tx: Transaction, file_name: str) -> None:
    """Refuse a file whose area names or phases (the free text a census file gives) are over MAX_CENSUS_TEXT:
    such a value is a broken file (a stray quote mark runs lines together), not an area."""
    rows = tx.fetchall(
        f"""SELECT 'area name' AS what, area_code, max(length(area_name)) FROM detail
            WHERE length(area_name) > {MAX_CENSUS_TEXT} GROUP BY area_code
            UNION ALL
            SELECT 'phase', area_code, max(length(phase)) FROM detail
            WHERE length(phase) > {MAX_CENSUS_TEXT} GROUP BY area_code
            ORDER BY 2, 1 LIMIT {MAX_PROBLEMS_LISTED}"""
    )
    if rows:
        raise IngestRejected(
            file_name,
            [
                Problem(
                    f"the {what} given for {code[:20]} is {length:,} characters long; "
                    f"{'an' if what[0] == 'a' else 'a'} "
                    f"{what} is at most {MAX_CENSUS_TEXT} characters "
                    "(check for a stray quote mark running lines together)."
                )
                for what, code, length in rows
            ],
        )


def _no_progress(_fraction: float, _text: str) -> None:
    return None


def _format_for_log(source: SourceFile, fmt: str, name: str) -> str:
    """The format to record for a rejected attempt: as given, else as detected, else 'unknown'."""
    if fmt != "auto":
        return fmt
    try:
        return detect_format(source.header, name)
    except IngestRejected:
        return "unknown"


def _keep_raw_file(tx: Transaction, store: Store, source: SourceFile, kept_columns: list[int] | None) -> Path | None:
    """Inside the load's transaction, write the copy to keep into the private work folder
    (kept-<sha256>-<unique>.csv, mode 0600: two loads of one file never share it); ``_publish_kept_copy``
    moves it to uploads/ once the load has committed. Returns its path (None when there is nothing to write:
    an in-memory store, or a copy already kept).

    The copy is the file as uploaded when every column is recognised; otherwise only the recognised columns
    (``kept_columns``), as UTF-8 CSV, so that nothing the product does not use is kept or backed up.
    """
    folder = store.uploads_dir
    if folder is None or (folder / f"{source.sha256}.csv").exists():
        return None
    handle, name = tempfile.mkstemp(prefix=f"{KEPT_PENDING_PREFIX}{source.sha256}-", suffix=".csv", dir=store.work_dir)
    os.close(handle)
    pending = Path(name)
    if kept_columns is None:
        shutil.copyfile(source.original_path, pending)
    else:
        columns = ", ".join(f'c{i} AS "{source.header[i].replace(chr(34), chr(34) * 2)}"' for i in kept_columns)
        tx.execute(
            f"COPY (SELECT {columns} FROM {_read_csv_sql(source, kept_columns, 'kept_copy_rejects')}) "
            f"TO {_quote_literal(str(pending))} (FORMAT csv, HEADER true)"
        )
    pending.chmod(PRIVATE_FILE_MODE)
    return pending


def _publish_kept_copy(store: Store, pending: Path, sha256: str) -> None:
    """Move a committed load's kept copy from the work folder to uploads/<sha256>.csv (owner-only).

    A crash before this runs leaves the copy in the work folder, and the next start puts it in place."""
    folder = store.uploads_dir
    assert folder is not None, "a kept copy is only written beside a store file"  # see _keep_raw_file
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    os.replace(pending, folder / f"{sha256}.csv")


@contextmanager
def uploaded_file(store: Store, data: bytes, file_name: str) -> Iterator[Path]:
    """Write uploaded bytes to a temporary file (mode 0600) in the store's private work folder for the load
    path; removed afterwards whatever happens, and by the next start after a crash.

    The file name is used only for its extension: the temporary file's name never carries what the
    officer's file was called.
    """
    suffix = Path(file_name).suffix[:10] if Path(file_name).suffix.isascii() else ".csv"
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=store.work_dir)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _find_loaded(read: ReadValue, sha256: str, period: str | None) -> int | None:
    """The load of these same bytes (with the same given period) whose rows are all still in force, if any.

    A file loaded earlier but since replaced by another load, or loaded for another period, is not
    "already loaded": loading it again puts it back in force. ``read`` is ``Store.query_value`` for a preview
    and ``Transaction.fetch_value`` inside a load, where the answer cannot change before the load commits.
    """
    found = read(
        """SELECT max(l.load_id) FROM loads l
           WHERE l.kind = 'census' AND l.sha256 = ? AND l.outcome = 'loaded'
             AND coalesce(l.period_given, '') = ?
             AND (SELECT count(DISTINCT (period, area_key)) FROM census c WHERE c.load_id = l.load_id)
               = (SELECT count(DISTINCT (period, area_key)) FROM census_current c WHERE c.load_id = l.load_id)""",
        [sha256, period or ""],
    )
    return None if found is None else int(found)


def _normalise_given_period(period: str | None, file_name: str) -> str | None:
    """A period given with the file (``202425`` or ``2024/25``), checked once rather than on every row."""
    if period is None or not period.strip():
        return None
    text = period.strip()
    if len(text) == 7 and text[4] in "/-":
        text = text[:4] + text[5:]
    if not is_valid_period(text):
        raise IngestRejected(
            file_name,
            [
                Problem(
                    f"'{period.strip()[:20]}' is not a census period; "
                    "expected an academic year such as 202425 or 2024/25."
                )
            ],
        )
    return text


def record_rejection(
    store: Store, file_name: str, size: int, sha256: str, user: str, fmt: str, message: str, *, kind: str = "census"
) -> None:
    """Log a rejected attempt of a ``kind`` of load in its own transaction (the failed load was rolled back)."""
    try:
        with store.transaction() as tx:
            tx.execute(
                """INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, format,
                   outcome, message) VALUES (nextval('load_id_seq'), ?, ?, ?, ?, ?, ?, ?, 'rejected', ?)""",
                [kind, datetime.now(), user, file_name, size, sha256, fmt, message[:4000]],
            )
    except StoreError:
        pass  # failing to log a rejection must not hide the rejection itself


def open_checked_source(
    path: Path, name: str, period: str | None, *, work_dir: Path, max_bytes: int | None = None
) -> tuple[str | None, SourceFile]:
    """The given period, checked, and the file opened for reading (any UTF-8 copy made in ``work_dir``, the
    store's private folder; no larger than ``max_bytes`` when given: an upload through the page, see
    ``source.upload_limit``); IngestRejected for either problem."""
    period = _normalise_given_period(period, name)
    try:
        return period, open_source(path, max_bytes, name, work_dir=work_dir)
    except SourceError as exc:
        if is_sen2_zip(path):
            raise IngestRejected(name, [_ehcp_not_census(name)]) from exc
        raise IngestRejected(name, [Problem(str(exc))]) from exc


def load_census(
    store: Store,
    path: Path | str,
    *,
    config: Config,
    actor: Actor,
    file_name: str | None = None,
    fmt: str = "auto",
    period: str | None = None,
    progress: ProgressCallback | None = None,
    checked_version: str | None = None,
    max_bytes: int | None = None,
) -> LoadReport:
    """Validate and load one census file as one transaction; returns what was loaded.

    Only officers may load (PermissionDenied otherwise). Raises IngestRejected (nothing written, attempt
    logged) when anything in the file is wrong. An identical file already in force is not loaded twice:
    the report says ``already_loaded``. ``checked_version`` is the preview's ``checked_version``: when
    another census load or undo has come in since, PreviewOutOfDate is raised and nothing is written.
    ``max_bytes``: the Upload page passes ``upload_limit(config)`` and a larger file is refused; the command
    line and the demo pass nothing, and a file of any size loads.
    """
    require(actor, "load")
    user = actor.name
    path = Path(path)
    name = file_name or path.name
    report_progress = progress or _no_progress
    report_progress(0.05, "Opening the file")
    try:
        period, source = open_checked_source(path, name, period, work_dir=store.work_dir, max_bytes=max_bytes)
    except IngestRejected as rejection:
        size = path.stat().st_size if path.exists() else 0
        record_rejection(store, name, size, "", user, fmt, rejection.describe())
        raise
    pending: Path | None = None
    try:
        try:
            with store.transaction() as tx:
                # Inside the write, so two officers confirming the same file at once load it once.
                existing = _find_loaded(tx.fetch_value, source.sha256, period)
                if existing is not None:
                    raise AlreadyLoaded(existing)
                refuse_if_changed(tx.fetch_value, "census", checked_version)
                staged = _stage(tx, source, name, fmt, period, config, report_progress, writing=True)
                report_progress(0.8, "Writing")
                assert staged.load_id is not None  # a load (writing=True) always takes an id
                load_id = staged.load_id
                rows_stored = int(tx.fetch_value("SELECT count(*) FROM detail"))
                tx.execute(
                    """INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, format,
                       rows_read, rows_stored, periods, areas, warnings, outcome, period_given)
                       VALUES (?, 'census', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?)""",
                    [
                        load_id,
                        datetime.now(),
                        user,
                        name,
                        source.size,
                        source.sha256,
                        staged.fmt,
                        staged.rows_read,
                        rows_stored,
                        json.dumps(staged.periods),
                        json.dumps(staged.areas),
                        json.dumps(staged.warnings),
                        period,
                    ],
                )
                totals = _file_totals(tx)
                if staged.fmt in RETAINED_FORMATS:
                    pending = _keep_raw_file(tx, store, source, staged.kept_columns)
        except AlreadyLoaded as already:
            report_progress(1.0, "Already loaded")
            return _report_for(store, already.load_id, already_loaded=True)
        except IngestRejected as rejection:
            record_rejection(
                store, name, source.size, source.sha256, user, _format_for_log(source, fmt, name), rejection.describe()
            )
            raise
        if pending is not None:  # committed: the kept copy takes its place beside the store
            _publish_kept_copy(store, pending, source.sha256)
        report_progress(1.0, "Loaded")
        return LoadReport(
            load_id,
            name,
            staged.fmt,
            staged.rows_read,
            rows_stored,
            staged.periods,
            staged.areas,
            staged.warnings,
            totals,
        )
    finally:
        source.cleanup()
        if pending is not None:
            pending.unlink(missing_ok=True)  # a load that did not commit keeps nothing


def _report_for(store: Store, load_id: int, *, already_loaded: bool) -> LoadReport:
    row = store.query_rows(
        "SELECT file_name, format, rows_read, rows_stored, periods, areas, warnings FROM loads WHERE load_id = ?",
        [load_id],
    )[0]
    return LoadReport(
        load_id,
        row[0],
        row[1],
        row[2] or 0,
        row[3] or 0,
        json.loads(row[4] or "[]"),
        json.loads(row[5] or "[]"),
        json.loads(row[6] or "[]"),
        already_loaded=already_loaded,
    )


class _RollBack(Exception):
    """Raised inside a preview's transaction so that nothing it staged is kept."""


def preview_census(
    store: Store,
    path: Path | str,
    *,
    config: Config,
    file_name: str | None = None,
    fmt: str = "auto",
    period: str | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
) -> CensusPreview:
    """Everything ``load_census`` checks, plus what would change against the store; writes nothing.

    Raises IngestRejected exactly where ``load_census`` would (``max_bytes`` as there).
    """
    path = Path(path)
    name = file_name or path.name
    report_progress = progress or _no_progress
    period, source = open_checked_source(path, name, period, work_dir=store.work_dir, max_bytes=max_bytes)
    result: dict[str, Any] = {}
    try:
        with store.transaction() as tx:
            result["version"] = load_log_version(tx.fetch_value, "census")
            staged = _stage(tx, source, name, fmt, period, config, report_progress, writing=False)
            result["totals"] = _file_totals(tx)
            result["changes"] = tx.fetch_df(
                f"""WITH after AS (
                    SELECT period, area_key, min(area_name) AS area_name, provision, primary_need,
                           sum(pupils) AS pupils
                    FROM detail WHERE phase = '{TOTAL_PHASE}' GROUP BY period, area_key, provision, primary_need
                ),
                before AS (
                    SELECT period, area_key, provision, primary_need, sum(pupils) AS pupils FROM census_current
                    WHERE phase = '{TOTAL_PHASE}'
                      AND (period, area_key) IN (SELECT DISTINCT period, area_key FROM after)
                    GROUP BY ALL
                ),
                -- A figure only stored before is named as the file names its area.
                names AS (SELECT area_key, min(area_name) AS area_name FROM after GROUP BY area_key)
                SELECT period, n.area_name, provision, primary_need, b.pupils AS before, a.pupils AS after,
                       coalesce(a.pupils, 0) - coalesce(b.pupils, 0) AS difference
                FROM after a FULL OUTER JOIN before b USING (period, area_key, provision, primary_need)
                JOIN names n USING (area_key)
                ORDER BY period, n.area_name, area_key, provision, primary_need"""
            )
            raise _RollBack
    except _RollBack:
        pass
    finally:
        source.cleanup()
    return CensusPreview(
        name,
        staged.fmt,
        staged.rows_read,
        staged.periods,
        staged.areas,
        staged.warnings,
        result["totals"],
        result["changes"],
        _find_loaded(store.query_value, source.sha256, period),
        str(result["version"]),
    )
