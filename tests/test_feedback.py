"""Feedback: anyone may send it (signed in or not), hostile input is refused plainly with nothing written, only
officers read it, and an officer can make a message into a "you said" item, once, in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sendlib import feedback, you_said
from sendlib.auth import COMMISSIONER, FORUM, Actor, PermissionDenied
from sendlib.store import Store
from tests.conftest import TEST_OFFICER
from tests.fixtures import ROLE_ACTORS, run_app

VISITOR = Actor("visitor (not signed in)", FORUM)  # ui.ANONYMOUS_FORUM


def _rows(store: Store) -> list[tuple]:
    return store.query_rows("SELECT role, page, message, contact, item_id FROM feedback ORDER BY feedback_id")


def test_anyone_sends_feedback_and_no_account_is_kept(store: Store) -> None:
    for actor in (VISITOR, ROLE_ACTORS[FORUM], ROLE_ACTORS[COMMISSIONER]):
        feedback.send_feedback(store, actor, message="  The charts are hard to read on my phone. ", page="Reach gaps")
    feedback.send_feedback(store, VISITOR, message="<script>alert(1)</script>", contact="ring 0191 000 0000")
    rows = _rows(store)
    assert rows[0] == ("forum", "Reach gaps", "The charts are hard to read on my phone.", "", None)
    assert rows[3] == ("forum", "", "<script>alert(1)</script>", "ring 0191 000 0000", None)  # kept as text
    assert [row[0] for row in rows] == ["forum", "forum", "commissioner", "forum"]
    stored = " ".join(str(cell) for row in store.query_rows("SELECT * FROM feedback") for cell in row)
    assert "example.invalid" not in stored  # the sender's account never


@pytest.mark.parametrize(
    ("message", "contact", "page", "refusal"),
    [
        ("", "", "", "Your feedback is required."),
        ("\x00\x07\u200b\u202e", "", "", "Your feedback is required."),  # control characters only
        ("x" * (feedback.MAX_MESSAGE + 1), "", "", f"keep it to {feedback.MAX_MESSAGE:,}"),
        ("Fine.", "y" * (feedback.MAX_CONTACT + 1), "", f"keep it to {feedback.MAX_CONTACT:,}"),
        ("Fine.", "me@example.org\nBcc: all@example.org", "", "How to reply must be one line"),
        ("Fine.", "", "p" * (feedback.MAX_PAGE + 1), "The page is"),
    ],
)
def test_hostile_feedback_is_refused_plainly_and_nothing_is_written(
    store: Store, message: str, contact: str, page: str, refusal: str
) -> None:
    with pytest.raises(feedback.FeedbackError, match=refusal):
        feedback.send_feedback(store, VISITOR, message=message, contact=contact, page=page)
    assert _rows(store) == []


def test_a_flood_is_stopped_and_old_feedback_is_deleted(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2026, 12, 1, 12, 0)
    feedback.send_feedback(store, VISITOR, message="Old news.", keep_months=24, now=now - timedelta(days=800))
    feedback.send_feedback(store, VISITOR, message="Recent.", keep_months=24, now=now - timedelta(days=300))
    feedback.send_feedback(store, VISITOR, message="Today.", keep_months=24, now=now)
    assert [row[2] for row in _rows(store)] == ["Recent.", "Today."]  # 800 days is past 24 months
    monkeypatch.setattr(feedback, "MAX_PER_HOUR", 2)  # the limit, made small to reach it
    feedback.send_feedback(store, VISITOR, message="Second this hour.", now=now)
    with pytest.raises(feedback.FeedbackError, match="a lot of feedback in the last hour"):
        feedback.send_feedback(store, VISITOR, message="Third.", now=now)
    assert len(_rows(store)) == 3


def test_only_officers_read_feedback(store: Store) -> None:
    feedback.send_feedback(store, VISITOR, message="Hello.", contact="me@example.org")
    for role in (FORUM, COMMISSIONER):
        with pytest.raises(PermissionDenied):
            feedback.query_feedback(store, ROLE_ACTORS[role])
    read = feedback.query_feedback(store, TEST_OFFICER)
    assert list(read["message"]) == ["Hello."] and list(read["contact"]) == ["me@example.org"]


def test_a_message_becomes_a_you_said_item_once_in_one_transaction(demo_store: Store) -> None:
    sent = feedback.send_feedback(demo_store, VISITOR, message="We never hear back after surveys.", contact="x@y.org")
    items_before = demo_store.query_value("SELECT count(*) FROM you_said")
    with pytest.raises(PermissionDenied):
        feedback.make_you_said(
            demo_store, ROLE_ACTORS[COMMISSIONER], sent, said_by="parent carers", theme="Being heard"
        )
    # Refused for a commitment that does not exist: no item, no link, the message still unused.
    with pytest.raises(you_said.YouSaidError, match="There is no commitment 'NOPE'"):
        feedback.make_you_said(
            demo_store, TEST_OFFICER, sent, said_by="parent carers", theme="Being heard", commitment_references=["NOPE"]
        )
    assert demo_store.query_value("SELECT count(*) FROM you_said") == items_before
    assert demo_store.query_value("SELECT item_id FROM feedback WHERE feedback_id = ?", [sent]) is None

    item = feedback.make_you_said(
        demo_store,
        TEST_OFFICER,
        sent,
        said_by="parent carers",
        theme="Being heard",
        what_was_said="Tell us what happened after the survey.",
        activity_reference="MES-01",
        commitment_references=["B-C06"],
    )
    said, activity, links = demo_store.query_rows(
        "SELECT what_was_said, activity_id, (SELECT count(*) FROM you_said_links l WHERE l.item_id = y.item_id) "
        "FROM you_said y WHERE item_id = ?",
        [item],
    )[0]
    assert said == "Tell us what happened after the survey." and activity is not None and links == 1
    used = demo_store.query_rows("SELECT item_id, used_by FROM feedback WHERE feedback_id = ?", [sent])[0]
    assert used == (item, TEST_OFFICER.name)
    with pytest.raises(feedback.FeedbackError, match=f"already 'you said' item {item}"):
        feedback.make_you_said(demo_store, TEST_OFFICER, sent, said_by="parent carers", theme="Being heard")
    assert demo_store.query_value("SELECT count(*) FROM you_said") == items_before + 1
    with pytest.raises(feedback.FeedbackError, match="There is no feedback message 999"):
        feedback.make_you_said(demo_store, TEST_OFFICER, 999, said_by="parent carers", theme="Being heard")


# -- the page ------------------------------------------------------------------------------------------------------
def _button(at, label: str):
    return next(button for button in at.button if button.label == label)


def test_the_forum_sends_feedback_from_the_page_but_cannot_read_it(demo_db) -> None:
    at = run_app("pages/feedback.py", ROLE_ACTORS[FORUM])
    at.text_area(key="feedback_message").input("The Easy read page helped me a lot.")
    at.text_input(key="feedback_contact").input("07700 900000")
    _button(at, "Send feedback").click().run()
    assert not at.exception and not at.error
    assert any("Your feedback has been sent." in s.value for s in at.success)
    assert at.text_area(key="feedback_message").value == ""  # the form starts empty again
    assert not any("Feedback received" in h.value for h in at.header)
    stored = Store.open(demo_db)
    assert stored.query_rows("SELECT role, message, contact FROM feedback") == [
        ("forum", "The Easy read page helped me a lot.", "07700 900000")
    ]
    stored.close()

    officer = run_app("pages/feedback.py", ROLE_ACTORS["officer"])
    assert any("Feedback received" in h.value for h in officer.header)
    assert "The Easy read page helped me a lot." in officer.dataframe[0].value["Feedback"].tolist()
    officer.text_input(key="feedback_theme").input("Information")
    _button(officer, "Make it a 'you said' item").click().run()
    assert not officer.exception and not officer.error, [e.value for e in officer.error]
    assert any("into a 'you said' item" in s.value for s in officer.success)


def test_a_visitor_not_signed_in_reaches_the_public_pages_and_sends_feedback(demo_db) -> None:
    at = run_app("pages/feedback.py", actor=None)
    assert not at.exception
    at.text_area(key="feedback_message").input("Signed out and still heard.")
    _button(at, "Send feedback").click().run()
    assert any("Your feedback has been sent." in s.value for s in at.success)
    for page, title in (
        ("pages/accessibility.py", "Accessibility statement"),
        ("pages/privacy.py", "Privacy notice"),
        ("pages/cookies.py", "Cookies"),
    ):
        opened = run_app(page, actor=None)
        assert not opened.exception and opened.title[0].value == title
