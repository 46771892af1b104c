"""Primary needs: SEN support and EHC plans by primary need, prevalence, comparators and trend."""

from __future__ import annotations

import streamlit as st

import ui
from sendlib import text
from sendlib import needs
from sendlib.codes import EHC_PLAN, NEEDS, SEN_SUPPORT, format_period

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
# Forum and public views hide small numbers; officers and commissioners see the figures as they are.
threshold = 0 if actor is not None and actor.may("see unsuppressed") else config.suppression.threshold
decimals = config.display.percent_decimals
height = config.display.chart_height
local_key = needs.local_area_key(config)
area_keys = [local_key, *needs.comparator_keys(config)]

st.title("Primary needs")
st.markdown(f"Children and young people with special educational needs and disabilities (SEND) in "
            f"**{text.markdown(config.area.name)}**, by their primary need, on SEN support or with an EHC plan.")

periods = ui.query(needs.query_periods, local_key)
if not periods:
    st.info(f"No census figures are loaded for {text.markdown(config.area.name)} yet. An officer can load a census file "
            "with `python -m sendlib ingest census FILE` (see the README).")
    st.stop()

ui.url_param("census_period", options=periods)
period = st.selectbox("Census period", periods, format_func=format_period, key="census_period",
                      help="The school census (January/Spring) of this academic year. The latest is shown first.")

breakdown = needs.suppress_breakdown(ui.query(needs.query_need_breakdown, local_key, period), threshold)
comparison = ui.query(needs.query_share_comparison, period, area_keys)
prevalence = needs.suppress_prevalence(ui.query(needs.query_prevalence, period, area_keys), threshold, comparison)
source = ui.query(needs.query_source_line, period, area_keys)
totals = needs.provision_totals(breakdown)

local_rate = prevalence[prevalence["area_key"] == local_key]["prevalence_pct"]
england_rate = prevalence[prevalence["geographic_level"] == "National"]["prevalence_pct"]
metrics = st.columns(4)
with_send = (totals[SEN_SUPPORT] + totals[EHC_PLAN]
             if all(isinstance(v, int) for v in totals.values()) else "c")
metrics[0].metric("Children and young people with SEND", needs.format_count(with_send))
metrics[1].metric(SEN_SUPPORT, needs.format_count(totals[SEN_SUPPORT]))
metrics[2].metric("EHC plans", needs.format_count(totals[EHC_PLAN]))
if not local_rate.empty and local_rate.notna().all():
    delta = None
    if not england_rate.empty and england_rate.notna().all():
        points = float(local_rate.iloc[0]) - float(england_rate.iloc[0])
        delta = f"{points:+.{decimals}f} points against England"
    metrics[3].metric("Share of all pupils", f"{float(local_rate.iloc[0]):.{decimals}f}%", delta=delta,
                      delta_color="off")
ui.source_caption(source)

st.subheader("By primary need")
percent = st.column_config.NumberColumn(format=f"%.{decimals}f%%")
ui.show_chart(
    needs.build_need_chart(breakdown, area_name=config.area.name, period=period, source=source, height=height,
                           decimals=decimals),
    summary=needs.summarise_needs(breakdown, area_name=config.area.name, period=period, decimals=decimals),
    table=needs.build_need_table(breakdown),
    table_label="The figures by primary need",
    table_expanded=True,
    column_config=None if breakdown["hidden"].any() else {"SEN support %": percent, "EHC plan %": percent},
    note=breakdown.attrs.get("note"),
    key="need_chart",
)
if note := breakdown.attrs.get("note"):
    st.caption(note)

if prevalence["prevalence_pct"].notna().any():
    st.subheader("Against all pupils")
    ui.show_chart(
        needs.build_prevalence_chart(prevalence, period=period, source=source, height=360, decimals=decimals),
        summary=needs.summarise_prevalence(prevalence, local_key, period=period, decimals=decimals),
        table=prevalence.drop(columns=["area_key"]).rename(columns={
            "area_name": "Area", "geographic_level": "Level", "sen_support": SEN_SUPPORT, "ehc_plan": EHC_PLAN,
            "total_sen": "Total with SEND", "all_pupils": "All pupils", "prevalence_pct": "% with SEND",
            "sen_support_pct": "% SEN support", "ehc_plan_pct": "% EHC plan"}),
        column_config={c: percent for c in ("% with SEND", "% SEN support", "% EHC plan")},
        key="prevalence_chart",
    )

shares = needs.suppress_share_comparison(comparison, threshold)
if shares["area_key"].nunique() > 1:
    others = [name for name in shares["area_name"].unique() if name != config.area.name]
    st.subheader(f"Compared with {text.markdown(' and '.join(others))}")
    ui.show_chart(
        needs.build_share_comparison_chart(shares, local_key, period=period, source=source, height=height,
                                           decimals=decimals),
        summary=needs.summarise_share_comparison(shares, local_key, decimals=decimals),
        table=shares[["area_name", "provision", "need", "need_name", "pupils", "share_pct"]].rename(columns={
            "area_name": "Area", "provision": "Provision", "need": "Need", "need_name": "Primary need",
            "pupils": "Pupils", "share_pct": "Share"}),
        column_config={"Share": percent},
        key="comparison_chart",
    )

trend = needs.suppress_trend(ui.query(needs.query_trend, local_key), threshold,
                             ui.query(needs.query_periods_with_hidden_totals, local_key, threshold))
if trend["period"].nunique() > 1:
    st.subheader("Over time")
    ui.show_chart(
        needs.build_trend_chart(trend, area_name=config.area.name, source=source, height=420),
        summary=needs.summarise_trend(trend, area_name=config.area.name),
        table=trend.assign(period=trend["period"].map(format_period)).rename(
            columns={"period": "Census", "provision": "Provision", "pupils": "Pupils"}),
        key="trend_chart",
    )

with st.expander("What the need codes mean"):
    st.dataframe(
        [{"Code": need.short, "Primary need": need.name} for need in NEEDS],
        hide_index=True, width="stretch",
    )
