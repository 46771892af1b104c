"""Presentation mode (``?present=1``): one chart per screen with Next and Previous (and the arrow keys), text
large enough for the back of the room (every text at least 18 px: the page's by CSS here, the charts' by their
layout, ``ui.projector``), and the way in and out.

A page runs as usual; each chart view it shows (``ui.show_view``) is counted as a slide, and only the one named
by ``?slide=N`` is drawn, alone on the screen. The Overview presents the meeting's deck: every chart view the
audience may see, in page order (the meeting pack's contents, live).
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

import streamlit as st

from sendlib import text
from ui.projector import MIN_TEXT_PX

PRESENT_PARAM = "present"
SLIDE_PARAM = "slide"
LAST_SLIDE = "last"  # ?slide=last: the page's last slide (Previous from the next page's first)
_SLIDE_KEY = "present_slide"
_NAV_KEY = "present_nav"

_deck = threading.local()  # this script run's slides so far (one run is one thread)


def presenting() -> bool:
    """True when the address asks for presentation mode (``?present=1``)."""
    return st.query_params.get(PRESENT_PARAM, "") in ("1", "true", "yes", "on")


# -- the slides: one chart view per screen -----------------------------------------------------------------
def start_deck() -> None:
    """Before the page runs: no slide counted yet."""
    _deck.count = 0


def _wanted() -> int:
    """The slide the address asks for, from 1 (``last``: as many as there are; anything else: the first)."""
    raw = st.query_params.get(SLIDE_PARAM, "1")
    if raw == LAST_SLIDE:
        return 10**6
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


def claim_slide() -> bool:
    """Count one more chart view as a slide; True when it is the one on screen (always, when not presenting)."""
    if not presenting():
        return True
    _deck.count = getattr(_deck, "count", 0) + 1
    return bool(_deck.count == _wanted())


def slide_frame() -> Any:
    """The container a presented slide is drawn in (CSS shows it alone); nothing special when not presenting."""
    return st.container(key=_SLIDE_KEY) if presenting() else nullcontext()


# -- the controls ------------------------------------------------------------------------------------------
def presentation_controls() -> None:
    """The sidebar button into presentation mode, and (in it) a small button back out, before the page runs (so
    it is there whatever the page does)."""
    if presenting():
        if st.button("Leave presentation mode", key="leave_presentation", icon=":material/close_fullscreen:"):
            for param in (PRESENT_PARAM, SLIDE_PARAM):
                st.query_params.pop(param, None)
            st.rerun()
        return
    with st.sidebar:
        if st.button(
            "Presentation mode",
            key="enter_presentation",
            icon=":material/present_to_all:",
            help="One chart per screen with Next and Previous (or the arrow keys), large text, no menu or "
            "controls, for a projector. The address (with ?present=1) opens this same view in presentation mode.",
        ):
            st.query_params[PRESENT_PARAM] = "1"
            st.rerun()


def _go(slide: int | str) -> None:
    st.query_params[SLIDE_PARAM] = str(slide)


def slide_navigation(title: str, previous_page: Any = None, next_page: Any = None) -> None:
    """After the page ran: Previous, where we are, Next (the arrow keys press them), and the CSS that shows the
    slide alone. ``previous_page``/``next_page`` are the pages (``st.Page``) Previous on the first slide and Next
    on the last one go to (None: there is none)."""
    if not presenting():
        return
    total = getattr(_deck, "count", 0)
    wanted = _wanted()
    if total and wanted > total:  # ?slide=last, or a slide number past the end: the page's last slide
        _go(total)
        st.rerun()
    current = min(wanted, total)
    with st.container(key=_NAV_KEY, horizontal=True, vertical_alignment="center"):
        if st.button(
            "Previous",
            key="present_previous",
            icon=":material/arrow_back:",
            disabled=current <= 1 and previous_page is None,
            help="The previous chart (left arrow key)",
        ):
            if current > 1:
                _go(current - 1)
                st.rerun()
            st.switch_page(previous_page, query_params={PRESENT_PARAM: "1", SLIDE_PARAM: LAST_SLIDE})
        with st.container(key="present_position", width="content"):
            st.markdown(f"**{text.markdown(title)}** · {current} of {total}" if total else f"**{title}** · no charts")
        if st.button(
            "Next",
            key="present_next",
            icon=":material/arrow_forward:",
            disabled=current >= total and next_page is None,
            help="The next chart (right arrow key)",
        ):
            if current < total:
                _go(current + 1)
                st.rerun()
            st.switch_page(next_page, query_params={PRESENT_PARAM: "1"})
    st.html(_ONE_SLIDE_CSS if total else _CONTROLS_CSS)
    st.html(_ARROW_KEYS, unsafe_allow_javascript=True)


def apply_presentation_mode() -> None:
    """In presentation mode: the projector layout (menu and controls hidden, text at least 18 px)."""
    if presenting():
        st.html(_PRESENTATION_CSS)


_CONTROLS = ":not(.st-key-leave_presentation):not(.st-key-present_previous):not(.st-key-present_next)"
# Our own fixed CSS (never text from a file or a user): hide the sidebar, the toolbar and every control, and
# enlarge the text, so the page reads on a projector. The filters still apply: they come from the address.
# Streamlit's own small text (captions, widget and metric labels, buttons) is 0.875rem: raised to 1rem (20 px).
_PRESENTATION_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stExpander"], [data-testid="stForm"], [data-testid="stTabs"],
[data-testid="stElementContainer"]:has(> [data-testid="stDownloadButton"]),
[data-testid="stElementContainer"]:has([data-testid="stWidgetLabel"]){_CONTROLS},
[data-testid="stElementContainer"]:has(> [data-testid="stButton"]){_CONTROLS},
[data-testid="stElementContainer"]:has([data-testid="stFileUploader"]),
.modebar-container {{ display: none !important; }}
html {{ font-size: 20px; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 0.75rem; padding-bottom: 1rem; max-width: 100%; }}
@media (min-width: 768px) {{ .st-key-leave_presentation {{ position: fixed; top: 0.75rem; right: 1.5rem;
    z-index: 1000; width: auto !important; }} }}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] button,
[data-testid="stMain"] [data-testid="stCaptionContainer"], [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stMetricLabel"], [data-testid="stMain"] [data-testid="stMetricDelta"] {{
    font-size: max(1rem, {MIN_TEXT_PX}px) !important; }}
</style>
"""

# With slides: everything the page drew besides the slide is hidden (at every level that holds the slide), and
# the controls sit in one row at the top.
_KEEP = (_SLIDE_KEY, _NAV_KEY, "leave_presentation")
_NOT_KEPT = "".join(f":not(.st-key-{key}):not(:has(.st-key-{key}))" for key in _KEEP)
_CONTROLS_CSS = f"""
<style>
[data-testid="stMain"] *:has(> .st-key-{_NAV_KEY}), .st-key-{_NAV_KEY} {{ order: -1; }}
.st-key-{_NAV_KEY} {{ gap: 1rem; }}
</style>
"""
_ONE_SLIDE_CSS = (
    _CONTROLS_CSS
    + f"""
<style>
[data-testid="stVerticalBlock"]:has(.st-key-{_SLIDE_KEY}) > *{_NOT_KEPT} {{ display: none !important; }}
</style>
"""
)

# The arrow keys (and a presenter's clicker, which sends Page Up/Down) press Previous and Next. Registered once
# per tab; never while typing in a field.
_ARROW_KEYS = """
<script>
if (!window.sendlibSlideKeys) {
  window.sendlibSlideKeys = true;
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    const which = {ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous"}[event.key];
    if (!which || event.altKey || event.ctrlKey || event.metaKey) return;
    const button = document.querySelector(`.st-key-present_${which} button:not([disabled])`);
    if (button) { event.preventDefault(); button.click(); }
  });
}
</script>
"""
