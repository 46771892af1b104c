"""EHC plans: DfE's SEN2 figures for the local area — caseload each January, by primary need and by setting,
requests → assessments → new plans, 20-week timeliness — beside England, the region and the statistical
neighbours, and where the area stands among all local authorities."""

from __future__ import annotations

import streamlit as st

import ui
from sendlib import text
from sendlib.views import Filters
from sendlib.views import ehcp as views

ui.page_guard()
config = ui.get_config()

st.title("EHC plans")
st.markdown(
    f"Education, health and care (EHC) plans in **{text.markdown(config.area.name)}**, from DfE's statutory SEN2 "
    "return as DfE publishes it: the plans held each January, the needs and settings they are for, the requests and "
    "assessments that lead to new plans, and how many new plans are issued within the 20 weeks the law allows. Each "
    f"is shown beside England, {text.markdown(config.area.region_name)} and the area's statistical neighbours."
)

headline = ui.view(views.headline)
if headline is None or headline.missing:
    st.info(
        f"No EHC plan figures are loaded for {text.markdown(config.area.name)} yet. An officer can load DfE's "
        "release on Upload data, or with `python -m sendlib ingest ehcp FILE` (see the README)."
    )
    st.stop()
ui.show_view(headline, heading=False)

# Among every LA in England or only the region's, kept in the address as on Primary needs (the same key and values,
# so one link or choice serves both pages); the tiles and the Overview always rank among England's.
ranked = Filters(benchmark_scope=ui.benchmark_scope(config.area.name, config.area.region_name))

for build, key, filters in (
    (views.caseload, "ehcp_caseload", Filters()),
    (views.caseload_ranking, "ehcp_caseload_ranking", ranked),
    (views.by_need, "ehcp_need", Filters()),
    (views.by_setting, "ehcp_setting", Filters()),
    (views.path, "ehcp_path", Filters()),
    (views.timeliness, "ehcp_timeliness", Filters()),
    (views.timeliness_ranking, "ehcp_timeliness_ranking", ranked),
):
    ui.show_view(ui.view(build, filters), key=key)
ui.source_caption(headline.source)
