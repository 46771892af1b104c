"""Commitments from the strategies: who owns them, when they are due, and their dated progress.

A commitment is worded as its strategy words it. Its owner and dates are a *plan*; progress is a sequence
of dated *updates* (status and percent complete, with commentary and evidence). Nothing is overwritten: a
new owner, a new due date or a new update is a new dated row, so the history of each commitment is kept.
A commitment may be linked to the reach gaps it is meant to close (e.g. children on SEN support), which is
how the Reach gaps page says what is planned about a gap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import TypedDict

import pandas as pd
import plotly.graph_objects as go

from sendlib import entries, text
from sendlib.auth import Actor, require
from sendlib.charts import LABEL_LINES, base_layout, wrap, wrap_all
from sendlib.config import UploadConfig
from sendlib.engagement import CATEGORIES, LEVELS, read_category
from sendlib.entries import EntryError
from sendlib.export import table_to_csv
from sendlib.ingest.source import describe_csv_error
from sendlib.palette import (
    GREY,
    GRID,
    RAG_AMBER,
    RAG_COMPLETE,
    RAG_GREEN,
    RAG_NEUTRAL,
    RAG_RED,
    REFERENCE_LINE,
    TEXT,
    TIMELINE_BAR,
)
from sendlib.store import Store, Transaction

STATUSES: tuple[str, ...] = ("not started", "in progress", "complete", "paused", "dropped")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
MAX_IMPORT_MB = 5  # a list of commitments is kilobytes: anything this big is not one
# How far along each status is: an update to a lower stage moves the commitment back (paused and dropped sit with
# "in progress": stopping work is not undoing it, but leaving "complete" for either is).
STATUS_STAGE: dict[str, int] = {"not started": 0, "in progress": 1, "paused": 1, "dropped": 1, "complete": 2}


class CommitmentError(EntryError):
    """A commitment entry was refused; the message says what to correct."""


def _clean(value: str | None, field: str, *, required: bool, limit: int = entries.MAX_TEXT) -> str:
    return entries.clean_text(value, field, required=required, limit=limit, error=CommitmentError)


def _choose(value: str, allowed: tuple[str, ...], what: str) -> str:
    return entries.choose(value, allowed, what, error=CommitmentError)


def check_dates(start: date, due: date) -> tuple[date, date]:
    """Start and due dates between 2000 and 2100, the due date not before the start."""
    for value, what in ((start, "start date"), (due, "due date")):
        if not isinstance(value, date) or not EARLIEST <= value <= LATEST:
            raise CommitmentError(f"The {what} must be a date between 2000 and 2100.")
    if due < start:
        raise CommitmentError(f"The due date ({due:%d %B %Y}) is before the start date ({start:%d %B %Y}).")
    return start, due


def check_percent(value: object) -> float:
    """Percent complete, 0 to 100."""
    try:
        percent = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CommitmentError(f"Percent complete must be a number from 0 to 100, not '{str(value)[:20]}'.") from None
    if not 0 <= percent <= 100:  # also refuses NaN
        raise CommitmentError(f"Percent complete must be from 0 to 100 (got {value}).")
    return percent


def _commitment_id(store: Store, reference: str) -> int:
    found = store.query_value("SELECT commitment_id FROM commitments WHERE lower(reference) = lower(?)", [reference])
    if found is None:
        raise CommitmentError(f"There is no commitment '{reference}'.")
    return int(found)


class CheckedCommitment(TypedDict):
    """A new commitment's fields, every one checked and cleaned (what ``_insert_commitment`` writes)."""

    reference: str
    title: str
    full_text: str
    strategy: str
    section: str
    theme: str
    level: str
    owner: str
    start_date: date
    due_date: date


def _checked_commitment(
    *,
    reference: str,
    title: str,
    full_text: str,
    strategy: str,
    section: str,
    theme: str,
    level: str,
    owner: str,
    start_date: date,
    due_date: date,
) -> CheckedCommitment:
    """Every field of a new commitment checked and cleaned; CommitmentError naming the first problem."""
    start_date, due_date = check_dates(start_date, due_date)
    title = _clean(title, "The title", required=True, limit=entries.MAX_TITLE)
    return {
        "reference": _clean(reference, "The reference", required=True, limit=entries.MAX_COMMITMENT_REFERENCE),
        "title": title,
        "full_text": _clean(full_text, "The full text", required=False) or title,
        "strategy": _clean(strategy, "The strategy", required=True, limit=entries.MAX_TITLE),
        "section": _clean(section, "The section", required=False, limit=entries.MAX_TITLE),
        "theme": _clean(theme, "The priority or theme", required=False, limit=entries.MAX_TITLE),
        "level": _choose(level, LEVELS, "level"),
        "owner": _clean(owner, "The owner", required=True, limit=entries.MAX_PERSON),
        "start_date": start_date,
        "due_date": due_date,
    }


def _insert_commitment(tx: Transaction, values: CheckedCommitment, actor: Actor) -> int:
    """Write one checked commitment and its first plan inside an open transaction; returns its id."""
    if tx.fetch_value("SELECT count(*) FROM commitments WHERE lower(reference) = lower(?)", [values["reference"]]):
        raise CommitmentError(f"There is already a commitment '{values['reference']}'.")
    commitment_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
    now = datetime.now()
    tx.execute(
        "INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            commitment_id,
            values["reference"],
            values["title"],
            values["full_text"],
            values["strategy"],
            values["section"],
            values["theme"],
            values["level"],
            now,
            actor.name,
        ],
    )
    # The first plan stands from the start date, or from today for a commitment that starts later, so the
    # tracker shows it (as not due to start) from the day it is added; a later change supersedes it.
    tx.execute(
        "INSERT INTO commitment_plans VALUES (nextval('commitment_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            commitment_id,
            values["owner"],
            values["start_date"],
            values["due_date"],
            min(values["start_date"], date.today()),
            "first plan",
            now,
            actor.name,
        ],
    )
    return commitment_id


def add_commitment(
    store: Store,
    actor: Actor,
    *,
    reference: str,
    title: str,
    full_text: str,
    strategy: str,
    section: str,
    theme: str,
    level: str,
    owner: str,
    start_date: date,
    due_date: date,
) -> int:
    """Add a commitment with its first plan (owner and dates); returns its id."""
    require(actor, "edit")
    values = _checked_commitment(
        reference=reference,
        title=title,
        full_text=full_text,
        strategy=strategy,
        section=section,
        theme=theme,
        level=level,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
    )
    with store.transaction() as tx:
        return _insert_commitment(tx, values, actor)


def record_update(
    store: Store,
    actor: Actor,
    *,
    reference: str,
    updated_on: date,
    status: str,
    percent: float,
    commentary: str,
    evidence_link: str = "",
    updated_by: str = "",
    today: date | None = None,
) -> int:
    """Record a dated progress update; returns its id. Complete means 100%; not started means 0%."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    latest = today or date.today()
    if not isinstance(updated_on, date) or not EARLIEST <= updated_on <= latest:
        raise CommitmentError(f"The update date must be between 2000 and today ({latest:%d %B %Y}).")
    status = _choose(status, STATUSES, "status")
    percent = check_percent(percent)
    if status == "complete" and percent != 100:
        raise CommitmentError(
            "A complete commitment is 100% done: set percent complete to 100 or choose another status."
        )
    if status == "not started" and percent != 0:
        raise CommitmentError("A commitment not yet started is 0% done: set percent to 0 or choose 'in progress'.")
    commentary = _clean(commentary, "The commentary", required=True)
    evidence_link = _clean(evidence_link, "The evidence link", required=False, limit=entries.MAX_REASON)
    updated_by = _clean(updated_by, "Who updated it", required=False, limit=entries.MAX_PERSON) or actor.name
    with store.transaction() as tx:
        update_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        tx.execute(
            "INSERT INTO commitment_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                update_id,
                commitment_id,
                updated_on,
                status,
                percent,
                commentary,
                evidence_link,
                updated_by,
                datetime.now(),
                actor.name,
            ],
        )
    return update_id


def backward_steps(current_status: str, current_percent: float, status: str, percent: float) -> list[str]:
    """What an update would move back, each as "before → after" (empty: nothing goes back): a lower % complete,
    a status at an earlier stage (STATUS_STAGE). The form asks the officer to confirm these before recording."""
    steps = []
    if percent < current_percent:
        steps.append(f"% complete {current_percent:.0f}% → {percent:.0f}%")
    if STATUS_STAGE.get(status, 0) < STATUS_STAGE.get(current_status, 0):
        steps.append(f"status {current_status} → {status}")
    return steps


def link_reach_gap(store: Store, actor: Actor, *, reference: str, dimension: str, category: str) -> None:
    """Say that a commitment is meant to close the reach gap of a group (e.g. provision, SEN support)."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    dimension = _choose(dimension, tuple(CATEGORIES), "group dimension")
    category = read_category(dimension, category)
    with store.transaction() as tx:
        tx.execute(
            "INSERT OR IGNORE INTO commitment_reach_links VALUES (?, ?, ?)", [commitment_id, dimension, category]
        )


def query_latest(store: Store) -> pd.DataFrame:
    """Every commitment with its plan and latest update in force: commitment_id, reference, title, full_text,
    strategy, section, theme, level, owner, start_date, due_date, status, percent, commentary, updated_on."""
    return store.query_df(
        """WITH plan AS (SELECT * FROM commitment_plans QUALIFY row_number() OVER
                            (PARTITION BY commitment_id ORDER BY set_on DESC, plan_id DESC) = 1),
                latest AS (SELECT * FROM commitment_updates QUALIFY row_number() OVER
                            (PARTITION BY commitment_id ORDER BY updated_on DESC, update_id DESC) = 1)
           SELECT c.commitment_id, c.reference, c.title, c.full_text, c.strategy, c.section, c.theme, c.level,
                  p.owner, p.start_date, p.due_date, coalesce(u.status, 'not started') AS status,
                  coalesce(u.percent, 0) AS percent, coalesce(u.commentary, '') AS commentary, u.updated_on
           FROM commitments c JOIN plan p USING (commitment_id) LEFT JOIN latest u USING (commitment_id)
           ORDER BY c.reference"""
    )


def query_gap_plans(store: Store) -> dict[tuple[str, str], list[str]]:
    """(dimension, category) → what is planned about that reach gap, one short line per linked commitment
    still open: "Engage a broad range of parent carers (in progress, 35% done, due August 2027)"."""
    latest = query_latest(store)
    links = store.query_df("SELECT commitment_id, dimension, category FROM commitment_reach_links")
    plans: dict[tuple[str, str], list[str]] = {}
    for row in links.merge(latest, on="commitment_id").sort_values("reference").to_dict("records"):
        if row["status"] == "dropped":
            continue
        done = "done" if row["status"] == "complete" else f"{row['status']}, {row['percent']:.0f}% done"
        plans.setdefault((row["dimension"], row["category"]), []).append(
            f"{row['title']} ({done}, due {row['due_date']:%B %Y})"
        )
    return plans


# -- RAG: progress against time --------------------------------------------------------------------------------
RED, AMBER, GREEN = "Red", "Amber", "Green"
COMPLETE, NOT_DUE, DROPPED = "Complete", "Not due to start", "Dropped"
RAGS: tuple[str, ...] = (RED, AMBER, GREEN, COMPLETE, NOT_DUE, DROPPED)
# Every rating has a colour, a marker shape and a symbol for text, so it never rests on colour alone.
RAG_STYLE: dict[str, tuple[str, str, str]] = {
    RED: (RAG_RED, "triangle-up", "▲"),
    AMBER: (RAG_AMBER, "diamond", "◆"),
    GREEN: (RAG_GREEN, "circle", "●"),
    COMPLETE: (RAG_COMPLETE, "square", "■"),
    NOT_DUE: (RAG_NEUTRAL, "circle-open", "○"),
    DROPPED: (RAG_NEUTRAL, "x", "✕"),
}
RAG_MEANINGS: dict[str, str] = {
    RED: "overdue, or progress at or below the red threshold of the time used",
    AMBER: "progress behind the time used, between the thresholds",
    GREEN: "progress keeping pace with the time used",
    COMPLETE: "done",
    NOT_DUE: "its start date has not come yet",
    DROPPED: "no longer being pursued",
}


def rag_label(rag: str) -> str:
    """A rating as text with its shape: '▲ Red'."""
    return f"{RAG_STYLE[rag][2]} {rag}"


def time_elapsed_pct(start: date, due: date, as_of: date) -> float:
    """Share of the time from start to due that has passed on ``as_of``, 0–100 (a one-day commitment is
    0% before its day and 100% from it)."""
    if as_of <= start:
        return 0.0 if as_of < due or start < due else 100.0
    if as_of >= due:
        return 100.0
    return (as_of - start).days / (due - start).days * 100


def is_overdue(status: str, due: date, as_of: date) -> bool:
    """Past its due date (a due date of today is not yet overdue) and neither complete nor dropped."""
    return as_of > due and status not in ("complete", "dropped")


def work_out_rag(
    *, status: str, percent: float, start: date, due: date, as_of: date, green_ratio: float, red_ratio: float
) -> str:
    """The RAG rating of a commitment on ``as_of`` from its latest status and percent complete.

    Complete and dropped say so; before the start date a commitment not started is not due to start;
    overdue is always red; otherwise progress is compared with the share of time elapsed: green at or above
    ``green_ratio`` of it, red at or below ``red_ratio``, amber between. At the very start (no time elapsed)
    a commitment is green.
    """
    if status == "complete":
        return COMPLETE
    if status == "dropped":
        return DROPPED
    if is_overdue(status, due, as_of):
        return RED
    if as_of < start and status == "not started":
        return NOT_DUE
    elapsed = time_elapsed_pct(start, due, as_of)
    if elapsed == 0:
        return GREEN
    # percent / elapsed compared with a ratio, multiplied out and with a hair of tolerance, so a figure exactly
    # on a line (24% done with 26.67% of the time used, at 0.9) is not lost to floating point.
    tolerance = 1e-9
    if percent >= green_ratio * elapsed - tolerance:
        return GREEN
    if percent <= red_ratio * elapsed + tolerance:
        return RED
    return AMBER


def progress_as_of(updates: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each commitment's latest update on or before ``as_of``: commitment_id, status, percent, commentary,
    updated_on, completed_on (first date it was recorded complete, if by then). Commitments without an update
    by then are absent (they count as not started, 0%)."""
    dated = updates[pd.to_datetime(updates["updated_on"]).dt.date <= as_of]
    if dated.empty:
        return pd.DataFrame(columns=["commitment_id", "status", "percent", "commentary", "updated_on", "completed_on"])
    ordered = dated.sort_values(["commitment_id", "updated_on", "update_id"])
    latest = ordered.groupby("commitment_id").tail(1)
    completed = (
        ordered[ordered["status"] == "complete"].groupby("commitment_id")["updated_on"].min().rename("completed_on")
    )
    return latest.merge(completed, on="commitment_id", how="left")[
        ["commitment_id", "status", "percent", "commentary", "updated_on", "completed_on"]
    ]


def query_updates(store: Store) -> pd.DataFrame:
    """Every progress update, oldest first: update_id, commitment_id, updated_on, status, percent,
    commentary, evidence_link, updated_by."""
    return store.query_df(
        "SELECT update_id, commitment_id, updated_on, status, percent, commentary, evidence_link, "
        "updated_by FROM commitment_updates ORDER BY commitment_id, updated_on, update_id"
    )


def query_tracker(store: Store, as_of: date, green_ratio: float, red_ratio: float) -> pd.DataFrame:
    """Every commitment as it stood on ``as_of``, with its RAG.

    Columns: commitment_id, reference, title, full_text, strategy, section, theme, level, owner, start_date,
    due_date, status, percent, commentary, updated_on, completed_on, time_elapsed_pct, overdue, days_overdue,
    computed_rag, override_rag, override_reason, rag (the override where there is one), rag_label.
    """
    details = store.query_df(
        """WITH plan AS (SELECT * FROM commitment_plans WHERE set_on <= ? QUALIFY row_number() OVER
                            (PARTITION BY commitment_id ORDER BY set_on DESC, plan_id DESC) = 1),
                override AS (SELECT * FROM commitment_rag_overrides WHERE set_on <= ? QUALIFY row_number() OVER
                            (PARTITION BY commitment_id ORDER BY set_on DESC, override_id DESC) = 1)
           SELECT c.commitment_id, c.reference, c.title, c.full_text, c.strategy, c.section, c.theme, c.level,
                  p.owner, p.start_date, p.due_date, o.rag AS override_rag, o.reason AS override_reason
           FROM commitments c JOIN plan p USING (commitment_id) LEFT JOIN override o USING (commitment_id)
           ORDER BY c.reference""",
        [as_of, as_of],
    )
    return build_tracker(details, progress_as_of(query_updates(store), as_of), as_of, green_ratio, red_ratio)


def build_tracker(
    details: pd.DataFrame, progress: pd.DataFrame, as_of: date, green_ratio: float, red_ratio: float
) -> pd.DataFrame:
    """Join each commitment's details to its progress on ``as_of`` and work out RAG, overdue and elapsed time."""
    frame = details.merge(progress, on="commitment_id", how="left")
    frame["status"] = frame["status"].fillna("not started")
    frame["percent"] = frame["percent"].fillna(0.0).astype(float)
    frame["commentary"] = frame["commentary"].fillna("")
    starts = pd.to_datetime(frame["start_date"]).dt.date
    dues = pd.to_datetime(frame["due_date"]).dt.date
    frame["time_elapsed_pct"] = [time_elapsed_pct(s, d, as_of) for s, d in zip(starts, dues)]
    frame["overdue"] = [is_overdue(st, d, as_of) for st, d in zip(frame["status"], dues)]
    frame["days_overdue"] = [(as_of - d).days if late else 0 for d, late in zip(dues, frame["overdue"])]
    frame["computed_rag"] = [
        work_out_rag(status=st, percent=pc, start=s, due=d, as_of=as_of, green_ratio=green_ratio, red_ratio=red_ratio)
        for st, pc, s, d in zip(frame["status"], frame["percent"], starts, dues)
    ]
    overridden = frame["override_rag"].notna()
    frame["rag"] = frame["override_rag"].where(overridden, frame["computed_rag"])
    frame["rag_label"] = [
        rag_label(r) + (" (set by an officer)" if o else "") for r, o in zip(frame["rag"], overridden)
    ]
    return frame


def rag_counts(tracker: pd.DataFrame) -> pd.DataFrame:
    """How many commitments have each rating (every rating listed, zeros included): rag, label, commitments."""
    counts = tracker["rag"].value_counts() if not tracker.empty else pd.Series(dtype="int64")
    return pd.DataFrame(
        {"rag": list(RAGS), "label": [rag_label(r) for r in RAGS], "commitments": [int(counts.get(r, 0)) for r in RAGS]}
    )


def status_counts(tracker: pd.DataFrame) -> pd.DataFrame:
    """How many commitments have each status: status, commitments."""
    counts = tracker["status"].value_counts() if not tracker.empty else pd.Series(dtype="int64")
    return pd.DataFrame({"status": list(STATUSES), "commitments": [int(counts.get(s, 0)) for s in STATUSES]})


def exceptions(tracker: pd.DataFrame) -> pd.DataFrame:
    """Every red or overdue commitment, most overdue first, then by due date: what a SEND board reads.

    Columns: reference, title, owner, due_date, days_overdue, rag_label, percent, commentary, updated_on,
    override_reason."""
    chosen = tracker[(tracker["rag"] == RED) | tracker["overdue"]]
    ordered = chosen.sort_values(["days_overdue", "due_date", "reference"], ascending=[False, True, True])
    return ordered[
        [
            "reference",
            "title",
            "owner",
            "due_date",
            "days_overdue",
            "rag_label",
            "percent",
            "commentary",
            "updated_on",
            "override_reason",
        ]
    ].reset_index(drop=True)


def burn_up(tracker: pd.DataFrame, updates: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Month by month to ``as_of``: how many commitments were complete, how many were due by then, and how
    many there are. Columns: month_end (date), complete, due, total."""
    if tracker.empty:
        return pd.DataFrame(columns=["month_end", "complete", "due", "total"])
    first = min(pd.to_datetime(tracker["start_date"]).dt.date)
    ends = [d.date() for d in pd.date_range(first, as_of, freq="ME")] + [as_of]
    done = updates[updates["status"] == "complete"].groupby("commitment_id")["updated_on"].min()
    done_dates = [pd.Timestamp(d).date() for d in done if pd.Timestamp(d).date() <= as_of]
    dues = [pd.Timestamp(d).date() for d in tracker["due_date"]]
    return pd.DataFrame(
        {
            "month_end": ends,
            "complete": [sum(d <= end for d in done_dates) for end in ends],
            "due": [sum(d <= end for d in dues) for end in ends],
            "total": len(tracker),
        }
    )


def summarise_rag(tracker: pd.DataFrame, as_of: date) -> str:
    """One sentence: how many commitments are at each rating, and how many exceptions there are."""
    if tracker.empty:
        return "No commitments are recorded yet."
    counts = rag_counts(tracker).set_index("rag")["commitments"]
    parts = [f"{counts[r]} {r.lower()}" for r in RAGS if counts[r]]
    late = int(tracker["overdue"].sum())
    return (
        f"On {as_of:%d %B %Y}, of {len(tracker)} commitments: {', '.join(parts)}; "
        f"{len(exceptions(tracker))} need attention ({late} overdue)."
    )


# -- more officer writes ----------------------------------------------------------------------------------------
def override_rag(
    store: Store, actor: Actor, *, reference: str, rag: str | None, reason: str, set_on: date | None = None
) -> int:
    """Set an officer's RAG for a commitment, with the reason (required), shown beside it from ``set_on``;
    ``rag=None`` clears the override (the worked-out rating applies again). Returns the override's id."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    chosen = None if rag in (None, "") else _choose(rag, (RED, AMBER, GREEN), "RAG rating")
    reason = _clean(reason, "The reason for the override", required=True, limit=entries.MAX_REASON)
    with store.transaction() as tx:
        override_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        tx.execute(
            "INSERT INTO commitment_rag_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
            [override_id, commitment_id, chosen, reason, set_on or date.today(), datetime.now(), actor.name],
        )
    return override_id


def change_plan(
    store: Store,
    actor: Actor,
    *,
    reference: str,
    owner: str,
    start_date: date,
    due_date: date,
    reason: str,
    set_on: date | None = None,
) -> int:
    """Give a commitment a new owner or dates from ``set_on`` (earlier plans are kept); returns the plan id."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    owner = _clean(owner, "The owner", required=True, limit=entries.MAX_PERSON)
    start_date, due_date = check_dates(start_date, due_date)
    reason = _clean(reason, "The reason for the change", required=True, limit=entries.MAX_REASON)
    with store.transaction() as tx:
        plan_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        tx.execute(
            "INSERT INTO commitment_plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                plan_id,
                commitment_id,
                owner,
                start_date,
                due_date,
                set_on or date.today(),
                reason,
                datetime.now(),
                actor.name,
            ],
        )
    return plan_id


# -- the list as CSV ---------------------------------------------------------------------------------------------
CSV_COLUMNS: tuple[str, ...] = (
    "reference",
    "title",
    "full_text",
    "strategy",
    "section",
    "theme",
    "level",
    "owner",
    "start_date",
    "due_date",
    "status",
    "percent",
    "rag",
    "latest_commentary",
)


def export_csv(tracker: pd.DataFrame) -> bytes:
    """The tracker as CSV (the columns of CSV_COLUMNS), every cell safe to open in Excel; import_csv reads it."""
    frame = pd.DataFrame(
        {
            "reference": tracker["reference"],
            "title": tracker["title"],
            "full_text": tracker["full_text"],
            "strategy": tracker["strategy"],
            "section": tracker["section"],
            "theme": tracker["theme"],
            "level": tracker["level"],
            "owner": tracker["owner"],
            "start_date": pd.to_datetime(tracker["start_date"]).dt.strftime("%Y-%m-%d"),
            "due_date": pd.to_datetime(tracker["due_date"]).dt.strftime("%Y-%m-%d"),
            "status": tracker["status"],
            "percent": tracker["percent"],
            "rag": tracker["rag"],
            "latest_commentary": tracker["commentary"],
        }
    )
    return table_to_csv(frame)


def decode_import(data: bytes) -> str:
    """An uploaded commitments CSV as text: UTF-8 (with or without Excel's byte-order mark), else Windows-1252,
    which is how Excel saves 'CSV'; CommitmentError for a file that is neither, rather than a garbled import."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommitmentError(
        "Nothing was imported: the file is not text (neither UTF-8 nor Windows-1252). "
        "Save it from Excel as 'CSV UTF-8' and try again."
    )


def import_csv(store: Store, actor: Actor, text: str, *, max_rows: int = UploadConfig().max_commitment_rows) -> str:
    """Add the commitments in a CSV (columns reference, title, full_text, strategy, section, theme, level,
    owner, start_date, due_date; others, such as an export's status, are ignored). All or nothing, in one
    transaction: a line with a problem, a reference already held, or more than ``max_rows`` commitments
    (``upload.max_commitment_rows``) refuses the whole file with every problem listed by line. Returns what
    was done."""
    require(actor, "edit")
    if len(text) > MAX_IMPORT_MB * 1_048_576:
        raise CommitmentError(
            f"Nothing was imported: the file is over {MAX_IMPORT_MB} MB, far more than a list of commitments needs."
        )
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise CommitmentError(f"Nothing was imported. Line 1: {describe_csv_error(exc)}") from None
    missing = [
        name
        for name in ("reference", "title", "strategy", "level", "owner", "start_date", "due_date")
        if name not in header
    ]
    if missing:
        raise CommitmentError(f"The file has no {', '.join(missing)} column; export the list to see the layout.")
    checked: list[CheckedCommitment] = []
    problems: list[str] = []
    seen: set[str] = set()
    held = {reference.lower() for reference in store.query_df("SELECT reference FROM commitments")["reference"]}
    finished, rows_read = reader.line_num, 0  # finished: the last line of the last record read
    try:
        for raw in reader:
            line, finished, rows_read = finished + 1, reader.line_num, rows_read + 1
            if rows_read > max_rows:  # refused as soon as it is over: a huge file is never held whole
                raise CommitmentError(
                    f"Nothing was imported: the file has more than {max_rows:,} commitments "
                    "(upload.max_commitment_rows in config.yaml). Import it in parts."
                )
            values = _check_import_row(raw, line, held | seen, problems)
            if values is not None:
                seen.add(values["reference"].lower())
                checked.append(values)
    except csv.Error as exc:
        problems.append(f"Line {finished + 1}: {describe_csv_error(exc)}")
    if problems:
        raise CommitmentError(
            "Nothing was imported. "
            + " ".join(problems[:20])
            + (f" … and {len(problems) - 20} more." if len(problems) > 20 else "")
        )
    if not checked:
        raise CommitmentError("The file holds no commitments.")
    with store.transaction() as tx:
        for values in checked:
            _insert_commitment(tx, values, actor)
    return f"Imported {len(checked)} commitment{'s' if len(checked) != 1 else ''}."


# A csv.DictReader record: the values under the header's names (None for a short line's missing ones), and
# under None the extra values of a long line.
CsvRecord = Mapping[str | None, str | list[str] | None]


def _check_import_row(raw: CsvRecord, line: int, taken: set[str], problems: list[str]) -> CheckedCommitment | None:
    """One import line's commitment, checked; None (and its problem added to ``problems``) when refused."""
    # Only the named columns: under a name the value is text or None, never the long line's list.
    row = {k.strip().lower(): (v if isinstance(v, str) else "").strip() for k, v in raw.items() if isinstance(k, str)}
    try:
        start, due = date.fromisoformat(row["start_date"]), date.fromisoformat(row["due_date"])
        values = _checked_commitment(
            reference=row["reference"],
            title=row["title"],
            full_text=row.get("full_text", ""),
            strategy=row["strategy"],
            section=row.get("section", ""),
            theme=row.get("theme", ""),
            level=row["level"],
            owner=row["owner"],
            start_date=start,
            due_date=due,
        )
    except ValueError as exc:  # CommitmentError is a ValueError; so is a malformed date
        reason = exc if isinstance(exc, CommitmentError) else "dates must be written as 2026-03-31."
        problems.append(f"Line {line}: {reason}")
        return None
    if values["reference"].lower() in taken:
        problems.append(f"Line {line}: there is already a commitment '{values['reference'][:40]}'.")
        return None
    return values


# -- charts and words --------------------------------------------------------------------------------------------
def source_line(store: Store, as_of: date) -> str:
    """Where the tracker's figures come from."""
    row = store.query_rows(
        "SELECT count(DISTINCT c.commitment_id), count(DISTINCT c.strategy), max(u.updated_on) FROM commitments c "
        "LEFT JOIN commitment_updates u ON u.commitment_id = c.commitment_id AND u.updated_on <= ?",
        [as_of],
    )[0]
    if not row[0]:
        return "Source: no commitments recorded yet."
    latest = f"; latest update {row[2]:%d %B %Y}" if row[2] else ""
    return (
        f"Source: {row[0]} commitments from {row[1]} strateg{'y' if row[1] == 1 else 'ies'}, progress recorded in "
        f"the dashboard{latest}; as at {as_of:%d %B %Y}."
    )


def _named_label(title: str, owner: str) -> str:
    """A commitment as a board reads it: its title wrapped, its owner under it (escaped for Plotly)."""
    return f"{wrap(title, 40, LABEL_LINES)}<br><i>{text.plotly(owner)}</i>"


def _beside_line(moment: pd.Timestamp, first: pd.Timestamp, last: pd.Timestamp) -> str:
    """How a vertical line's label is anchored so that it stays inside the chart: ending at the line when the line
    is in the axis's later half, starting there otherwise (centred on a line near the axis's end, the label ran past
    the chart's edge on a phone)."""
    if pd.isna(first) or pd.isna(last) or last <= first:
        return "left"
    return "right" if moment - first > (last - first) / 2 else "left"


def build_timeline_chart(
    tracker: pd.DataFrame, *, as_of: date, source: str, height: int | None = None, named: bool = False
) -> go.Figure:
    """Each commitment from start to due (pale bar), its progress shaded from the start (colour of its RAG),
    its RAG shape at the due date, and today marked with a labelled line. ``named``: each row is labelled by
    the commitment's title (wrapped) and owner instead of its reference (the exceptions the board reads)."""
    frame = tracker.sort_values(["due_date", "reference"]).reset_index(drop=True)
    # Escaped: Plotly would read '<b>' typed in a title as markup.
    labels = (
        [_named_label(t, o) for t, o in zip(frame["title"], frame["owner"])]
        if named
        else wrap_all(f"{r} · {t}" for r, t in zip(frame["reference"], frame["title"]))
    )
    starts, dues = pd.to_datetime(frame["start_date"]), pd.to_datetime(frame["due_date"])
    spans = (dues - starts).dt.total_seconds() * 1000 + 86_400_000
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=spans,
            base=starts,
            orientation="h",
            name="Start to due",
            marker={"color": TIMELINE_BAR, "line": {"color": REFERENCE_LINE, "width": 1}},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=spans * frame["percent"] / 100,
            base=starts,
            orientation="h",
            name="Progress (shaded)",
            # Hatched as well as coloured: the progress part of a bar reads apart from its span in greyscale.
            marker={"color": [RAG_STYLE[r][0] for r in frame["rag"]], "pattern": {"shape": "/", "solidity": 0.5}},
            opacity=0.85,
            customdata=list(zip(frame["percent"], frame["rag_label"], frame["owner"].map(text.plotly))),
            hovertemplate="%{y}<br>%{customdata[0]:.0f}% complete · %{customdata[1]} · %{customdata[2]}<extra></extra>",
        )
    )
    for rag in RAGS:
        part = frame[frame["rag"] == rag]
        if part.empty:
            continue
        colour, symbol, _ = RAG_STYLE[rag]
        fig.add_trace(
            go.Scatter(
                y=[labels[i] for i in part.index],
                x=pd.to_datetime(part["due_date"]),
                mode="markers",
                name=rag,
                marker={"symbol": symbol, "size": 13, "color": colour, "line": {"width": 2, "color": colour}},
                hovertemplate="%{y}: due %{x|%d %b %Y}<extra>" + rag + "</extra>",
            )
        )
    fig.add_vline(
        x=pd.Timestamp(as_of).timestamp() * 1000,
        line={"color": TEXT, "width": 2, "dash": "dash"},
        annotation_text=f"Today, {as_of:%d %b %Y}" if as_of == date.today() else f"As at {as_of:%d %b %Y}",
        # Above the plot (the pack lifts its legend for it), on the side of the line with room.
        annotation_position="top",
        annotation_xanchor=_beside_line(pd.Timestamp(as_of), starts.min(), dues.max()),
    )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(type="date", title_text=None, gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", title_text=None)
    return base_layout(
        fig,
        title="Commitments from start to due date, progress shaded",
        source=source,
        height=height or 180 + (26 + 18 * max((label.count("<br>") for label in labels), default=0)) * len(frame),
        source_chars=110,
    )


def build_burn_up_chart(series: pd.DataFrame, *, source: str, height: int) -> go.Figure:
    """Commitments complete month by month, against how many were due by then and how many there are."""
    fig = go.Figure()
    lines = (
        ("complete", "Complete", RAG_COMPLETE, "circle", "solid"),
        ("due", "Due by then", RAG_RED, "square", "dash"),
        ("total", "All commitments", GREY, None, "dot"),
    )
    for column, name, colour, symbol, dash in lines:
        fig.add_trace(
            go.Scatter(
                x=series["month_end"],
                y=series[column],
                name=name,
                line={"color": colour, "width": 3, "dash": dash, "shape": "hv"},
                mode="lines+markers" if symbol else "lines",
                marker={"symbol": symbol or "circle", "size": 8},
                hovertemplate="%{x|%b %Y}: %{y} " + name.lower() + "<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="Commitments", rangemode="tozero", gridcolor=GRID)
    fig.update_xaxes(title_text=None)
    return base_layout(fig, title="Burn-up: commitments complete against commitments due", height=height, source=source)


class TrackerRow(TypedDict):
    """The fields of one ``query_tracker`` row that the progress chart and its view read."""

    commitment_id: int
    reference: str
    start_date: date
    due_date: date
    percent: float
    time_elapsed_pct: float
    rag: str


def build_progress_chart(updates: pd.DataFrame, row: TrackerRow, *, as_of: date, source: str, height: int) -> go.Figure:
    """One commitment's percent complete at each update, against the pace that would finish it on its due date."""
    own = updates[
        (updates["commitment_id"] == row["commitment_id"]) & (pd.to_datetime(updates["updated_on"]).dt.date <= as_of)
    ].sort_values("updated_on")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[row["start_date"], row["due_date"]],
            y=[0, 100],
            name="Pace to finish on time",
            mode="lines",
            line={"color": GREY, "dash": "dot", "width": 2},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=own["updated_on"],
            y=own["percent"],
            name="Recorded progress",
            mode="lines+markers",
            line={"color": RAG_COMPLETE, "width": 3, "shape": "hv"},
            marker={"size": 10},
            customdata=list(zip(own["status"], own["commentary"].map(text.plotly))),
            hovertemplate="%{x|%d %b %Y}: %{y:.0f}% (%{customdata[0]})<br>%{customdata[1]}<extra></extra>",
        )
    )
    fig.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line={"color": TEXT, "width": 1, "dash": "dash"})
    fig.update_yaxes(title_text="% complete", range=[0, 105], ticksuffix="%", gridcolor=GRID)
    fig.update_xaxes(title_text=None)
    return base_layout(fig, title=f"{row['reference']}: progress over time", height=height, source=source)


TRACKER_COLUMNS: dict[str, str] = {
    "rag_label": "RAG",
    "reference": "Ref",
    "title": "Commitment",
    "owner": "Owner",
    "theme": "Priority or theme",
    "level": "Level",
    "strategy": "Strategy",
    "status": "Status",
    "percent": "% complete",
    "start_date": "Start",
    "due_date": "Due",
    "updated_on": "Last update",
    "commentary": "Latest commentary",
    "override_reason": "Why RAG was set",
}


def build_tracker_table(tracker: pd.DataFrame) -> pd.DataFrame:
    """The tracker as people read it: RAG as text with its shape first, then the commitment."""
    table = tracker[list(TRACKER_COLUMNS)].rename(columns=TRACKER_COLUMNS)
    table["Why RAG was set"] = table["Why RAG was set"].fillna("")
    return table


def filter_tracker(
    tracker: pd.DataFrame,
    *,
    strategies: list[str],
    themes: list[str],
    levels: list[str],
    owners: list[str],
    rags: list[str],
) -> pd.DataFrame:
    """The commitments matching every filter given (an empty filter keeps everything)."""
    keep = pd.Series(True, index=tracker.index)
    for column, chosen in (
        ("strategy", strategies),
        ("theme", themes),
        ("level", levels),
        ("owner", owners),
        ("rag", rags),
    ):
        if chosen:
            keep &= tracker[column].isin(chosen)
    return tracker[keep]
