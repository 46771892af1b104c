"""The load log: every load (census, engagement, EHC plans) and rejected attempt, newest first, and undo.

Undo never deletes: it marks the load undone, and the view ``census_current`` falls back, for each
(period, area) that load touched, to the newest earlier load still in force (``ehcp_current`` likewise for each
dataset, period and area of an EHC plan load).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.codes import format_period
from sendlib.errors import IngestError
from sendlib.store import Params, Store


class UndoError(IngestError, ValueError):
    """The load cannot be undone; the message says why."""


class PreviewOutOfDate(IngestError):
    """A load was confirmed from a preview that no longer matches the store (another load of the same kind, or an
    undo, came in between): nothing was written; the message says what changed and to check the file again."""


class AlreadyLoaded(IngestError):
    """Raised inside a load's write when these very bytes are in force already (another officer loaded them a
    moment before): the write is rolled back, and the loader reports the earlier load instead."""

    def __init__(self, load_id: int) -> None:
        super().__init__(f"This file is already loaded (load {load_id}).")
        self.load_id = load_id


# What each kind of load changes, as the message about an out-of-date preview names it.
_WHAT_LOADS_CHANGE = {
    "census": "The census",
    "engagement": "The engagement activities",
    "ehcp": "The EHC plan figures",
}
ReadValue = Callable[[str, Params], Any]  # Store.query_value, or Transaction.fetch_value inside a write


def load_log_version(read: ReadValue, kind: str) -> str:
    """A token that changes whenever a ``kind`` of load is loaded or undone, and only then (a rejected attempt,
    or an edit elsewhere, changes nothing a preview showed). A preview keeps it; the load compares it."""
    return str(
        read(
            """SELECT concat(coalesce(max(load_id), 0), '/', count(undone_at)) FROM loads
                       WHERE kind = ? AND outcome <> 'rejected'""",
            [kind],
        )
    )


def refuse_if_changed(read: ReadValue, kind: str, checked_version: str | None) -> None:
    """Raise PreviewOutOfDate when the ``kind`` loads have changed since ``checked_version`` was taken (None:
    there was no preview, as on the command line). Call it inside the load's write, so nothing can come between."""
    if checked_version is None or load_log_version(read, kind) == checked_version:
        return
    # The newest loading or undoing of this kind, as times of day read from the log (no time-zone arithmetic).
    load_id, loaded_at, undone_at = read(
        """SELECT [CAST(load_id AS VARCHAR), strftime(loaded_at, '%H:%M'), strftime(undone_at, '%H:%M')] FROM loads
           WHERE kind = ? AND outcome <> 'rejected'
           ORDER BY greatest(loaded_at, coalesce(undone_at, loaded_at)) DESC, load_id DESC LIMIT 1""",
        [kind],
    ) or [None, None, None]
    if undone_at is not None:
        change = f"load {load_id} was undone at {undone_at}"
    elif loaded_at is not None:
        change = f"another load at {loaded_at}"
    else:
        change = "the loads were changed"
    raise PreviewOutOfDate(
        f"{_WHAT_LOADS_CHANGE.get(kind, 'The data')} changed since you checked this file "
        f"({change}). Check it again to see what it would change."
    )


def query_load_history(store: Store, limit: int | None = None) -> pd.DataFrame:
    """Every load attempt, newest first: id, when, who, file, format, rows, periods, outcome, message."""
    sql = """SELECT load_id, kind, loaded_at, loaded_by, file_name, file_size, sha256, format, rows_read, rows_stored,
                    periods, areas, warnings, outcome, message, undone_at, undone_by
             FROM loads ORDER BY load_id DESC"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return store.query_df(sql)


def build_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The load log as people read it: one row per attempt, plain column names, census periods spelt out."""

    def periods(text: object) -> str:
        return ", ".join(format_period(p) for p in json.loads(text)) if isinstance(text, str) else ""

    table = pd.DataFrame(
        {
            "Load": history["load_id"],
            "Kind": history["kind"],
            "When": history["loaded_at"].dt.strftime("%d %b %Y %H:%M"),
            "Who": history["loaded_by"],
            "File": history["file_name"],
            "Format": history["format"].fillna(""),
            "Rows stored": history["rows_stored"].astype("Int64"),
            "Periods": history["periods"].map(periods),
            "Outcome": history["outcome"],
            "Size (KB)": (history["file_size"] / 1024).round(1),
            "SHA-256": history["sha256"].str[:12],
        }
    )
    return table


def undo_load(store: Store, load_id: int, actor: Actor) -> str:
    """Mark load ``load_id`` undone so the earlier version of its rows is in force again.

    Only officers may undo (PermissionDenied otherwise). Raises UndoError for an unknown, rejected or
    already-undone load.
    """
    require(actor, "undo")
    with store.transaction() as tx:
        row = tx.fetchall("SELECT outcome, file_name, kind FROM loads WHERE load_id = ?", [load_id])
        if not row:
            raise UndoError(f"There is no load {load_id}; 'history' lists the loads.")
        outcome, file_name, kind = row[0]
        if outcome != "loaded":
            raise UndoError(f"Load {load_id} ({file_name}) was {outcome}; only a load in force can be undone.")
        tx.execute(
            "UPDATE loads SET outcome = 'undone', undone_at = ?, undone_by = ? WHERE load_id = ?",
            [datetime.now(), actor.name, load_id],
        )
    if kind == "census":
        return f"Undid load {load_id} ({file_name}); the census as it was before that load is back in force."
    if kind == "ehcp":
        return (
            f"Undid load {load_id} ({file_name}); the EHC plan figures as they were before that load are back in force."
        )
    return f"Undid load {load_id} ({file_name}); its {kind} records no longer count anywhere."
