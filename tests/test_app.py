"""Every page runs in Streamlit's AppTest against a tmp store, with no exception."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import numpy
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from sendlib.auth import COMMISSIONER, FORUM, OFFICER, add_user, query_account_changes, set_role
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, as_read
from tests.fixtures import PAGES, RESTRICTED, ROLE_ACTORS, run_app


@pytest.mark.parametrize("role", [OFFICER, COMMISSIONER, FORUM])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_as_every_role_runs_or_is_politely_refused(demo_db: Path, page: str, role: str) -> None:
    url_path, roles = RESTRICTED.get(page, (None, {OFFICER, COMMISSIONER, FORUM}))
    if role in roles:
        at = run_app(page, ROLE_ACTORS[role])
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error
    else:
        at = run_app(None, ROLE_ACTORS[role])
        open_url_path(at, url_path).run()
        assert not at.exception
        assert f"You are signed in as **{role}**, so it is not available to you" in at.info[0].value
        assert not at.get("file_uploader")
        assert url_path not in [p.proto.label.lower() for p in at.get("page_link")]


def open_url_path(at: AppTest, url_path: str) -> AppTest:
    """Go to a page by its URL path, as someone typing the address would (AppTest's switch_page only takes
    script files; st.Page identifies a page by the hash of its url_path)."""
    at._page_hash = calc_hash(url_path)
    return at


def test_navigation_holds_only_the_roles_pages(demo_db: Path) -> None:
    officer = run_app(None, ROLE_ACTORS[OFFICER])
    officer.switch_page("pages/upload.py").run()
    assert officer.get("file_uploader")
    forum = run_app(None, ROLE_ACTORS[FORUM])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        forum.switch_page("pages/upload.py")  # the upload script is not among the forum's pages at all


def test_signed_out_visitors_see_only_sign_in(demo_db: Path) -> None:
    at = run_app(None, actor=None)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.get("plotly_chart")


def test_public_access_shows_forum_views_to_visitors(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path = tmp_path / "public.yaml"
    config_path.write_text("access:\n  public: true\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config_path))
    at = run_app(None, actor=None)
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["With SEND, 2019/20"] == "6,842"  # the overview, as forum
    assert not any(s.value == "Commitments" for s in at.subheader)  # the tracker is not a forum view
    assert any("Public view: small numbers are hidden." in c.value for c in at.caption)


def test_primary_needs_shows_the_seed_figures(demo_db: Path) -> None:
    at = run_app("pages/primary_needs.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["SEN support"] == "5,620"
    assert metrics["EHC plans"] == "1,222"
    assert metrics["Children and young people with SEND"] == "6,842"
    assert metrics["Share of all pupils"] == "16.1%"
    charts = at.get("plotly_chart")
    assert len(charts) >= 3  # needs, prevalence, comparison (one period: no trend)
    spec = json.loads(charts[0].proto.spec)
    assert [trace["name"] for trace in spec["data"]] == ["SEN support", "EHC plan"]
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # summaries are Markdown-escaped
    assert "1.0 percentage point above England" in text
    assert any("Source\\:" in c.value for c in at.caption)  # Markdown-escaped: file names are text


def test_empty_store_says_what_to_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_path = tmp_path / "c.yaml"
    config_path.write_text("store:\n  demo_on_first_run: false\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config_path))
    monkeypatch.setenv("SENDLIB_DB", str(tmp_path / "empty.duckdb"))
    store = Store.open(tmp_path / "empty.duckdb")  # no census at all, one officer account
    add_user(store, ROLE_ACTORS[OFFICER].name, OFFICER, "a test password", by=TEST_OFFICER)
    store.close()
    at = run_app()  # the overview says what is missing, part by part
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "No census is loaded yet: an officer can load one on Upload data." in infos
    assert "No engagement is recorded yet" in infos and "No commitments are recorded yet" in infos
    at.switch_page("pages/primary_needs.py").run()
    assert "No census figures are loaded" in at.info[0].value


def test_forum_sees_small_numbers_hidden_and_commissioner_sees_them(demo_db: Path) -> None:
    forum = run_app("pages/primary_needs.py", ROLE_ACTORS[FORUM])
    table = forum.dataframe[0].value.set_index("Need")
    assert table.loc["MSI", "EHC plan"] == "c"
    assert any("c = fewer than 6 children" in as_read(c.value) for c in forum.caption)  # notes are escaped text
    commissioner = run_app("pages/primary_needs.py", ROLE_ACTORS[COMMISSIONER])
    assert commissioner.dataframe[0].value.set_index("Need").loc["MSI", "EHC plan"] == 3


OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "test-client",
    "client_secret": "test-secret",
    "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration",
}


@pytest.mark.parametrize(("email", "sees_upload"), [("jo@sunderland.gov.uk", True), ("parent@example.org", False)])
def test_oidc_identity_gets_its_role_from_config(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, email: str, sees_upload: bool
) -> None:
    config_path = tmp_path / "oidc.yaml"
    config_path.write_text("access:\n  roles_by_domain: {sunderland.gov.uk: officer}\n  default_role: forum\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config_path))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    assert not at.exception
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"Role: **{'officer' if sees_upload else 'forum'}**" in sidebar
    if sees_upload:
        at.switch_page("pages/upload.py").run()
        assert at.get("file_uploader")
    else:
        with pytest.raises(ValueError):
            at.switch_page("pages/upload.py")


def test_oidc_visitor_not_signed_in_gets_the_sign_in_button(demo_db: Path) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = OIDC_SECRETS
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"] and not at.text_input  # the council's sign-in, no password form


def test_sign_out_returns_to_the_sign_in_page(demo_db: Path) -> None:
    at = run_app(None, ROLE_ACTORS[OFFICER])
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["E-mail address", "Password"]


def _grid_point(at: AppTest, short_name: str) -> tuple[float, float]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    for trace in spec["data"]:  # the groups' marks (numbered; each group's name is in its hover data)
        if trace.get("mode") != "markers+text" or not isinstance(trace.get("customdata"), list):
            continue
        for x, y, data in zip(_values(trace["x"]), _values(trace["y"]), trace["customdata"]):
            if data[0].startswith(short_name):
                return float(x), float(y)
    raise AssertionError(f"{short_name} is not on the grid")


def _values(array: list | dict) -> list:
    """A Plotly JSON array: a plain list, or a typed array ({"dtype", "bdata"} base64) as Plotly writes numpy."""
    if isinstance(array, dict):
        return numpy.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return array


def test_officer_records_an_assessment_and_the_point_moves(demo_db: Path) -> None:
    at = run_app("pages/stakeholders.py", ROLE_ACTORS[OFFICER])
    assert _grid_point(at, "Providers") == (6.5, 4.5)
    at.selectbox(key="assess_group").select("Providers of support and services for children with SEND").run()
    # The sliders are keyed by the group and where it stands (they start from its latest assessment): by label.
    next(s for s in at.slider if s.label == "Influence").set_value(2.0)
    next(s for s in at.slider if s.label == "Importance").set_value(7.0)
    at.text_area(key="assess_note").input("<script>alert(1)</script> after the review")
    at.button(key="FormSubmitter:record_assessment-Record the assessment").click().run()
    assert not at.exception
    assert at.success[0].value == "Assessment recorded."
    assert _grid_point(at, "Providers") == (7.0, 2.0)


def test_forum_sees_the_grid_read_only(demo_db: Path) -> None:
    at = run_app("pages/stakeholders.py", ROLE_ACTORS[FORUM])
    assert not at.exception and at.get("plotly_chart")
    assert not at.get("form") and not at.slider
    assert any("read-only for your role" in c.value for c in at.caption)


def test_a_role_change_or_removal_reaches_open_sessions(demo_db: Path) -> None:
    at = run_app(None, ROLE_ACTORS[OFFICER])
    store = Store.open(demo_db)
    add_user(store, "another.officer@example.invalid", OFFICER, "a test password", by=TEST_OFFICER)
    set_role(store, ROLE_ACTORS[OFFICER].name, FORUM, by=TEST_OFFICER)
    store.close()
    at.run()  # the role change ended the session: its holder signs in again and then sees the new role's pages
    assert [t.label for t in at.text_input] == ["E-mail address", "Password"]
    with pytest.raises(ValueError):
        at.switch_page("pages/upload.py")


def test_an_officer_records_an_activity_and_the_reach_figures_include_it(demo_db: Path) -> None:
    at = run_app("pages/participation.py", ROLE_ACTORS[OFFICER])
    before = at.dataframe[0].value.set_index(["Who", "Level"])
    at.text_input(key="activity_title").input("Coffee morning at Hill View School")
    at.selectbox(key="activity_level").set_value("meso")
    at.selectbox(key="activity_audience").set_value("parent carers")
    at.date_input(key="activity_date").set_value(date(2026, 3, 1))  # in 2025/26, the year the page shows
    at.number_input(key="activity_parent carers_total").set_value(30)
    at.number_input(key="activity_parent carers_SEN support").set_value(25)
    next(b for b in at.button if b.label == "Record the activity").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # True about where it shows: dated in the year the page shows, so the charts above include it.
    assert at.success[0].value == "Activity recorded; the charts above include it."
    after = at.dataframe[0].value.set_index(["Who", "Level"])
    key = ("Parent carers", "Meso (services)")
    assert after.loc[key, "People heard from"] == before.loc[key, "People heard from"] + 30


def test_an_activity_with_a_breakdown_over_its_total_is_refused_in_the_form(demo_db: Path) -> None:
    at = run_app("pages/participation.py", ROLE_ACTORS[OFFICER])
    at.text_input(key="activity_title").input("Survey")
    at.number_input(key="activity_children and young people_total").set_value(3)
    at.number_input(key="activity_children and young people_EHC plan").set_value(5)
    next(b for b in at.button if b.label == "Record the activity").click().run()
    assert "adds up to 5, more than the 3 who took part" in as_read(at.error[0].value)


def add_lagging_commitment(db: Path) -> None:
    """A commitment halfway through its time with nothing done (red whatever today's date is)."""
    from datetime import timedelta

    from sendlib.commitments import add_commitment

    store = Store.open(db)
    try:
        add_commitment(
            store,
            ROLE_ACTORS[OFFICER],
            reference="T-1",
            title="Lagging commitment",
            full_text="",
            strategy="Test",
            section="",
            theme="Test",
            level="meso",
            owner="Test Owner",
            start_date=date.today() - timedelta(days=100),
            due_date=date.today() + timedelta(days=100),
        )
    finally:
        store.close()


def test_an_officer_records_progress_and_the_rag_changes(demo_db: Path) -> None:
    add_lagging_commitment(demo_db)
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])

    def exceptions_listed() -> str:
        return " ".join(m.value.replace("\\", "") for m in at.markdown if "Owner:" in m.value)

    assert "▲ Red** · T-1: **Lagging commitment" in exceptions_listed()  # in the exceptions panel
    at.selectbox(key="progress_reference").set_value("T-1").run()
    # The fields are keyed by the commitment's latest update (they start from it): found by label.
    assert next(s for s in at.selectbox if s.label == "Status").value == "not started"  # as stored (no update yet)
    next(s for s in at.selectbox if s.label == "Status").set_value("in progress")
    next(n for n in at.number_input if n.label == "% complete").set_value(60.0)
    next(t for t in at.text_area if t.label == "Commentary").input("Half the sessions held")
    next(b for b in at.button if b.label == "Record the update").click().run()
    assert not at.exception and "Update recorded for T-1: 60% complete" in at.success[0].value
    assert "T-1" not in exceptions_listed()  # no longer an exception
    tracker = next(d.value for d in at.dataframe if "Ref" in d.value.columns).set_index("Ref")
    assert tracker.loc["T-1", "RAG"] == "● Green" and tracker.loc["T-1", "% complete"] == 60


def test_a_commitment_update_over_100_percent_cannot_be_typed_and_a_complete_one_must_be_100(demo_db: Path) -> None:
    add_lagging_commitment(demo_db)
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="progress_reference").set_value("T-1").run()
    next(s for s in at.selectbox if s.label == "Status").set_value("complete")
    next(n for n in at.number_input if n.label == "% complete").set_value(80.0)
    next(t for t in at.text_area if t.label == "Commentary").input("Done?")
    next(b for b in at.button if b.label == "Record the update").click().run()
    assert "A complete commitment is 100% done" in as_read(at.error[0].value)


def test_forum_sees_you_said_we_did_but_not_the_tracker(demo_db: Path) -> None:
    at = run_app("pages/you_said.py", ROLE_ACTORS[FORUM])
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "You said: “All voices need to be captured not just those who shout loudest.”" in text
    assert "What we are doing: We now hold evening online drop-ins" in text
    assert not at.get("form")  # nothing to edit


def test_a_link_with_filters_opens_that_view_and_the_view_keeps_its_filters_in_the_address(demo_db: Path) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["actor"] = ROLE_ACTORS[COMMISSIONER]
    at.query_params["reach_period"] = "all"
    at.query_params["reach_audience"] = "parent carers"
    at.query_params["reach_dimension"] = "not a dimension"  # ignored: not one of the choices
    at.run().switch_page("pages/participation.py").run()
    assert at.selectbox(key="reach_period").value == "all"
    assert at.selectbox(key="reach_audience").value == "parent carers"
    assert at.radio(key="reach_dimension").value == "provision"
    at.selectbox(key="reach_period").set_value("202526").run()
    assert at.query_params["reach_period"] == ["202526"] or at.query_params["reach_period"] == "202526"


def test_the_overview_offers_the_meeting_pack_and_builds_it(demo_db: Path) -> None:
    at = run_app(None, ROLE_ACTORS[COMMISSIONER])
    assert [s.value for s in at.subheader][:5] == [
        "Children and young people with SEND",
        "EHC plans",
        "Stakeholders",
        "Who we are hearing from",
        "Commitments",
    ]  # page order
    at.button(key="make_pack").click().run()
    assert not at.exception and not at.error
    assert {b.label for b in at.get("download_button")} >= {"Download the deck (PowerPoint)", "Download the PDF"}


def test_the_forum_gets_one_reach_gaps_table_so_hidden_figures_cannot_be_subtracted_out(demo_db: Path) -> None:
    forum = run_app("pages/reach_gaps.py", ROLE_ACTORS[FORUM])
    # One option each: stated as plain text, not offered as a drop-down (issue 19 item 11).
    assert not [s for s in forum.selectbox if s.key in ("gaps_period", "gaps_audience")]
    shown = " ".join(m.value for m in forum.markdown).replace("\\", "")
    assert "**Period:** Academic year 2025/26" in shown
    assert "**Heard from:** Children, young people and parent carers" in shown
    commissioner = run_app("pages/reach_gaps.py", ROLE_ACTORS[COMMISSIONER])
    assert len(commissioner.selectbox(key="gaps_audience").options) == 3
    overview = run_app(None, ROLE_ACTORS[FORUM])
    assert not any("reach," in m.label for m in overview.metric)  # no reach rates (rate × cohort = people)


def test_changing_a_plan_saves_the_commitment_chosen(demo_db: Path) -> None:
    at = run_app("pages/commitments.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="plan_reference").set_value("B-W09").run()
    assert at.text_input(key="plan_owner_B-W09").value == "Workforce Development Lead"
    at.text_input(key="plan_owner_B-W09").input("Head of Workforce")
    at.text_area(key="plan_reason").input("New structure")
    next(b for b in at.button if b.label == "Change the plan").click().run()
    assert "Plan changed" in at.success[0].value
    tracker = next(d.value for d in at.dataframe if "Ref" in d.value.columns).set_index("Ref")
    assert (
        tracker.loc["B-W09", "Owner"] == "Head of Workforce"
        and tracker.loc["B-C01", "Owner"] == "SEND Participation Officer"
    )


def sign_in_with_the_form(at: AppTest, email: str, password: str) -> AppTest:
    """Fill in and send the local sign-in form, as a person would."""
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="FormSubmitter:sign_in-Sign in").click().run()


def test_an_officer_adds_an_account_whose_holder_must_choose_a_password(demo_db: Path) -> None:
    at = run_app("pages/accounts.py", ROLE_ACTORS[OFFICER])
    assert not at.exception
    listed = at.dataframe[0].value
    assert set(listed["E-mail address"]) == {actor.name for actor in ROLE_ACTORS.values()}
    at.text_input(key="account_email").input("New.Person@example.invalid")
    at.selectbox(key="account_role").set_value(COMMISSIONER)
    at.button(key="FormSubmitter:add_account-Add the account").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "One-time password for **new.person@example.invalid**, shown only now" in as_read(at.success[0].value)
    one_time = at.code[0].value
    log = at.dataframe[-1].value
    assert (log.iloc[0]["Who"], log.iloc[0]["Change"], log.iloc[0]["Account"]) == (
        ROLE_ACTORS[OFFICER].name,
        "added",
        "new.person@example.invalid",
    )
    at.run()  # shown once: the next run no longer shows it
    assert not at.code
    # The new holder signs in with it and must choose a password before seeing anything else.
    holder = run_app(None, actor=None)
    sign_in_with_the_form(holder, "new.person@example.invalid", one_time)
    assert not holder.exception and [t.value for t in holder.title] == ["Choose a new password"]
    open_url_path(holder, "overview").run()
    assert [t.value for t in holder.title] == ["Choose a new password"] and not holder.metric
    holder.text_input(key="new_password").input("my own long password")
    holder.text_input(key="new_password_again").input("my own long password")
    holder.button(key="FormSubmitter:choose_password-Set my password").click().run()
    assert not holder.exception and not holder.error
    assert "Role: **commissioner**" in " ".join(m.value for m in holder.sidebar.markdown)
    assert "Choose a new password" not in [t.value for t in holder.title] and holder.metric  # the overview, at last


def test_an_officer_resets_a_password_and_the_old_session_ends(demo_db: Path) -> None:
    commissioner = run_app(None, actor=None)
    sign_in_with_the_form(commissioner, ROLE_ACTORS[COMMISSIONER].name, "a test password")
    assert "Role: **commissioner**" in " ".join(m.value for m in commissioner.sidebar.markdown)
    at = run_app("pages/accounts.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="reset_email").set_value(ROLE_ACTORS[COMMISSIONER].name)
    at.button(key="FormSubmitter:reset_password-Reset the password").click().run()
    assert not at.exception and not at.error
    assert len(at.code[0].value) >= 10
    assert at.dataframe[-1].value.iloc[0]["Change"] == "password reset"
    commissioner.run()  # the session signed in with the old password is signed out
    assert [t.label for t in commissioner.text_input] == ["E-mail address", "Password"]


def test_an_officer_changes_a_role_and_removes_an_account_but_never_the_last_officer(demo_db: Path) -> None:
    at = run_app("pages/accounts.py", ROLE_ACTORS[OFFICER])
    at.selectbox(key="role_email").set_value(ROLE_ACTORS[OFFICER].name).run()
    next(s for s in at.selectbox if s.label == "New role").set_value(FORUM)  # keyed by the account and its role
    at.button(key="FormSubmitter:change_role-Change the role").click().run()
    assert "is the only officer account: add another officer first" in as_read(at.error[0].value)
    at.selectbox(key="role_email").set_value(ROLE_ACTORS[FORUM].name).run()
    next(s for s in at.selectbox if s.label == "New role").set_value(COMMISSIONER)
    at.button(key="FormSubmitter:change_role-Change the role").click().run()
    assert not at.exception and "forum@example.invalid is now commissioner" in as_read(at.success[0].value)
    at.selectbox(key="remove_email").set_value(ROLE_ACTORS[FORUM].name)
    at.button(key="FormSubmitter:remove_account-Remove the account").click().run()
    assert "Tick the box to confirm" in as_read(at.error[0].value)
    at.checkbox(key="remove_confirmed").check()
    at.button(key="FormSubmitter:remove_account-Remove the account").click().run()
    assert not at.exception and not at.error
    assert ROLE_ACTORS[FORUM].name not in set(at.dataframe[0].value["E-mail address"])
    store = Store.open(demo_db)
    try:
        log = query_account_changes(store)
    finally:
        store.close()
    assert log["action"].tolist()[:2] == ["removed", "role changed"]
    assert set(log["changed_by"].head(2)) == {ROLE_ACTORS[OFFICER].name}
