"""Reach gaps: the groups of children and families we hear from least, in plain words, for the parent carer forum."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

import ui
from sendlib import reach, text
from sendlib.engagement import NEED, PROVISION
from sendlib.views import Filters
from sendlib.views import reach as reach_views

ui.page_guard()
config = ui.get_config()
# Forum and public views hide small numbers (the views apply it); officers and commissioners see the figures as
# they are.
audience = ui.audience()

st.title("Reach gaps: who we are not hearing from")
st.markdown(
    f'Parents told us that *"all voices need to be captured, not just those who shout loudest"*. This page '
    f"compares the children, young people and families we heard from with all the children and young "
    f"people with SEND in **{text.markdown(config.area.name)}**. A group is *under-reached* when its share "
    f"of the people we heard from is less than {config.reach.gap_ratio:.0%} of its share of all children "
    "with SEND."
)
ui.page_link("pages/easy_read.py", label="Read this in easy read")

years = ui.query(reach.query_engagement_years)
periods, heard_choices = reach.gap_choices(years, suppressed=audience.hides_small_numbers)
left, right = st.columns(2)
ui.url_param("gaps_period", options=periods)
ui.url_param("gaps_audience", options=heard_choices)
period = ui.choose(
    "Period",
    periods or [reach.ALL_YEARS],
    key="gaps_period",
    format_func=lambda p: reach.period_choice(p, date.today()),
    container=left,
)
heard_from = ui.choose("Heard from", heard_choices, key="gaps_audience", format_func=str.capitalize, container=right)
filters = Filters(engagement_year=period, heard_from=heard_from)

source = ""
for dimension, build in ((PROVISION, reach_views.gaps_by_provision), (NEED, reach_views.gaps_by_need)):
    view = ui.view(build, filters)
    if view is None:  # no census: the views have nothing to compare with
        st.info(reach_views.NO_CENSUS)
        st.stop()
    st.subheader(reach_views.GAP_HEADINGS[dimension])
    if view.sentences:  # the under-reached groups in words, before their chart
        st.markdown("\n".join(f"- {text.markdown(sentence)}" for sentence in view.sentences))
    ui.show_view(replace(view, sentences=()), heading=False, key=f"gaps_{dimension.replace(' ', '_')}")
    source = view.source
ui.source_caption(source)
