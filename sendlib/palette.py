"""Every colour the product draws with, in one place.

Charts, the theme (`.streamlit/config.toml`) and the Easy read page take their colours from here, and
`tests/test_palette.py` holds them to WCAG 2.2 AA: text at least 4.5:1 against what it sits on, marks and
lines that carry meaning at least 3:1 (WCAG 1.4.11), and every categorical pair still distinguishable
under simulated deuteranopia and protanopia. Colour is never the only signal: every categorical series
also differs by marker shape, line dash, pattern or a text label (tested over every chart on every page).
"""

from __future__ import annotations

from sendlib.codes import EHC_PLAN, NO_SEN, SEN_SUPPORT

# -- surfaces and text ---------------------------------------------------------------------------------
BACKGROUND = "#FFFFFF"  # page and chart background (the theme's backgroundColor)
SIDEBAR = "#F0F2F6"  # the theme's secondaryBackgroundColor: sidebar, expanders
TEXT = "#1F1F1F"  # body text, titles, tick labels (16.5:1 on white)
NOTE_TEXT = "#404040"  # source lines, notes, quadrant labels (10.4:1 on white)
ACCENT = "#0B5394"  # the theme's primaryColor: links, focused and selected controls (7.8:1)
GRID = "#E5E5E5"  # gridlines: decoration, not needed to read a value, so exempt from 3:1
REFERENCE_LINE = "#767676"  # dividers, connectors, outlines that carry meaning (4.5:1 on white)
TIMELINE_BAR = "#E3E3E3"  # the span of a commitment; always drawn with a REFERENCE_LINE outline

# -- categorical marks ---------------------------------------------------------------------------------
# Okabe & Ito (2008), the members with at least 3:1 against white (sky blue, orange and yellow do not
# reach it and are not used), plus one dark grey for comparators, "other" and "not applicable".
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#595959"
CATEGORICAL: tuple[str, ...] = (BLUE, VERMILLION, GREEN, PURPLE, BLACK, GREY)
# Every other local authority in a benchmark's distribution (ours stands out in VERMILLION, with a marker and its
# name): light enough to recede, still 3:1 against white.
OTHER_AREAS = "#8A8A8A"

PROVISION: dict[str, str] = {SEN_SUPPORT: BLUE, EHC_PLAN: VERMILLION, NO_SEN: GREY}
# Bars by provision also differ by fill pattern, so a greyscale print or a colour-blind reader can tell them.
PROVISION_PATTERN: dict[str, str] = {SEN_SUPPORT: "", EHC_PLAN: "/", NO_SEN: "."}
MARKER_OUTLINE = TEXT  # markers on shaded quadrants keep 3:1 at their edge whatever their fill

# -- status (RAG) ----------------------------------------------------------------------------------------
# Darker than traffic-light colours so each meets 3:1 (and 4.5:1 as text); shape and a symbol always go
# with them (sendlib.commitments.RAG_STYLE), so they never need to be told apart by colour alone.
RAG_RED = "#C0392B"
RAG_AMBER = "#B36B00"
RAG_GREEN = "#1E7B45"
RAG_COMPLETE = "#0B5394"
RAG_NEUTRAL = GREY  # not yet due, dropped

# -- the stakeholder grid's quadrants --------------------------------------------------------------------
QUADRANT_ENGAGE = "#F5F9FD"  # high influence, high importance: a faint blue
QUADRANT_SOME = "#F7F7F7"  # one of the two high
QUADRANT_LOW = BACKGROUND

# Colours that sit behind text or marks in some chart: every text colour is tested against each.
SURFACES: tuple[str, ...] = (BACKGROUND, SIDEBAR, QUADRANT_ENGAGE, QUADRANT_SOME)
TEXT_COLOURS: tuple[str, ...] = (TEXT, NOTE_TEXT, ACCENT)
MEANINGFUL_MARKS: tuple[str, ...] = (
    *CATEGORICAL,
    OTHER_AREAS,
    RAG_RED,
    RAG_AMBER,
    RAG_GREEN,
    RAG_COMPLETE,
    REFERENCE_LINE,
)


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a ``#RRGGBB`` colour (0 black … 1 white)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
