"""URL parameters: filter values kept in the address, so a link reopens exactly the same view."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st


def url_param(key: str, *, options: list[Any] | None = None, kind: str = "text") -> None:
    """Keep a filter widget's value in the address, so a link opens exactly this view.

    Call before creating the widget with the same ``key`` (and no default ``value``): on the first run of a
    session the value is taken from the address when it is valid (one of ``options``; ``kind`` 'date' for
    ISO dates, 'list' for comma-separated choices); on every run the widget's current value is written
    back to the address.
    """
    raw = st.query_params.get(key)
    if key not in st.session_state and raw is not None:
        value = _parse_param(raw, kind, options)
        if value is not None:
            st.session_state[key] = value
    if key in st.session_state:
        st.query_params[key] = _format_param(st.session_state[key], kind)


def _parse_param(raw: str, kind: str, options: list[Any] | None) -> Any:
    """A value from the address, or None when it is not valid here."""
    if kind == "date":
        try:
            chosen = date.fromisoformat(raw)
        except ValueError:
            return None
        # Every date filter runs from 2000 to today: anything else from a link is ignored, not an error.
        return chosen if date(2000, 1, 1) <= chosen <= date.today() else None
    if kind == "list":
        chosen = [part for part in raw.split(",") if part]
        by_text = {str(option): option for option in options or []}
        return [by_text[part] for part in chosen if part in by_text] if options is not None else chosen
    if options is None:
        return raw
    by_text = {str(option): option for option in options}
    return by_text.get(raw)


def _format_param(value: Any, kind: str) -> str:
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "list":
        return ",".join(str(v) for v in value)
    return str(value)
