"""Commitments: the strategies' promises, who owns them, RAG against time, exceptions, timeline and progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

import ui
from sendlib import commitments, text
from sendlib.engagement import LEVELS
from sendlib.entries import (
    MAX_COMMITMENT_REFERENCE,
    MAX_PERSON,
    MAX_REASON,
    MAX_TEXT,
    MAX_TITLE,
)
from sendlib.views import CommitmentChoice, Filters
from sendlib.views import commitments as commitment_views

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
thresholds = config.commitments

st.title("Commitments")
st.markdown(
    "The strategies' commitments and action plans: who owns each, how far along it is against the time it "
    "has had, and the ones the board needs to look at. RAG is worked out from progress against time elapsed "
    f"(green at or above {thresholds.green_ratio:.0%} of the time used, red at or below "
    f"{thresholds.red_ratio:.0%}, overdue always red); an officer may set it with a reason."
)

ui.url_param("commitments_as_of", kind="date")
as_of = st.date_input(
    "As at", max_value=date.today(), min_value=commitments.EARLIEST, format="DD/MM/YYYY", key="commitments_as_of"
)
filters = Filters(as_of=as_of)
# The tracker itself feeds the filter choices and the forms below; what is shown comes from the views.
tracker = ui.query(commitments.query_tracker, as_of, thresholds.green_ratio, thresholds.red_ratio)
if tracker.empty:
    st.info("No commitments are recorded yet. Officers can add them below or import a CSV.")

rag = ui.view(commitment_views.rag_summary, filters)
if rag is not None:
    ui.show_view(replace(rag, table=None), heading=False)
    with st.expander("What each rating means, and the commitments by status"):
        st.dataframe(
            [
                {"RAG": commitments.rag_label(rating), "Means": meaning}
                for rating, meaning in commitments.RAG_MEANINGS.items()
            ],
            hide_index=True,
            width="stretch",
        )
        st.dataframe(rag.table, hide_index=True, width="stretch")

st.subheader("Exceptions: red or overdue")
late = ui.view(commitment_views.exception_list, filters)
if late is not None and late.figure is None:
    st.success(late.summary)
for row in late.table.to_dict("records") if late is not None and late.table is not None else []:
    with st.container(border=True):
        overdue = f" · **{row['Days overdue']} days overdue**" if row["Days overdue"] else ""
        st.markdown(
            f"**{row['RAG']}** · {text.markdown(row['Reference'])}: "
            f"**{text.markdown(row['Commitment'])}**  \nOwner: {text.markdown(row['Owner'])} · due "
            f"{row['Due']:%d %b %Y}{overdue} · {row['% complete']:.0f}% complete"
        )
        latest = (
            f"Latest ({row['Last update']:%d %b %Y}): {row['Latest commentary']}"
            if row["Latest commentary"]
            else "No update yet."
        )
        if row["Why RAG was set"]:
            latest += f" RAG set by an officer: {row['Why RAG was set']}"
        st.caption(text.markdown(latest))
if late is not None and late.figure is not None:
    ui.show_view(late, heading=False, key="commitments_exceptions")

st.subheader("The tracker")
# Commitments from another area's strategy (the demo's Barnsley ones, kept as worked examples) are named as such.
elsewhere = sorted(s for s in tracker["strategy"].unique() if config.area.name.lower() not in str(s).lower())
if elsewhere:
    st.info(
        text.markdown(
            f"Some commitments come from another area's strategy, included as worked examples: "
            f"{'; '.join(elsewhere)} (the Strategy column names each commitment's strategy)."
        )
    )
filter_columns = st.columns(5)
for key, options in (
    ("filter_strategy", sorted(tracker["strategy"].unique())),
    ("filter_theme", sorted(tracker["theme"].unique())),
    ("filter_level", list(LEVELS)),
    ("filter_owner", sorted(tracker["owner"].unique())),
    ("filter_rag", list(commitments.RAGS)),
):
    ui.url_param(key, options=options, kind="list")
strategies = filter_columns[0].multiselect("Strategy", sorted(tracker["strategy"].unique()), key="filter_strategy")
themes = filter_columns[1].multiselect("Priority or theme", sorted(tracker["theme"].unique()), key="filter_theme")
levels = filter_columns[2].multiselect("Level", list(LEVELS), key="filter_level")
owners = filter_columns[3].multiselect("Owner", sorted(tracker["owner"].unique()), key="filter_owner")
rags = filter_columns[4].multiselect("RAG", list(commitments.RAGS), key="filter_rag")
ui.url_param("tracker_sort", options=list(commitment_views.SORTS))
sort = st.selectbox("Sort by", list(commitment_views.SORTS), key="tracker_sort")
choice = CommitmentChoice(
    strategies=tuple(strategies),
    themes=tuple(themes),
    levels=tuple(levels),
    owners=tuple(owners),
    rags=tuple(rags),
    sort=sort,
)
filters = replace(filters, commitments=choice)
listed = ui.view(commitment_views.tracker_table, filters)
if listed is not None:
    st.dataframe(
        listed.table,
        hide_index=True,
        width="stretch",
        column_config={
            "Strategy": st.column_config.TextColumn(width="large"),  # long names: not cut to a few letters
            "% complete": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
            "Start": st.column_config.DateColumn(format="DD MMM YYYY"),
            "Due": st.column_config.DateColumn(format="DD MMM YYYY"),
            "Last update": st.column_config.DateColumn(format="DD MMM YYYY"),
        },
    )
st.download_button(
    "Download the list (CSV)",
    commitments.export_csv(commitment_views.shown_commitments(tracker, choice)),
    file_name=f"commitments-{as_of}.csv",
    mime="text/csv",
    key="commitments_csv",
)

ui.show_view(ui.view(commitment_views.timeline, filters), heading=False, key="commitments_timeline")
ui.show_view(ui.view(commitment_views.burn_up, filters), heading=False, key="commitments_burn_up")
if not tracker.empty:
    labels = {f"{r.reference}: {r.title}": r.reference for r in tracker.itertuples()}
    chosen = st.selectbox("Progress over time for one commitment", list(labels), key="progress_choice")
    ui.show_view(
        ui.view(commitment_views.progress, replace(filters, commitments=replace(choice, reference=labels[chosen]))),
        heading=False,
        key="commitment_progress",
    )
if rag is not None:
    ui.source_caption(rag.source)

if actor is None or not actor.may("edit"):
    st.caption("Officers record progress, add commitments and set RAG here.")
    st.stop()

st.subheader("Update the commitments")
# Every form starts from the commitment as it stands today (its latest update, plan and RAG), whatever the
# "As at" date above shows: a form left at a default would overwrite what the officer did not mean to change.
today_tracker = (
    tracker
    if as_of == date.today()
    else ui.query(commitments.query_tracker, date.today(), thresholds.green_ratio, thresholds.red_ratio)
)
references = today_tracker["reference"].tolist()
latest = ui.query(commitments.query_latest).set_index("reference")
titles = dict(zip(today_tracker["reference"], today_tracker["title"]))


def named(reference: str) -> str:
    """A commitment in a picker: its reference and its title (references alone mean little to most)."""
    return f"{reference}: {titles.get(reference, '')}"


update, add, override, plan, bulk = st.tabs(
    ["Record progress", "Add a commitment", "Set or clear RAG", "Change owner or dates", "Import a CSV"]
)
with update:
    # Chosen outside the form so that the fields below start from the chosen commitment's latest update at once.
    reference = st.selectbox("Commitment", references, key="progress_reference", format_func=named)
    now = latest.loc[reference] if reference in latest.index else None
    now_status = str(now["status"]) if now is not None else "not started"
    now_percent = float(now["percent"]) if now is not None else 0.0
    if now is not None and pd.notna(now["updated_on"]):
        st.caption(
            text.markdown(
                f"Now: {now_percent:.0f}% complete, {now_status} (updated {now['updated_on']:%d %b %Y}: "
                f"{now['commentary']})"
            )
        )
    # Keyed by the commitment and its latest update: another commitment, or a recorded update, starts afresh.
    stamp = f"{reference}_{now['updated_on'] if now is not None else ''}_{now_status}_{now_percent:g}"
with update, st.form("record_progress"):
    cols = st.columns(3)
    updated_on = cols[0].date_input(
        "Date", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key=f"progress_date_{stamp}"
    )
    status = cols[1].selectbox(
        "Status", commitments.STATUSES, index=commitments.STATUSES.index(now_status), key=f"progress_status_{stamp}"
    )
    percent = cols[2].number_input(
        "% complete", min_value=0.0, max_value=100.0, value=now_percent, step=5.0, key=f"progress_percent_{stamp}"
    )
    commentary = st.text_area("Commentary", max_chars=MAX_TEXT, key=f"progress_commentary_{stamp}")
    evidence = st.text_input("Evidence link (optional)", max_chars=MAX_REASON, key=f"progress_evidence_{stamp}")
    if st.form_submit_button("Record the update", type="primary") and reference:
        steps = commitments.backward_steps(now_status, now_percent, status, percent)
        # A step back is recorded only once the officer has seen it stated and ticked it (the box's key holds
        # the change, so a different change needs its own tick).
        confirmed = bool(steps) and st.checkbox(
            f"Yes, move {reference} back: {'; '.join(steps)}", key=f"progress_back_{stamp}_{status}_{percent:g}"
        )
        if steps and not confirmed:
            st.warning(
                text.markdown(
                    f"This update moves {reference} back: {'; '.join(steps)}. Nothing is recorded yet: tick the "
                    "box to confirm and press Record the update again, or change the figures."
                )
            )
        else:
            ui.run_edit(
                lambda: commitments.record_update(
                    ui.get_store(),
                    actor,
                    reference=reference,
                    updated_on=updated_on,
                    status=status,
                    percent=percent,
                    commentary=commentary,
                    evidence_link=evidence,
                ),
                # Naming what was recorded tells the officer it was this update (and not an earlier one's message).
                f"Update recorded for {reference}: {percent:.0f}% complete, {status.lower()}.",
            )
with add, st.form("add_commitment", clear_on_submit=True):
    cols = st.columns(3)
    new_reference = cols[0].text_input(
        "Reference", max_chars=MAX_COMMITMENT_REFERENCE, key="new_reference", placeholder="e.g. B-C11"
    )
    new_level = cols[1].selectbox("Level", LEVELS, key="new_level")
    new_owner = cols[2].text_input("Owner", max_chars=MAX_PERSON, key="new_owner")
    new_title = st.text_input("Short title", max_chars=MAX_TITLE, key="new_title")
    new_text = st.text_area("Full text, as the strategy words it", max_chars=MAX_TEXT, key="new_text")
    cols = st.columns(3)
    new_strategy = cols[0].text_input("Strategy", max_chars=MAX_TITLE, key="new_strategy")
    new_section = cols[1].text_input("Section", max_chars=MAX_TITLE, key="new_section")
    new_theme = cols[2].text_input("Priority or theme", max_chars=MAX_TITLE, key="new_theme")
    cols = st.columns(2)
    new_start = cols[0].date_input("Start", format="DD/MM/YYYY", key="new_start")
    new_due = cols[1].date_input("Due", format="DD/MM/YYYY", key="new_due")
    if st.form_submit_button("Add the commitment", type="primary"):
        ui.run_edit(
            lambda: commitments.add_commitment(
                ui.get_store(),
                actor,
                reference=new_reference,
                title=new_title,
                full_text=new_text,
                strategy=new_strategy,
                section=new_section,
                theme=new_theme,
                level=new_level,
                owner=new_owner,
                start_date=new_start,
                due_date=new_due,
            ),
            "Commitment added.",
        )
with override:
    override_reference = st.selectbox("Commitment", references, key="override_reference", format_func=named)
    rated = today_tracker.set_index("reference").loc[override_reference] if references else None
    # The choice starts as things are: the officer's rating in force, else "work it out" (no override).
    rag_choices = ["Red", "Amber", "Green", "Clear (work it out again)"]
    overridden = rated is not None and pd.notna(rated["override_rag"])
    rag_now = str(rated["override_rag"]) if overridden and rated is not None else rag_choices[-1]
    if rated is not None:
        st.caption(
            text.markdown(
                f"Now: {rated['override_rag']}, set by an officer ({rated['override_reason']})"
                if overridden
                else f"Now: {commitments.rag_label(str(rated['rag']))}, worked out from progress against time"
            )
        )
with override, st.form("override_rag", clear_on_submit=True):
    rag = st.radio(
        "RAG",
        rag_choices,
        index=rag_choices.index(rag_now) if rag_now in rag_choices else len(rag_choices) - 1,
        horizontal=True,
        key=f"override_rag_{override_reference}",
    )
    reason = st.text_area("Reason (required, shown beside the rating)", max_chars=MAX_REASON, key="override_reason")
    if st.form_submit_button("Set the RAG", type="primary"):
        ui.run_edit(
            lambda: commitments.override_rag(
                ui.get_store(),
                actor,
                reference=override_reference,
                rag=None if rag.startswith("Clear") else rag,
                reason=reason,
            ),
            "RAG set.",
        )
with plan:
    # Chosen outside the form so that the fields below fill in with the chosen commitment's plan at once.
    plan_reference = st.selectbox("Commitment", references, key="plan_reference", format_func=named)
    current = today_tracker.set_index("reference").loc[plan_reference] if references else None
with plan, st.form("change_plan", clear_on_submit=True):
    plan_owner = st.text_input(
        "Owner",
        max_chars=MAX_PERSON,
        value=current["owner"] if current is not None else "",
        key=f"plan_owner_{plan_reference}",
    )
    cols = st.columns(2)
    plan_start = cols[0].date_input(
        "Start",
        value=current["start_date"] if current is not None else date.today(),
        format="DD/MM/YYYY",
        key=f"plan_start_{plan_reference}",
    )
    plan_due = cols[1].date_input(
        "Due",
        value=current["due_date"] if current is not None else date.today(),
        format="DD/MM/YYYY",
        key=f"plan_due_{plan_reference}",
    )
    plan_reason = st.text_area("Reason for the change", max_chars=MAX_REASON, key="plan_reason")
    if st.form_submit_button("Change the plan", type="primary"):
        ui.run_edit(
            lambda: commitments.change_plan(
                ui.get_store(),
                actor,
                reference=plan_reference,
                owner=plan_owner,
                start_date=plan_start,
                due_date=plan_due,
                reason=plan_reason,
            ),
            "Plan changed; the earlier plan is kept in the history.",
        )
with bulk:
    st.caption(
        "Columns: reference, title, full_text, strategy, section, theme, level, owner, start_date, due_date "
        "(dates as 2026-03-31) — the downloaded list has them. New references only; all or nothing."
    )
    upload = st.file_uploader(
        "Commitments CSV", type=["csv"], key="commitments_import", max_upload_size=commitments.MAX_IMPORT_MB
    )
    if st.button("Import", key="commitments_import_button") and upload is not None:
        ui.run_edit(
            lambda: commitments.import_csv(
                ui.get_store(),
                actor,
                commitments.decode_import(upload.getvalue()),
                max_rows=config.upload.max_commitment_rows,
            ),
            "Commitments imported.",
        )
if message := st.session_state.pop("edit_message", None):
    st.success(message)
