"""Easy read: the figures in short sentences and everyday words, with a picture beside each point."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from sendlib import text
from sendlib import easy_read

ui.page_guard()
config = ui.get_config()
actor = ui.current_actor()
# The forum and the public see no small numbers and no commitment figures; easy read follows the same rules.
threshold = ui.suppression_threshold(actor, config)
role = actor.role if actor is not None else "public"

st.title("Easy read")
st.markdown("This page tells you about children and young people with SEND in "
            f"{text.markdown(config.area.name)}. It uses short sentences. It is made from the latest figures.")
# Today is part of the cache key, so the words move on with the date as well as with the data.
ui.show_easy_read(ui.query(easy_read.build_easy_read, config, role, threshold, date.today()))
