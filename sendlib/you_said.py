"""'You said, we did': what families and young people said, and what was done about it.

An item records what was said, when and by which group (and the engagement activity it came from, where
there is one), and the commitments it is linked to. Responses ("we did") are dated rows; the latest says
whether the item is *open* (we are working on it) or *closed*, and when it was published. Only published
responses are shown to families. Nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

import pandas as pd

from sendlib import entries
from sendlib.auth import Actor, require
from sendlib.entries import EntryError
from sendlib.store import Store, Transaction

STATES: tuple[str, ...] = ("open", "closed")
SAID_BY: tuple[str, ...] = (
    "children and young people",
    "parent carers",
    "children, young people and parent carers",
    "practitioners",
    "other",
)
EARLIEST = date(2000, 1, 1)


class YouSaidError(EntryError):
    """A 'you said, we did' entry was refused; the message says what to correct."""


def _clean(value: str | None, field: str, *, required: bool, limit: int = entries.MAX_TEXT) -> str:
    return entries.clean_text(value, field, required=required, limit=limit, error=YouSaidError)


def _check_date(value: date, what: str, today: date | None) -> date:
    latest = today or date.today()
    if not isinstance(value, date) or not EARLIEST <= value <= latest:
        raise YouSaidError(f"{what} must be between 2000 and today ({latest:%d %B %Y}).")
    return value


@dataclass(frozen=True)
class NewItem:
    """A 'you said' item checked and ready to write: ``activity_id`` and ``commitment_ids`` found in the store."""

    said_on: date
    said_by: str
    what_was_said: str
    theme: str
    activity_id: int | None
    commitment_ids: tuple[int, ...]


def check_item(
    store: Store,
    *,
    said_on: date,
    said_by: str,
    what_was_said: str,
    theme: str,
    activity_reference: str = "",
    commitment_references: list[str] | None = None,
    today: date | None = None,
) -> NewItem:
    """What was said, checked (dates, group, text limits, the activity and commitments named exist); raises
    YouSaidError saying what to correct. Writes nothing."""
    said_on = _check_date(said_on, "The date it was said", today)
    if said_by not in SAID_BY:
        raise YouSaidError(f"'{said_by[:40]}' is not a group; use one of: {', '.join(SAID_BY)}.")
    what_was_said = _clean(what_was_said, "What was said", required=True)
    theme = _clean(theme, "The theme", required=True, limit=entries.MAX_THEME)
    activity_id = None
    if activity_reference.strip():
        activity_id = store.query_value(
            "SELECT activity_id FROM engagement_current WHERE lower(reference) = lower(?)", [activity_reference.strip()]
        )
        if activity_id is None:
            raise YouSaidError(f"There is no engagement activity '{activity_reference.strip()[:40]}'.")
    if len(commitment_references or []) > entries.MAX_LINKED:
        raise YouSaidError(
            f"An item can be linked to at most {entries.MAX_LINKED} commitments; "
            f"{len(commitment_references or []):,} were given."
        )
    ids = []
    for reference in commitment_references or []:
        found = store.query_value(
            "SELECT commitment_id FROM commitments WHERE lower(reference) = lower(?)", [reference]
        )
        if found is None:
            raise YouSaidError(f"There is no commitment '{reference[:40]}'.")
        ids.append(int(found))
    return NewItem(said_on, said_by, what_was_said, theme, activity_id, tuple(sorted(set(ids))))


def insert_item(tx: Transaction, item: NewItem, actor: Actor) -> int:
    """Write a checked item and its commitment links inside the caller's transaction; its id. (For a write that
    must go with another in one transaction, as a feedback message turned into an item.)"""
    require(actor, "edit")
    item_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
    tx.execute(
        "INSERT INTO you_said VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            item_id,
            item.said_on,
            item.said_by,
            item.what_was_said,
            item.theme,
            item.activity_id,
            datetime.now(),
            actor.name,
        ],
    )
    for commitment_id in item.commitment_ids:
        tx.execute("INSERT INTO you_said_links VALUES (?, ?)", [item_id, commitment_id])
    return item_id


def add_item(
    store: Store,
    actor: Actor,
    *,
    said_on: date,
    said_by: str,
    what_was_said: str,
    theme: str,
    activity_reference: str = "",
    commitment_references: list[str] | None = None,
    today: date | None = None,
) -> int:
    """Record what was said (and, optionally, the activity it came from and the commitments it bears on)."""
    require(actor, "edit")
    item = check_item(
        store,
        said_on=said_on,
        said_by=said_by,
        what_was_said=what_was_said,
        theme=theme,
        activity_reference=activity_reference,
        commitment_references=commitment_references,
        today=today,
    )
    with store.transaction() as tx:
        return insert_item(tx, item, actor)


def respond(
    store: Store,
    actor: Actor,
    *,
    item_id: int,
    what_we_did: str,
    state: str,
    published_on: date | None,
    today: date | None = None,
) -> int:
    """Record what was done (open: still working on it; closed: done), published from ``published_on``
    (None: not yet published, so families do not see it). Returns the response's id."""
    require(actor, "edit")
    if not store.query_value("SELECT count(*) FROM you_said WHERE item_id = ?", [int(item_id)]):
        raise YouSaidError(f"There is no 'you said' item {item_id}.")
    what_we_did = _clean(what_we_did, "What we did", required=True)
    if state not in STATES:
        raise YouSaidError(f"'{state[:20]}' is not a state; use open (working on it) or closed (done).")
    if published_on is not None:
        _check_date(published_on, "The publication date", today)
    with store.transaction() as tx:
        response_id = int(tx.fetch_value("SELECT nextval('commitment_id_seq')"))
        tx.execute(
            "INSERT INTO we_did VALUES (?, ?, ?, ?, ?, ?, ?)",
            [response_id, int(item_id), what_we_did, state, published_on, datetime.now(), actor.name],
        )
    return response_id


def query_items(store: Store, as_of: date) -> pd.DataFrame:
    """Every item with its latest response published by ``as_of`` (a draft never hides one): item_id, said_on,
    said_by, what_was_said, theme, activity_id (None: from no activity), activity_title, what_we_did, state,
    published_on (None: not published by ``as_of``), commitments (reference: title, status, one per line). Newest
    publication first, unpublished last."""
    return store.query_df(
        """WITH latest AS (SELECT * FROM we_did WHERE published_on <= ? QUALIFY row_number() OVER
                              (PARTITION BY item_id ORDER BY recorded_at DESC, response_id DESC) = 1),
                status AS (SELECT commitment_id, status FROM commitment_updates QUALIFY row_number() OVER
                              (PARTITION BY commitment_id ORDER BY updated_on DESC, update_id DESC) = 1),
                linked AS (SELECT l.item_id, string_agg(c.title || ' (' || coalesce(s.status, 'not started') || ')',
                                                        '; ' ORDER BY c.reference) AS commitments
                           FROM you_said_links l JOIN commitments c USING (commitment_id)
                           LEFT JOIN status s USING (commitment_id) GROUP BY l.item_id)
           SELECT y.item_id, y.said_on, y.said_by, y.what_was_said, y.theme, y.activity_id, a.title AS activity_title,
                  r.what_we_did, r.state, r.published_on,
                  coalesce(k.commitments, '') AS commitments
           FROM you_said y LEFT JOIN latest r USING (item_id) LEFT JOIN engagement_activities a USING (activity_id)
           LEFT JOIN linked k USING (item_id)
           ORDER BY published_on DESC NULLS LAST, y.said_on DESC, y.item_id DESC""",
        [as_of],
    )


def published_by_theme(items: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The published items grouped by theme, each group newest first, the group with the newest item first."""
    published = items[items["published_on"].notna()]
    groups = [
        (str(theme), part.sort_values("published_on", ascending=False))  # theme: a text column
        for theme, part in published.groupby("theme", sort=False)
    ]
    return sorted(groups, key=lambda group: group[1]["published_on"].max(), reverse=True)


class ItemRow(TypedDict):
    """The fields of one ``query_items`` row that :func:`describe_item` reads (a published item)."""

    what_was_said: str
    said_by: str
    said_on: date
    what_we_did: str
    state: str
    published_on: date
    commitments: str


def describe_item(row: ItemRow) -> tuple[str, str, str]:
    """An item in plain words: ('You said: …', 'We did: …' or 'What we are doing: …', the line under it)."""
    said = f"You said: “{row['what_was_said']}”"
    lead = "We did" if row["state"] == "closed" else "What we are doing"
    did = f"{lead}: {row['what_we_did']}"
    when = pd.Timestamp(row["published_on"])
    said_on = pd.Timestamp(row["said_on"])
    footer = f"Said by {row['said_by']} in {said_on:%B %Y}; published {when.day} {when:%B %Y}."
    if row.get("commitments"):
        footer += f" Linked to: {row['commitments']}."
    return said, did, footer


def summarise_items(items: pd.DataFrame) -> str:
    """One sentence: how many published items, how many still being worked on."""
    published = items[items["published_on"].notna()]
    if published.empty:
        return "Nothing has been published yet."
    working = int((published["state"] == "open").sum())
    return (
        f"{len(published)} things you told us, and what we did about them; {working} "
        f"{'is' if working == 1 else 'are'} still being worked on."
    )
