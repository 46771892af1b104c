"""Views on a page: who is looking (the audience), one view built for them (cached), and how it is rendered."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from sendlib import text
from sendlib.auth import FORUM
from sendlib.views import Audience, Filters, Metric, View, ViewFunction
from ui.charts import show_chart
from ui.identity import current_actor
from ui.state import get_config, query


def audience() -> Audience:
    """Who is looking at this session's pages (the signed-in role; the public forum role when signed out)."""
    actor = current_actor()
    return Audience.of(actor.role if actor is not None else FORUM, get_config())


def view(build: ViewFunction, filters: Filters | None = None) -> View | None:
    """``build(store, config, filters, audience)`` for this session's audience, cached until the data changes."""
    result: View | None = query(build, get_config(), filters or Filters(), audience())
    return result


def show_metrics(metrics: Sequence[Metric]) -> None:
    """Headline tiles side by side: label, value, and the comparison or change under it (no colour: a rise is not
    good or bad in itself; an arrow only for a change, not for a target)."""
    for column, metric in zip(st.columns(max(len(metrics), 1)), metrics):
        column.metric(
            metric.label,
            metric.value,
            delta=metric.delta,
            delta_color="off",
            help=metric.help,
            delta_arrow="auto" if metric.arrow else "off",
        )


def show_view(view: View | None, *, key: str | None = None, heading: bool = True) -> None:
    """Render one view: its title as a heading, headline tiles, chart (its summary as the accessible name),
    further sentences, notes, table and downloads. Nothing when ``view`` is None (nothing to show)."""
    if view is None:
        return
    if heading:
        st.subheader(text.markdown(view.title), anchor=False)
    if view.metrics:
        show_metrics(view.metrics)
    decimals = get_config().display.percent_decimals
    percent = st.column_config.NumberColumn(format=f"%.{decimals}f%%")
    column_config = dict.fromkeys(view.percent_columns, percent)
    if view.figure is not None:
        show_chart(
            view.figure,
            summary=view.summary,
            table=view.table,
            table_label=view.table_label,
            table_expanded=view.table_expanded,
            column_config=column_config,
            note=view.suppression_note,
            key=key or view.key,
        )
    else:
        if view.table is not None or not view.metrics:  # a tiles-only view's summary is its tiles in words
            st.markdown(text.markdown(view.summary))
        if view.table is not None:
            st.dataframe(view.table, hide_index=True, column_config=column_config, width="stretch")
    for sentence in view.sentences:
        st.markdown(text.markdown(sentence))
    for note in view.notes:
        st.caption(text.markdown(note))
