"""The frame and moving between pages: every page runs inside dashboard.py (its configuration and role checks),
and links only to pages the current role may open."""

from __future__ import annotations

import runpy
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

_frame = threading.local()
FRAME_SCRIPT = Path(__file__).resolve().parent.parent / "dashboard.py"


def run_in_frame(navigation: Any) -> None:
    """Run the selected page inside the frame (dashboard.py), marking that the frame is active."""
    _frame.active = True
    try:
        navigation.run()
    finally:
        _frame.active = False


def page_guard() -> None:
    """First line of every page: make sure the page runs inside the frame, never on its own.

    Streamlit keeps its legacy ``pages/`` behaviour for the first session of a server process (and for
    every AppTest run) until some script calls ``st.navigation``: a visitor opening ``/upload`` directly
    would run the page file alone, without the frame's configuration and its role checks. When that
    happens we run the frame here instead — it calls ``st.navigation``, which resolves the requested page
    and runs it inside the frame — and stop this bare run. No rerun, so widget events are not lost.
    """
    if getattr(_frame, "active", False):
        return
    runpy.run_path(str(FRAME_SCRIPT), run_name="__main__")
    st.stop()


def page_link(page: str, label: str = "Open the page for the detail") -> None:
    """A link to a page when the current role may open it (pages it may not open are not linked)."""
    with suppress(StreamlitAPIException):  # the page is not in this role's navigation
        st.page_link(page, label=label, icon=":material/arrow_forward:")
