"""The Primary needs page's views: headline figures, by primary need, against all pupils, compared with the
comparators, over time; and the page's headline for the Overview.

Each view is composed from ``sendlib.needs`` (query → suppress → build → summarise). The census as an audience
sees it is worked out once, in :func:`public_census`: every view here (and Easy read) starts from it, so the
need table, the tiles and the sentences hide the same figures.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

from sendlib import needs
from sendlib.codes import EHC_PLAN, SEN_SUPPORT, format_period
from sendlib.config import Config
from sendlib.store import Store
from sendlib.suppression import UNAVAILABLE
from sendlib.views.base import Audience, Filters, Metric, View

ENGLAND = "E92000001"
PREVALENCE_HEIGHT = 360
TREND_HEIGHT = 420
PREVALENCE_COLUMNS = {
    "area_name": "Area",
    "geographic_level": "Level",
    "sen_support": SEN_SUPPORT,
    "ehc_plan": EHC_PLAN,
    "total_sen": "Total with SEND",
    "all_pupils": "All pupils",
    "prevalence_pct": "% with SEND",
    "sen_support_pct": "% SEN support",
    "ehc_plan_pct": "% EHC plan",
}
SHARE_COLUMNS = {
    "area_name": "Area",
    "provision": "Provision",
    "need": "Need",
    "need_name": "Primary need",
    "pupils": "Pupils",
    "share_pct": "Share",
}


@dataclass(frozen=True)
class Census:
    """One census period of the local area as an audience sees it: the need breakdown suppressed for them
    (``needs.suppress_breakdown``), the areas compared, and the source line."""

    period: str
    periods: tuple[str, ...]  # every period held, newest first
    local_key: str
    area_keys: tuple[str, ...]  # the local area first, then the comparators and the region
    breakdown: pd.DataFrame
    source: str


# The census as each audience sees it, by (store file, data version, area, comparators, period asked, threshold):
# every view of a page starts from it, and suppressing it once per page run instead of once per view halves a
# page's first run after a change. The data version changes with every committed write, so an entry is never
# stale; the census's frame is only read by the views (pandas copies on write). Bounded: the oldest go first.
_CENSUS_MEMO: dict[tuple[str, str, str, tuple[str, ...], str | None, int], Census | None] = {}
_CENSUS_MEMO_SIZE = 64
_CENSUS_MEMO_LOCK = threading.Lock()  # sessions run in threads of one process


def public_census(store: Store, config: Config, filters: Filters, audience: Audience) -> Census | None:
    """The census for ``filters.census_period`` (the latest when not chosen or not held) as ``audience`` sees
    it; None when no census is loaded for the local area. Treat it as read-only: it is shared by the views."""
    key = (
        store.path,
        store.data_version(),
        needs.local_area_key(config),
        tuple(needs.comparator_keys(config)),
        filters.census_period,
        audience.threshold,
    )
    with _CENSUS_MEMO_LOCK:
        if key in _CENSUS_MEMO:
            return _CENSUS_MEMO[key]
    census = _public_census(store, config, filters, audience)
    with _CENSUS_MEMO_LOCK:
        while len(_CENSUS_MEMO) >= _CENSUS_MEMO_SIZE:
            del _CENSUS_MEMO[next(iter(_CENSUS_MEMO))]
        _CENSUS_MEMO[key] = census
    return census


def _public_census(store: Store, config: Config, filters: Filters, audience: Audience) -> Census | None:
    local = needs.local_area_key(config)
    periods = needs.query_periods(store, local)
    if not periods:
        return None
    period = filters.census_period if filters.census_period in periods else periods[0]
    area_keys = (local, *needs.comparator_keys(config))
    breakdown = needs.suppress_breakdown(needs.query_need_breakdown(store, local, period), audience.threshold)
    return Census(
        period, tuple(periods), local, area_keys, breakdown, needs.query_source_line(store, period, list(area_keys))
    )


def _prevalence(store: Store, census: Census, audience: Audience, area_keys: list[str]) -> pd.DataFrame:
    """Prevalence of ``area_keys`` in the census period, areas that would give a hidden figure away left out."""
    return needs.suppress_prevalence(
        needs.query_prevalence(store, census.period, area_keys),
        audience.threshold,
        needs.query_share_comparison(store, census.period, area_keys),
    )


def _tiles_sentence(metrics: tuple[Metric, ...]) -> str:
    """The tiles in one sentence (a tiles-only view's summary: for readers of the pack and the published site)."""
    return "; ".join(f"{m.label}: {m.value}" + (f" ({m.delta})" if m.delta else "") for m in metrics) + "."


def metrics(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The page's headline tiles: with SEND, SEN support, EHC plans, and the share of all pupils against England
    (shown only when the local rate is shown)."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    decimals = config.display.percent_decimals
    totals = needs.provision_totals(census.breakdown)
    with_send: int | str = (
        int(totals[SEN_SUPPORT]) + int(totals[EHC_PLAN]) if all(isinstance(v, int) for v in totals.values()) else "c"
    )
    tiles = [
        Metric("Children and young people with SEND", needs.format_count(with_send)),
        Metric(SEN_SUPPORT, needs.format_count(totals[SEN_SUPPORT])),
        Metric("EHC plans", needs.format_count(totals[EHC_PLAN])),
    ]
    prevalence = _prevalence(store, census, audience, list(census.area_keys))
    local_rate = prevalence[prevalence["area_key"] == census.local_key]["prevalence_pct"]
    england_rate = prevalence[prevalence["geographic_level"] == "National"]["prevalence_pct"]
    if not local_rate.empty and local_rate.notna().all():
        delta = None
        if not england_rate.empty and england_rate.notna().all():
            points = float(local_rate.iloc[0]) - float(england_rate.iloc[0])
            delta = f"{points:+.{decimals}f} points against England"
        tiles.append(Metric("Share of all pupils", f"{float(local_rate.iloc[0]):.{decimals}f}%", delta))
    shown = tuple(tiles)
    return View("primary_needs.metrics", "Headline figures", _tiles_sentence(shown), census.source, metrics=shown)


def by_need(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """SEN support and EHC plans by primary need, side by side, with the table by need."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    decimals = config.display.percent_decimals
    breakdown = census.breakdown
    note = breakdown.attrs.get("note")
    figure = needs.build_need_chart(
        breakdown,
        area_name=config.area.name,
        period=census.period,
        source=census.source,
        height=config.display.chart_height,
        decimals=decimals,
    )
    # A column holding "c" is text: formatted as a percentage it would not show.
    percent = () if breakdown["hidden"].any() else ("SEN support %", "EHC plan %")
    return View(
        "primary_needs.need",
        "By primary need",
        needs.summarise_needs(breakdown, area_name=config.area.name, period=census.period, decimals=decimals),
        census.source,
        figure=figure,
        table=needs.build_need_table(breakdown),
        table_label="The figures by primary need",
        table_expanded=True,
        percent_columns=percent,
        notes=(note,) if note else (),
        suppression_note=note,
    )


def against_all_pupils(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The share of all pupils on SEN support and with EHC plans, beside England and the region when held."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    prevalence = _prevalence(store, census, audience, list(census.area_keys))
    if not prevalence["prevalence_pct"].notna().any():
        return None
    decimals = config.display.percent_decimals
    figure = needs.build_prevalence_chart(
        prevalence, period=census.period, source=census.source, height=PREVALENCE_HEIGHT, decimals=decimals
    )
    return View(
        "primary_needs.prevalence",
        "Against all pupils",
        needs.summarise_prevalence(prevalence, census.local_key, period=census.period, decimals=decimals),
        census.source,
        figure=figure,
        table=prevalence.drop(columns=["area_key"]).rename(columns=PREVALENCE_COLUMNS),
        percent_columns=("% with SEND", "% SEN support", "% EHC plan"),
    )


def compared(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Each need's share of SEN support and of EHC plans here beside the comparators' (None with no comparator)."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    comparison = needs.query_share_comparison(store, census.period, list(census.area_keys))
    shares = needs.suppress_share_comparison(comparison, audience.threshold)
    if shares["area_key"].nunique() <= 1:
        return None
    decimals = config.display.percent_decimals
    others = [name for name in shares["area_name"].unique() if name != config.area.name]
    figure = needs.build_share_comparison_chart(
        shares,
        census.local_key,
        period=census.period,
        source=census.source,
        height=config.display.chart_height,
        decimals=decimals,
    )
    return View(
        "primary_needs.comparison",
        f"Compared with {' and '.join(others)}",
        needs.summarise_share_comparison(shares, census.local_key, decimals=decimals),
        census.source,
        figure=figure,
        table=shares[list(SHARE_COLUMNS)].rename(columns=SHARE_COLUMNS),
        percent_columns=("Share",),
    )


def over_time(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """SEN support and EHC plans across census periods (None until more than one period is shown)."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    hidden = needs.query_periods_with_hidden_totals(store, census.local_key, audience.threshold)
    trend = needs.suppress_trend(needs.query_trend(store, census.local_key), audience.threshold, hidden)
    if trend["period"].nunique() <= 1:
        return None
    figure = needs.build_trend_chart(trend, area_name=config.area.name, source=census.source, height=TREND_HEIGHT)
    table = trend.assign(period=trend["period"].map(format_period)).rename(
        columns={"period": "Census", "provision": "Provision", "pupils": "Pupils"}
    )
    return View(
        "primary_needs.trend",
        "Over time",
        needs.summarise_trend(trend, area_name=config.area.name),
        census.source,
        figure=figure,
        table=table,
    )


def headline(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The page's headline on the Overview: children with SEND (and the change since the previous census), the
    share of all pupils against England, the EHC plan share and its change, the largest needs."""
    title = "Children and young people with SEND"
    census = public_census(store, config, filters, audience)
    if census is None:
        missing = "No census is loaded yet: an officer can load one on Upload data."
        return View("primary_needs.headline", title, missing, "", missing=missing)
    period, threshold, local = census.period, audience.threshold, census.local_key
    older = [p for p in census.periods if p < period]  # newest first: the first is the one before
    previous = older[0] if older else None
    decimals = config.display.percent_decimals

    # Every figure here is worked from the census as the audience's views show it: a change or share built from
    # a figure they hide (a "c", or a count published as a symbol) would give that figure away, so it is left
    # out too.
    def shown_totals(p: str) -> tuple[dict[str, int | str], int | str]:
        """The provision totals and the total with SEND as shown for period ``p`` (strings when hidden)."""
        shown = needs.suppress_breakdown(needs.query_need_breakdown(store, local, p), threshold)
        totals: dict[str, int | str] = dict(needs.provision_totals(shown))
        if threshold and needs.query_has_symbols(store, local, p):
            totals = dict.fromkeys(totals, UNAVAILABLE)
        known = all(isinstance(value, int) for value in totals.values())
        return totals, (sum(int(value) for value in totals.values()) if known else UNAVAILABLE)

    now, total = shown_totals(period)
    before, before_total = shown_totals(previous) if previous else ({}, UNAVAILABLE)
    tiles: list[Metric] = []
    delta = (
        f"{int(total) - int(before_total):+,} since {format_period(previous)}"
        if previous and isinstance(total, int) and isinstance(before_total, int)
        else None
    )
    tiles.append(Metric(f"With SEND, {format_period(period)}", f"{total:,}" if isinstance(total, int) else "c", delta))
    ehc_share = int(now[EHC_PLAN]) / total * 100 if isinstance(total, int) and total else None
    ehc_delta = None
    if ehc_share is not None and previous and isinstance(before_total, int) and before_total:
        ehc_delta = (
            f"{ehc_share - int(before[EHC_PLAN]) / before_total * 100:+.{decimals}f} points since "
            f"{format_period(previous)}"
        )
    # As on the page: an area with a small count is left out (its rate would give the count away), and the rate
    # is shown only beside a shown total.
    prevalence = _prevalence(store, census, audience, [local, needs.area_key_for(ENGLAND)])
    rates = dict(zip(prevalence["geographic_level"], prevalence["prevalence_pct"]))
    local_rate = prevalence.loc[prevalence["area_key"] == local, "prevalence_pct"]
    if isinstance(total, int) and not local_rate.empty and pd.notna(local_rate.iloc[0]):
        england = rates.get("National")
        versus = f"{local_rate.iloc[0] - england:+.{decimals}f} points against England" if pd.notna(england) else None
        tiles.append(Metric("Share of all pupils", f"{local_rate.iloc[0]:.{decimals}f}%", versus))
    if ehc_share is not None:
        tiles.append(
            Metric(
                "With an EHC plan",
                f"{ehc_share:.{decimals}f}%",
                ehc_delta,
                "Share of children and young people with SEND who have an EHC plan.",
            )
        )
    breakdown = census.breakdown
    lines = []
    for provision in (SEN_SUPPORT, EHC_PLAN):
        top = breakdown[
            (breakdown["provision"] == provision) & ~breakdown["hidden"] & breakdown["share_pct"].notna()
        ].head(3)
        if not top.empty:
            lines.append(
                f"Largest needs, {provision}: "
                + ", ".join(f"{row.need} {row.share_pct:.{decimals}f}%" for row in top.itertuples())
            )
    shown = tuple(tiles)
    return View(
        "primary_needs.headline", title, _tiles_sentence(shown), census.source, metrics=shown, sentences=tuple(lines)
    )
