"""SEND Commissioning Dashboard: the frame. Page config, navigation over pages/, the shared store.

Run with ``make run`` (README). Only pages that work are in the navigation.
"""

from __future__ import annotations

import streamlit as st

import ui

st.set_page_config(
    page_title="SEND Commissioning Dashboard",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="expanded",
)

config = ui.get_config()
ui.get_store()  # open (and on first run seed) the store before any page asks for it

pages = [
    st.Page("pages/primary_needs.py", title="Primary needs", icon=":material/bar_chart:", url_path="primary_needs",
            default=True),
    # For officers: the access issue gates it by role; until then it is open to every user of the app.
    st.Page("pages/upload.py", title="Upload census", icon=":material/upload_file:", url_path="upload"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.markdown(f"**{config.area.name}** SEND Commissioning Dashboard")
    st.caption("Census figures for the strategic SEND commissioning group, officers and the parent carer forum.")

ui.run_in_frame(navigation)
