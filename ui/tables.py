"""How figures are labelled on a page: table columns as people read them, and the source line."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sendlib import text
from sendlib.codes import format_period


def label_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Column names as people read them ('primary_need' → 'Primary need'); periods spelt out."""
    shown = table.copy()
    if "period" in shown:
        shown["period"] = shown["period"].map(format_period)
    return shown.rename(columns=lambda c: c.replace("_", " ").capitalize())


def source_caption(source: str) -> None:
    """The line saying where the figures came from (it names uploaded files: shown as text)."""
    st.caption(text.markdown(source))
