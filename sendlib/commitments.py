"""Commitments from the strategies: who owns them, when they are due, and their dated progress.

A commitment is worded as its strategy words it. Its owner and dates are a *plan*; progress is a sequence
of dated *updates* (status and percent complete, with commentary and evidence). Nothing is overwritten: a
new owner, a new due date or a new update is a new dated row, so the history of each commitment is kept.
A commitment may be linked to the reach gaps it is meant to close (e.g. children on SEN support), which is
how the Reach gaps page says what is planned about a gap.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from sendlib.auth import Actor, require
from sendlib.engagement import CATEGORIES, LEVELS, read_category
from sendlib import entries
from sendlib.entries import EntryError
from sendlib.store import Store

STATUSES: tuple[str, ...] = ("not started", "in progress", "complete", "paused", "dropped")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class CommitmentError(EntryError):
    """A commitment entry was refused; the message says what to correct."""


def _clean(value: str | None, field: str, *, required: bool, limit: int = entries.MAX_TEXT) -> str:
    return entries.clean_text(value, field, required=required, limit=limit, error=CommitmentError)


def _choose(value: str, allowed: tuple[str, ...], what: str) -> str:
    text = (value or "").strip().casefold()
    for option in allowed:
        if text == option.casefold():
            return option
    raise CommitmentError(f"'{(value or '').strip()[:40]}' is not a {what}; use one of: {', '.join(allowed)}.")


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


def add_commitment(store: Store, actor: Actor, *, reference: str, title: str, full_text: str, strategy: str,
                   section: str, theme: str, level: str, owner: str, start_date: date, due_date: date) -> int:
    """Add a commitment with its first plan (owner and dates); returns its id."""
    require(actor, "edit")
    reference = _clean(reference, "The reference", required=True, limit=40)
    title = _clean(title, "The title", required=True, limit=200)
    full_text = _clean(full_text, "The full text", required=False) or title
    strategy = _clean(strategy, "The strategy", required=True, limit=200)
    section = _clean(section, "The section", required=False, limit=200)
    theme = _clean(theme, "The priority or theme", required=False, limit=200)
    level = _choose(level, LEVELS, "level")
    owner = _clean(owner, "The owner", required=True, limit=120)
    start_date, due_date = check_dates(start_date, due_date)
    with store.transaction() as tx:
        if tx.fetch_value("SELECT count(*) FROM commitments WHERE lower(reference) = lower(?)", [reference]):
            raise CommitmentError(f"There is already a commitment '{reference}'.")
        commitment_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        now = datetime.now()
        tx.execute("INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [commitment_id, reference, title, full_text, strategy, section, theme, level, now, actor.name])
        tx.execute("INSERT INTO commitment_plans VALUES (nextval('commitment_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?)",
                   [commitment_id, owner, start_date, due_date, start_date, "first plan", now, actor.name])
    return commitment_id


def record_update(store: Store, actor: Actor, *, reference: str, updated_on: date, status: str, percent: float,
                  commentary: str, evidence_link: str = "", updated_by: str = "", today: date | None = None) -> int:
    """Record a dated progress update; returns its id. Complete means 100%; not started means 0%."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    latest = today or date.today()
    if not isinstance(updated_on, date) or not EARLIEST <= updated_on <= latest:
        raise CommitmentError(f"The update date must be between 2000 and today ({latest:%d %B %Y}).")
    status = _choose(status, STATUSES, "status")
    percent = check_percent(percent)
    if status == "complete" and percent != 100:
        raise CommitmentError("A complete commitment is 100% done: set percent complete to 100 or choose another status.")
    if status == "not started" and percent != 0:
        raise CommitmentError("A commitment not yet started is 0% done: set percent to 0 or choose 'in progress'.")
    commentary = _clean(commentary, "The commentary", required=True)
    evidence_link = _clean(evidence_link, "The evidence link", required=False, limit=500)
    updated_by = _clean(updated_by, "Who updated it", required=False, limit=120) or actor.name
    with store.transaction() as tx:
        update_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        tx.execute("INSERT INTO commitment_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [update_id, commitment_id, updated_on, status, percent, commentary, evidence_link, updated_by,
                    datetime.now(), actor.name])
    return update_id


def link_reach_gap(store: Store, actor: Actor, *, reference: str, dimension: str, category: str) -> None:
    """Say that a commitment is meant to close the reach gap of a group (e.g. provision, SEN support)."""
    require(actor, "edit")
    commitment_id = _commitment_id(store, reference)
    dimension = _choose(dimension, tuple(CATEGORIES), "group dimension")
    category = read_category(dimension, category)
    with store.transaction() as tx:
        tx.execute("INSERT OR IGNORE INTO commitment_reach_links VALUES (?, ?, ?)", [commitment_id, dimension, category])


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
           ORDER BY c.reference""")


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
            f"{row['title']} ({done}, due {row['due_date']:%B %Y})")
    return plans
