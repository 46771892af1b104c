"""The load log: every census load and rejected attempt, newest first, and undo.

Undo never deletes: it marks the load undone, and the view ``census_current`` falls back, for each
(period, area) that load touched, to the newest earlier load still in force.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.codes import format_period
from sendlib.store import Store


class UndoError(ValueError):
    """The load cannot be undone; the message says why."""


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

    table = pd.DataFrame({
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
    })
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
    return f"Undid load {load_id} ({file_name}); its {kind} records no longer count anywhere."
