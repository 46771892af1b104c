"""How a chart is shown: the chart, its one-sentence summary, its table, and its downloads."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from sendlib import text
from sendlib.charts import for_screen, with_note
from sendlib.export import figure_to_image, table_to_csv, table_to_xlsx
from ui.present import presenting
from ui.projector import for_projector
from ui.tables import show_table

CHART_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": "hover"}


def show_chart(
    figure: go.Figure,
    *,
    summary: str,
    table: pd.DataFrame | None = None,
    table_label: str = "Show the figures as a table",
    table_expanded: bool = False,
    column_config: dict[str, Any] | None = None,
    note: str | None = None,
    key: str,
    presented: go.Figure | None = None,
) -> None:
    """A chart, its one-sentence summary (visible, and the chart's text alternative), its table, and downloads:
    the chart as PNG and SVG (title, source line and any suppression ``note`` inside the image) and the table
    as CSV and Excel (made when clicked; formulas neutralised)."""
    # On the page the source line is the page's caption (it wraps to any screen), not drawn inside the chart; a
    # presented chart is alone on its screen, so it keeps its source line inside, rewrapped at projector size, and
    # two panels stand side by side (a projector is wide, not tall); the larger text has its space measured again.
    # ``presented``: the screen's part of a chart split over several (``ui.projector.presented_parts``).
    shown = presented if presented is not None else for_projector(figure) if presenting() else for_screen(figure)
    # The summary is also the chart's accessible name (role="figure" with aria-label): a screen reader announces it.
    # The mode bar shows on hover or tap only, in the strip every chart keeps clear above its title.
    st.plotly_chart(shown, key=key, config=CHART_CONFIG, alt=summary)
    st.markdown(text.markdown(summary))  # summaries quote names from uploaded files: text, never markup
    if table is not None:
        with st.expander(table_label, expanded=table_expanded):
            show_table(table, column_config)  # counts and percentages formatted, beside any hidden count's c
    download_row(figure, table, note=note, key=key)


def download_row(figure: go.Figure, table: pd.DataFrame | None, *, note: str | None, key: str) -> None:
    """PNG, SVG, CSV and Excel downloads for one chart, each made only when clicked (no rerun)."""
    stem = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    exported = with_note(figure, note)
    columns = st.columns([1, 1, 1, 1, 4])

    def image(fmt: str) -> Callable[[], bytes]:
        return lambda: figure_to_image(exported, fmt=fmt, width=1400)

    columns[0].download_button(
        "PNG",
        image("png"),
        file_name=f"{stem}.png",
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
        help="The chart as an image",
    )
    columns[1].download_button(
        "SVG",
        image("svg"),
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
        icon=":material/image:",
        help="The chart as a scalable image, for slides and print",
    )
    if table is not None:
        columns[2].download_button(
            "CSV",
            lambda: table_to_csv(table),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/table:",
            help="The figures as a CSV file",
        )
        columns[3].download_button(
            "Excel",
            lambda: table_to_xlsx(table),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table:",
            help="The figures as an Excel workbook",
        )
