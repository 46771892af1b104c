"""Styling every page gets: fixes that keep Streamlit's own widgets within WCAG 2.2 AA, and a phone's menu that
closes once a page is chosen."""

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


# On a narrow screen Streamlit's menu covers most of the page and stays open after a page is chosen from it (the
# new page loads hidden under it). Below Streamlit's own mobile breakpoint (768 px, where the menu overlays the
# page instead of sitting beside it) a choice in the menu closes it, as the menu's own close button would. One
# listener per browser tab (the flag), on the document, so it outlives the menu's links being redrawn.
_MENU_CLOSES_JS = """
<script>
if (!window.__sendMenuCloses) {
  window.__sendMenuCloses = true;
  document.addEventListener("click", (event) => {
    if (window.innerWidth >= 768 || !event.target.closest("[data-testid='stSidebarNav'] a")) return;
    const close = document.querySelector("[data-testid='stSidebarCollapseButton'] button");
    if (close) setTimeout(() => close.click(), 0);
  }, true);
}
</script>
"""


def apply_accessible_styles() -> None:
    """On every page: the styling fixes that keep Streamlit's own widgets within WCAG 2.2 AA; on a phone, the
    menu closes after a page is chosen from it."""
    st.html(_ACCESSIBLE_CSS)
    st.html(_MENU_CLOSES_JS, unsafe_allow_javascript=True)  # our own fixed script: nothing from a file or a user
