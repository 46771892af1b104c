"""Views on a page: who is looking (the audience), one view built for them (cached), and how it is rendered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from sendlib import text
from sendlib.auth import FORUM
from sendlib.tables import percent_format
from sendlib.views import Audience, Filters, Metric, View, ViewFunction, views_for
from ui.charts import show_chart
from ui.frame import once_this_run
from ui.identity import current_actor
from ui.present import claim_slide, presenting, slide_frame
from ui.projector import presented_parts
from ui.state import get_config, query
from ui.tables import show_table


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
    further sentences, notes, table and downloads. Nothing when ``view`` is None (nothing to show).

    In presentation mode a view with a chart is a slide: drawn (chart, summary, sentences, notes; its title is in
    the chart) only when it is the slide on screen; views without a chart are not shown."""
    if view is None:
        return
    if presenting():
        # A chart too tall for one screen is a slide for each part (its rows split); only the one on screen is drawn.
        for part in presented_parts(view.figure) if view.figure is not None else ():
            if claim_slide():
                with slide_frame():
                    _show_parts(replace(view, metrics=()), key=key, heading=False, presented=part)
        return
    _show_parts(view, key=key, heading=heading)


def show_deck() -> None:
    """The meeting's deck, for presentation mode: every chart view the audience may see, in page order (the
    meeting pack's contents), built for today; one per screen."""
    for spec in views_for(audience()):
        if spec.in_pack:
            show_view(view(spec.build, Filters(as_of=date.today())), key=spec.key)


def _show_parts(view: View, *, key: str | None, heading: bool, presented: go.Figure | None = None) -> None:
    if heading:
        st.subheader(text.markdown(view.title), anchor=False)
    if view.metrics:
        show_metrics(view.metrics)
    decimals = get_config().display.percent_decimals
    percent = st.column_config.NumberColumn(format=percent_format(decimals))
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
            presented=presented,
        )
    else:
        if view.table is not None or not view.metrics:  # a tiles-only view's summary is its tiles in words
            st.markdown(text.markdown(view.summary))
        if view.table is not None:
            show_table(view.table, column_config)
    for sentence in view.sentences:
        st.markdown(text.markdown(sentence))
    for note in view.notes:
        st.caption(text.markdown(note))
    show_periods(view)


def show_periods(view: View) -> None:
    """The period of each source the view draws on, then each age note (years apart, out of date) flagged: both
    once per page run (a page's views mostly share their sources)."""
    if view.period_line and once_this_run(view.period_line):
        st.caption(text.markdown(view.period_line))
    for note in view.age_notes:
        if once_this_run(note):
            st.warning(text.markdown(note), icon=":material/history:")
