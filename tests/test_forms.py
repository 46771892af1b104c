"""Officers' forms in AppTest, as an officer uses them: each form starts from what is stored, so changing one
field and sending the form leaves every other field as it was in the store; a step back asks first."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from sendlib.auth import OFFICER, list_users
from sendlib.commitments import query_latest
from sendlib.store import Store
from sendlib.you_said import query_items
from tests.conftest import as_read
from tests.fixtures import ROLE_ACTORS, run_app


def labelled(widgets: Any, label: str) -> Any:
    """The one widget of a kind with this label (form fields are keyed by what they start from, not by name)."""
    (found,) = [w for w in widgets if w.label == label]
    return found


def press(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def latest_update(db: Path, reference: str) -> dict[str, Any]:
    store = Store.open(db)
    try:
        return dict(query_latest(store).set_index("reference").loc[reference])
    finally:
        store.close()


def test_a_commentary_only_update_keeps_percent_and_status(demo_db: Path) -> None:
    before = latest_update(demo_db, "B-C01")
    assert before["percent"] == 65 and before["status"] == "in progress"  # the demo's B-C01
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    picker = at.selectbox(key="progress_reference")
    assert "B-C01: " + str(before["title"]) in picker.options  # code and title
    picker.set_value("B-C01").run()
    assert labelled(at.number_input, "% complete").value == 65
    assert labelled(at.selectbox, "Status").value == "in progress"
    labelled(at.text_area, "Commentary").input("Met the forum in March")
    press(at, "Record the update")
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert "Update recorded for B-C01: 65% complete, in progress." in at.success[0].value
    after = latest_update(demo_db, "B-C01")
    assert (after["percent"], after["status"], after["commentary"]) == (65, "in progress", "Met the forum in March")
    # The form starts again from the update just recorded, commentary empty.
    assert labelled(at.number_input, "% complete").value == 65 and labelled(at.text_area, "Commentary").value == ""


def test_lowering_percent_complete_asks_first_and_states_before_and_after(demo_db: Path) -> None:
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="progress_reference").set_value("B-C01").run()
    labelled(at.number_input, "% complete").set_value(40.0)
    labelled(at.text_area, "Commentary").input("Two sessions cancelled")
    press(at, "Record the update")
    assert "moves B-C01 back: % complete 65% → 40%" in at.warning[0].value.replace("\\", "")
    assert latest_update(demo_db, "B-C01")["percent"] == 65  # nothing recorded yet
    labelled(at.checkbox, "Yes, move B-C01 back: % complete 65% → 40%").check()
    press(at, "Record the update")
    assert not at.warning and "Update recorded for B-C01: 40% complete" in at.success[0].value
    assert latest_update(demo_db, "B-C01")["percent"] == 40


def test_a_status_moved_back_from_complete_asks_first(demo_db: Path) -> None:
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="progress_reference").set_value("B-C01").run()
    labelled(at.selectbox, "Status").set_value("complete")
    labelled(at.number_input, "% complete").set_value(100.0)
    labelled(at.text_area, "Commentary").input("Done")
    press(at, "Record the update")
    assert latest_update(demo_db, "B-C01")["status"] == "complete"  # forward: no question asked
    assert labelled(at.selectbox, "Status").value == "complete"
    labelled(at.selectbox, "Status").set_value("in progress")
    labelled(at.number_input, "% complete").set_value(90.0)
    labelled(at.text_area, "Commentary").input("Reopened")
    press(at, "Record the update")
    warning = at.warning[0].value.replace("\\", "")
    assert "% complete 100% → 90%" in warning and "status complete → in progress" in warning
    assert latest_update(demo_db, "B-C01")["status"] == "complete"


def test_the_rag_form_starts_from_the_rating_in_force_and_pickers_name_the_commitment(demo_db: Path) -> None:
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    for key in ("progress_reference", "override_reference", "plan_reference"):
        assert all(": " in option for option in at.selectbox(key=key).options), key
    at.selectbox(key="override_reference").set_value("B-C01").run()
    assert labelled(at.radio, "RAG").value == "Clear (work it out again)"  # no officer's rating: worked out
    labelled(at.radio, "RAG").set_value("Amber")
    labelled(at.text_area, "Reason (required, shown beside the rating)").input("Waiting for the new lead")
    press(at, "Set the RAG")
    assert at.success[0].value == "RAG set."
    at.selectbox(key="override_reference").set_value("B-C01").run()
    assert labelled(at.radio, "RAG").value == "Amber"


def grid_row(db: Path, group: str) -> dict[str, Any]:
    from sendlib.config import Config
    from sendlib.stakeholders import query_grid

    store = Store.open(db)
    try:
        return dict(query_grid(store, date.today(), Config().stakeholders).set_index("name").loc[group])
    finally:
        store.close()


PROVIDERS = "Providers of support and services for children with SEND"


def test_an_assessment_changing_influence_keeps_importance(demo_db: Path) -> None:
    before = grid_row(demo_db, PROVIDERS)
    at = run_app("pages/stakeholders.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="assess_group").set_value(PROVIDERS).run()
    influence = labelled(at.slider, "Influence")
    assert influence.value == before["influence"]
    assert labelled(at.slider, "Importance").value == before["importance"]
    influence.set_value(2.0)
    press(at, "Record the assessment")
    assert at.success[0].value == "Assessment recorded."
    after = grid_row(demo_db, PROVIDERS)
    assert (after["influence"], after["importance"]) == (2.0, before["importance"])


def test_a_target_changing_its_date_keeps_where_it_aims(demo_db: Path) -> None:
    before = grid_row(demo_db, PROVIDERS)
    assert pd.notna(before["target_influence"])  # the demo sets a target for it
    at = run_app("pages/stakeholders.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="target_group").set_value(PROVIDERS).run()
    assert labelled(at.slider, "Target influence").value == before["target_influence"]
    labelled(at.date_input, "Get there by").set_value(date(2027, 7, 31))
    labelled(at.text_area, "Why this target").input("A year later")
    press(at, "Set the target")
    assert at.success[0].value == "Target set."
    after = grid_row(demo_db, PROVIDERS)
    assert (after["target_influence"], after["target_importance"]) == (
        before["target_influence"],
        before["target_importance"],
    )
    assert pd.Timestamp(after["target_date"]).date() == date(2027, 7, 31)


def test_an_answer_changing_its_state_keeps_what_we_did(demo_db: Path) -> None:
    at = run_app("pages/you_said.py", ROLE_ACTORS[OFFICER])
    store = Store.open(demo_db)
    try:
        answered = query_items(store, date.today()).dropna(subset=["what_we_did"]).iloc[0]
    finally:
        store.close()
    picker = at.selectbox(key="answer_item")
    (label,) = [o for o in picker.options if o.startswith(f"{answered['theme']}: {answered['what_was_said'][:40]}")]
    picker.set_value(label).run()
    assert labelled(at.text_area, "What we did").value == answered["what_we_did"]
    state = labelled(at.radio, "State")
    assert state.value == answered["state"]
    state.set_value("open" if answered["state"] == "closed" else "closed")
    press(at, "Record what we did")
    assert at.success[0].value == "Recorded."
    store = Store.open(demo_db)
    try:
        now = query_items(store, date.today()).set_index("item_id").loc[answered["item_id"]]
    finally:
        store.close()
    assert now["what_we_did"] == answered["what_we_did"] and now["state"] != answered["state"]


def test_the_role_form_starts_from_the_accounts_role(demo_db: Path) -> None:
    at = run_app("pages/accounts.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="role_email").set_value("forum@example.invalid").run()
    assert labelled(at.selectbox, "New role").value == "forum"
    store = Store.open(demo_db)
    try:
        roles = dict(zip(list_users(store)["email"], list_users(store)["role"]))
    finally:
        store.close()
    assert roles["forum@example.invalid"] == "forum"


def test_withdrawing_an_activity_asks_first_and_works_whatever_year_is_shown(demo_db: Path) -> None:
    at = run_app("pages/participation.py", ROLE_ACTORS[OFFICER])
    at.text_input(key="activity_title").input("Drop-in at the library")
    at.number_input(key="activity_children and young people_total").set_value(4)
    press(at, "Record the activity")  # dated today: perhaps a year the page does not show
    assert not at.error and "Activity recorded" in at.success[0].value, [e.value for e in at.error]
    # A new visit opens on the latest complete year, not the one today's activity has only begun.
    fresh = run_app("pages/participation.py", ROLE_ACTORS[OFFICER]).selectbox(key="reach_period")
    assert fresh.value == "202526" and any(option.endswith("(year to date)") for option in fresh.options)
    years = at.selectbox(key="reach_period")
    oldest = years.options[-2].removeprefix("Academic year ").replace("/", "")  # the last is "All years"
    years.set_value(oldest).run()  # the oldest year the page offers, not today's
    picker = at.selectbox(key="withdraw_choice")
    (label,) = [o for o in picker.options if "Drop-in at the library" in o]
    picker.set_value(label)
    press(at, "Withdraw")
    assert any("Tick" in warning.value for warning in at.warning)  # not withdrawn without the tick
    assert label in at.selectbox(key="withdraw_choice").options
    at.selectbox(key="withdraw_choice").set_value(label)
    at.checkbox(key="withdraw_sure").check()
    press(at, "Withdraw")
    assert "Withdrew ENG-" in as_read(at.success[0].value) and "Drop-in at the library" in as_read(at.success[0].value)
    assert not [s for s in at.selectbox if s.key == "withdraw_choice" and label in s.options]
