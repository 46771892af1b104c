"""DfE's EHC plan release (SEN2) as published → the canonical ``ehcp`` table: the zip as downloaded, or one of its CSVs.

One path for every load (command line, Upload page, demo data) and its preview:

1. **Open** (``_opened_release``): a zip is read from its directory first — too many members, a member path that
   leaves the archive (``..``, ``/``), an encrypted member, or more unpacked bytes than ``MAX_UNZIPPED_BYTES`` refuse
   it before anything is extracted — and each of DfE's data files in it (``sen2.DATASETS``, by name) is streamed
   into an owner-only temporary file in the store's private work folder (a name of our own, never the member's),
   counting bytes, so that a zip bomb stops at the cap. Each CSV then takes ``source.open_source`` (binary files,
   encodings, the BOM at the start of DfE's headers, line counts, its SHA-256). The release's other files are
   listed as not used, each with one sentence (``sen2.NOT_USED``).
2. **Skip** what is in force already: a CSV whose bytes (SHA-256) are the file of a load whose figures are all
   still current is not loaded again; a release whose every file is in force changes nothing (``AlreadyLoaded``).
3. **Stage**, per file, inside the load's one transaction: DuckDB's reader into ``raw_csv`` (every value text; the
   census loader's reader and its every-line-read check), then temp table ``ehcp_rows``: one row per published
   row with its period kind, geography and area key worked out in SQL against DfE's area list (``ehcp_ref_area``),
   and the first fault of the row (``fault``, ``fault_column``: ``_FAULTS``, one CASE). Two set-based checks before
   anything is written: no row with a fault, no row given twice.
4. **Write**: ``ehcp_rows`` is turned tidy with DuckDB's UNPIVOT, one row per (published row, figure column),
   straight into ``ehcp`` under the load id (``PREVIEW_LOAD_ID`` for a preview, which rolls back); a symbol keeps
   its text in ``symbol`` with ``value`` NULL. One scan of what was written then finds any figure that is neither
   a number nor one of DfE's symbols. Only a refused file is described line by line (``row_line`` maps rows to
   lines where a value spans lines), naming the file, the line and the column; the transaction rolls back.
5. **Record**: the files go to ``ehcp_files``, the load to ``loads`` (kind ``ehcp``). ``ehcp_current`` shows, for
   each (dataset, period, area_key), the newest load in force, so undo (``loads.undo_load``) brings the earlier
   figures back.

No Python loop per row: the time is DuckDB's, almost all of it writing the release's 4.1 million tidy rows
(benchmarks/bench.py measures it against a bare unzip-and-UNPIVOT).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.codes import LOCAL_AUTHORITY, NATIONAL, PUBLISHED_SYMBOLS, REGIONAL, format_period
from sendlib.config import Config
from sendlib.geography import known_areas
from sendlib.ingest.census import (
    MAX_PROBLEMS_LISTED,
    PREVIEW_LOAD_ID,
    IngestRejected,
    Problem,
    _check_every_row_read,
    _quote_literal,
    _stage_line_numbers,
    _stage_raw,
    looks_personal,
    record_rejection,
)
from sendlib.ingest.sen2 import (
    EMPTY_ZIP_SIGNATURE,
    ID_COLUMNS,
    NOT_A_RELEASE_FILE,
    NOT_USED,
    ZIP_SIGNATURE,
    Dataset,
    dataset_of,
    file_names,
    looks_like_sen2_header,
)
from sendlib.ingest.source import CHUNK_BYTES, SourceError, SourceFile, open_source
from sendlib.loads import AlreadyLoaded, ReadValue, load_log_version, refuse_if_changed
from sendlib.store import Store, Transaction

KIND = "ehcp"  # loads.kind
FORMAT = "sen2"  # loads.format
FORMAT_NAME = "DfE's EHC plans release (SEN2)"
MAX_ZIP_MEMBERS = 200  # DfE's release has 15
MAX_UNZIPPED_BYTES = 2 * 1024**3  # every member of a zip together, as extracted (the 2025 release: 37 MB)
MAX_COMPRESSION_RATIO = 200  # a member over 1 MB unpacking to more than this many times its size is a zip bomb
MAX_TEXT = 200  # the longest area name or breakdown a row may give (the longest real one is under 80)
ProgressCallback = Callable[[float, str], None]

_LA, _NATIONAL, _REGIONAL = LOCAL_AUTHORITY, NATIONAL, REGIONAL
_SYMBOLS = ", ".join(_quote_literal(symbol) for symbol in PUBLISHED_SYMBOLS)
_SYMBOL_NAMES = ", ".join(list(PUBLISHED_SYMBOLS)[:3]) + ", …"
EXPORT_COLUMNS = (
    "dataset",
    "period",
    "period_kind",
    "geographic_level",
    "area_code",
    "old_la_code",
    "area_name",
    "area_key",
    "region_code",
    "breakdown_topic",
    "breakdown",
    "measure",
    "value",
    "symbol",
)


# -- what a load or a preview says ----------------------------------------------------------------------
@dataclass
class EhcpFile:
    """One of the release's CSVs as a load or preview found it."""

    member: str  # its path in the zip, or the CSV's own name
    dataset: str
    rows_read: int  # published rows
    figures: int  # tidy rows: published rows × figure columns
    periods: list[str] = field(default_factory=list)
    local_authorities: int = 0
    already_loaded_as: int | None = None  # in force already: not loaded again


@dataclass
class EhcpReport:
    """What a load of EHC plan data did (or that every file in it was in force already)."""

    load_id: int
    file_name: str
    files: list[EhcpFile]
    unused: list[tuple[str, str]] = field(default_factory=list)  # (member, why it is not loaded)
    notes: list[str] = field(default_factory=list)
    already_loaded: bool = False

    @property
    def loaded(self) -> list[EhcpFile]:
        return [file for file in self.files if file.already_loaded_as is None]

    @property
    def figures(self) -> int:
        return sum(file.figures for file in self.loaded)

    @property
    def local_authorities(self) -> int:
        return max((file.local_authorities for file in self.loaded), default=0)

    def summary(self) -> str:
        """A short plain-English account of the load, for the command line and the page."""
        if self.already_loaded:
            return f"{self.file_name} was already loaded (load {self.load_id}); nothing changed."
        loaded = self.loaded
        names = ", ".join(file.dataset for file in loaded)
        text = (
            f"Loaded {self.file_name} as load {self.load_id} ({FORMAT_NAME}): {len(loaded)} file"
            f"{'s' if len(loaded) != 1 else ''} ({names}), {self.figures:,} figures from "
            f"{sum(f.rows_read for f in loaded):,} rows, {self.local_authorities} local authorities; "
            f"{describe_periods(sorted({p for f in loaded for p in f.periods}))}."
        )
        skipped = [file for file in self.files if file.already_loaded_as is not None]
        if skipped:
            text += " Already loaded, so not loaded again: " + ", ".join(
                f"{file.dataset} (load {file.already_loaded_as})" for file in skipped
            )
            text += "."
        return text

    def lines(self) -> list[str]:
        """The summary, then one line per note and per file of the release that is not loaded."""
        return [self.summary(), *self.notes, *(f"{member}: {why}" for member, why in self.unused)]


@dataclass
class EhcpPreview:
    """What a file of EHC plan data would change, worked out without writing anything."""

    file_name: str
    files: list[EhcpFile]
    unused: list[tuple[str, str]]
    notes: list[str]
    changes: pd.DataFrame  # per dataset and period: figures in the file, before, changed, added, removed, what
    examples: pd.DataFrame  # the first figures that change: dataset, period, area, breakdown, measure, before, after
    already_loaded_as: int | None  # every file is in force already (in that load): loading changes nothing
    checked_version: str = ""  # the EHC plan loads this preview was worked out against (load_log_version)

    def lines(self) -> list[str]:
        """What the preview found, as sentences: the files, then what changes against what is loaded."""
        if self.already_loaded_as is not None:
            return [
                f"{self.file_name} is already loaded (load {self.already_loaded_as}): loading it again changes nothing."
            ]
        out = []
        for file in self.files:
            if file.already_loaded_as is not None:
                out.append(f"{file.member} ({file.dataset}): already loaded (load {file.already_loaded_as}), skipped.")
                continue
            out.append(
                f"{file.member} ({file.dataset}): {file.rows_read:,} rows, {file.figures:,} figures, "
                f"{file.local_authorities} local authorities; {describe_periods(file.periods)}."
            )
        for row in self.changes.itertuples():
            out.append(f"{row.dataset} {format_period(str(row.period))}: {row.what}.")
        out += self.notes
        out += [f"{member}: {why}" for member, why in self.unused]
        return out


def describe_periods(periods: list[str]) -> str:
    """'academic years 2018/19 to 2024/25, calendar years 2019 to 2024' (each kind as a range when it has several)."""
    parts = []
    for kind, chosen in (
        ("academic year", sorted(p for p in periods if len(p) == 6)),
        ("calendar year", sorted(p for p in periods if len(p) == 4)),
    ):
        if len(chosen) == 1:
            parts.append(f"{kind} {format_period(chosen[0])}")
        elif chosen:
            parts.append(f"{kind}s {format_period(chosen[0])} to {format_period(chosen[-1])}")
    return ", ".join(parts) or "no periods"


# -- opening a zip or a CSV safely ----------------------------------------------------------------------
@dataclass
class _Member:
    dataset: Dataset
    member: str
    label: str  # how messages name it: the CSV, or "the zip (data/caseload.csv)"
    source: SourceFile


@dataclass
class _Release:
    file_name: str
    size: int
    sha256: str
    members: list[_Member]
    unused: list[tuple[str, str]]


def _refused(name: str, message: str) -> IngestRejected:
    return IngestRejected(name, [Problem(message)])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _open_csv(path: Path, label: str, max_bytes: int | None, work_dir: Path) -> SourceFile:
    try:
        return open_source(path, max_bytes, label, work_dir=work_dir)
    except SourceError as exc:
        raise _refused(label, str(exc)) from exc


def _unsafe_member_path(name: str) -> bool:
    """True for a member path that would leave a folder it was extracted into: absolute, a drive, or ``..``."""
    text = name.replace("\\", "/")
    parts = PurePosixPath(text).parts
    return text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in parts


def _zip_members(
    archive: zipfile.ZipFile, name: str
) -> tuple[list[tuple[zipfile.ZipInfo, Dataset]], list[tuple[str, str]]]:
    """The zip's data files to load and its other files (with why each is not used), from its directory alone;
    IngestRejected for a zip that must not be extracted at all."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _refused(name, f"the zip holds {len(infos):,} files, more than the {MAX_ZIP_MEMBERS} a release can have.")
    wanted: list[tuple[zipfile.ZipInfo, Dataset]] = []
    unused: list[tuple[str, str]] = []
    declared = 0
    for info in infos:
        if _unsafe_member_path(info.filename):
            raise _refused(
                name,
                f"the zip holds a file whose path leaves the archive ('{info.filename[:80]}'); nothing was "
                "extracted. Download the release from DfE again.",
            )
        if info.is_dir():
            continue
        dataset = dataset_of(info.filename)
        if dataset is None:
            base = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
            unused.append((info.filename, NOT_USED.get(base, NOT_A_RELEASE_FILE)))
            continue
        if info.flag_bits & 0x1:
            raise _refused(name, f"{info.filename} in the zip is encrypted; DfE's release is not.")
        if info.file_size > 1_048_576 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise _refused(
                name,
                f"{info.filename} in the zip would unpack to {info.file_size:,} bytes from {info.compress_size:,} "
                "(far more than any CSV compresses): it is not extracted.",
            )
        if any(found.name == dataset.name for _info, found in wanted):
            raise _refused(name, f"the zip holds DfE's {dataset.name}.csv twice; load one of them.")
        declared += info.file_size
        wanted.append((info, dataset))
    if declared > MAX_UNZIPPED_BYTES:
        raise _refused(
            name, f"the zip's files would unpack to {declared:,} bytes, over the {MAX_UNZIPPED_BYTES:,} allowed."
        )
    if not wanted:
        found = ", ".join(info.filename for info in infos[:6]) or "nothing"
        raise _refused(
            name,
            f"the zip holds none of DfE's EHC plan files ({file_names()}); it holds {found}. Load the zip "
            "downloaded from DfE's 'Education, health and care plans' release, or one of its data files.",
        )
    return wanted, unused


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, work_dir: Path, budget: int) -> Path:
    """Stream one member into an owner-only file of our own naming in ``work_dir``; stop at ``budget`` bytes or
    its declared size, whichever is smaller (a zip whose sizes lie is refused, never written out in full)."""
    handle, temporary = tempfile.mkstemp(prefix="sen2-", suffix=".csv", dir=work_dir)
    path = Path(temporary)
    limit = min(budget, info.file_size)
    written = 0
    try:
        with os.fdopen(handle, "wb") as out, archive.open(info) as member:
            while chunk := member.read(CHUNK_BYTES):
                written += len(chunk)
                if written > limit:
                    raise _refused(name, f"{info.filename} in the zip unpacks to more than it says; it is not loaded.")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        path.unlink(missing_ok=True)
        raise _refused(
            name,
            f"{info.filename} in the zip cannot be unpacked ({type(exc).__name__}): the zip is damaged or "
            "incomplete. Download it again.",
        ) from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _opened_release(store: Store, path: Path, name: str, max_bytes: int | None) -> Iterator[_Release]:
    """The zip's (or the one CSV's) data files opened for reading; every temporary file goes afterwards."""
    work_dir = store.work_dir
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise _refused(
            name,
            f"{name} is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB upload limit "
            "(upload.max_file_mb in config.yaml); the command line loads a file of any size.",
        )
    with open(path, "rb") as handle:
        head = handle.read(4)
    with ExitStack() as cleanup:
        members: list[_Member] = []
        unused: list[tuple[str, str]] = []
        if head in (ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE):
            try:
                archive = cleanup.enter_context(zipfile.ZipFile(path))
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise _refused(
                    name, f"{name} is not a zip archive that can be opened: it is damaged or incomplete."
                ) from exc
            wanted, unused = _zip_members(archive, name)
            budget = MAX_UNZIPPED_BYTES
            for info, dataset in wanted:
                extracted = _extract(archive, info, name, work_dir, budget)
                cleanup.callback(extracted.unlink, missing_ok=True)
                budget -= extracted.stat().st_size
                label = f"{name} ({info.filename})"
                source = _open_csv(extracted, label, MAX_UNZIPPED_BYTES, work_dir)
                cleanup.callback(source.cleanup)
                members.append(_Member(dataset, info.filename, label, source))
        else:
            if name.lower().endswith(".zip"):
                raise _refused(name, f"{name} is named as a zip but is not one; download the release from DfE again.")
            source = _open_csv(path, name, max_bytes, work_dir)
            cleanup.callback(source.cleanup)
            named = dataset_of(name)
            if named is None:
                if looks_like_sen2_header(source.header):
                    raise _refused(
                        name,
                        f"{name} has the layout of DfE's EHC plan files but not the name of one ({file_names()}): "
                        "give it the name of the file it is, as DfE publishes it.",
                    )
                raise _refused(
                    name,
                    f"{name} is not one of DfE's EHC plan files ({file_names()}). Load the release's zip or one of "
                    "its data files; a census file is loaded as a census.",
                )
            members.append(_Member(named, name, name, source))
        is_zip = head in (ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)
        sha256 = _sha256(path) if is_zip else members[0].source.sha256
        yield _Release(name, size, sha256, members, unused)


# -- what is in force already ----------------------------------------------------------------------------
def _in_force(read: ReadValue, members: list[_Member]) -> dict[str, int]:
    """dataset → the load in force whose file for that dataset has these very bytes and whose figures for it are
    all still current (a file since replaced, wholly or in part, is loaded again)."""
    pairs = ", ".join(
        f"({_quote_literal(member.dataset.name)}, {_quote_literal(member.source.sha256)})" for member in members
    )
    found = read(
        f"""SELECT coalesce(json_group_object(dataset, load_id), '{{}}') FROM (
            SELECT f.dataset, max(f.load_id) AS load_id FROM ehcp_files f JOIN loads l USING (load_id)
            WHERE l.kind = '{KIND}' AND l.outcome = 'loaded' AND (f.dataset, f.sha256) IN (VALUES {pairs})
              AND (SELECT count(DISTINCT (period, area_key)) FROM ehcp e
                   WHERE e.load_id = f.load_id AND e.dataset = f.dataset)
                = (SELECT count(DISTINCT (period, area_key)) FROM ehcp_current e
                   WHERE e.load_id = f.load_id AND e.dataset = f.dataset)
            GROUP BY f.dataset)""",
        None,
    )
    return {str(k): int(v) for k, v in json.loads(str(found)).items()}


# -- staging one file -----------------------------------------------------------------------------------
def _says(template: str, *values: str) -> str:
    """SQL text for ``template`` with each ``{}`` replaced by the value of an SQL expression."""
    pieces = template.split("{}")
    parts = [_quote_literal(pieces[0])]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts += [f"coalesce(CAST({value} AS VARCHAR), '')", _quote_literal(piece)]
    return "(" + " || ".join(parts) + ")"


_VALID_ACADEMIC = (
    "(regexp_full_match(period, '[0-9]{6}') AND TRY_CAST(substr(period, 1, 4) AS INTEGER) BETWEEN 1990 AND 2100 "
    "AND (TRY_CAST(substr(period, 1, 4) AS INTEGER) + 1) % 100 = TRY_CAST(substr(period, 5, 2) AS INTEGER))"
)
_VALID_CALENDAR = "(regexp_full_match(period, '[0-9]{4}') AND TRY_CAST(period AS INTEGER) BETWEEN 1990 AND 2100)"
_IS_LA = f"geographic_level = '{_LA}'"

# (the column named, the condition, the message): a row's first fault, in this order, is the one reported.
_FAULTS: tuple[tuple[str, str, str], ...] = (
    ("time_period", "period IS NULL", _says("no time_period is given.")),
    ("time_identifier", "time_identifier IS NULL", _says("no time_identifier is given.")),
    (
        "time_identifier",
        "period_kind IS NULL",
        _says(
            "'{}' is not a time_identifier of DfE's EHC plan files (Academic year or Calendar year).", "time_identifier"
        ),
    ),
    (
        "time_period",
        f"NOT {_VALID_ACADEMIC} AND NOT {_VALID_CALENDAR}",
        _says(
            "'{}' is not a period: DfE's EHC plan files give an academic year as 6 digits (202425 for 2024/25) "
            "or a calendar year as 4 (2024).",
            "period",
        ),
    ),
    (
        "time_period",
        f"period_kind = 'academic' AND NOT {_VALID_ACADEMIC}",
        _says("'{}' is a calendar year, but time_identifier says '{}'.", "period", "time_identifier"),
    ),
    (
        "time_period",
        f"period_kind = 'calendar' AND NOT {_VALID_CALENDAR}",
        _says("'{}' is an academic year, but time_identifier says '{}'.", "period", "time_identifier"),
    ),
    ("geographic_level", "geographic_level IS NULL", _says("no geographic_level is given.")),
    (
        "geographic_level",
        f"geographic_level NOT IN ('{_NATIONAL}', '{_REGIONAL}', '{_LA}')",
        _says(
            f"'{{}}' is not a geographic level of DfE's EHC plan files ({_NATIONAL}, {_REGIONAL} or {_LA}).",
            "geographic_level",
        ),
    ),
    (
        "country_code",
        f"geographic_level = '{_NATIONAL}' AND area_code IS NULL",
        _says("a National row needs its country_code."),
    ),
    (
        "region_code",
        f"geographic_level = '{_REGIONAL}' AND area_code IS NULL",
        _says("a Regional row needs its region_code."),
    ),
    (
        "new_la_code",
        f"{_IS_LA} AND area_code IS NULL",
        _says("a Local authority row needs its new_la_code or old_la_code."),
    ),
    (
        "old_la_code",
        f"{_IS_LA} AND given_old_la_code IS NOT NULL AND NOT regexp_full_match(given_old_la_code, '[0-9]{{3}}')",
        _says("'{}' is not an old LA code (three digits, such as 394).", "given_old_la_code"),
    ),
    (
        "old_la_code",
        f"{_IS_LA} AND given_old_la_code IS NOT NULL AND ref_old_la_code IS NOT NULL "
        "AND given_old_la_code <> ref_old_la_code",
        _says(
            "old_la_code '{}' does not match new_la_code {}: DfE's list of local authorities gives {} ({}) the old "
            "code {}.",
            "given_old_la_code",
            "area_code",
            "area_code",
            "ref_name",
            "ref_old_la_code",
        ),
    ),
    (
        "new_la_code",
        f"{_IS_LA} AND area_key IS NULL",
        _says(
            "'{}' is not in DfE's list of local authorities and no old_la_code is given, so the area cannot be "
            "told apart across code changes: give its old_la_code.",
            "area_code",
        ),
    ),
    ("la_name", f"{_IS_LA} AND area_name IS NULL", _says("no la_name is given.")),
    ("region_name", f"geographic_level = '{_REGIONAL}' AND area_name IS NULL", _says("no region_name is given.")),
    ("country_name", f"geographic_level = '{_NATIONAL}' AND area_name IS NULL", _says("no country_name is given.")),
    ("breakdown_topic", "breakdown_topic IS NULL", _says("no breakdown_topic is given.")),
    ("breakdown", "breakdown IS NULL", _says("no breakdown is given.")),
    (
        "la_name",
        f"length(area_name) > {MAX_TEXT}",
        _says(
            f"the area name is {{}} characters long, over the {MAX_TEXT} an area's name can be.", "length(area_name)"
        ),
    ),
    (
        "breakdown_topic",
        f"length(breakdown_topic) > {MAX_TEXT}",
        _says(f"the breakdown_topic is {{}} characters long, over the {MAX_TEXT} allowed.", "length(breakdown_topic)"),
    ),
    (
        "breakdown",
        f"length(breakdown) > {MAX_TEXT}",
        _says(f"the breakdown is {{}} characters long, over the {MAX_TEXT} allowed.", "length(breakdown)"),
    ),
)


def _case(pick: int) -> str:
    whens = " ".join(
        f"WHEN {condition} THEN {_quote_literal(column) if pick == 0 else message}"
        for column, condition, message in _FAULTS
    )
    return f"CASE {whens} END"


def _figure_ok(column: str) -> str:
    """SQL: the raw value of ``column`` is a finite number or one of DfE's symbols (false for a blank)."""
    return f"coalesce(trim({column}) IN ({_SYMBOLS}) OR isfinite(TRY_CAST(trim({column}) AS DOUBLE)), false)"


def _create_ref_area(tx: Transaction) -> None:
    """Temp table ehcp_ref_area: every area code DfE lists, with its name, old LA code and region (once per load)."""
    areas = known_areas().values()
    tx.execute(
        "CREATE OR REPLACE TEMP TABLE ehcp_ref_area "
        "(code VARCHAR, name VARCHAR, old_la_code VARCHAR, region_code VARCHAR)"
    )
    tx.insert_frame(
        "ehcp_ref_area",
        pd.DataFrame(
            {
                "code": [area.code.upper() for area in areas],
                "name": [area.name for area in areas],
                "old_la_code": [area.old_la_code for area in areas],
                "region_code": [area.region_code for area in areas],
            }
        ),
    )


@dataclass
class _Layout:
    """Where a file's columns are: the id columns by name, and the figure columns to keep (index, as published)."""

    ids: dict[str, int]
    figures: list[tuple[int, str]]  # (column index, published name) — a duplicated column's first copy only
    duplicates: list[tuple[str, list[int]]]  # (lower-case name, every index) of figure columns given twice


# Names of the tidy table's own columns that are not DfE's: a figure column called one of them would be read as it.
_RESERVED = frozenset({"period", "period_kind", "area_code", "area_name", "area_key", "measure", "raw", "figure"})


def _layout(member: _Member) -> _Layout:
    """The file's columns, or IngestRejected naming what is wrong with its header."""
    header = member.source.header
    lowered = [column.strip().lower() for column in header]
    problems: list[Problem] = []
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(lowered):
        if not name:
            problems.append(Problem(f"column {index + 1} of the header has no name.", line=1))
            continue
        positions.setdefault(name, []).append(index)
    missing = [column for column in ID_COLUMNS if column not in positions]
    if missing:
        problems.append(
            Problem(
                f"the column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)} "
                f"{'are' if len(missing) > 1 else 'is'} missing: every file of DfE's EHC plan release starts with "
                f"{', '.join(ID_COLUMNS)}.",
                line=1,
            )
        )
    for column in ID_COLUMNS:
        if len(positions.get(column, [])) > 1:
            problems.append(Problem(f"the column '{column}' appears twice in the header.", line=1))
    figures = [
        (indexes[0], header[indexes[0]].strip()) for name, indexes in positions.items() if name not in ID_COLUMNS
    ]
    if not missing and not figures:
        problems.append(Problem("the file has no figure columns after breakdown.", line=1))
    key = member.dataset.key_column
    if not missing and figures and key not in positions:
        problems.append(
            Problem(
                f"DfE's {member.dataset.name}.csv always has the column '{key}', which this file does not: is it "
                "another file under this name?",
                line=1,
            )
        )
    reserved = [name for _index, name in figures if name.lower() in _RESERVED]
    if reserved:
        problems.append(
            Problem(
                f"the column{'s' if len(reserved) > 1 else ''} {', '.join(repr(r) for r in reserved)} "
                "cannot be a figure column: DfE's EHC plan files have no such column.",
                line=1,
            )
        )
    personal = [name for _index, name in figures if looks_personal(name)]
    if personal:
        problems.append(
            Problem(
                f"the column{'s' if len(personal) > 1 else ''} {', '.join(repr(p) for p in personal[:5])} "
                f"{'look' if len(personal) > 1 else 'looks'} like personal data, which DfE's EHC plan files never "
                "hold; nothing was kept. Load the file as "
                "DfE publishes it.",
                line=1,
            )
        )
    if problems:
        raise IngestRejected(member.label, problems)
    duplicates = [(name, indexes) for name, indexes in positions.items() if len(indexes) > 1 and name not in ID_COLUMNS]
    return _Layout({column: positions[column][0] for column in ID_COLUMNS}, figures, duplicates)


_LINES_SHOWN = 8  # lines a repeated fault names after its first


def _on_lines(message: str, count: int, lines: list[int]) -> str:
    """``message``, and the other lines it applies to when there are several."""
    if count == 1:
        return message
    shown = ", ".join(str(line) for line in lines[1 : _LINES_SHOWN + 1])
    more = " …" if count > len(lines) else ""
    return f"{message} The same on {count - 1:,} more line{'s' if count > 2 else ''} ({shown}{more})."


def _line_of(mapped: bool) -> tuple[str, str]:
    """(join, expression) giving a row of ehcp_rows (alias r) its line in the file."""
    if mapped:
        return "LEFT JOIN row_line l ON l.row_index = r.row_index", "coalesce(l.line_no, r.row_index + 2)"
    return "", "r.row_index + 2"


def _refuse_figures(tx: Transaction, member: _Member, layout: _Layout, lines: tuple[str, str]) -> NoReturn:
    """Name the line and column of every figure (first 50) that is neither a number nor one of DfE's symbols."""
    join, line = lines
    figure_columns = ", ".join(f"c{index}" for index, _name in layout.figures)
    cells = f"""SELECT {line} AS line, col, raw FROM (
            SELECT row_index, col, raw FROM (SELECT row_index, {figure_columns} FROM ehcp_rows)
            UNPIVOT INCLUDE NULLS (raw FOR col IN ({figure_columns}))) r {join}
        WHERE NOT {_figure_ok("raw")}"""
    rows = tx.fetchall(f"SELECT * FROM ({cells}) ORDER BY line, col LIMIT {MAX_PROBLEMS_LISTED + 1}")
    total = tx.fetch_value(f"SELECT count(*) FROM ({cells})")
    published = {f"c{index}": name for index, name in layout.figures}
    problems = [
        Problem(
            "the figure is blank: DfE gives a symbol such as x (not available) or z (not applicable) where "
            "there is no figure."
            if raw is None or not str(raw).strip()
            else f"'{str(raw).strip()}' is not a figure or one of DfE's symbols ({_SYMBOL_NAMES}).",
            line=int(at),
            column=published[str(column)],
        )
        for at, column, raw in rows
    ]
    raise IngestRejected(member.label, problems, int(total))


def _identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _stage_member(tx: Transaction, member: _Member, load_id: int, notes: list[str]) -> EhcpFile:
    """Read, check and write one file's figures into ``ehcp`` under ``load_id``; IngestRejected naming the file,
    line and column of every problem (first 50) when anything is wrong."""
    layout = _layout(member)
    source, label = member.source, member.label
    rows_read = _stage_raw(tx, source, label)
    _check_every_row_read(tx, source, label, rows_read)
    lines: dict[str, bool] = {}

    def line_map() -> tuple[str, str]:  # worked out once, only for a file being described problem by problem
        if "mapped" not in lines:
            lines["mapped"] = _stage_line_numbers(tx, source, rows_read, every_column=True)
        return _line_of(lines["mapped"])

    for name, indexes in layout.duplicates:
        first, *others = indexes
        differ = " OR ".join(f"r.c{first} IS DISTINCT FROM r.c{other}" for other in others)
        if tx.fetch_value(f"SELECT count(*) FROM raw_csv r WHERE {differ}"):
            join, line = line_map()
            at = tx.fetch_value(
                f"SELECT min({line}) FROM (SELECT rowid - (SELECT min(rowid) FROM raw_csv) AS row_index, * "
                f"FROM raw_csv) r {join} WHERE {differ}"
            )
            raise IngestRejected(
                label,
                [Problem(f"the column '{name}' appears twice in the header with different figures.", line=int(at))],
            )
        notes.append(
            f"{member.member}: the column '{name}' appears twice in the header with the same figures; kept once."
        )

    def col(name: str) -> str:
        return f"nullif(trim(c{layout.ids[name]}), '')"

    figure_columns = ", ".join(f"c{index}" for index, _name in layout.figures)
    tx.execute(
        f"""CREATE OR REPLACE TEMP TABLE ehcp_rows AS
        WITH given AS (
            SELECT rowid - (SELECT min(rowid) FROM raw_csv) AS row_index,
                   {col("time_period")} AS period, {col("time_identifier")} AS time_identifier,
                   {col("geographic_level")} AS geographic_level,
                   {col("country_code")} AS country_code, {col("country_name")} AS country_name,
                   {col("region_code")} AS given_region_code, {col("region_name")} AS region_name,
                   {col("new_la_code")} AS new_la_code, {col("old_la_code")} AS given_old_la_code,
                   {col("la_name")} AS la_name,
                   {col("breakdown_topic")} AS breakdown_topic, {col("breakdown")} AS breakdown, {figure_columns}
            FROM raw_csv
        ),
        placed AS (
            SELECT *,
                   CASE time_identifier WHEN 'Academic year' THEN 'academic' WHEN 'Calendar year' THEN 'calendar'
                   END AS period_kind,
                   CASE geographic_level WHEN '{_NATIONAL}' THEN country_code WHEN '{_REGIONAL}' THEN given_region_code
                        WHEN '{_LA}' THEN coalesce(new_la_code, given_old_la_code) END AS area_code
            FROM given
        ),
        keyed AS (
            SELECT p.*, ref.old_la_code AS ref_old_la_code, ref.name AS ref_name,
                   CASE WHEN p.{_IS_LA} THEN coalesce(p.given_old_la_code, ref.old_la_code) END AS old_la_code,
                   CASE p.geographic_level WHEN '{_NATIONAL}' THEN coalesce(p.country_name, ref.name)
                        WHEN '{_REGIONAL}' THEN coalesce(p.region_name, ref.name)
                        ELSE coalesce(p.la_name, ref.name) END AS area_name,
                   CASE WHEN p.{_IS_LA} THEN coalesce(p.given_old_la_code, ref.old_la_code) ELSE p.area_code
                   END AS area_key,
                   CASE p.geographic_level WHEN '{_NATIONAL}' THEN NULL WHEN '{_REGIONAL}' THEN p.area_code
                        ELSE coalesce(p.given_region_code, ref.region_code) END AS region_code
            FROM placed p LEFT JOIN ehcp_ref_area ref ON ref.code = upper(p.area_code)
        )
        SELECT *, {_case(0)} AS fault_column, {_case(1)} AS fault FROM keyed"""
    )
    header = source.header
    id_name = {column: header[index].strip() for column, index in layout.ids.items()}
    if tx.fetch_value("SELECT count(*) FROM ehcp_rows WHERE fault IS NOT NULL"):
        join, line = line_map()
        # One problem per fault, with the lines it is on: a file with one column wrong says so once, not 50 times.
        found = tx.fetchall(
            f"""SELECT fault_column, fault, count(*), list({line} ORDER BY r.row_index)[1:{_LINES_SHOWN + 1}]
                FROM ehcp_rows r {join} WHERE fault IS NOT NULL GROUP BY fault_column, fault
                ORDER BY min(r.row_index) LIMIT {MAX_PROBLEMS_LISTED + 1}"""
        )
        total = tx.fetch_value("SELECT count(*) FROM ehcp_rows WHERE fault IS NOT NULL")
        problems = [
            Problem(
                _on_lines(str(message), int(count), [int(n) for n in at]),
                line=int(at[0]),
                column=id_name.get(str(column)),
            )
            for column, message, count, at in found
        ]
        raise IngestRejected(label, problems, int(total))
    repeated = """SELECT list(row_index ORDER BY row_index) AS rows, any_value(area_name), any_value(period),
                         any_value(breakdown_topic), any_value(breakdown)
                  FROM ehcp_rows GROUP BY period, geographic_level, area_key, breakdown_topic, breakdown
                  HAVING count(*) > 1"""
    if tx.fetch_value(f"SELECT count(*) FROM ({repeated})"):
        join, line = line_map()
        found = tx.fetchall(f"SELECT * FROM ({repeated}) ORDER BY rows[2] LIMIT {MAX_PROBLEMS_LISTED + 1}")
        total = tx.fetch_value(f"SELECT count(*) FROM ({repeated})")
        problems = []
        for indexes, area, period, topic, breakdown in found:
            at = [
                int(row[0])
                for row in tx.fetchall(
                    f"SELECT {line} FROM ehcp_rows r {join} WHERE r.row_index IN ({', '.join(map(str, indexes))}) "
                    "ORDER BY 1"
                )
            ]
            problems.append(
                Problem(
                    f"the figures for {area}, {format_period(str(period))}, '{topic}: {breakdown}' are given again "
                    f"(first on line {at[0]}); each row of DfE's file is one area, period and breakdown.",
                    line=at[1],
                )
            )
        raise IngestRejected(label, problems, int(total))
    # Tidy: one row per (published row, figure column), the column's name as published (lower case) its measure.
    aliases = ", ".join(f"c{index} AS {_identifier(name.lower())}" for index, name in layout.figures)
    names = ", ".join(_identifier(name.lower()) for _index, name in layout.figures)
    tx.execute(
        f"""INSERT INTO ehcp (load_id, dataset, period, period_kind, geographic_level, area_code, old_la_code,
                area_name, area_key, region_code, breakdown_topic, breakdown, measure, value, symbol)
            SELECT {int(load_id)}, {_quote_literal(member.dataset.name)}, period, period_kind, geographic_level,
                   area_code, old_la_code, area_name, area_key, region_code, breakdown_topic, breakdown, measure,
                   figure, CASE WHEN figure IS NULL THEN coalesce(trim(raw), '') END
            FROM (SELECT *, TRY_CAST(raw AS DOUBLE) AS figure FROM (
                    SELECT period, period_kind, geographic_level, area_code, old_la_code, area_name, area_key,
                           region_code, breakdown_topic, breakdown, {aliases} FROM ehcp_rows)
                  UNPIVOT INCLUDE NULLS (raw FOR measure IN ({names})))"""
    )
    # Written, then checked in one scan (the transaction rolls back when a figure is neither a number nor a symbol).
    if tx.fetch_value(
        f"""SELECT count(*) FROM ehcp WHERE load_id = {int(load_id)} AND dataset = {_quote_literal(member.dataset.name)}
            AND (symbol NOT IN ({_SYMBOLS}) OR NOT isfinite(value))"""
    ):
        _refuse_figures(tx, member, layout, line_map())
    periods, local_authorities = tx.fetchall(
        f"""SELECT list(DISTINCT period ORDER BY period),
                   coalesce(max(n), 0) FROM (SELECT period, count(DISTINCT area_key) FILTER ({_IS_LA}) AS n
                                             FROM ehcp_rows GROUP BY period)"""
    )[0]
    tx.execute("DROP TABLE ehcp_rows")
    tx.execute("DROP TABLE raw_csv")
    return EhcpFile(
        member.member,
        member.dataset.name,
        rows_read,
        rows_read * len(layout.figures),
        [str(p) for p in periods],
        int(local_authorities),
    )


def _stage_release(
    tx: Transaction, release: _Release, in_force: dict[str, int], load_id: int, progress: ProgressCallback
) -> tuple[list[EhcpFile], list[str]]:
    """Stage and write every file of the release not in force already; returns each file's account and the notes."""
    _create_ref_area(tx)
    files: list[EhcpFile] = []
    notes: list[str] = []
    for number, member in enumerate(release.members):
        if member.dataset.name in in_force:
            files.append(
                EhcpFile(member.member, member.dataset.name, 0, 0, already_loaded_as=in_force[member.dataset.name])
            )
            continue
        progress(0.1 + 0.8 * number / len(release.members), f"Reading {member.member}")
        files.append(_stage_member(tx, member, load_id, notes))
    return files, notes


def _no_progress(_fraction: float, _text: str) -> None:
    return None


def _next_load_id(tx: Transaction) -> int:
    return int(tx.fetch_value("SELECT nextval('load_id_seq')"))


# -- the load and its preview ---------------------------------------------------------------------------
def load_ehcp(
    store: Store,
    path: Path | str,
    *,
    config: Config,
    actor: Actor,
    file_name: str | None = None,
    max_bytes: int | None = None,
    progress: ProgressCallback | None = None,
    checked_version: str | None = None,
) -> EhcpReport:
    """Validate and load DfE's EHC plan release (the zip, or one of its CSVs) as one transaction.

    Only officers may load (PermissionDenied otherwise). IngestRejected (nothing written, the attempt logged)
    when anything in it is wrong. Files whose bytes are in force already are skipped; when every file is, the
    report says ``already_loaded``. ``max_bytes`` is the upload limit (None on the command line: any size).
    ``checked_version`` is the preview's: another EHC plan load or undo since raises PreviewOutOfDate.
    """
    del config  # the release is read as published; no setting changes how (kept for the loaders' one signature)
    require(actor, "load")
    path = Path(path)
    name = file_name or path.name
    report = progress or _no_progress
    report(0.05, "Opening the file")
    sha256 = ""
    size = path.stat().st_size if path.is_file() else 0
    try:
        with _opened_release(store, path, name, max_bytes) as release:
            sha256 = release.sha256
            try:
                with store.transaction() as tx:
                    in_force = _in_force(tx.fetch_value, release.members)
                    if len(in_force) == len(release.members):
                        raise AlreadyLoaded(max(in_force.values()))
                    refuse_if_changed(tx.fetch_value, KIND, checked_version)
                    load_id = _next_load_id(tx)
                    files, notes = _stage_release(tx, release, in_force, load_id, report)
                    report(0.9, "Recording the load")
                    _record(tx, load_id, actor.name, release, files, notes)
            except AlreadyLoaded as already:
                report(1.0, "Already loaded")
                return EhcpReport(already.load_id, name, [], release.unused, already_loaded=True)
    except IngestRejected as rejection:
        record_rejection(store, name, size, sha256, actor.name, FORMAT, rejection.describe(), kind=KIND)
        raise
    report(1.0, "Loaded")
    return EhcpReport(load_id, name, files, release.unused, notes)


def _record(
    tx: Transaction, load_id: int, user: str, release: _Release, files: list[EhcpFile], notes: list[str]
) -> None:
    """The load's files (ehcp_files) and its entry in the load log."""
    written = [file for file in files if file.already_loaded_as is None]
    sha = {member.member: member.source.sha256 for member in release.members}
    tx.insert_frame(
        "ehcp_files",
        pd.DataFrame(
            {
                "load_id": [load_id] * len(written),
                "dataset": [file.dataset for file in written],
                "file_name": [file.member for file in written],
                "sha256": [sha[file.member] for file in written],
                "rows_read": [file.rows_read for file in written],
                "rows_stored": [file.figures for file in written],
            }
        ),
    )
    areas = [
        str(row[0])
        for row in tx.fetchall(f"SELECT DISTINCT area_name FROM ehcp WHERE load_id = {int(load_id)} ORDER BY 1")
    ]
    tx.execute(
        """INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, format, rows_read,
               rows_stored, periods, areas, warnings, outcome)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded')""",
        [
            load_id,
            KIND,
            datetime.now(),
            user,
            release.file_name,
            release.size,
            release.sha256,
            FORMAT,
            sum(file.rows_read for file in written),
            sum(file.figures for file in written),
            json.dumps(sorted({p for file in written for p in file.periods})),
            json.dumps(areas),
            json.dumps(notes),
        ],
    )


class _RollBack(Exception):
    """Raised inside a preview's transaction so that nothing it staged is kept."""


def check_ehcp(
    store: Store,
    path: Path | str,
    *,
    config: Config,
    file_name: str | None = None,
    max_bytes: int | None = None,
    progress: ProgressCallback | None = None,
) -> EhcpPreview:
    """Everything ``load_ehcp`` checks, and what it would change against what is loaded; writes nothing.

    Raises IngestRejected exactly where ``load_ehcp`` would.
    """
    del config
    path = Path(path)
    name = file_name or path.name
    report = progress or _no_progress
    result: dict[str, Any] = {}
    with _opened_release(store, path, name, max_bytes) as release:
        try:
            with store.transaction(counts_as_change=False) as tx:
                result["version"] = load_log_version(tx.fetch_value, KIND)
                in_force = _in_force(tx.fetch_value, release.members)
                result["in_force"] = in_force
                files, notes = _stage_release(tx, release, in_force, PREVIEW_LOAD_ID, report)
                result["files"], result["notes"] = files, notes
                report(0.9, "Comparing with what is loaded")
                result["changes"], result["examples"] = _changes(tx)
                raise _RollBack
        except _RollBack:
            pass
    in_force = result["in_force"]
    every = len(in_force) == len(release.members)
    return EhcpPreview(
        name,
        result["files"],
        release.unused,
        result["notes"],
        result["changes"],
        result["examples"],
        max(in_force.values()) if every else None,
        str(result["version"]),
    )


_COMPARED = f"""WITH new AS (SELECT * FROM ehcp WHERE load_id = {PREVIEW_LOAD_ID}),
    keys AS (SELECT DISTINCT dataset, period, area_key FROM new),
    old AS (SELECT c.* FROM ehcp_current c JOIN keys USING (dataset, period, area_key)),
    compared AS (
        SELECT dataset, period, area_key, breakdown_topic, breakdown, measure,
               coalesce(n.area_name, o.area_name) AS area_name,
               o.measure IS NOT NULL AS was, n.measure IS NOT NULL AS is_now,
               o.value AS value_before, o.symbol AS symbol_before, n.value AS value_after, n.symbol AS symbol_after
        FROM new n FULL OUTER JOIN old o USING (dataset, period, area_key, breakdown_topic, breakdown, measure)
    )"""


def _what_changes(figures: int, before: int, changed: int, added: int, removed: int) -> str:
    """What a dataset's period in a file does to the figures loaded now, in words."""
    if before == 0:
        return f"new: {figures:,} figure{'s' if figures != 1 else ''}"
    if changed == added == removed == 0:
        return "the same figures as loaded now"
    return (
        f"replaces what is loaded: {changed:,} figure{'s' if changed != 1 else ''} changed, {added:,} new, "
        f"{removed:,} no longer given"
    )


def _changes(tx: Transaction) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per dataset and period, what the staged figures change against those in force; and the first changes."""
    changed = (
        "was AND is_now AND (value_before IS DISTINCT FROM value_after OR symbol_before IS DISTINCT FROM symbol_after)"
    )
    changes = tx.fetch_df(
        f"""{_COMPARED}
        SELECT dataset, period, count(*) FILTER (is_now) AS figures, count(*) FILTER (was) AS before,
               count(*) FILTER ({changed}) AS changed, count(*) FILTER (is_now AND NOT was) AS added,
               count(*) FILTER (was AND NOT is_now) AS removed
        FROM compared GROUP BY dataset, period ORDER BY dataset, period"""
    )
    changes["what"] = [
        _what_changes(int(figures), int(before), int(changed), int(added), int(removed))
        for figures, before, changed, added, removed in changes[
            ["figures", "before", "changed", "added", "removed"]
        ].itertuples(index=False)
    ]
    examples = tx.fetch_df(
        f"""{_COMPARED}
        SELECT dataset, period, area_name, breakdown_topic, breakdown, measure,
               coalesce({_figure_text("value_before")}, symbol_before) AS before,
               coalesce({_figure_text("value_after")}, symbol_after) AS after
        FROM compared WHERE ({changed}) OR (was AND NOT is_now)
        ORDER BY dataset, period, area_name, breakdown_topic, breakdown, measure LIMIT 20"""
    )
    return changes, examples


def _figure_text(column: str) -> str:
    """SQL: a figure as DfE writes it: a whole number without a fraction (3000, not 3000.0), the rest as stored
    (77.7); NULL stays NULL."""
    return (
        f"CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e15 THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST({column} AS VARCHAR) END"
    )


def export_sql() -> str:
    """The EHC plan figures in force, canonical columns, in a stable order (``export ehcp``), each figure as DfE
    writes it (``_figure_text``) and blank where a symbol stands."""
    columns = [f"{_figure_text('value')} AS value" if column == "value" else column for column in EXPORT_COLUMNS]
    return (
        f"SELECT {', '.join(columns)} FROM ehcp_current "
        "ORDER BY dataset, period, geographic_level, area_code, breakdown_topic, breakdown, measure"
    )
