"""The app shell's shared Streamlit helpers: the cached store, cached queries, and how a chart is shown.

Caching lives here, not in sendlib (DESIGN.md §3): one Store per process (every query takes its own
cursor, as DuckDB 2.0 requires across threads), and query results cached by the store's data
version, so a new load is seen at once and an unchanged store is never queried twice.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from sendlib.config import CONFIG_ENV_VAR, Config, ConfigError, load_config
from sendlib.demo import load_demo, store_is_empty
from sendlib.store import Store, StoreError


_frame = threading.local()


def run_in_frame(navigation: Any) -> None:
    """Run the selected page inside the frame (dashboard.py), marking that the frame is active."""
    _frame.active = True
    try:
        navigation.run()
    finally:
        _frame.active = False


def page_guard() -> None:
    """First line of every page: make sure the page runs inside the frame, never on its own.

    Streamlit keeps its legacy ``pages/`` behaviour for the first session of a server process until some
    script calls ``st.navigation``: a first visitor opening ``/primary_needs`` directly would run the page
    file alone, without the frame's configuration and (later) its role checks. Here we switch the process
    to ``st.navigation`` mode (the same flag ``st.navigation`` itself sets) and rerun, so the frame runs
    and resolves the requested page.
    """
    if getattr(_frame, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager  # private, see docstring

    PagesManager.uses_pages_directory = False
    st.rerun()


@st.cache_resource(show_spinner=False)
def _load_config(path: str) -> Config:
    return load_config(path or None)


def get_config() -> Config:
    """The settings from config.yaml (or SENDLIB_CONFIG), read once per process and file.

    A malformed file stops the page with the key that is wrong.
    """
    try:
        return _load_config(os.environ.get(CONFIG_ENV_VAR, ""))
    except ConfigError as exc:
        st.error(f"config.yaml cannot be used: {exc}")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


@st.cache_resource(show_spinner="Opening the data store…")
def _open_store(path: str, load_demo_data: bool) -> Store:
    store = Store.open(path)
    if load_demo_data and store_is_empty(store):
        load_demo(store, get_config())
    return store


def get_store() -> Store:
    """The process's store, opened (and seeded with demo data when empty and so configured) on first use.

    A store that cannot be opened stops the page with one plain sentence saying what to do.
    """
    config = get_config()
    try:
        return _open_store(str(config.db_path), config.store.demo_on_first_run)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(module: str, name: str, data_version: str, args: tuple[Any, ...]) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(get_store(), *args)


def query(function: Callable[..., Any], *args: Any) -> Any:
    """``function(store, *args)``, cached until the store's data changes."""
    store = get_store()
    return _cached_call(function.__module__, function.__name__, store.data_version(), tuple(args))


def show_chart(
    figure: go.Figure,
    *,
    summary: str,
    table: pd.DataFrame | None = None,
    table_label: str = "Show the figures as a table",
    table_expanded: bool = False,
    column_config: dict[str, Any] | None = None,
    key: str,
) -> None:
    """A chart, its one-sentence summary (visible, and the chart's text alternative), and its table."""
    st.plotly_chart(figure, key=key, config={"displaylogo": False, "responsive": True})
    st.markdown(summary)
    if table is not None:
        # Counts with thousands separators, as in the charts, unless the page formats a column itself.
        formats = {column: st.column_config.NumberColumn(format="localized")
                   for column in table.columns if pd.api.types.is_integer_dtype(table[column])}
        formats.update(column_config or {})
        with st.expander(table_label, expanded=table_expanded):
            st.dataframe(table, hide_index=True, column_config=formats, width="stretch")


def source_caption(source: str) -> None:
    """The line saying where the figures came from."""
    st.caption(source)
