"""Commitments: the strategies' promises, who owns them, RAG against time, exceptions, timeline and progress."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib import text
from sendlib import commitments
from sendlib.engagement import LEVELS
from sendlib.entries import MAX_COMMITMENT_REFERENCE, MAX_PERSON, MAX_REASON, MAX_TEXT, MAX_TITLE

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
height = config.display.chart_height
thresholds = config.commitments

st.title("Commitments")
st.markdown("The strategies' commitments and action plans: who owns each, how far along it is against the time it "
            "has had, and the ones the board needs to look at. RAG is worked out from progress against time elapsed "
            f"(green at or above {thresholds.green_ratio:.0%} of the time used, red at or below "
            f"{thresholds.red_ratio:.0%}, overdue always red); an officer may set it with a reason.")

ui.url_param("commitments_as_of", kind="date")
as_of = st.date_input("As at", max_value=date.today(), min_value=commitments.EARLIEST,
                      format="DD/MM/YYYY", key="commitments_as_of")
tracker = ui.query(commitments.query_tracker, as_of, thresholds.green_ratio, thresholds.red_ratio)
updates = ui.query(commitments.query_updates)
source = ui.query(commitments.source_line, as_of)
if tracker.empty:
    st.info("No commitments are recorded yet. Officers can add them below or import a CSV.")

counts = commitments.rag_counts(tracker)
for column, row in zip(st.columns(len(counts)), counts.itertuples()):
    column.metric(row.label, row.commitments)
st.markdown(text.markdown(commitments.summarise_rag(tracker, as_of)))
with st.expander("What each rating means, and the commitments by status"):
    st.dataframe([{"RAG": commitments.rag_label(rag), "Means": meaning}
                  for rag, meaning in commitments.RAG_MEANINGS.items()], hide_index=True, width="stretch")
    st.dataframe(ui.label_columns(commitments.status_counts(tracker)), hide_index=True, width="stretch")

st.subheader("Exceptions: red or overdue")
late = commitments.exceptions(tracker)
if late.empty:
    st.success("No commitment is red or overdue.")
for row in late.to_dict("records"):
    with st.container(border=True):
        overdue = f" · **{row['days_overdue']} days overdue**" if row["days_overdue"] else ""
        st.markdown(f"**{row['rag_label']}** · {text.markdown(row['reference'])}: "
                    f"**{text.markdown(row['title'])}**  \nOwner: {text.markdown(row['owner'])} · due "
                    f"{row['due_date']:%d %b %Y}{overdue} · {row['percent']:.0f}% complete")
        latest = f"Latest ({row['updated_on']:%d %b %Y}): {row['commentary']}" if row["commentary"] else "No update yet."
        if row["override_reason"]:
            latest += f" RAG set by an officer: {row['override_reason']}"
        st.caption(text.markdown(latest))

st.subheader("The tracker")
filters = st.columns(5)
for key, options in (("filter_strategy", sorted(tracker["strategy"].unique())), ("filter_theme", sorted(tracker["theme"].unique())),
                     ("filter_level", list(LEVELS)), ("filter_owner", sorted(tracker["owner"].unique())),
                     ("filter_rag", list(commitments.RAGS))):
    ui.url_param(key, options=options, kind="list")
strategies = filters[0].multiselect("Strategy", sorted(tracker["strategy"].unique()), key="filter_strategy")
themes = filters[1].multiselect("Priority or theme", sorted(tracker["theme"].unique()), key="filter_theme")
levels = filters[2].multiselect("Level", list(LEVELS), key="filter_level")
owners = filters[3].multiselect("Owner", sorted(tracker["owner"].unique()), key="filter_owner")
rags = filters[4].multiselect("RAG", list(commitments.RAGS), key="filter_rag")
shown = commitments.filter_tracker(tracker, strategies=strategies, themes=themes, levels=levels, owners=owners, rags=rags)
ui.url_param("tracker_sort", options=["Due date", "RAG", "Owner", "Reference", "% complete"])
sort = st.selectbox("Sort by", ["Due date", "RAG", "Owner", "Reference", "% complete"], key="tracker_sort")
order = {"Due date": ["due_date"], "RAG": ["rag", "due_date"], "Owner": ["owner", "due_date"],
         "Reference": ["reference"], "% complete": ["percent"]}[sort]
shown = shown.sort_values(order)
st.dataframe(commitments.build_tracker_table(shown), hide_index=True, width="stretch",
             column_config={"% complete": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
                            "Start": st.column_config.DateColumn(format="DD MMM YYYY"),
                            "Due": st.column_config.DateColumn(format="DD MMM YYYY"),
                            "Last update": st.column_config.DateColumn(format="DD MMM YYYY")})
st.download_button("Download the list (CSV)", commitments.export_csv(shown), file_name=f"commitments-{as_of}.csv",
                   mime="text/csv", key="commitments_csv")

if not shown.empty:
    ui.show_chart(commitments.build_timeline_chart(shown, as_of=as_of, source=source),
                  summary=commitments.summarise_rag(shown, as_of), table=commitments.build_tracker_table(shown),
                  key="commitments_timeline")
series = commitments.burn_up(tracker, updates, as_of)
if not series.empty:
    last = series.iloc[-1]
    ui.show_chart(commitments.build_burn_up_chart(series, source=source, height=420),
                  summary=f"By {as_of:%d %B %Y}, {last['complete']} of {last['total']} commitments are complete and "
                          f"{last['due']} were due.",
                  table=ui.label_columns(series), key="commitments_burn_up")
if not tracker.empty:
    labels = {f"{r.reference}: {r.title}": r.reference for r in tracker.itertuples()}
    chosen = st.selectbox("Progress over time for one commitment", list(labels), key="progress_choice")
    row = tracker[tracker["reference"] == labels[chosen]].iloc[0].to_dict()
    own = updates[updates["commitment_id"] == row["commitment_id"]]
    ui.show_chart(commitments.build_progress_chart(updates, row, as_of=as_of, source=source, height=380),
                  summary=f"{row['reference']} is {row['percent']:.0f}% complete with {row['time_elapsed_pct']:.0f}% of "
                          f"its time used: {row['rag']}.",
                  table=ui.label_columns(own.drop(columns=["update_id", "commitment_id"])), key="commitment_progress")
ui.source_caption(source)

if actor is None or not actor.may("edit"):
    st.caption("Officers record progress, add commitments and set RAG here.")
    st.stop()

st.subheader("Update the commitments")
references = tracker["reference"].tolist()
update, add, override, plan, bulk = st.tabs(["Record progress", "Add a commitment", "Set or clear RAG",
                                             "Change owner or dates", "Import a CSV"])
with update, st.form("record_progress", clear_on_submit=True):
    reference = st.selectbox("Commitment", references, key="progress_reference")
    cols = st.columns(3)
    updated_on = cols[0].date_input("Date", value=date.today(), max_value=date.today(), format="DD/MM/YYYY",
                                    key="progress_date")
    status = cols[1].selectbox("Status", commitments.STATUSES, index=1, key="progress_status")
    percent = cols[2].number_input("% complete", min_value=0.0, max_value=100.0, step=5.0, key="progress_percent")
    commentary = st.text_area("Commentary", max_chars=MAX_TEXT, key="progress_commentary")
    evidence = st.text_input("Evidence link (optional)", max_chars=MAX_REASON, key="progress_evidence")
    if st.form_submit_button("Record the update", type="primary"):
        ui.run_edit(lambda: commitments.record_update(
            ui.get_store(), actor, reference=reference, updated_on=updated_on, status=status, percent=percent,
            commentary=commentary, evidence_link=evidence), "Update recorded.")
with add, st.form("add_commitment", clear_on_submit=True):
    cols = st.columns(3)
    new_reference = cols[0].text_input("Reference", max_chars=MAX_COMMITMENT_REFERENCE,
                                       key="new_reference", placeholder="e.g. B-C11")
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
        ui.run_edit(lambda: commitments.add_commitment(
            ui.get_store(), actor, reference=new_reference, title=new_title, full_text=new_text, strategy=new_strategy,
            section=new_section, theme=new_theme, level=new_level, owner=new_owner, start_date=new_start,
            due_date=new_due), "Commitment added.")
with override, st.form("override_rag", clear_on_submit=True):
    override_reference = st.selectbox("Commitment", references, key="override_reference")
    rag = st.radio("RAG", ["Red", "Amber", "Green", "Clear (work it out again)"], horizontal=True, key="override_rag")
    reason = st.text_area("Reason (required, shown beside the rating)", max_chars=MAX_REASON, key="override_reason")
    if st.form_submit_button("Set the RAG", type="primary"):
        ui.run_edit(lambda: commitments.override_rag(
            ui.get_store(), actor, reference=override_reference, rag=None if rag.startswith("Clear") else rag,
            reason=reason), "RAG set.")
with plan:
    # Chosen outside the form so that the fields below fill in with the chosen commitment's plan at once.
    plan_reference = st.selectbox("Commitment", references, key="plan_reference")
    current = tracker.set_index("reference").loc[plan_reference] if references else None
with plan, st.form("change_plan", clear_on_submit=True):
    plan_owner = st.text_input("Owner", max_chars=MAX_PERSON, value=current["owner"] if current is not None else "",
                               key=f"plan_owner_{plan_reference}")
    cols = st.columns(2)
    plan_start = cols[0].date_input("Start", value=current["start_date"] if current is not None else date.today(),
                                    format="DD/MM/YYYY", key=f"plan_start_{plan_reference}")
    plan_due = cols[1].date_input("Due", value=current["due_date"] if current is not None else date.today(),
                                  format="DD/MM/YYYY", key=f"plan_due_{plan_reference}")
    plan_reason = st.text_area("Reason for the change", max_chars=MAX_REASON, key="plan_reason")
    if st.form_submit_button("Change the plan", type="primary"):
        ui.run_edit(lambda: commitments.change_plan(
            ui.get_store(), actor, reference=plan_reference, owner=plan_owner, start_date=plan_start,
            due_date=plan_due, reason=plan_reason), "Plan changed; the earlier plan is kept in the history.")
with bulk:
    st.caption("Columns: reference, title, full_text, strategy, section, theme, level, owner, start_date, due_date "
               "(dates as 2026-03-31) — the downloaded list has them. New references only; all or nothing.")
    upload = st.file_uploader("Commitments CSV", type=["csv"], key="commitments_import",
                              max_upload_size=commitments.MAX_IMPORT_MB)
    if st.button("Import", key="commitments_import_button") and upload is not None:
        ui.run_edit(lambda: commitments.import_csv(ui.get_store(), actor, commitments.decode_import(upload.getvalue()),
                                                   max_rows=config.upload.max_commitment_rows),
                    "Commitments imported.")
if message := st.session_state.pop("edit_message", None):
    st.success(message)
