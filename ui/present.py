"""Presentation mode (``?present=1``): the projector layout, larger charts, and the way in and out."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

PRESENT_PARAM = "present"
PROJECTOR_FONT_SCALE = 1.35
PROJECTOR_MAX_HEIGHT = 600  # a chart fits a 1280×720 projector under the page title


def presenting() -> bool:
    """True when the address asks for presentation mode (``?present=1``)."""
    return st.query_params.get(PRESENT_PARAM, "") in ("1", "true", "yes", "on")


def scaled_for_projector(figure: go.Figure) -> go.Figure:
    """A copy of the chart with larger text, grown to fit it but no taller than a projector shows at once
    (unless it was already taller)."""
    copy = go.Figure(figure)
    base = copy.layout.font.size or 14
    title = copy.layout.title.font.size or 20
    height = copy.layout.height or PROJECTOR_MAX_HEIGHT
    # Larger text needs more room; a chart already taller than a projector (one row per group) keeps its height.
    copy.update_layout(
        font={"size": round(base * PROJECTOR_FONT_SCALE)},
        title={"font": {"size": round(title * PROJECTOR_FONT_SCALE)}},
        height=round(min(height * PROJECTOR_FONT_SCALE, max(height, PROJECTOR_MAX_HEIGHT))),
    )
    copy.update_xaxes(tickfont={"size": round(base * PROJECTOR_FONT_SCALE)})
    copy.update_yaxes(tickfont={"size": round(base * PROJECTOR_FONT_SCALE)})
    return copy


# Our own fixed CSS (never text from a file or a user): hide the sidebar, the toolbar and every control, and
# enlarge the text, so the page reads on a projector. The filters still apply: they come from the address.
_PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stExpander"], [data-testid="stForm"], [data-testid="stTabs"],
[data-testid="stElementContainer"]:has(> [data-testid="stDownloadButton"]),
[data-testid="stElementContainer"]:has([data-testid="stWidgetLabel"]):not(.st-key-leave_presentation),
[data-testid="stElementContainer"]:has(> [data-testid="stButton"]):not(.st-key-leave_presentation),
[data-testid="stElementContainer"]:has([data-testid="stFileUploader"]) { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
</style>
"""


def apply_presentation_mode() -> None:
    """In presentation mode: the projector layout, and one way back out."""
    if not presenting():
        return
    st.html(_PRESENTATION_CSS)


def presentation_controls() -> None:
    """The sidebar toggle into presentation mode, and (in it) a small button back out."""
    if presenting():
        if st.button("Leave presentation mode", key="leave_presentation", icon=":material/close_fullscreen:"):
            del st.query_params[PRESENT_PARAM]
            st.rerun()
        return
    with st.sidebar:
        if st.button(
            "Presentation mode",
            key="enter_presentation",
            icon=":material/present_to_all:",
            help="Hide the menu and controls and enlarge the text, for a projector. The address "
            "(with ?present=1) opens this same view in presentation mode.",
        ):
            st.query_params[PRESENT_PARAM] = "1"
            st.rerun()
