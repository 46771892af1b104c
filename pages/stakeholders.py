"""Stakeholders: the interest/influence grid, where each group is, where we aim to get it, and the trail."""

from __future__ import annotations

from datetime import date

import pandas as pd
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
    # Each form starts from where the chosen group is now (its latest assessment, its target in force), so that
    # changing one slider and sending the form moves only that: the group is chosen outside the form, and the
    # sliders are keyed by it and by its stored values, so that choosing another group, or recording, fills them
    # in afresh from what is stored.
    placed = ui.query(stakeholders.query_grid, date.today(), grid_config).set_index("group_id")

    def now(group_id: int, column: str, default: float) -> float:
        """The group's current ``column`` (its latest assessment or target), or ``default`` when it has none."""
        value = placed[column].get(group_id) if column in placed else None
        return float(value) if value is not None and pd.notna(value) else default

    record, add, target = st.tabs(["Record an assessment", "Add a group", "Set a target"])
    with record:
        group_name = st.selectbox("Group", list(group_ids), key="assess_group")
        group_id = group_ids.get(group_name, -1)
    with record, st.form("record_assessment", clear_on_submit=True):
        assessed_on = st.date_input(
            "Assessed on", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key="assess_date"
        )

        def score_slider(label: str, score: str) -> float:
            """A 0-10 score starting where the group stands (keyed by it, so it starts again when that changes)."""
            start = now(group_id, score, 5.0)
            return st.slider(label, 0.0, 10.0, start, 0.5, key=f"assess_{score}_{group_id}_{start}")

        influence = score_slider(grid_config.y_axis, "influence")
        importance = score_slider(grid_config.x_axis, "importance")
        assessed_by = st.text_input("Assessed by", max_chars=stakeholders.MAX_NAME, value=actor.name, key="assess_by")
        note = st.text_area("Note", max_chars=MAX_TEXT, key="assess_note")
        if st.form_submit_button("Record the assessment", type="primary") and group_name:
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
    with target:
        target_group = st.selectbox("Group", list(group_ids), key="target_group")
        target_id = group_ids.get(target_group, -1)
        aimed = placed["target_date"].get(target_id) if "target_date" in placed else None
        stamp = (
            f"{target_id}_{now(target_id, 'target_influence', -1)}_{now(target_id, 'target_importance', -1)}_{aimed}"
        )
    with target, st.form("set_target", clear_on_submit=True):
        # A group with no target starts from where it is now.
        target_influence = st.slider(
            f"Target {grid_config.y_axis.lower()}",
            0.0,
            10.0,
            now(target_id, "target_influence", now(target_id, "influence", 5.0)),
            0.5,
            key=f"target_influence_{stamp}",
        )
        target_importance = st.slider(
            f"Target {grid_config.x_axis.lower()}",
            0.0,
            10.0,
            now(target_id, "target_importance", now(target_id, "importance", 5.0)),
            0.5,
            key=f"target_importance_{stamp}",
        )
        target_date = st.date_input(
            "Get there by",
            value=pd.Timestamp(aimed).date() if aimed is not None and pd.notna(aimed) else "today",
            format="DD/MM/YYYY",
            key=f"target_date_{stamp}",
        )
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
