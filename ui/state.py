"""The process's shared state: the settings, the one Store (and its backup thread), and the query cache.

Caching lives here, not in sendlib (ARCHITECTURE.md, Layers): one Store per process (every query takes its own
cursor, as DuckDB 2.0 requires across threads), and query results cached by the store's data
version, so a new load is seen at once and an unchanged store is never queried twice. Each cached
function is defined here once: Streamlit keys its caches on the function.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st

from sendlib import text
from sendlib.backup import backup
from sendlib.config import CONFIG_ENV_VAR, Config, ConfigError, load_config
from sendlib.demo import load_demo, store_is_empty
from sendlib.errors import SendlibError
from sendlib.store import Store

LOG = logging.getLogger("sendlib.app")


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
    config = get_config()
    if config.store.backup_folder:
        _start_backups(store, Path(config.store.backup_folder), config.store.backup_every_hours)
    if config.publish_folder is not None:  # every later load, undo and edit republishes the public site
        from sendlib.publish import keep_current

        keep_current(store, config)
    return store


def _start_backups(store: Store, folder: Path, every_hours: int) -> None:
    """Back the store up into ``folder`` every ``every_hours`` from this process, which holds the store (a
    separate backup process could not open it while the dashboard runs). A failure is logged, never fatal."""

    def loop() -> None:
        while True:
            try:
                LOG.info(backup(store, folder / f"send-{datetime.now():%Y-%m-%d-%H%M}"))
            except Exception:  # a failed backup must not stop the dashboard; it goes to the log
                LOG.exception("The scheduled backup failed")
            time.sleep(every_hours * 3600)

    threading.Thread(target=loop, name="sendlib-backups", daemon=True).start()


def get_store() -> Store:
    """The process's store, opened (and seeded with demo data when empty and so configured) on first use.

    A store that cannot be opened stops the page with one plain sentence saying what to do.
    """
    config = get_config()
    try:
        return _open_store(str(config.db_path), config.store.demo_on_first_run)
    except SendlibError as exc:  # the store, or the demo data it is seeded with
        LOG.error("The data store could not be opened", exc_info=exc)  # the traceback, for the log only
        st.error(text.markdown(str(exc)))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(module: str, name: str, store_path: str, data_version: str, args: tuple[Any, ...]) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(get_store(), *args)


def query(function: Callable[..., Any], *args: Any) -> Any:
    """``function(store, *args)``, cached until the store's data changes (keyed by the store's file too, so
    two stores in one process — as in the tests — never share results)."""
    store = get_store()
    return _cached_call(function.__module__, function.__name__, store.path, store.data_version(), tuple(args))
