"""Reach gaps: the groups of children and families we hear from least, in plain words, for the parent carer forum."""

from __future__ import annotations

import streamlit as st

import ui
from sendlib import text
from sendlib import commitments, reach
from sendlib.codes import format_period

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
# Forum and public views hide small numbers; officers and commissioners see the figures as they are.
threshold = ui.suppression_threshold(actor, config)
decimals = config.display.percent_decimals

st.title("Reach gaps: who we are not hearing from")
st.markdown(f"Parents told us that *\"all voices need to be captured, not just those who shout loudest\"*. This page "
            f"compares the children, young people and families we heard from with all the children and young "
            f"people with SEND in **{text.markdown(config.area.name)}**. A group is *under-reached* when its share "
            f"of the people we heard from is less than {config.reach.gap_ratio:.0%} of its share of all children "
            "with SEND.")
ui.page_link("pages/easy_read.py", label="Read this in easy read")

years = ui.query(reach.query_engagement_years)
periods, audiences = reach.gap_choices(years, suppressed=threshold is not None)
left, right = st.columns(2)
ui.url_param("gaps_period", options=periods)
ui.url_param("gaps_audience", options=audiences)
period = left.selectbox("Period", periods or [reach.ALL_YEARS], key="gaps_period",
                        format_func=lambda p: "All years" if p == reach.ALL_YEARS else f"Academic year {format_period(p)}")
audience = right.selectbox("Heard from", audiences, key="gaps_audience", format_func=str.capitalize)
kinds = reach.AUDIENCE_CHOICES[audience]
start, end = reach.period_dates(period)

participation = ui.query(reach.query_participation, start, end)
cohort = ui.query(reach.query_cohort, config)
source = ui.query(reach.source_line, cohort, start, end, threshold)
plans = ui.query(commitments.query_gap_plans)
if cohort.period is None:
    st.info("No census is loaded yet, so there is nothing to compare with. An officer can load one on the Upload page.")
    st.stop()

headings = {"provision": "SEN support and EHC plans", "primary need": "Main need"}
for dimension in reach.COHORT_DIMENSIONS:
    view = reach.build_gap_view(participation, cohort.frame, dimension, kinds=kinds, when=reach.period_words(period),
                                gap_ratio=config.reach.gap_ratio, decimals=decimals, threshold=threshold, plans=plans,
                                census=cohort.census)
    st.subheader(headings[dimension])
    if view.sentences:
        st.markdown("\n".join(f"- {text.markdown(sentence)}" for sentence in view.sentences))
    ui.show_chart(reach.build_gap_chart(view.chart, title=f"{headings[dimension]}: share of children with SEND and "
                                                         "of those we heard from",
                                        source=source, decimals=decimals, note=view.note),
                  summary=reach.summarise_gaps(view, dimension), table=view.table,
                  table_label="The figures as a table", note=view.note, key=f"gaps_{dimension.replace(' ', '_')}")
    if view.note:
        st.caption(view.note)
ui.source_caption(source)
