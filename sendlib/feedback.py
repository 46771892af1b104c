"""Feedback about the service: sent from the Feedback page by anyone (signed in or not), read by officers, and
turned by an officer into a "you said" item.

Contract:
- ``send_feedback`` needs no personal data: the message, optionally the page it is about, and optionally a way
  to reply (a contact line the sender chooses to leave). The sender's account is never stored, only the role
  they used (a visitor not signed in is the forum role). Each entry is checked like every form
  (``sendlib.entries``: control characters dropped, limits named, blank refused) and refused with a
  ``FeedbackError``, nothing written. At most ``MAX_PER_HOUR`` messages are taken in any hour, so a script
  cannot fill the store from the public form.
- Messages older than ``public.feedback_months`` are deleted whenever feedback is sent or read (the privacy
  notice promises it).
- ``query_feedback`` is for roles that may ``read feedback`` (officers); ``make_you_said`` writes the "you said"
  item and marks the message used in one transaction: a refused item leaves the message as it was, and a message
  already used is refused, never made twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from sendlib import entries, you_said
from sendlib.auth import Actor, require
from sendlib.entries import EntryError
from sendlib.store import Store, Transaction

MAX_MESSAGE = entries.MAX_TEXT  # a person's words fit; a pasted document does not
MAX_CONTACT = 200  # an e-mail address, a phone number or a line such as "ring me after 4"
MAX_PAGE = entries.MAX_TITLE
MAX_PER_HOUR = 300  # far above what people send; a script filling the store is stopped
DAYS_PER_MONTH = 30.44


class FeedbackError(EntryError):
    """A feedback message, or turning one into a "you said" item, was refused; the message says why."""


def _cutoff(months: int, now: datetime) -> datetime:
    return now - timedelta(days=months * DAYS_PER_MONTH)


def _remove_expired(tx: Transaction, months: int, now: datetime) -> None:
    tx.execute("DELETE FROM feedback WHERE received_at < ?", [_cutoff(months, now)])


def send_feedback(
    store: Store,
    actor: Actor,
    *,
    message: str,
    page: str = "",
    contact: str = "",
    keep_months: int = 24,
    now: datetime | None = None,
) -> int:
    """Store one feedback message (``message`` required; ``page`` and ``contact`` optional); its id. Raises
    FeedbackError for a blank or over-long entry, or when ``MAX_PER_HOUR`` messages came in the last hour."""
    require(actor, "give feedback")
    message = entries.clean_text(message, "Your feedback", required=True, limit=MAX_MESSAGE, error=FeedbackError)
    page = entries.clean_text(page, "The page", required=False, limit=MAX_PAGE, error=FeedbackError)
    contact = entries.clean_text(contact, "How to reply", required=False, limit=MAX_CONTACT, error=FeedbackError)
    if "\n" in contact:
        raise FeedbackError("How to reply must be one line: an e-mail address or a phone number.")
    at = now or datetime.now()
    with store.transaction(counts_as_change=False) as tx:  # feedback changes no figure: keep the caches
        recent = tx.fetch_value("SELECT count(*) FROM feedback WHERE received_at > ?", [at - timedelta(hours=1)])
        if recent >= MAX_PER_HOUR:
            raise FeedbackError("We have had a lot of feedback in the last hour. Please try again later.")
        _remove_expired(tx, keep_months, at)
        feedback_id = int(tx.fetch_value("SELECT nextval('feedback_id_seq')"))
        tx.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
            [feedback_id, at, actor.role, page, message, contact],
        )
    return feedback_id


def query_feedback(store: Store, actor: Actor, *, keep_months: int = 24, now: datetime | None = None) -> pd.DataFrame:
    """Every message kept, newest first (expired ones deleted first): feedback_id, received_at, role, page,
    message, contact, item_id (the "you said" item made of it, or missing), used_at, used_by. Officers only."""
    require(actor, "read feedback")
    with store.transaction(counts_as_change=False) as tx:
        _remove_expired(tx, keep_months, now or datetime.now())
    return store.query_df("SELECT * FROM feedback ORDER BY received_at DESC, feedback_id DESC")


def make_you_said(
    store: Store,
    actor: Actor,
    feedback_id: int,
    *,
    said_by: str,
    theme: str,
    what_was_said: str | None = None,
    activity_reference: str = "",
    commitment_references: list[str] | None = None,
    today: date | None = None,
) -> int:
    """Turn a feedback message into a "you said" item (its words, or the officer's summary of them in
    ``what_was_said``, dated the day it was received) and mark the message used, in one transaction; the item's id.
    Refused (FeedbackError, nothing written) when the message is gone or already used, or when the item is not
    valid (``you_said.check_item``'s message)."""
    require(actor, "read feedback")
    require(actor, "edit")
    rows = store.query_rows("SELECT message, received_at, item_id FROM feedback WHERE feedback_id = ?", [feedback_id])
    if not rows:
        raise FeedbackError(f"There is no feedback message {feedback_id} (it may have been deleted).")
    message, received_at, used = rows[0]
    if used is not None:
        raise FeedbackError(f"Feedback message {feedback_id} is already 'you said' item {used}.")
    item = you_said.check_item(
        store,
        said_on=received_at.date(),
        said_by=said_by,
        what_was_said=message if what_was_said is None else what_was_said,
        theme=theme,
        activity_reference=activity_reference,
        commitment_references=commitment_references,
        today=today,
    )
    with store.transaction() as tx:
        # Checked again inside the transaction: two officers pressing at once make one item, not two.
        if tx.fetch_value("SELECT item_id FROM feedback WHERE feedback_id = ?", [feedback_id]) is not None:
            raise FeedbackError(f"Feedback message {feedback_id} has just been made into a 'you said' item.")
        item_id = you_said.insert_item(tx, item, actor)
        tx.execute(
            "UPDATE feedback SET item_id = ?, used_at = ?, used_by = ? WHERE feedback_id = ? AND item_id IS NULL",
            [item_id, datetime.now(), actor.name, feedback_id],
        )
    return item_id
