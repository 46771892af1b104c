"""Engagement activity files: the local template (data/templates/engagement-template.csv) into the store.

One row per line of who took part, the activity's own columns repeated or left blank after its first row:

* a **count line** gives ``participant`` (children and young people | parent carers), ``dimension``
  (total | provision | primary need | age band | setting), ``category`` and ``count``;
* a **participant line** gives ``participant`` and a pseudonymous ``participant_ref`` (with provision,
  primary_need, age_band and setting as far as known). The reference is hashed on the way in and never
  stored, logged or repeated in a message.

The same standards as a census load: the whole file is checked first and every problem listed by line and
column; a good file is written in one transaction and recorded in the load log; a file already in force is
not loaded twice; undo goes through the load log. Engagement files are small (a year of activities is
hundreds of lines), so they are read with the csv module rather than staged in DuckDB.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.codes import academic_year_of
from sendlib.config import Config
from sendlib.engagement import (
    AGE_BAND,
    ALL,
    AUDIENCES,
    CATEGORIES,
    DIMENSIONS,
    KIRBY_LEVELS,
    LEVELS,
    LUNDY_ELEMENTS,
    METHODS,
    NEED,
    PROVISION,
    SETTING,
    TOTAL,
    Activity,
    EngagementError,
    Participant,
    check_activity,
    hash_reference,
    insert_activity,
    participant_key,
    read_category,
    read_dimension,
    read_hart_rung,
    read_kind,
    read_people,
    read_yes_no,
    reference_in_use,
)
from sendlib.ingest.census import IngestRejected, Problem, open_checked_source, record_rejection
from sendlib.ingest.source import describe_csv_error
from sendlib.loads import AlreadyLoaded, ReadValue, load_log_version, refuse_if_changed
from sendlib.store import Store

KIND = "engagement"
P = ParamSpec("P")
T = TypeVar("T")
ACTIVITY_COLUMNS: tuple[str, ...] = (
    "reference",
    "date",
    "title",
    "level",
    "audience",
    "method",
    "lead_organisation",
    "notes",
    "hart_rung",
    "kirby_level",
    *(name for element in LUNDY_ELEMENTS for name in (f"lundy_{element}", f"lundy_{element}_evidence")),
    "feedback_given",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "reference",
    "date",
    "title",
    "level",
    "audience",
    "method",
    "hart_rung",
    "feedback_given",
    "participant",
)
COUNT_COLUMNS: tuple[str, ...] = ("dimension", "category", "count")
RECORD_COLUMNS: tuple[str, ...] = ("participant_ref", "provision", "primary_need", "age_band", "setting")
KNOWN_COLUMNS = set(ACTIVITY_COLUMNS) | {"participant"} | set(COUNT_COLUMNS) | set(RECORD_COLUMNS)


@dataclass
class EngagementFile:
    """What an engagement file holds, checked: its activities in file order."""

    file_name: str
    lines_read: int
    activities: list[Activity]
    sha256: str
    size: int
    already_loaded_as: int | None = None  # the load in force that holds these very bytes
    checked_version: str = ""  # the engagement loads it was checked against (load_log_version)

    @property
    def people(self) -> int:
        """Attendances counted plus participant records, over every activity."""
        return sum(
            sum(p for (_, d, _), p in a.counts.items() if d == TOTAL) + len(a.participants) for a in self.activities
        )

    def table(self) -> pd.DataFrame:
        """The file's activities as the preview shows them, one row each."""
        return pd.DataFrame(
            {
                "Reference": [a.reference for a in self.activities],
                "Date": [a.activity_date.strftime("%d %b %Y") for a in self.activities],
                "Title": [a.title for a in self.activities],
                "Level": [a.level for a in self.activities],
                "For": [a.audience for a in self.activities],
                "People": [
                    sum(p for (_, d, _), p in a.counts.items() if d == TOTAL) + len(a.participants)
                    for a in self.activities
                ],
                "Counted as": ["participant records" if a.participants else "attendances" for a in self.activities],
                "Hart rung": [a.hart_rung for a in self.activities],
            }
        )

    def describe(self) -> str:
        """One sentence for the preview and the command line."""
        if not self.activities:
            return f"{self.file_name} holds no activities."
        first = min(a.activity_date for a in self.activities)
        last = max(a.activity_date for a in self.activities)
        return (
            f"{self.file_name}: {len(self.activities)} activit{'y' if len(self.activities) == 1 else 'ies'} "
            f"from {first:%d %B %Y} to {last:%d %B %Y}, {self.people:,} people or attendances, "
            f"from {self.lines_read:,} lines."
        )


@dataclass
class EngagementReport:
    """What a load did (or that the file was already loaded)."""

    load_id: int
    file_name: str
    activities: int
    already_loaded: bool = False
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_loaded:
            return f"{self.file_name} was already loaded (load {self.load_id}); nothing changed."
        return f"Loaded {self.file_name} as load {self.load_id}: {self.activities} engagement activities."


def _read_date(text: str) -> date:
    value = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise EngagementError("The date cannot be read as a date; write it as 2025-10-14 or 14/10/2025.")


def _lines(path: Path, name: str, max_lines: int) -> list[tuple[int, dict[str, str]]]:
    """Every non-blank data row with its line number in the file (header = line 1), keys lower-cased.

    Raises IngestRejected when a line cannot be read as CSV (chiefly a value over Python's csv field limit)
    or when there are more than ``max_lines`` rows: stopping there bounds the memory a hostile file can take.
    """
    rows: list[tuple[int, dict[str, str]]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        finished = 0  # the last line of the last record read: the next record starts after it
        try:
            header = [column.strip().lower() for column in next(reader)]
            finished = reader.line_num
            for values in reader:
                if any(v.strip() for v in values):
                    rows.append((finished + 1, dict(zip(header, (v.strip() for v in values)))))
                finished = reader.line_num
                if len(rows) > max_lines:
                    raise IngestRejected(
                        name,
                        [
                            Problem(
                                f"The file has more than {max_lines:,} lines of activities "
                                "(upload.max_engagement_lines in config.yaml); split it, by year for example."
                            )
                        ],
                    )
        except csv.Error as exc:  # the value itself is never quoted back
            raise IngestRejected(name, [Problem(describe_csv_error(exc), line=finished + 1)]) from None
    return rows


def read_engagement_file(
    store: Store,
    path: Path,
    *,
    config: Config,
    file_name: str | None = None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> EngagementFile:
    """Check an engagement file completely; returns its activities, or raises IngestRejected listing every
    problem by line and column. Writes nothing. ``max_bytes``: the Upload page's ``upload_limit(config)``;
    a file named on the command line has no size limit."""
    name = file_name or path.name
    _, source = open_checked_source(path, name, None, work_dir=store.work_dir, max_bytes=max_bytes)
    try:
        header = [column.lower() for column in source.header]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        has_counts = all(column in header for column in COUNT_COLUMNS)
        if missing or not (has_counts or "participant_ref" in header):
            needed = missing + (
                []
                if has_counts or "participant_ref" in header
                else ["dimension, category and count (or participant_ref)"]
            )
            raise IngestRejected(
                name,
                [
                    Problem(
                        f"This is not an engagement file: the header has no {', '.join(needed)} column. "
                        "Start from data/templates/engagement-template.csv.",
                        line=1,
                    )
                ],
            )
        unknown = [column for column in header if column not in KNOWN_COLUMNS]
        if unknown:
            raise IngestRejected(
                name,
                [
                    Problem(
                        f"Unknown column '{column[:40]}'; the template's columns are "
                        f"{', '.join(sorted(KNOWN_COLUMNS))}.",
                        line=1,
                    )
                    for column in unknown
                ],
            )
        # Taken before the checks against the store (references in use), so anything loaded during them shows.
        version = load_log_version(store.query_value, KIND)
        existing = _find_loaded(store.query_value, source.sha256)
        if existing is not None:
            return EngagementFile(
                name, 0, [], source.sha256, source.size, already_loaded_as=existing, checked_version=version
            )
        lines = _lines(source.csv_path, name, config.upload.max_engagement_lines)
        try:
            activities = _activities(store, lines, name, today, config.upload.max_engagement_activities, source.sha256)
        except AlreadyLoaded as already:  # loaded by someone else while this copy was being read
            return EngagementFile(
                name, 0, [], source.sha256, source.size, already_loaded_as=already.load_id, checked_version=version
            )
        return EngagementFile(name, len(lines), activities, source.sha256, source.size, checked_version=version)
    finally:
        source.cleanup()


def _activities(
    store: Store,
    lines: list[tuple[int, dict[str, str]]],
    name: str,
    today: date | None,
    max_activities: int,
    sha256: str,
) -> list[Activity]:
    """The file's activities, checked; IngestRejected listing every problem. AlreadyLoaded when, by the time
    its references are checked against the store, these very bytes have been loaded (by another officer)."""
    problems: list[Problem] = []
    key = participant_key(store)
    first_line: dict[str, tuple[int, dict[str, str]]] = {}
    counts: dict[str, dict[tuple[str, str, str], int]] = {}
    records: dict[str, list[Participant]] = {}
    seen_records: dict[str, dict[str, int]] = {}

    def attempt(
        line: int, row: dict[str, str], column: str | None, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T | None:
        """``read(*args, **kwargs)``, or None with the problem noted (without the line's values) when it
        raises EngagementError."""
        try:
            return read(*args, **kwargs)
        except EngagementError as exc:
            problems.append(Problem(_without_values(str(exc), row.values()), line=line, column=column))
            return None

    for line, row in lines:
        reference = row.get("reference", "")
        if not reference:
            problems.append(Problem("The activity reference is blank.", line=line, column="reference"))
            continue
        ref_key = reference.casefold()
        if ref_key not in first_line:
            first_line[ref_key] = (line, row)
        else:
            first = first_line[ref_key]
            for column in ACTIVITY_COLUMNS[1:]:
                value = row.get(column, "")
                if value and value != first[1].get(column, ""):
                    problems.append(
                        Problem(
                            f"differs from line {first[0]} for the same activity '{reference[:40]}' "
                            "(leave it blank or repeat it exactly).",
                            line=line,
                            column=column,
                        )
                    )
        kind = attempt(line, row, "participant", read_kind, row.get("participant", ""))
        if kind is None:
            continue
        if row.get("participant_ref"):
            person = attempt(line, row, "participant_ref", hash_reference, key, row["participant_ref"])
            categories = {
                dimension: attempt(line, row, column, read_category, dimension, row.get(column, ""))
                for dimension, column in (
                    (PROVISION, "provision"),
                    (NEED, "primary_need"),
                    (AGE_BAND, "age_band"),
                    (SETTING, "setting"),
                )
            }
            values = {dimension: value for dimension, value in categories.items() if value is not None}
            if person is None or len(values) < len(categories):
                continue
            earlier = seen_records.setdefault(ref_key, {}).get(str(person))
            if earlier is not None:
                problems.append(
                    Problem(
                        f"the same participant is listed twice for this activity (also line {earlier}).",
                        line=line,
                        column="participant_ref",
                    )
                )
                continue
            seen_records[ref_key][str(person)] = line
            records.setdefault(ref_key, []).append(
                Participant(kind, str(person), values[PROVISION], values[NEED], values[AGE_BAND], values[SETTING])
            )
        else:
            dimension = attempt(line, row, "dimension", read_dimension, row.get("dimension", ""))
            if dimension is None:
                continue
            category = attempt(line, row, "category", read_category, dimension, row.get("category", ""))
            people = attempt(line, row, "count", read_people, row.get("count", ""), "The count")
            if category is None or people is None:
                continue
            slot = (kind, dimension, ALL if dimension == TOTAL else category)
            bucket = counts.setdefault(ref_key, {})
            if slot in bucket:
                problems.append(
                    Problem(
                        f"{kind}, {dimension} '{category}' is counted twice for this activity.",
                        line=line,
                        column="category",
                    )
                )
                continue
            bucket[slot] = people

    if len(first_line) > max_activities:
        raise IngestRejected(
            name,
            [
                Problem(
                    f"The file holds {len(first_line):,} activities, more than the {max_activities:,} "
                    "one file may hold (upload.max_engagement_activities in config.yaml); "
                    "split it, by year for example."
                )
            ],
        )
    activities: list[Activity] = []
    for ref_key, (line, row) in first_line.items():

        def build(line: int = line, row: dict[str, str] = row, ref_key: str = ref_key) -> Activity:
            activity = Activity(
                reference=row["reference"],
                activity_date=_read_date(row.get("date", "")),
                title=row.get("title", ""),
                level=row.get("level", ""),
                audience=row.get("audience", ""),
                method=row.get("method", ""),
                hart_rung=read_hart_rung(row.get("hart_rung", "")),
                feedback_given=read_yes_no(row.get("feedback_given", ""), "feedback_given"),
                lead_organisation=row.get("lead_organisation", ""),
                notes=row.get("notes", ""),
                kirby_level=row.get("kirby_level") or None,
                lundy={
                    element: (
                        read_yes_no(row.get(f"lundy_{element}", ""), f"lundy_{element}"),
                        row.get(f"lundy_{element}_evidence", ""),
                    )
                    for element in LUNDY_ELEMENTS
                },
                counts=counts.get(ref_key, {}),
                participants=records.get(ref_key, []),
            )
            return check_activity(activity, today)

        activity = attempt(line, row, None, build)
        if activity is not None:
            activities.append(activity)
    with store.transaction(counts_as_change=False) as tx:
        # The same file loaded meanwhile holds these references: that is "already loaded", not a clash.
        existing = _find_loaded(tx.fetch_value, sha256)
        if existing is not None:
            raise AlreadyLoaded(existing)
        for activity in activities:
            if reference_in_use(tx, activity.reference):
                problems.append(
                    Problem(
                        f"An activity with the reference '{activity.reference[:40]}' is already in "
                        "the store; give this one a new reference, or undo the load that holds it.",
                        line=first_line[activity.reference.casefold()][0],
                        column="reference",
                    )
                )
    if problems:
        raise IngestRejected(name, sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    return activities


# The template's words, which a message may quote as what to write: never a participant's reference.
_VOCABULARY = {
    word.casefold()
    for word in (
        *LEVELS,
        *AUDIENCES,
        *METHODS,
        *KIRBY_LEVELS,
        *DIMENSIONS,
        TOTAL,
        *(value for values in CATEGORIES.values() for value in values),
    )
} | {""}


def _without_values(message: str, cells: Iterable[str]) -> str:
    """A problem without any cell's text: a participant reference typed into the wrong column must never be
    repeated in a message or the load log, so a value quoted from the line's cells (whole, or cut to the 20 or
    40 characters the readers quote) becomes 'this value'; the line and column say where. The template's own
    words ('parent carers') and apostrophes ("Hart's ladder") are kept, so the message still says what to write."""
    for cell in sorted(
        {cell.strip() for cell in cells if cell.strip().casefold() not in _VOCABULARY}, key=len, reverse=True
    ):
        for quoted in {cell, cell[:40], cell[:20]}:
            message = message.replace(f"'{quoted}'", "this value")
    return message.replace("''", "this value")  # a blank cell, quoted


def _find_loaded(read: ReadValue, sha256: str) -> int | None:
    """The load in force of these very bytes, if any (``read``: Store.query_value, or fetch_value in a write)."""
    load_id: int | None = read(
        "SELECT max(load_id) FROM loads WHERE kind = ? AND sha256 = ? AND outcome = 'loaded'", [KIND, sha256]
    )
    return load_id


def preview_engagement(
    store: Store, path: Path | str, *, config: Config, file_name: str | None = None, max_bytes: int | None = None
) -> EngagementFile:
    """Everything ``load_engagement`` checks, writing nothing; ``already_loaded_as`` names the load that holds
    the same file, if any. Raises IngestRejected exactly where the load would."""
    return read_engagement_file(store, Path(path), config=config, file_name=file_name, max_bytes=max_bytes)


def load_engagement(
    store: Store,
    path: Path | str,
    *,
    config: Config,
    actor: Actor,
    file_name: str | None = None,
    checked_version: str | None = None,
    max_bytes: int | None = None,
) -> EngagementReport:
    """Check and load an engagement file as one transaction, recorded in the load log.

    Only officers may load. IngestRejected (nothing written, attempt logged) when anything is wrong. The same
    file already in force is not loaded twice (the report says ``already_loaded``), even when two officers
    confirm it at once. ``checked_version``: the preview's; PreviewOutOfDate, nothing written, when another
    engagement load or undo has come in since. ``max_bytes``: as ``read_engagement_file``.
    """
    require(actor, "load")
    path = Path(path)
    name = file_name or path.name
    try:
        checked = read_engagement_file(store, path, config=config, file_name=name, max_bytes=max_bytes)
    except IngestRejected as rejection:
        record_rejection(
            store,
            name,
            path.stat().st_size if path.exists() else 0,
            "",
            actor.name,
            "engagement",
            rejection.describe(),
            kind=KIND,
        )
        raise
    if checked.already_loaded_as is not None:
        return EngagementReport(checked.already_loaded_as, name, 0, already_loaded=True)
    years = sorted({academic_year_of(a.activity_date) for a in checked.activities})
    try:
        load_id = _write(store, checked, actor, name, years, checked_version)
    except AlreadyLoaded as already:
        return EngagementReport(already.load_id, name, 0, already_loaded=True)
    return EngagementReport(load_id, name, len(checked.activities))


def _write(
    store: Store, checked: EngagementFile, actor: Actor, name: str, years: list[str], checked_version: str | None
) -> int:
    """Write a checked file's activities and its load-log entry in one transaction; returns the load id."""
    with store.transaction() as tx:
        # Checked again inside the write, where nothing can come between: another officer may have loaded the
        # same file (it loads once), other activities with these references, or anything else, meanwhile.
        existing = _find_loaded(tx.fetch_value, checked.sha256)
        if existing is not None:
            raise AlreadyLoaded(existing)
        refuse_if_changed(tx.fetch_value, KIND, checked_version)
        if any(reference_in_use(tx, a.reference) for a in checked.activities):
            raise IngestRejected(
                name,
                [
                    Problem(
                        "An activity reference in this file was stored by someone else a "
                        "moment ago; nothing was written. Check the load history."
                    )
                ],
            )
        load_id = int(tx.fetch_value("SELECT nextval('load_id_seq')"))
        for activity in checked.activities:
            insert_activity(tx, activity, actor=actor, load_id=load_id)
        tx.execute(
            """INSERT INTO loads (load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, format,
               rows_read, rows_stored, periods, areas, warnings, outcome)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'engagement template', ?, ?, ?, '[]', '[]', 'loaded')""",
            [
                load_id,
                KIND,
                datetime.now(),
                actor.name,
                name,
                checked.size,
                checked.sha256,
                checked.lines_read,
                len(checked.activities),
                json.dumps(years),
            ],
        )
    return load_id
