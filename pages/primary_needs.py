"""Primary needs: SEN support and EHC plans by primary need, prevalence, comparators and trend."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import ui
from sendlib import needs, text
from sendlib.codes import NEEDS, format_period
from sendlib.views import Filters
from sendlib.views import needs as views

ui.page_guard()
config = ui.get_config()

st.title("Primary needs")
st.markdown(
    f"Children and young people with special educational needs and disabilities (SEND) in "
    f"**{text.markdown(config.area.name)}**, by their primary need, on SEN support or with an EHC plan."
)

periods = ui.query(needs.query_periods, needs.local_area_key(config))
if not periods:
    st.info(
        f"No census figures are loaded for {text.markdown(config.area.name)} yet. An officer can load a census "
        "file with `python -m sendlib ingest census FILE` (see the README)."
    )
    st.stop()

ui.url_param("census_period", options=periods)
period = ui.choose(
    "Census period",
    periods,
    format_func=format_period,
    key="census_period",
    help="The school census (January/Spring) of this academic year. The latest is shown first.",
)
filters = Filters(census_period=period)

headline = ui.view(views.metrics, filters)
ui.show_view(headline, heading=False)
if headline is not None:
    ui.source_caption(headline.source)
# Each chart's widgets keep the keys they had before the views layer (downloads, links into the page).
for build, key in (
    (views.by_need, "need_chart"),
    (views.against_all_pupils, "prevalence_chart"),
    (views.compared, "comparison_chart"),
):
    ui.show_view(ui.view(build, filters), key=key)

# Among every LA (when DfE's LA-level file is loaded for the period), or only the region's: kept in the address.
standing = ui.view(views.standing, filters)
if standing is not None and standing.figure is not None:
    scope = ui.benchmark_scope(config.area.name, config.area.region_name)
    if scope is not None:
        standing = ui.view(views.standing, replace(filters, benchmark_scope=scope))
ui.show_view(standing, key="standing_chart")
ui.show_view(ui.view(views.over_time, filters), key="trend_chart")

with st.expander("What the need codes mean"):
    st.dataframe(
        [{"Code": need.short, "Primary need": need.name} for need in NEEDS],
        hide_index=True,
        width="stretch",
    )
