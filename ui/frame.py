"""The frame and moving between pages: every page runs inside dashboard.py (its configuration and role checks),
and links only to pages the current role may open."""

from __future__ import annotations

import runpy
import threading
from collections.abc import Callable
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
        _frame.said = set()  # a new page run: nothing said yet (once_this_run)
        return
    runpy.run_path(str(FRAME_SCRIPT), run_name="__main__")
    st.stop()


def once_this_run(words: str) -> bool:
    """True the first time ``words`` are offered in this page run (a flag shared by a page's views is shown
    once, not under every chart); always True outside a page run."""
    said: set[str] | None = getattr(_frame, "said", None)
    if said is None or not getattr(_frame, "active", False):
        return True
    if words in said:
        return False
    said.add(words)
    return True


def page_link(page: str, label: str = "Open the page for the detail") -> None:
    """A link to a page when the current role may open it (pages it may not open are not linked)."""
    with suppress(StreamlitAPIException):  # the page is not in this role's navigation
        st.page_link(page, label=label, icon=":material/arrow_forward:")


def open_page(page: Any) -> Callable[[], None]:
    """A page that only opens ``page`` (an ``st.Page``) at its own address, keeping the address's parameters:
    the app's root, so that every page, the first included, has an address a link can name."""

    def open_first() -> None:
        st.switch_page(page, query_params=st.query_params.to_dict())

    return open_first
