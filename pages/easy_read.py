"""Easy read: the figures in short sentences and everyday words, with a picture beside each point."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib import easy_read, text

ui.page_guard()
config = ui.get_config()

st.title("Easy read")
st.markdown(
    "This page tells you about children and young people with SEND in "
    f"{text.markdown(config.area.name)}. It uses short sentences. It is made from the latest figures."
)
# Today is part of the cache key, so the words move on with the date as well as with the data.
# Who is reading (ui.audience) decides what is hidden, as on every other page.
ui.show_easy_read(ui.query(easy_read.build_easy_read, config, ui.audience(), date.today()))
