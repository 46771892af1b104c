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
.easy-read .picture { font-family: 'Material Symbols Rounded'; font-size: 2.4rem !important; line-height: 1;
    flex: 0 0 2.6rem; font-feature-settings: 'liga'; }
</style>
"""


def show_easy_read(parts: list[easy_read.Part]) -> None:
    """Easy read parts: a heading each, then one point per line in large text with its picture beside it.

    The pictures are decorative (hidden from screen readers); the words are escaped text.
    """
    for part in parts:
        st.header(part.title, anchor=False)
        items = "".join(
            f'<li><span class="picture" aria-hidden="true">{text.html(point.icon)}</span>'
            f'<span class="words">{text.html(point.text)}</span></li>'
            for point in part.points
        )
        st.html(f'{_EASY_READ_CSS}<div class="easy-read"><ul>{items}</ul></div>')
        if part.more:
            page_link(part.more, label="See the full figures")
