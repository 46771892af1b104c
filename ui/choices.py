"""Choosing a filter: a selector when there is a choice to make, plain text when there is only one option."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from sendlib import text
from sendlib.benchmark import REGION_ONLY
from ui.params import url_param

T = TypeVar("T")


def choose(
    label: str,
    options: Sequence[T],
    *,
    key: str,
    format_func: Callable[[T], str] = str,
    container: Any = st,
    help: str | None = None,
) -> T:
    """``container.selectbox(label, options, ...)``, or — with one option only — the label and that option as
    plain text (a drop-down with nothing else in it invites a click that leads nowhere). Returns the choice."""
    if len(options) == 1:
        container.markdown(f"**{text.markdown(label)}:** {text.markdown(format_func(options[0]))}", help=help)
        return options[0]
    chosen: T = container.selectbox(label, options, key=key, format_func=format_func, help=help)
    return chosen


_ENGLAND_SCOPE = "england"  # the address's value for every LA in England (Filters.benchmark_scope None)


def benchmark_scope(area_name: str, region_name: str) -> str | None:
    """The "Rank <area> among" switch, kept in the address (``?benchmark_scope=region``) with the same key and
    values on every page, so one link or choice serves them all; returns ``Filters.benchmark_scope``: None for
    every LA in England, ``benchmark.REGION_ONLY`` for the region's."""
    scopes = [_ENGLAND_SCOPE, REGION_ONLY]
    url_param("benchmark_scope", options=scopes)
    scope = st.radio(
        f"Rank {area_name} among",
        scopes,
        key="benchmark_scope",
        horizontal=True,
        format_func=lambda s: (
            "every local authority in England"
            if s == _ENGLAND_SCOPE
            else f"the local authorities of the {region_name} region"
        ),
    )
    return REGION_ONLY if scope == REGION_ONLY else None
