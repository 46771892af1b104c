"""Stored text shown as text: the one escaping helper for every place the product renders stored text.

Names of uploaded files, area names, activity titles, "you said" items, commitment titles and commentary,
stakeholder names and notes are typed or uploaded by people; each renderer would otherwise read some of it
as markup. One function per rendering context:

- ``markdown``: Streamlit's Markdown (st.markdown, st.caption, headings, alerts, widget labels). Every
  character that starts Markdown or HTML is backslash-escaped (CommonMark allows escaping any ASCII
  punctuation; the reader sees just the character), so no HTML, link, emphasis, list, heading, table, maths,
  colour directive or icon short code forms; '.' is escaped only after a number starting a line (an ordered
  list), so ordinary sentences keep their full stops as typed. Streamlit also turns bare
  ``www.`` / ``http://`` addresses and e-mail addresses into links, and it does so in the text *after*
  escapes are resolved (checked in Chromium), so a WORD JOINER (U+2060: invisible, zero width, not read
  out by screen readers) is put between ``www`` and ``.``, after ``:`` in ``://`` and after ``@``.
- ``plotly`` / ``plotly_lines``: Plotly's text (titles, annotations, tick labels, legend names, hover text,
  text on marks), which renders a subset of HTML (``<a href>``, ``<b>``, ``<br>``…) and entities. Only
  ``&``, ``<`` and ``>`` are escaped: Plotly does not decode ``&quot;`` (it would show those six
  characters), and it does not auto-link bare addresses (checked in Chromium), so nothing else is needed.
- ``html``: text inside the product's own HTML (st.html).
- ``spreadsheet``: a cell of a CSV or Excel download, which a spreadsheet would run as a formula (say
  ``=HYPERLINK(...)``) if it started with ``=``, ``+``, ``-`` or ``@``.

The meeting pack needs nothing: python-pptx writes runs of plain text, and the PDF is drawn with
reportlab's canvas (drawString / textLine), which does not parse markup (a reportlab ``Paragraph`` would:
escape with ``html`` before using one).
"""

from __future__ import annotations

import html as _html
import math
import re
import textwrap

WORD_JOINER = "\u2060"

# Markdown's and HTML's special characters; '&' so that '&lt;' stays those four characters, '=' for setext headings.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:&=])")
_ORDERED_LIST_START = re.compile(r"(?m)^(\s*\d+)\.")
# Where GitHub-flavoured Markdown's literal auto-links are recognised: between 'www' and '.', between ':' and
# '//', and after the '@' of an e-mail address. A word joiner there breaks the match.
_AUTOLINK_JOINTS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?<=@)")


def _as_text(value: object) -> str:
    """``value`` as a string; None and NaN (a missing cell) as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def markdown(value: object) -> str:
    """``value`` for Streamlit Markdown: it renders as exactly its characters (no markup, no links)."""
    joined = _AUTOLINK_JOINTS.sub(WORD_JOINER, _as_text(value))
    return _ORDERED_LIST_START.sub(r"\1\\.", _MARKDOWN_SPECIAL.sub(r"\\\1", joined))


def plotly(value: object) -> str:
    """``value`` for any Plotly text: it renders as exactly its characters."""
    return _html.escape(_as_text(value), quote=False)


def plotly_lines(value: object, width: int, max_lines: int | None = None) -> str:
    """``value`` wrapped at word boundaries to ``width`` characters, each line escaped for Plotly and the lines
    joined with Plotly's line break (``<br>``, the only markup in the result). Never inside a hyphenated word
    ("under-reached" stays whole). With ``max_lines``, lines beyond it are left off and the last kept one ends
    in "…"."""
    lines = textwrap.wrap(_as_text(value), width, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][: width - 1].rstrip() + "…"]
    return "<br>".join(plotly(line) for line in lines)


def from_plotly(value: str) -> str:
    """One line of Plotly text made by ``plotly``/``plotly_lines`` back to the text it was made from (entities
    decoded): for re-wrapping it, or writing it where no markup is read (a slide's title)."""
    return _html.unescape(value)


def plotly_rewrapped(lines: str, width: int) -> str:
    """Text made by ``plotly_lines`` wrapped again to ``width`` characters (for a larger font: presentation mode),
    escaped exactly once, as before."""
    plain = " ".join(from_plotly(line) for line in lines.split("<br>"))
    return plotly_lines(plain, width)


def html(value: object) -> str:
    """``value`` for the product's own HTML (st.html): every character that could start markup escaped."""
    return _html.escape(_as_text(value), quote=True)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet(value: object) -> object:
    """A spreadsheet cell's value: text that a spreadsheet would run as a formula gets a leading apostrophe
    (shown as text); anything else, numbers included, is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
