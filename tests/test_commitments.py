"""Commitments: RAG at its boundaries, progress as of a date, burn-up, exceptions, the writes and the CSV;
and 'you said, we did'."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from sendlib import commitments, you_said
from sendlib.auth import FORUM, Actor, PermissionDenied
from sendlib.commitments import AMBER, COMPLETE, DROPPED, GREEN, NOT_DUE, RED, CommitmentError, work_out_rag
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

START, DUE = date(2026, 1, 1), date(2026, 12, 31)  # 364 days


def rag(
    status: str = "in progress",
    percent: float = 0,
    as_of: date = date(2026, 7, 2),
    start: date = START,
    due: date = DUE,
) -> str:
    return work_out_rag(
        status=status, percent=percent, start=start, due=due, as_of=as_of, green_ratio=0.9, red_ratio=0.7
    )


def test_rag_compares_progress_with_time_elapsed_at_the_thresholds() -> None:
    half = START + timedelta(days=182)  # exactly 50% of the time elapsed
    assert commitments.time_elapsed_pct(START, DUE, half) == pytest.approx(50)
    assert rag(percent=45, as_of=half) == GREEN  # 45 / 50 = 0.9: on the green line counts as green
    assert rag(percent=44.9, as_of=half) == AMBER
    assert rag(percent=35.1, as_of=half) == AMBER
    assert rag(percent=35, as_of=half) == RED  # 35 / 50 = 0.7: on the red line counts as red


def test_rag_boundaries_due_today_zero_at_start_and_late() -> None:
    assert rag(percent=0, as_of=START) == GREEN  # 0% on the first day: nothing is behind yet
    assert rag(status="not started", as_of=START - timedelta(days=1)) == NOT_DUE
    assert rag(status="not started", as_of=START + timedelta(days=100)) == RED  # should have started by now
    assert rag(percent=90, as_of=DUE) == GREEN  # due today is not overdue
    assert not commitments.is_overdue("in progress", DUE, DUE)
    assert rag(percent=99, as_of=DUE + timedelta(days=1)) == RED  # a day late is red whatever the progress
    assert rag(percent=100, as_of=DUE + timedelta(days=1)) == RED  # 100% but not marked complete: still late
    assert rag(status="complete", percent=100, as_of=DUE + timedelta(days=300)) == COMPLETE  # done late: done
    assert rag(status="dropped", percent=10, as_of=DUE + timedelta(days=3)) == DROPPED
    assert commitments.time_elapsed_pct(START, START, START) == 100  # a one-day commitment on its day


def updates_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["update_id", "commitment_id", "updated_on", "status", "percent", "commentary"])


def test_progress_as_of_a_date_takes_the_latest_update_by_then() -> None:
    updates = updates_frame(
        [
            (1, 7, date(2026, 2, 1), "in progress", 20, "a"),
            (2, 7, date(2026, 5, 1), "complete", 100, "b"),
            (3, 8, date(2026, 6, 1), "in progress", 10, "c"),
        ]
    )
    march = commitments.progress_as_of(updates, date(2026, 3, 1)).set_index("commitment_id")
    assert march.loc[7, "percent"] == 20 and 8 not in march.index and pd.isna(march.loc[7, "completed_on"])
    june = commitments.progress_as_of(updates, date(2026, 6, 1)).set_index("commitment_id")
    assert june.loc[7, "status"] == "complete" and june.loc[7, "completed_on"] == date(2026, 5, 1)


def add(store: Store, reference: str, start: date = START, due: date = DUE, owner: str = "Head of SEND") -> None:
    commitments.add_commitment(
        store,
        TEST_OFFICER,
        reference=reference,
        title=f"Commitment {reference}",
        full_text="",
        strategy="Test strategy",
        section="Our Commitments",
        theme="Participation",
        level="macro",
        owner=owner,
        start_date=start,
        due_date=due,
    )


def update(store: Store, reference: str, on: date, status: str, percent: float, commentary: str = "noted") -> None:
    commitments.record_update(
        store,
        TEST_OFFICER,
        reference=reference,
        updated_on=on,
        status=status,
        percent=percent,
        commentary=commentary,
        today=date(2027, 6, 1),
    )


def test_tracker_exceptions_burn_up_and_overrides(store: Store) -> None:
    add(store, "A")
    add(store, "B", due=date(2026, 6, 30), owner="Local Offer Manager")
    add(store, "C", due=date(2026, 3, 31))
    update(store, "A", date(2026, 7, 1), "in progress", 60, "on track")
    update(store, "B", date(2026, 5, 1), "in progress", 40, "behind: waiting for health")
    update(store, "C", date(2026, 3, 1), "complete", 100)
    as_of = date(2026, 7, 15)
    tracker = commitments.query_tracker(store, as_of, 0.9, 0.7).set_index("reference")
    assert tracker.loc["A", "rag"] == GREEN and tracker.loc["C", "rag"] == COMPLETE
    assert tracker.loc["B", "rag"] == RED and tracker.loc["B", "days_overdue"] == 15
    late = commitments.exceptions(tracker.reset_index())
    assert late["reference"].tolist() == ["B"] and late.loc[0, "commentary"] == "behind: waiting for health"
    assert late.loc[0, "owner"] == "Local Offer Manager"

    # An officer's override shows instead, with its reason; an overdue item stays an exception regardless.
    commitments.override_rag(
        store, TEST_OFFICER, reference="B", rag="Amber", reason="Health dates agreed", set_on=as_of
    )
    tracker = commitments.query_tracker(store, as_of, 0.9, 0.7).set_index("reference")
    assert tracker.loc["B", "rag"] == AMBER and tracker.loc["B", "computed_rag"] == RED
    assert tracker.loc["B", "rag_label"] == "◆ Amber (set by an officer)"
    assert commitments.exceptions(tracker.reset_index())["override_reason"].tolist() == ["Health dates agreed"]
    commitments.override_rag(store, TEST_OFFICER, reference="B", rag=None, reason="Cleared", set_on=as_of)
    tracker = commitments.query_tracker(store, as_of, 0.9, 0.7).set_index("reference")
    assert tracker.loc["B", "rag"] == RED

    series = commitments.burn_up(tracker.reset_index(), commitments.query_updates(store), as_of)
    by_month = series.set_index("month_end")
    assert by_month.loc[date(2026, 2, 28), "complete"] == 0 and by_month.loc[date(2026, 3, 31), "complete"] == 1
    assert by_month.loc[date(2026, 6, 30), "due"] == 2 and by_month.loc[as_of, "total"] == 3

    counts = commitments.rag_counts(tracker.reset_index()).set_index("rag")["commitments"]
    assert (counts[GREEN], counts[RED], counts[COMPLETE], counts[DROPPED]) == (1, 1, 1, 0)


def test_a_new_plan_keeps_the_old_one_for_earlier_dates(store: Store) -> None:
    add(store, "A")
    commitments.change_plan(
        store,
        TEST_OFFICER,
        reference="A",
        owner="New Owner",
        start_date=START,
        due_date=date(2027, 3, 31),
        reason="Restructure",
        set_on=date(2026, 9, 1),
    )
    before = commitments.query_tracker(store, date(2026, 8, 1), 0.9, 0.7).iloc[0]
    after = commitments.query_tracker(store, date(2026, 10, 1), 0.9, 0.7).iloc[0]
    assert before["owner"] == "Head of SEND" and after["owner"] == "New Owner"
    assert pd.Timestamp(after["due_date"]).date() == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "complete", "percent": 90}, "A complete commitment is 100% done"),
        ({"status": "not started", "percent": 10}, "A commitment not yet started is 0% done"),
        ({"percent": 101}, "Percent complete must be from 0 to 100"),
        ({"percent": float("nan")}, "Percent complete must be from 0 to 100"),
        ({"updated_on": date(2030, 1, 1)}, "The update date must be between 2000 and today"),
        ({"commentary": " "}, "The commentary is required"),
        ({"status": "finished"}, "'finished' is not a status"),
    ],
)
def test_a_bad_update_is_refused(store: Store, kwargs: dict, message: str) -> None:
    add(store, "A")
    values = {
        "reference": "A",
        "updated_on": date(2026, 5, 1),
        "status": "in progress",
        "percent": 50,
        "commentary": "ok",
        "today": date(2026, 11, 23),
        **kwargs,
    }
    with pytest.raises(CommitmentError) as refused:
        commitments.record_update(store, TEST_OFFICER, **values)
    assert message in str(refused.value)


def test_adding_checks_dates_references_and_the_role(store: Store) -> None:
    with pytest.raises(CommitmentError, match="is before the start date"):
        add(store, "A", start=date(2026, 5, 1), due=date(2026, 4, 1))
    add(store, "A")
    with pytest.raises(CommitmentError, match="already a commitment 'a'"):
        add(store, "a")
    with pytest.raises(PermissionDenied):
        commitments.record_update(
            store,
            Actor("forum member", FORUM),
            reference="A",
            updated_on=START,
            status="in progress",
            percent=5,
            commentary="x",
        )
    with pytest.raises(CommitmentError, match="The reason for the override is required"):
        commitments.override_rag(store, TEST_OFFICER, reference="A", rag="Green", reason="")


def test_csv_export_neutralises_formulas_and_import_is_all_or_nothing(store: Store) -> None:
    add(store, "A")
    commitments.add_commitment(
        store,
        TEST_OFFICER,
        reference="F",
        title='=HYPERLINK("http://x")',
        full_text="",
        strategy="S",
        section="",
        theme="",
        level="meso",
        owner="@owner",
        start_date=START,
        due_date=DUE,
    )
    text = commitments.export_csv(commitments.query_tracker(store, date(2026, 6, 1), 0.9, 0.7)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'@owner," in text
    good = "reference,title,strategy,level,owner,start_date,due_date\nN1,New one,S,micro,Owner,2026-01-01,2026-06-30\n"
    bad = good + "N2,Bad dates,S,micro,Owner,2026-07-01,2026-06-30\nA,Clash,S,micro,Owner,2026-01-01,2026-06-30\n"
    with pytest.raises(CommitmentError) as refused:
        commitments.import_csv(store, TEST_OFFICER, bad)
    assert "Line 3: The due date (30 June 2026) is before the start date" in str(refused.value)
    assert "Line 4: there is already a commitment 'A'" in str(refused.value)
    assert store.query_value("SELECT count(*) FROM commitments") == 2  # nothing from the bad file
    assert commitments.import_csv(store, TEST_OFFICER, good) == "Imported 1 commitment."


def test_you_said_shows_only_published_answers_newest_first_grouped_by_theme(store: Store) -> None:
    add(store, "A")
    first = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 1, 5),
        said_by="parent carers",
        what_was_said="Tell us what happened",
        theme="Being heard",
        commitment_references=["A"],
    )
    second = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 2, 5),
        said_by="children and young people",
        what_was_said="Ask us in the way we talk",
        theme="Communication",
    )
    hidden = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 3, 5),
        said_by="parent carers",
        what_was_said="Not answered yet",
        theme="Being heard",
    )
    you_said.respond(
        store,
        TEST_OFFICER,
        item_id=first,
        what_we_did="We publish a note after every activity",
        state="closed",
        published_on=date(2026, 6, 1),
    )
    you_said.respond(
        store,
        TEST_OFFICER,
        item_id=second,
        what_we_did="Training staff in Talking Mats",
        state="open",
        published_on=date(2026, 7, 1),
    )
    you_said.respond(store, TEST_OFFICER, item_id=hidden, what_we_did="Draft", state="open", published_on=None)
    items = you_said.query_items(store, date(2026, 11, 23))
    groups = you_said.published_by_theme(items)
    assert [theme for theme, _ in groups] == ["Communication", "Being heard"]
    assert "Not answered yet" not in " ".join(part["what_was_said"].str.cat() for _, part in groups)
    said, did, footer = you_said.describe_item(groups[0][1].iloc[0].to_dict())
    assert said == "You said: “Ask us in the way we talk”" and did.startswith("What we are doing: Training staff")
    said, did, footer = you_said.describe_item(groups[1][1].iloc[0].to_dict())
    assert did.startswith("We did:") and "Linked to: Commitment A (not started)" in footer
    assert (
        you_said.summarise_items(items)
        == "2 things you told us, and what we did about them; 1 is still being worked on."
    )
    with pytest.raises(you_said.YouSaidError, match="There is no commitment 'Z'"):
        you_said.add_item(
            store,
            TEST_OFFICER,
            said_on=date(2026, 1, 5),
            said_by="parent carers",
            what_was_said="x",
            theme="t",
            commitment_references=["Z"],
        )


def test_the_demo_has_every_commitment_of_both_strategies(demo_store: Store) -> None:
    held = set(demo_store.query_df("SELECT reference FROM commitments")["reference"])
    assert {f"B-C{n:02d}" for n in range(1, 11)} <= held  # Barnsley's ten commitments
    assert {f"B-W{n:02d}" for n in range(1, 10)} <= held  # its nine "What We Will Do"
    assert {f"S-A{n:02d}" for n in range(1, 7)} <= held  # Sunderland's action plan
    text = demo_store.query_value("SELECT full_text FROM commitments WHERE reference = 'B-W06'")
    assert text == "Implement a 'you said, we did' system for publication within the Local Offer."


def test_a_commitment_starting_later_shows_as_not_due_and_the_green_line_is_exact(store: Store) -> None:
    today = date.today()
    commitments.add_commitment(
        store,
        TEST_OFFICER,
        reference="L",
        title="Later",
        full_text="",
        strategy="S",
        section="",
        theme="",
        level="meso",
        owner="O",
        start_date=today + timedelta(days=30),
        due_date=today + timedelta(days=300),
    )
    tracker = commitments.query_tracker(store, today, 0.9, 0.7).set_index("reference")
    assert tracker.loc["L", "rag"] == NOT_DUE
    # 24% done with 26.67% of the time used is exactly 0.9 of it: green, not amber.
    assert rag(percent=24, start=date(2026, 1, 1), due=date(2026, 4, 1), as_of=date(2026, 1, 25)) == GREEN


def test_a_draft_answer_never_hides_the_published_one(store: Store) -> None:
    item = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 1, 5),
        said_by="parent carers",
        what_was_said="Tell us what happened",
        theme="Being heard",
    )
    you_said.respond(
        store, TEST_OFFICER, item_id=item, what_we_did="Published answer", state="closed", published_on=date(2026, 6, 1)
    )
    you_said.respond(store, TEST_OFFICER, item_id=item, what_we_did="Draft follow-up", state="open", published_on=None)
    items = you_said.query_items(store, date(2026, 11, 23))
    assert items.loc[0, "what_we_did"] == "Published answer" and items.loc[0, "published_on"] is not None


IMPORT_HEADER = "reference,title,strategy,level,owner,start_date,due_date\n"


def test_an_import_with_a_value_over_the_csv_field_limit_is_refused_plainly(store: Store) -> None:
    text = (
        IMPORT_HEADER
        + "N1,Fine,S,micro,Owner,2026-01-01,2026-06-30\n"
        + 'N2,"'
        + "t" * 200_000
        + '",S,micro,Owner,2026-01-01,2026-06-30\n'
    )
    with pytest.raises(CommitmentError) as refused:
        commitments.import_csv(store, TEST_OFFICER, text)
    assert str(refused.value).startswith(
        "Nothing was imported. Line 3: a value on this line is over 131,072 characters"
    )
    assert "tttttttttt" not in str(refused.value)
    assert store.query_value("SELECT count(*) FROM commitments") == 0


def test_an_import_over_the_row_limit_is_refused_naming_it(store: Store) -> None:
    rows = "".join(f"N{n},Commitment {n},S,micro,Owner,2026-01-01,2026-06-30\n" for n in range(1, 20_001))
    with pytest.raises(CommitmentError) as refused:
        commitments.import_csv(store, TEST_OFFICER, IMPORT_HEADER + rows)
    assert str(refused.value) == (
        "Nothing was imported: the file has more than 1,000 commitments "
        "(upload.max_commitment_rows in config.yaml). Import it in parts."
    )
    assert store.query_value("SELECT count(*) FROM commitments") == 0
    three = "".join(f"N{n},Commitment {n},S,micro,Owner,2026-01-01,2026-06-30\n" for n in range(1, 4))
    with pytest.raises(CommitmentError, match="more than 2 commitments"):
        commitments.import_csv(store, TEST_OFFICER, IMPORT_HEADER + three, max_rows=2)
    assert commitments.import_csv(store, TEST_OFFICER, IMPORT_HEADER + three, max_rows=3) == "Imported 3 commitments."


def test_an_import_from_excel_is_read_in_its_own_encoding_not_garbled(store: Store) -> None:
    text = IMPORT_HEADER + "N1,Münster Café short breaks,S,micro,Owner,2026-01-01,2026-06-30\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-8"), text.encode("cp1252")):
        assert commitments.decode_import(data) == text
    with pytest.raises(CommitmentError, match="neither UTF-8 nor Windows-1252"):
        commitments.decode_import(b"reference,title\n\x81\x8d\n")
    assert (
        commitments.import_csv(store, TEST_OFFICER, commitments.decode_import(text.encode("cp1252")))
        == "Imported 1 commitment."
    )
    assert store.query_value("SELECT title FROM commitments") == "Münster Café short breaks"
