"""Hostile text in every form: each entry either gets a clear message or is stored exactly as typed (less
control characters, trimmed) and comes back as text — never executed, never a traceback."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sendlib import commitments, engagement, entries, stakeholders, you_said
from sendlib.auth import OFFICER, AuthError, add_user
from sendlib.entries import EntryError, clean_text
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert('x')</script>",
            "'; DROP TABLE census; --",
            "Robert'); DELETE FROM users;--",
            "\u202eelbat\u202c",
            "مرحبا بالعالم",
            "👩‍👧‍👦 family 🎉",
            '=HYPERLINK("http://x")',
            "a\x00b\x07c\x1b[31m",
            "x" * 5000,
            "   ",
            "[link](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "{{7*7}}",
            "%s%s%n",
        ]
    ),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ODD_DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
# A fresh activity reference per example: Hypothesis replays examples, and a repeated reference is refused.
REFERENCES = (f"H-{n}" for n in itertools.count())


def expected(text: str, limit: int) -> str | None:
    """What the store should hold for ``text``: its cleaned form, or None when it must be refused."""
    try:
        return clean_text(text, "x", required=True, limit=limit)
    except EntryError:
        return None


@pytest.fixture(scope="module")
def store() -> Store:
    opened = Store.open(":memory:")
    commitments.add_commitment(
        opened,
        TEST_OFFICER,
        reference="C-1",
        title="A commitment",
        full_text="",
        strategy="S",
        section="",
        theme="",
        level="meso",
        owner="O",
        start_date=date(2026, 1, 1),
        due_date=date(2026, 12, 31),
    )
    return opened


@SETTINGS
@given(name=NASTY)
def test_stakeholder_group_names(store: Store, name: str) -> None:
    want = expected(name, stakeholders.MAX_NAME)
    if want is None:
        with pytest.raises(EntryError):
            stakeholders.add_group(store, TEST_OFFICER, name=name, description="", kind="other", engagement="engage")
        return
    if store.query_value("SELECT count(*) FROM stakeholder_groups WHERE lower(name) = lower(?)", [want]):
        return  # a repeat of an earlier example: refused as a duplicate, tested elsewhere
    group_id = stakeholders.add_group(
        store, TEST_OFFICER, name=name, description=name, kind="other", engagement="engage"
    )
    assert store.query_value("SELECT name FROM stakeholder_groups WHERE group_id = ?", [group_id]) == want


@SETTINGS
@given(title=NASTY, notes=NASTY, day=ODD_DATES, people=st.integers(min_value=-10, max_value=10**7))
@example(title=" <b>Youth forum</b> ", notes="Said: 'more clubs'", day=date(2025, 3, 1), people=12)
def test_engagement_activities(store: Store, title: str, notes: str, day: date, people: int) -> None:
    # Refused exactly when some field is wrong, accepted and stored exactly otherwise: a function refusing every
    # input fails here (the @example is valid), as does one accepting a bad one.
    valid = (
        expected(title, engagement.MAX_TITLE) is not None
        and date(2000, 1, 1) <= day <= date.today()
        and 0 < people <= engagement.MAX_PEOPLE
    )
    activity = engagement.Activity(
        reference=next(REFERENCES),
        activity_date=day,
        title=title,
        level="meso",
        audience="both",
        method="survey",
        hart_rung=5,
        feedback_given=True,
        notes=notes[:2000],
    )
    try:
        activity.counts = engagement.counts_for(engagement.CYP, people)
        activity_id = engagement.record_activity(store, TEST_OFFICER, activity)
    except EntryError as refused:
        assert str(refused)  # a message a person can act on
        assert not valid, f"a valid activity was refused: {refused}"
        return
    assert valid
    stored = store.query_rows(
        "SELECT title, notes, activity_date FROM engagement_activities WHERE activity_id = ?", [activity_id]
    )
    assert stored == [(expected(title, engagement.MAX_TITLE), clean_text(notes[:2000], "x", required=False), day)]


@SETTINGS
@given(commentary=NASTY, percent=st.floats(allow_nan=True, allow_infinity=True), day=ODD_DATES)
@example(commentary=" <i>On track</i>; =1+1 ", percent=42.5, day=date(2026, 2, 1))
def test_commitment_updates(store: Store, commentary: str, percent: float, day: date) -> None:
    # Both directions: refused only when something is wrong (the @example is valid), stored exactly otherwise.
    valid = 0 <= percent <= 100 and date(2000, 1, 1) <= day <= date.today() and expected(commentary, 2000) is not None
    try:
        update_id = commitments.record_update(
            store,
            TEST_OFFICER,
            reference="C-1",
            updated_on=day,
            status="in progress",
            percent=percent,
            commentary=commentary,
        )
    except EntryError as refused:
        assert str(refused)
        assert not valid, f"a valid update was refused: {refused}"
        return
    assert valid
    stored = store.query_rows(
        "SELECT updated_on, status, percent, commentary FROM commitment_updates WHERE update_id = ?", [update_id]
    )
    assert stored == [(day, "in progress", percent, expected(commentary, 2000))]


@SETTINGS
@given(start=ODD_DATES, length=st.integers(min_value=-400, max_value=400), owner=NASTY)
@example(start=date(2026, 4, 1), length=180, owner=" Head of SEND <b> ")
def test_commitment_dates_and_owners(store: Store, start: date, length: int, owner: str) -> None:
    try:
        due = start + timedelta(days=length)
    except OverflowError:
        return
    valid = date(2000, 1, 1) <= start <= due <= date(2100, 12, 31) and expected(owner, entries.MAX_PERSON) is not None
    try:
        plan_id = commitments.change_plan(
            store, TEST_OFFICER, reference="C-1", owner=owner, start_date=start, due_date=due, reason="test"
        )
    except EntryError as refused:
        assert str(refused)
        assert not valid, f"a valid plan was refused: {refused}"
        return
    assert valid
    stored = store.query_rows(
        "SELECT owner, start_date, due_date, reason FROM commitment_plans WHERE plan_id = ?", [plan_id]
    )
    assert stored == [(expected(owner, entries.MAX_PERSON), start, due, "test")]


@SETTINGS
@given(said=NASTY, theme=NASTY, did=NASTY)
@example(said=" More <b>clubs</b> ", theme="Leisure", did="Two new clubs =SUM(A1)")
def test_you_said_items_and_answers(store: Store, said: str, theme: str, did: str) -> None:
    valid = None not in (expected(said, 2000), expected(theme, 100), expected(did, 2000))
    try:
        item = you_said.add_item(
            store, TEST_OFFICER, said_on=date(2026, 1, 1), said_by="parent carers", what_was_said=said, theme=theme
        )
        answer = you_said.respond(store, TEST_OFFICER, item_id=item, what_we_did=did, state="open", published_on=None)
    except EntryError as refused:
        assert str(refused)
        assert not valid, f"a valid item was refused: {refused}"
        return
    assert valid
    row = store.query_rows("SELECT what_was_said, theme FROM you_said WHERE item_id = ?", [item])[0]
    assert row == (expected(said, 2000), expected(theme, 100))
    assert store.query_value("SELECT what_we_did FROM we_did WHERE response_id = ?", [answer]) == expected(did, 2000)


@SETTINGS
@given(email=NASTY)
def test_user_accounts_refuse_anything_but_an_address(store: Store, email: str) -> None:
    try:
        add_user(store, email, OFFICER, "a long enough password", by=TEST_OFFICER)
    except AuthError as refused:
        assert str(refused)
        return
    assert "@" in email and "<" not in email and "'" not in email
