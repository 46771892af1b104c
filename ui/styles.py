"""Styling every page gets: fixes that keep Streamlit's own widgets within WCAG 2.2 AA."""

from __future__ import annotations

import streamlit as st

from sendlib import palette

# WCAG 2.2 AA fixes to Streamlit's own styling, found by axe-core (tests/test_accessibility.py):
# - captions are drawn in a faded grey (4.2–4.4:1); they carry sources and dates, so they get note text;
# - the day/month/year parts of a date box are 18×20 px, under the 24 px minimum target (2.5.8);
# - keyboard focus gets one strong, visible outline everywhere (2.4.7, 2.4.11), the file upload's hidden
#   input included (shown on its drop zone).
_ACCESSIBLE_CSS = f"""
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {palette.NOTE_TEXT} !important;
    opacity: 1 !important; }}
[role="spinbutton"][contenteditable] {{ display: inline-block; min-width: 24px; min-height: 24px;
    line-height: 24px; text-align: center; }}
:focus-visible {{ outline: 3px solid {palette.ACCENT} !important; outline-offset: 2px !important; }}
[data-testid="stFileUploaderDropzone"]:focus-within {{ outline-style: solid !important; outline-width: 3px !important;
    outline-color: {palette.ACCENT} !important; }}
</style>
"""


def apply_accessible_styles() -> None:
    """On every page: the styling fixes that keep Streamlit's own widgets within WCAG 2.2 AA."""
    st.html(_ACCESSIBLE_CSS)
