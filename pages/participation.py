"""Participation reach: who we heard from at micro, meso and macro level, against who there is; quality; trend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

import ui
from sendlib import engagement, reach, text, voice
from sendlib.codes import NEEDS, academic_year_of, format_period
from sendlib.entries import MAX_REASON, MAX_REFERENCE, MAX_TEXT, MAX_TITLE
from sendlib.views import Filters
from sendlib.views import reach as reach_views

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()

st.title("Participation reach")
st.markdown(
    "Who we heard from at each commissioning level, against the children and young people with SEND and "
    "the parent carers there are. "
    + " ".join(f"**{level.capitalize()}**: {meaning}." for level, meaning in engagement.LEVEL_MEANINGS.items())
)

years = ui.query(reach.query_engagement_years)
left, right = st.columns(2)
ui.url_param("reach_audience", options=list(reach.AUDIENCE_CHOICES))
ui.url_param("reach_dimension", options=list(reach.COHORT_DIMENSIONS))
period_options = [*years, reach.ALL_YEARS]
ui.url_param("reach_period", options=period_options)
# Unless a link or the reader chose one, the latest complete year, as on the Overview: one activity recorded
# today must not turn the page to a year only begun (that year is still offered, said to be "year to date").
if "reach_period" not in st.session_state and (first := reach.default_year(years, date.today())):
    st.session_state["reach_period"] = first
period = left.selectbox(
    "Period",
    period_options,
    key="reach_period",
    format_func=lambda p: reach.period_choice(p, date.today()),
)
heard_from = right.selectbox("Who", list(reach.AUDIENCE_CHOICES), key="reach_audience", format_func=str.capitalize)
filters = Filters(engagement_year=period, heard_from=heard_from)

levels = ui.view(reach_views.reach_levels, filters)
if levels is not None and levels.missing:
    st.warning(levels.missing)
ui.show_view(levels, heading=False, key="reach_levels")

st.subheader("Which groups we reach")
dimension = st.radio(
    "Groups by", reach.COHORT_DIMENSIONS, horizontal=True, key="reach_dimension", format_func=str.capitalize
)
ui.show_view(
    ui.view(reach_views.reach_groups, replace(filters, group_dimension=dimension)), heading=False, key="reach_heatmap"
)
takers = ui.view(reach_views.reach_takers, filters)
if takers is not None and takers.table is not None:
    with st.expander(takers.title):
        st.dataframe(takers.table, hide_index=True, width="stretch")

st.subheader("Quality of participation")
for build, key in (
    (reach_views.reach_hart, "reach_hart"),
    (reach_views.reach_quality, "reach_quality"),
    (reach_views.reach_quarters, "reach_quarters"),
):
    ui.show_view(ui.view(build, filters), heading=False, key=key)
if levels is not None:
    ui.source_caption(levels.source)

listed = ui.view(reach_views.reach_activities, filters)
if listed is not None and listed.table is not None:
    with st.expander(listed.title):
        st.dataframe(listed.table, hide_index=True, width="stretch")

if actor is None or not actor.may("edit"):
    st.caption("Officers record engagement activities here or load a file of them on the Upload page.")
    st.stop()

st.subheader("Record an activity")
st.caption(
    "Who took part: give the total for each group that took part and, as far as known, the breakdowns "
    "(anything a breakdown leaves out is recorded as not known). To record named young people once "
    "across many sessions, use the engagement file's participant references (Upload page)."
)
with st.form("record_activity", clear_on_submit=True):
    top = st.columns(3)
    activity_date = top[0].date_input(
        "Date", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key="activity_date"
    )
    reference = top[1].text_input(
        "Reference (optional)",
        max_chars=MAX_REFERENCE,
        key="activity_reference",
        placeholder="made for you, e.g. ENG-2026-001",
    )
    level = top[2].selectbox("Level", engagement.LEVELS, key="activity_level", format_func=str.capitalize)
    title = st.text_input("Title", max_chars=MAX_TITLE, key="activity_title")
    middle = st.columns(3)
    activity_audience = middle[0].selectbox(
        "For", engagement.AUDIENCES, key="activity_audience", format_func=str.capitalize
    )
    method = middle[1].selectbox("Method", engagement.METHODS, key="activity_method")
    lead = middle[2].text_input("Lead organisation", max_chars=MAX_TITLE, key="activity_lead")
    quality_columns = st.columns(2)
    hart_rung = quality_columns[0].selectbox(
        "Hart's ladder rung",
        list(engagement.HART_RUNGS),
        index=4,
        key="activity_hart",
        format_func=lambda r: f"{r}. {engagement.HART_RUNGS[r]}",
    )
    kirby = quality_columns[1].selectbox(
        "Kirby's level", ["not recorded", *engagement.KIRBY_LEVELS], key="activity_kirby"
    )
    lundy: dict[str, tuple[bool, str]] = {}
    for element, column in zip(engagement.LUNDY_ELEMENTS, st.columns(4)):
        met = column.checkbox(f"Lundy: {element.title()} met", key=f"activity_lundy_{element}")
        evidence = column.text_input(
            f"Evidence for {element.title()}", max_chars=MAX_REASON, key=f"activity_lundy_{element}_evidence"
        )
        lundy[element] = (met, evidence)
    feedback = st.checkbox("Feedback was given back to the participants", key="activity_feedback")
    notes = st.text_area("Notes", max_chars=MAX_TEXT, key="activity_notes")
    breakdown_inputs = {}
    for kind, column in zip(engagement.PARTICIPANT_KINDS, st.columns(2)):
        with column:
            st.markdown(f"**{kind.capitalize()}**")
            total = st.number_input(
                "How many took part", min_value=0, max_value=engagement.MAX_PEOPLE, step=1, key=f"activity_{kind}_total"
            )
            provision = {
                category: st.number_input(f"of whom {category}", min_value=0, step=1, key=f"activity_{kind}_{category}")
                for category in engagement.CATEGORIES[engagement.PROVISION]
            }
            needs = st.data_editor(
                pd.DataFrame({"Primary need": [n.code for n in NEEDS], "People": 0}),
                hide_index=True,
                disabled=["Primary need"],
                key=f"activity_{kind}_needs",
                width="stretch",
                height=220,
            )
            ages = (
                {
                    band: st.number_input(f"aged {band}", min_value=0, step=1, key=f"activity_{kind}_{band}")
                    for band in engagement.AGE_BANDS
                }
                if kind == engagement.CYP
                else {}
            )
            breakdown_inputs[kind] = (
                total,
                {
                    engagement.PROVISION: provision,
                    engagement.NEED: dict(zip(needs["Primary need"], needs["People"])),
                    engagement.AGE_BAND: ages,
                },
            )
    if st.form_submit_button("Record the activity", type="primary"):

        def record() -> int:
            counts = {}
            for kind, (total, breakdowns) in breakdown_inputs.items():
                counts.update(engagement.counts_for(kind, total, breakdowns))
            store = ui.get_store()
            activity = engagement.Activity(
                reference=reference.strip() or engagement.next_reference(store, activity_date),
                activity_date=activity_date,
                title=title,
                level=level,
                audience=activity_audience,
                method=method,
                hart_rung=hart_rung,
                feedback_given=feedback,
                lead_organisation=lead,
                notes=notes,
                kirby_level=None if kirby == "not recorded" else kirby,
                lundy=lundy,
                counts=counts,
            )
            return engagement.record_activity(store, actor, activity)

        # Where the new record shows, truly: the charts above cover the chosen period only.
        shown_from, shown_to = reach.period_dates(period)
        year = academic_year_of(activity_date)
        where = (
            "the charts above include it."
            if shown_from <= activity_date <= shown_to
            else f"it counts in academic year {format_period(year)}: choose that Period above to see it."
        )
        ui.run_edit(record, f"Activity recorded; {where}")

# The withdraw form offers every activity recorded on the form, whatever year the charts show (one just
# recorded may be dated in a year the page is not showing).
activities = ui.query(engagement.query_activities, *reach.period_dates(reach.ALL_YEARS))
choices = activities[activities["source"] == "form"]
if not choices.empty:
    with st.form("withdraw_activity"):
        st.markdown(
            "**Withdraw an activity recorded by mistake.** It is kept but no longer counts anywhere. "
            "(An activity from a file is taken out by undoing that file's load on the Upload page.)"
        )
        labels = {
            f"{r.reference}: {r.title} ({r.activity_date:%d %b %Y})": int(r.activity_id) for r in choices.itertuples()
        }
        chosen = st.selectbox("Activity", list(labels), key="withdraw_choice")
        sure = st.checkbox("Yes, withdraw this activity", key="withdraw_sure")
        if st.form_submit_button("Withdraw", key="withdraw_button") and chosen:
            if sure:
                st.session_state.pop("withdraw_sure")  # the next withdrawal is confirmed afresh
                ui.run_edit(
                    lambda: engagement.withdraw_activity(ui.get_store(), actor, labels[chosen]),
                    f"Withdrew {text.markdown(chosen)}.",
                )
            else:
                st.warning(f"Tick 'Yes, withdraw this activity' to withdraw {text.markdown(chosen)}; nothing changed.")
if message := st.session_state.pop("edit_message", None):
    st.success(message)

# Sunderland: "an easy-read document detailing how their voices influenced change will be circulated to all
# children and young people who took part". Written from the data with the forum's rules (sendlib.voice).
st.subheader("How your voice made a difference", anchor=False)
st.markdown(
    "An easy-read letter for everyone who took part in one activity: what they said there, what we did about it, "
    "and the plans it changed. Only answers published on *You said, we did* go in it; small numbers are hidden "
    "as on the public pages. Download it as a PDF to print or send."
)
activities_for_letters = ui.query(voice.query_activity_choices)
if activities_for_letters.empty:
    st.info("No engagement activities are recorded yet.")
else:
    letter_labels = {voice.choice_label(row): int(row["activity_id"]) for _, row in activities_for_letters.iterrows()}
    picked = st.selectbox("Activity", list(letter_labels), key="voice_activity")
    letter = ui.query(voice.build_letter, config, letter_labels[picked], date.today()) if picked else None
    if letter is not None:
        if letter.unpublished:
            st.caption(
                f"{letter.unpublished} 'you said' item(s) from this activity have no published answer yet and are "
                "left out until they do."
            )
        if long := voice.long_quotes(letter):
            st.warning(
                "These lines are long for easy read (more than 15 words in a sentence). Shorten them on the "
                "*You said, we did* page: " + " ".join(f"“{text.markdown(line)}”" for line in long)
            )
        with st.container(border=True):
            st.markdown(f"**{text.markdown(letter.heading)}**")
            ui.show_easy_read(letter.parts, heading_level=4)
        st.download_button(
            "Download the letter (PDF)",
            data=ui.query(voice.letter_pdf_for, config, letter_labels[picked], date.today()),
            file_name=f"how-your-voice-made-a-difference-{letter.reference}.pdf",
            mime="application/pdf",
            icon=":material/download:",
            key="voice_pdf",
        )
