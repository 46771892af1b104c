"""How figures are labelled on a page: table columns as people read them, tables of figures, and the source line."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sendlib import text
from sendlib.codes import format_period
from sendlib.tables import mixes_text_and_numbers, number_text


def label_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Column names as people read them ('primary_need' → 'Primary need'); periods spelt out."""
    shown = table.copy()
    if "period" in shown:
        shown["period"] = shown["period"].map(format_period)
    return shown.rename(columns=lambda c: c.replace("_", " ").capitalize())


def table_for_display(
    table: pd.DataFrame, column_config: dict[str, Any] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table as a page shows it, and its column settings: counts with thousands separators, percentages as
    ``column_config`` formats them, and a column mixing numbers with symbols (``c`` for a hidden count) written
    out as text in the same format (``sendlib.tables.number_text``, the published site's rule too), right-aligned
    like the numbers beside it. (Arrow cannot hold such a column as it is: Streamlit would log an
    ``ArrowInvalid`` traceback and show the numbers left-aligned, unformatted.)"""
    config: dict[str, Any] = {
        column: st.column_config.NumberColumn(format="localized")
        for column in table.columns
        if pd.api.types.is_integer_dtype(table[column])
    }
    config.update(column_config or {})
    mixed = [column for column in table.columns if mixes_text_and_numbers(table[column])]
    if not mixed:
        return table, config
    shown = table.copy()
    for column in mixed:
        setting = config.get(column) or {}
        number_format = (setting.get("type_config") or {}).get("format")
        shown[column] = [number_text(value, number_format) for value in table[column]]
        config[column] = st.column_config.TextColumn(
            label=setting.get("label"), help=setting.get("help"), alignment="right"
        )
    return shown, config


def show_table(table: pd.DataFrame, column_config: dict[str, Any] | None = None) -> None:
    """A table of figures across the page, formatted by ``table_for_display``."""
    shown, config = table_for_display(table, column_config)
    st.dataframe(shown, hide_index=True, column_config=config, width="stretch")


def source_caption(source: str) -> None:
    """The line saying where the figures came from (it names uploaded files: shown as text)."""
    st.caption(text.markdown(source))
