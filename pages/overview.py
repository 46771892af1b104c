"""Overview: the headline of every view, each linking to its page; says what to load where data is missing."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib.overview import build_overview

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
role = actor.role if actor else "forum"

st.title(f"{config.area.name} SEND: overview")
st.caption(f"As at {date.today():%d %B %Y}. Each part links to its page for the detail.")

for section in ui.query(build_overview, config, role, date.today()):
    with st.container(border=True):
        st.subheader(section.title)
        if section.missing:
            st.info(section.missing)
        else:
            for column, tile in zip(st.columns(max(len(section.tiles), 1)), section.tiles):
                column.metric(tile.label, tile.value, delta=tile.delta, delta_color="off", help=tile.help)
            if section.lines:
                st.markdown("\n".join(f"- {ui.escape_markdown(line)}" for line in section.lines))
        ui.page_link(section.page)
