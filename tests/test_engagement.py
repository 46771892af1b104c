"""Engagement activities: the checks on every entry, the officers' form path, and the engagement file load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendlib import engagement
from sendlib.auth import FORUM, Actor, PermissionDenied
from sendlib.config import Config, UploadConfig
from sendlib.engagement import CYP, PARENT_CARERS, Activity, EngagementError, check_activity, counts_for
from sendlib.ingest import IngestRejected
from sendlib.ingest.engagement import load_engagement, preview_engagement
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER
from tests.hostile_files import BAD_LINES, oversized_notes_file
from tests.hostile_files import ENGAGEMENT_HEADER as HEADER

EXAMPLE = PROJECT_ROOT / "data" / "templates" / "engagement-example.csv"
TODAY = date(2026, 11, 23)


def activity(**changes) -> Activity:
    base = Activity(
        reference="T-1",
        activity_date=date(2026, 3, 1),
        title="Short breaks survey",
        level="meso",
        audience="both",
        method="survey",
        hart_rung=5,
        feedback_given=True,
        counts=counts_for(PARENT_CARERS, 10, {"provision": {"SEN support": 4, "EHC plan": 5}}),
    )
    return replace(base, **changes)


def test_a_good_activity_is_cleaned_and_its_breakdowns_completed() -> None:
    checked = check_activity(activity(title="  Short breaks survey\x07 ", level="MESO"), TODAY)
    assert checked.title == "Short breaks survey" and checked.level == "meso"
    assert checked.counts[(PARENT_CARERS, "provision", "Not known")] == 1  # 10 − 4 − 5
    assert checked.counts[(PARENT_CARERS, "primary need", "Not known")] == 10  # no need breakdown given


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"counts": counts_for(CYP, 3, {"provision": {"SEN support": 4}})},
            "adds up to 4, more than the 3 who took part",
        ),
        ({"counts": {(CYP, "provision", "SEN support"): 4}}, "Give the total number of children and young people"),
        ({"counts": {}}, "Say who took part"),
        ({"lundy": {"voice": (True, "")}}, "Lundy's Voice is marked as met: say in a line what shows it"),
        ({"hart_rung": 9}, "Hart's ladder rung must be from 1 to 8"),
        ({"activity_date": date(2027, 1, 1)}, "must be between 01 January 2000 and today"),
        ({"activity_date": date(1999, 12, 31)}, "must be between 01 January 2000 and today"),
        ({"level": "mezzo"}, "'mezzo' is not a level; use one of: micro, meso, macro"),
        ({"audience": PARENT_CARERS, "counts": counts_for(CYP, 3)}, "set the audience to 'both'"),
        ({"title": "x" * 201}, "keep it to 200"),
        ({"title": "   "}, "The title is required"),
        ({"participants": [engagement.Participant(CYP, "h")]}, "either as counts or as participant records, not both"),
    ],
)
def test_a_bad_activity_is_refused_with_what_to_correct(changes: dict, message: str) -> None:
    with pytest.raises(EngagementError, match=None) as refused:
        check_activity(activity(**changes), TODAY)
    assert message in str(refused.value)


def test_out_of_range_and_misspelt_counts_are_refused() -> None:
    with pytest.raises(EngagementError, match="whole number"):
        counts_for(CYP, "ten")
    with pytest.raises(EngagementError, match="from 0 to 1,000,000"):
        counts_for(CYP, 5_000_000)
    with pytest.raises(EngagementError, match="not a primary need"):
        counts_for(CYP, 5, {"primary need": {"Autism-ish": 2}})
    assert counts_for(CYP, 0) == {}


@given(st.text(max_size=60))
def test_reading_any_text_as_a_category_either_works_or_says_why(text: str) -> None:
    for dimension in engagement.DIMENSIONS:
        try:
            category = engagement.read_category(dimension, text)
        except EngagementError as refused:
            assert str(refused)
        else:
            assert category == engagement.NOT_KNOWN or category in engagement.CATEGORIES[dimension]


def test_only_officers_record_and_markup_is_kept_as_text(store: Store) -> None:
    with pytest.raises(PermissionDenied):
        engagement.record_activity(store, Actor("forum member", FORUM), activity(), TODAY)
    activity_id = engagement.record_activity(store, TEST_OFFICER, activity(title="<script>alert(1)</script>"), TODAY)
    assert (
        store.query_value("SELECT title FROM engagement_activities WHERE activity_id = ?", [activity_id])
        == "<script>alert(1)</script>"
    )
    with pytest.raises(EngagementError, match="already an activity with the reference 't-1'"):
        engagement.record_activity(store, TEST_OFFICER, activity(reference="t-1"), TODAY)


def test_the_example_file_loads_hashes_references_and_undoes(store: Store, config: Config) -> None:
    report = load_engagement(store, EXAMPLE, config=config, actor=TEST_OFFICER)
    assert report.activities == 2 and not report.already_loaded
    rows = store.query_rows("SELECT * FROM engagement_participants")
    assert len(rows) == 3 and not any("YC-0" in str(value).upper() for row in rows for value in row)
    assert load_engagement(store, EXAMPLE, config=config, actor=TEST_OFFICER).already_loaded
    from sendlib.loads import undo_load

    undo_load(store, report.load_id, TEST_OFFICER)
    assert store.query_value("SELECT count(*) FROM engagement_current") == 0
    # Undone, the same file may be loaded again: its references are free.
    assert load_engagement(store, EXAMPLE, config=config, actor=TEST_OFFICER).activities == 2


def test_the_demo_file_previews_all_its_activities(store: Store, config: Config) -> None:
    checked = preview_engagement(
        store, PROJECT_ROOT / "data" / "demo" / "engagement" / "activities-2025-26.csv", config=config
    )
    assert len(checked.activities) == 26 and checked.already_loaded_as is None
    assert store.query_value("SELECT count(*) FROM engagement_activities") == 0  # a preview writes nothing


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_a_malformed_file_lists_its_problems_and_writes_nothing(
    case: str, store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    lines, expected = BAD_LINES[case]
    path = write_csv("bad.csv", f"{HEADER}\n{lines}\n")
    with pytest.raises(IngestRejected) as rejected:
        load_engagement(store, path, config=config, actor=TEST_OFFICER)
    described = rejected.value.describe()
    for text in expected:
        assert text in described
    assert "P1" not in described and "p1" not in described  # a participant reference is never repeated
    assert "Autism-ish" not in described and "ten" not in described.replace("written", "")  # nor any cell's text
    assert store.query_value("SELECT count(*) FROM engagement_activities") == 0
    assert store.query_rows("SELECT kind, outcome FROM loads") == [("engagement", "rejected")]


def test_a_census_file_or_a_reused_reference_is_refused_plainly(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    census = write_csv("census.csv", "period,provision,primary_need,pupils\n202425,SEN support,SLCN,5\n")
    with pytest.raises(IngestRejected, match="This is not an engagement file"):
        load_engagement(store, census, config=config, actor=TEST_OFFICER)
    load_engagement(store, EXAMPLE, config=config, actor=TEST_OFFICER)
    again = write_csv("again.csv", EXAMPLE.read_text() + "\n")  # other bytes, same references
    with pytest.raises(IngestRejected, match="'SB-2026-01' is already in the store"):
        load_engagement(store, again, config=config, actor=TEST_OFFICER)


def refusal_of_a_shifted_line(
    store: Store, config: Config, write_csv: Callable[..., Path], *, hart: str, participant: str
) -> str:
    """The refusal of a one-activity file whose ``participant`` value (a name-like reference) has slipped into the
    participant column, with ``hart`` as its Hart's ladder rung."""
    line = f"Y-1,2026-02-01,YC,macro,children and young people,focus group,,,{hart},,,,,,,,,,yes,{participant},,,,,,,,"
    path = write_csv("shifted.csv", f"{HEADER}\n{line}\n")
    with pytest.raises(IngestRejected) as rejected:
        load_engagement(store, path, config=config, actor=TEST_OFFICER)
    return rejected.value.describe()


def test_a_reference_typed_into_the_wrong_column_is_never_repeated_or_logged(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    described = refusal_of_a_shifted_line(store, config, write_csv, hart="8", participant="Jamie-Smith-2011")
    assert "Line 2, column 'participant': this value is not who took part" in described
    logged = " ".join(str(v) for row in store.query_rows("SELECT * FROM loads") for v in row)
    assert "Jamie" not in described and "Jamie" not in logged


def test_a_value_over_the_csv_field_limit_is_a_plain_rejection_on_record(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    path = write_csv("huge.csv", oversized_notes_file())
    with pytest.raises(IngestRejected) as rejected:
        preview_engagement(store, path, config=config)
    assert "Line 3: a value on this line is over 131,072 characters" in rejected.value.describe()
    with pytest.raises(IngestRejected) as rejected:
        load_engagement(store, path, config=config, actor=TEST_OFFICER)
    described = rejected.value.describe()
    assert described.startswith("huge.csv was not loaded (1 problem found; nothing was written)")
    assert "xxxxxxxxxx" not in described and "_csv" not in described
    assert store.query_rows("SELECT file_name, outcome, message FROM loads") == [("huge.csv", "rejected", described)]
    assert store.query_value("SELECT count(*) FROM engagement_activities") == 0


def test_engagement_files_over_the_line_or_activity_limit_are_refused_naming_it(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    rows = [
        f"L-{n},2026-02-01,Survey {n},meso,both,survey,,,5,,,,,,,,,,yes,parent carers,total,,3,,,,,"
        for n in range(1, 7)
    ]
    path = write_csv("six.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    few_lines = Config(upload=UploadConfig(max_engagement_lines=5))
    with pytest.raises(IngestRejected) as rejected:
        load_engagement(store, path, config=few_lines, actor=TEST_OFFICER)
    assert (
        "The file has more than 5 lines of activities (upload.max_engagement_lines in config.yaml); "
        "split it, by year for example."
    ) in rejected.value.describe()
    few_activities = Config(upload=UploadConfig(max_engagement_activities=5))
    with pytest.raises(IngestRejected) as rejected:
        load_engagement(store, path, config=few_activities, actor=TEST_OFFICER)
    assert (
        "The file holds 6 activities, more than the 5 one file may hold "
        "(upload.max_engagement_activities in config.yaml)"
    ) in rejected.value.describe()
    assert store.query_value("SELECT count(*) FROM engagement_activities") == 0
    exactly = Config(upload=UploadConfig(max_engagement_lines=6, max_engagement_activities=6))
    assert load_engagement(store, path, config=exactly, actor=TEST_OFFICER).activities == 6  # the limits are inclusive


def test_messages_hide_the_file_s_values_but_keep_the_template_s_words(
    store: Store, config: Config, write_csv: Callable[..., Path]
) -> None:
    described = refusal_of_a_shifted_line(store, config, write_csv, hart="", participant="O'Brien-2011")
    assert "Line 2: Hart's ladder rung must be a whole number from 1 to 8, not this value." in described
    assert (
        "Line 2, column 'participant': this value is not who took part; use 'children and young people' or "
        "'parent carers'."
    ) in described
    assert "Brien" not in described
