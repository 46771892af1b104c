"""Officers' edits on a page: run one, show a refusal plainly, or remember the success and rerun."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from sendlib import text
from sendlib.errors import SendlibError


def run_edit(edit: Callable[[], Any], success: str) -> None:
    """Run an officer's edit; on success remember ``success`` and rerun (so every chart shows the change),
    on refusal show the reason plainly and change nothing (a store error's message is fit to show as it is)."""
    try:
        edit()
    except SendlibError as exc:  # every refusal sendlib raises (entry, role, account, store …) reads plainly
        st.error(text.markdown(str(exc)))
        return
    st.session_state.edit_message = success
    st.rerun()
