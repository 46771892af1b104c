"""Every text field of every form has a limit: text of exactly the limit is stored, one character more is refused
with a message naming the limit, and the page's box stops typing at the same limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib import commitments, engagement, entries, stakeholders, you_said
from sendlib.auth import OFFICER, Actor, add_user
from sendlib.entries import EntryError
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER

DAY = date(2026, 3, 2)


def add_commitment(store: Store, **text: str) -> object:
    fields = {
        "reference": "C-1",
        "title": "A commitment",
        "full_text": "",
        "strategy": "S",
        "section": "",
        "theme": "",
        "owner": "Head of SEND",
    }
    return commitments.add_commitment(
        store,
        TEST_OFFICER,
        level="meso",
        start_date=date(2026, 1, 1),
        due_date=date(2026, 12, 31),
        **{**fields, **text},
    )


def with_commitment(edit: Callable[[Store, str], object]) -> Callable[[Store, str], object]:
    def run(store: Store, text: str) -> object:
        add_commitment(store)
        return edit(store, text)

    return run


def activity(store: Store, **text: str) -> object:
    lundy_evidence = text.pop("lundy", "")
    fields = {"reference": "A-1", "title": "A survey", "lead_organisation": "", "notes": ""}
    made = engagement.Activity(
        activity_date=DAY,
        level="meso",
        audience="both",
        method="survey",
        hart_rung=5,
        feedback_given=True,
        counts=engagement.counts_for(engagement.CYP, 10),
        lundy={"voice": (bool(lundy_evidence), lundy_evidence)},
        **{**fields, **text},
    )
    return engagement.record_activity(store, TEST_OFFICER, made, today=date(2026, 11, 1))


def with_group(edit: Callable[[Store, int, str], object]) -> Callable[[Store, str], object]:
    def run(store: Store, text: str) -> object:
        group = stakeholders.add_group(
            store, TEST_OFFICER, name="Parent carer forum", description="", kind="other", engagement="engage"
        )
        return edit(store, group, text)

    return run


def add_said(store: Store, text: str, theme: str = "Being heard") -> int:
    return you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=DAY,
        said_by="parent carers",
        what_was_said=text,
        theme=theme,
        today=date(2026, 11, 1),
    )


# (form field, how to submit text in it, its limit)
FIELDS: list[tuple[str, Callable[[Store, str], object], int]] = [
    ("commitment reference", lambda s, t: add_commitment(s, reference=t), entries.MAX_COMMITMENT_REFERENCE),
    ("commitment title", lambda s, t: add_commitment(s, title=t), entries.MAX_TITLE),
    ("commitment full text", lambda s, t: add_commitment(s, full_text=t), entries.MAX_TEXT),
    ("commitment strategy", lambda s, t: add_commitment(s, strategy=t), entries.MAX_TITLE),
    ("commitment section", lambda s, t: add_commitment(s, section=t), entries.MAX_TITLE),
    ("commitment theme", lambda s, t: add_commitment(s, theme=t), entries.MAX_TITLE),
    ("commitment owner", lambda s, t: add_commitment(s, owner=t), entries.MAX_PERSON),
    (
        "progress commentary",
        with_commitment(
            lambda s, t: commitments.record_update(
                s,
                TEST_OFFICER,
                reference="C-1",
                updated_on=DAY,
                status="in progress",
                percent=10,
                commentary=t,
                today=date(2026, 11, 1),
            )
        ),
        entries.MAX_TEXT,
    ),
    (
        "progress evidence link",
        with_commitment(
            lambda s, t: commitments.record_update(
                s,
                TEST_OFFICER,
                reference="C-1",
                updated_on=DAY,
                status="in progress",
                percent=10,
                commentary="ok",
                evidence_link=t,
                today=date(2026, 11, 1),
            )
        ),
        entries.MAX_REASON,
    ),
    (
        "progress updated by",
        with_commitment(
            lambda s, t: commitments.record_update(
                s,
                TEST_OFFICER,
                reference="C-1",
                updated_on=DAY,
                status="in progress",
                percent=10,
                commentary="ok",
                updated_by=t,
                today=date(2026, 11, 1),
            )
        ),
        entries.MAX_PERSON,
    ),
    (
        "RAG override reason",
        with_commitment(lambda s, t: commitments.override_rag(s, TEST_OFFICER, reference="C-1", rag="Red", reason=t)),
        entries.MAX_REASON,
    ),
    (
        "plan owner",
        with_commitment(
            lambda s, t: commitments.change_plan(
                s,
                TEST_OFFICER,
                reference="C-1",
                owner=t,
                start_date=date(2026, 1, 1),
                due_date=date(2026, 12, 31),
                reason="moved",
            )
        ),
        entries.MAX_PERSON,
    ),
    (
        "plan change reason",
        with_commitment(
            lambda s, t: commitments.change_plan(
                s,
                TEST_OFFICER,
                reference="C-1",
                owner="O",
                start_date=date(2026, 1, 1),
                due_date=date(2026, 12, 31),
                reason=t,
            )
        ),
        entries.MAX_REASON,
    ),
    ("activity reference", lambda s, t: activity(s, reference=t), entries.MAX_REFERENCE),
    ("activity title", lambda s, t: activity(s, title=t), entries.MAX_TITLE),
    ("activity lead organisation", lambda s, t: activity(s, lead_organisation=t), entries.MAX_TITLE),
    ("activity notes", lambda s, t: activity(s, notes=t), entries.MAX_TEXT),
    ("activity Lundy evidence", lambda s, t: activity(s, lundy=t), entries.MAX_REASON),
    (
        "stakeholder group name",
        lambda s, t: stakeholders.add_group(s, TEST_OFFICER, name=t, description="", kind="other", engagement="engage"),
        stakeholders.MAX_NAME,
    ),
    (
        "stakeholder short name",
        lambda s, t: stakeholders.add_group(
            s, TEST_OFFICER, name="Group", short_name=t, description="", kind="other", engagement="engage"
        ),
        stakeholders.MAX_SHORT_NAME,
    ),
    (
        "stakeholder description",
        lambda s, t: stakeholders.add_group(
            s, TEST_OFFICER, name="Group", description=t, kind="other", engagement="engage"
        ),
        entries.MAX_TEXT,
    ),
    (
        "assessment note",
        with_group(
            lambda s, g, t: stakeholders.record_assessment(
                s,
                TEST_OFFICER,
                group_id=g,
                assessed_on=DAY,
                influence=5,
                importance=5,
                assessed_by="Jo",
                note=t,
                today=date(2026, 11, 1),
            )
        ),
        entries.MAX_TEXT,
    ),
    (
        "assessed by",
        with_group(
            lambda s, g, t: stakeholders.record_assessment(
                s,
                TEST_OFFICER,
                group_id=g,
                assessed_on=DAY,
                influence=5,
                importance=5,
                assessed_by=t,
                today=date(2026, 11, 1),
            )
        ),
        stakeholders.MAX_NAME,
    ),
    (
        "target reason",
        with_group(
            lambda s, g, t: stakeholders.set_target(
                s, TEST_OFFICER, group_id=g, influence=8, importance=8, target_date=date(2027, 3, 1), reason=t
            )
        ),
        entries.MAX_TEXT,
    ),
    ("what was said", lambda s, t: add_said(s, t), entries.MAX_TEXT),
    ("you said theme", lambda s, t: add_said(s, "We were not asked.", theme=t), entries.MAX_THEME),
    (
        "what we did",
        lambda s, t: you_said.respond(
            s, TEST_OFFICER, item_id=add_said(s, "Asked late."), what_we_did=t, state="open", published_on=None
        ),
        entries.MAX_TEXT,
    ),
]


@pytest.mark.parametrize(("field", "submit", "limit"), FIELDS, ids=[f[0] for f in FIELDS])
def test_text_up_to_the_limit_is_kept_and_longer_text_is_refused_naming_it(
    field: str, submit: Callable[[Store, str], object], limit: int, tmp_path: Path
) -> None:
    over = Store.open(tmp_path / "over.duckdb")
    try:
        with pytest.raises(EntryError) as refused:
            submit(over, "x" * (limit + 1))
        assert str(refused.value).endswith(f" is {limit + 1:,} characters; keep it to {limit:,}.")
    finally:
        over.close()
    exact = Store.open(tmp_path / "exact.duckdb")
    try:
        submit(exact, "x" * limit)
        stored = [
            value
            for table in exact.table_names()
            for row in exact.query_rows(f"SELECT * FROM {table}")
            for value in row
            if isinstance(value, str)
        ]
        assert "x" * limit in stored
    finally:
        exact.close()


def test_a_you_said_item_links_to_at_most_the_limit_of_commitments(store: Store) -> None:
    for n in range(entries.MAX_LINKED):
        add_commitment(store, reference=f"C-{n}")
    references = [f"C-{n}" for n in range(entries.MAX_LINKED)]
    with pytest.raises(
        EntryError,
        match=f"^An item can be linked to at most {entries.MAX_LINKED} commitments; "
        f"{entries.MAX_LINKED + 1} were given.$",
    ):
        you_said.add_item(
            store,
            TEST_OFFICER,
            said_on=DAY,
            said_by="parent carers",
            what_was_said="x",
            theme="t",
            commitment_references=[*references, "C-0"],
            today=date(2026, 11, 1),
        )
    item = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=DAY,
        said_by="parent carers",
        what_was_said="x",
        theme="t",
        commitment_references=references,
        today=date(2026, 11, 1),
    )
    assert store.query_value("SELECT count(*) FROM you_said_links WHERE item_id = ?", [item]) == entries.MAX_LINKED


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "forms.duckdb"
    opened = Store.open(path)
    add_user(opened, "jo.officer@example.invalid", OFFICER, "a test password", by=TEST_OFFICER)
    add_commitment(opened)
    stakeholders.add_group(
        opened, TEST_OFFICER, name="Parent carer forum", description="", kind="other", engagement="engage"
    )
    opened.close()
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


@pytest.mark.parametrize(
    "page",
    [
        "pages/commitments.py",
        "pages/participation.py",
        "pages/stakeholders.py",
        "pages/you_said.py",
        "pages/upload.py",
        "pages/feedback.py",
    ],
)
def test_every_text_box_on_the_officers_pages_stops_at_a_limit(page: str, db: Path) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["actor"] = Actor("jo.officer@example.invalid", OFFICER)
    at.run().switch_page(page).run()
    assert not at.exception
    boxes = [*at.text_input, *at.text_area]
    assert boxes
    unlimited = [box.label for box in boxes if not box.proto.max_chars]
    assert unlimited == []
