"""Easy read rendering: large words, one point per line, each with a decorative picture."""

from __future__ import annotations

import streamlit as st

from sendlib import easy_read, text
from ui.frame import page_link

_EASY_READ_CSS = """
<style>
.easy-read ul { list-style: none; padding-left: 0; margin: 0 0 0.5rem 0; }
.easy-read li { display: flex; gap: 1rem; align-items: center; margin: 0 0 1rem 0; }
.easy-read .words { font-size: 1.5rem !important; line-height: 1.5 !important; }
.easy-read .quoted { font-style: italic; }
.easy-read .picture { font-family: 'Material Symbols Rounded'; font-size: 2.4rem !important; line-height: 1;
    flex: 0 0 2.6rem; font-feature-settings: 'liga'; }
</style>
"""


def show_easy_read(parts: list[easy_read.Part], heading_level: int = 2) -> None:
    """Easy read parts: a heading each (h2, or ``heading_level`` when they sit under a page's own section), then
    one point per line in large text with its picture beside it.

    The pictures are decorative (hidden from screen readers); the words are escaped text.
    """
    for part in parts:
        if heading_level == 2:
            st.header(text.markdown(part.title), anchor=False)
        else:
            st.markdown(f"{'#' * heading_level} {text.markdown(part.title)}")
        items = "".join(
            f'<li><span class="picture" aria-hidden="true">{text.html(point.icon)}</span>'
            f'<span class="words{" quoted" if point.quoted else ""}">{text.html(point.text)}</span></li>'
            for point in part.points
        )
        st.html(f'{_EASY_READ_CSS}<div class="easy-read"><ul>{items}</ul></div>')
        if part.more:
            page_link(part.more, label="See the full figures")
