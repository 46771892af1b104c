"""Stakeholders: the interest/influence grid, where each group is, where we aim to get it, and the trail."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib import stakeholders
from sendlib.entries import MAX_TEXT
from sendlib.views import Filters
from sendlib.views import stakeholders as views

ui.page_guard()
config = ui.get_config()
grid_config = config.stakeholders
actor = ui.current_actor()

st.title("Stakeholders")
st.markdown(
    f"Who we involve and how closely: each group's **{grid_config.y_axis.lower()}** and "
    f"**{grid_config.x_axis.lower()}** now, the trail of earlier assessments, and an arrow to where the "
    "strategy aims to get it."
)

ui.url_param("grid_as_of", kind="date")
as_of = st.date_input(
    "Show the grid as it stood on",
    max_value=date.today(),
    min_value=stakeholders.EARLIEST,
    format="DD/MM/YYYY",
    key="grid_as_of",
)
grid = ui.view(views.grid, Filters(as_of=as_of))
ui.show_view(grid, key="stakeholder_grid", heading=False)
if grid is not None:
    ui.source_caption(grid.source)

if actor is not None and actor.may("edit"):
    st.subheader("Update the grid")
    groups = ui.query(stakeholders.query_groups)
    group_ids = dict(zip(groups["name"], groups["group_id"]))  # names are unique (case-insensitively)
    record, add, target = st.tabs(["Record an assessment", "Add a group", "Set a target"])
    with record, st.form("record_assessment", clear_on_submit=True):
        group_name = st.selectbox("Group", list(group_ids), key="assess_group")
        assessed_on = st.date_input(
            "Assessed on", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key="assess_date"
        )
        influence = st.slider(grid_config.y_axis, 0.0, 10.0, 5.0, 0.5, key="assess_influence")
        importance = st.slider(grid_config.x_axis, 0.0, 10.0, 5.0, 0.5, key="assess_importance")
        assessed_by = st.text_input("Assessed by", max_chars=stakeholders.MAX_NAME, value=actor.name, key="assess_by")
        note = st.text_area("Note", max_chars=MAX_TEXT, key="assess_note")
        if st.form_submit_button("Record the assessment", type="primary"):
            ui.run_edit(
                lambda: stakeholders.record_assessment(
                    ui.get_store(),
                    actor,
                    group_id=group_ids[group_name],
                    assessed_on=assessed_on,
                    influence=influence,
                    importance=importance,
                    assessed_by=assessed_by,
                    note=note,
                ),
                "Assessment recorded.",
            )
    with add, st.form("add_group", clear_on_submit=True):
        name = st.text_input("Name", max_chars=stakeholders.MAX_NAME, key="group_name")
        short_name = st.text_input(
            "Short name for the grid (optional)", max_chars=stakeholders.MAX_SHORT_NAME, key="group_short"
        )
        description = st.text_area("Description", max_chars=MAX_TEXT, key="group_description")
        kind = st.selectbox("Kind", stakeholders.KINDS, key="group_kind")
        engagement = st.radio(
            "We",
            stakeholders.ENGAGEMENT,
            horizontal=True,
            key="group_engagement",
            format_func=lambda e: "engage this group" if e == "engage" else "keep this group informed",
        )
        if st.form_submit_button("Add the group", type="primary"):
            ui.run_edit(
                lambda: stakeholders.add_group(
                    ui.get_store(),
                    actor,
                    name=name,
                    short_name=short_name,
                    description=description,
                    kind=kind,
                    engagement=engagement,
                ),
                "Group added. Record an assessment to place it on the grid.",
            )
    with target, st.form("set_target", clear_on_submit=True):
        target_group = st.selectbox("Group", list(group_ids), key="target_group")
        target_influence = st.slider(
            f"Target {grid_config.y_axis.lower()}", 0.0, 10.0, 5.0, 0.5, key="target_influence"
        )
        target_importance = st.slider(
            f"Target {grid_config.x_axis.lower()}", 0.0, 10.0, 5.0, 0.5, key="target_importance"
        )
        target_date = st.date_input("Get there by", format="DD/MM/YYYY", key="target_date")
        reason = st.text_area("Why this target", max_chars=MAX_TEXT, key="target_reason")
        if st.form_submit_button("Set the target", type="primary"):
            ui.run_edit(
                lambda: stakeholders.set_target(
                    ui.get_store(),
                    actor,
                    group_id=group_ids[target_group],
                    influence=target_influence,
                    importance=target_importance,
                    target_date=target_date,
                    reason=reason,
                ),
                "Target set.",
            )
    if message := st.session_state.pop("edit_message", None):
        st.success(message)
else:
    st.caption("The grid is read-only for your role; officers record assessments and targets.")
