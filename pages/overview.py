"""Overview: the headline of every view, each linking to its page; says what to load where data is missing."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib import text
from sendlib.errors import SendlibError
from sendlib.overview import build_overview

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
role = actor.role if actor else "forum"

st.title(f"{text.markdown(config.area.name)} SEND: overview")
st.caption(f"As at {date.today():%d %B %Y}. Each part links to its page for the detail.")

for section in ui.query(build_overview, config, ui.audience(), date.today()):
    with st.container(border=True):
        st.subheader(section.title)
        if section.missing:
            st.info(section.missing)
        else:
            ui.show_metrics(section.tiles)
            if section.lines:
                st.markdown("\n".join(f"- {text.markdown(line)}" for line in section.lines))
            for note in section.notes:
                st.caption(text.markdown(note))
            if section.period_line:
                st.caption(text.markdown(section.period_line))
            for flag in section.flags:
                st.warning(text.markdown(flag), icon=":material/history:")
        ui.page_link(section.page)

st.subheader("Meeting pack")
st.caption(
    "Every chart you can see, as a PowerPoint deck and a PDF: a title slide, then one slide per chart with its "
    "summary (and its source in the speaker notes)."
    + ("" if actor and actor.may("see unsuppressed") else " Small numbers are hidden, as on your pages.")
)
if st.button("Make the meeting pack", type="primary", key="make_pack", icon=":material/slideshow:"):
    progress = st.progress(0.0, text="Gathering the charts")
    try:
        deck, pdf = ui.make_meeting_pack(role, lambda fraction, text: progress.progress(fraction, text=text))
        st.session_state.meeting_pack = (date.today(), role, deck, pdf)
    except SendlibError as exc:  # Kaleido missing or failing, or the store: said plainly
        st.error(text.markdown(str(exc)))
    progress.empty()
if (made := st.session_state.get("meeting_pack")) and made[1] == role:
    left, right = st.columns(2)
    left.download_button(
        "Download the deck (PowerPoint)",
        made[2],
        file_name=f"meeting-pack-{made[0]}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="pack_pptx",
        on_click="ignore",
        icon=":material/download:",
    )
    right.download_button(
        "Download the PDF",
        made[3],
        file_name=f"meeting-pack-{made[0]}.pdf",
        mime="application/pdf",
        key="pack_pdf",
        on_click="ignore",
        icon=":material/download:",
    )
