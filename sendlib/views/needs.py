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

from sendlib import benchmark, geography, needs, periods
from sendlib.codes import EHC_PLAN, LOCAL_AUTHORITY, SEN_SUPPORT, format_period, need_key
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
    neighbour_keys: tuple[str, ...] = ()  # the statistical neighbours, closest first (when comparators names them)


# The census as each audience sees it, by (store file, data version, area, comparators, neighbours, period asked,
# threshold):
# every view of a page starts from it, and suppressing it once per page run instead of once per view halves a
# page's first run after a change. The data version changes with every committed write, so an entry is never
# stale; the census's frame is only read by the views (pandas copies on write). Bounded: the oldest go first.
_CENSUS_MEMO: dict[tuple[str, str, str, tuple[str, ...], tuple[str, ...], str | None, int], Census | None] = {}
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
        tuple(needs.neighbour_keys(config)),
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
        period,
        tuple(periods),
        local,
        area_keys,
        breakdown,
        needs.query_source_line(store, period, list(area_keys)),
        tuple(needs.neighbour_keys(config)),
    )


def census_periods(census: Census, config: Config, filters: Filters) -> tuple[periods.Period, ...]:
    """The census's period as every view of it says it (flagged when a newer census was due by ``as_of``)."""
    period = periods.census(census.period, config.data_age, filters.today())
    return (period,) if period else ()


# Whether an area's public need table hides a provision total, by (store file, data version, period, area,
# threshold): the prevalence of an area is left out when it does, and the views of a page (prevalence, the
# neighbours' average, the standing) ask it of the same areas. Bounded like _CENSUS_MEMO.
_TOTALS_HIDDEN: dict[tuple[str, str, str, str, int], bool] = {}
_TOTALS_HIDDEN_SIZE = 2048


def _totals_hidden(store: Store, period: str, area_key: str, threshold: int) -> bool:
    key = (store.path, store.data_version(), period, area_key, threshold)
    with _CENSUS_MEMO_LOCK:
        if key in _TOTALS_HIDDEN:
            return _TOTALS_HIDDEN[key]
    hidden = needs.totals_hidden(needs.query_need_breakdown(store, area_key, period), threshold)
    with _CENSUS_MEMO_LOCK:
        while len(_TOTALS_HIDDEN) >= _TOTALS_HIDDEN_SIZE:
            del _TOTALS_HIDDEN[next(iter(_TOTALS_HIDDEN))]
        _TOTALS_HIDDEN[key] = hidden
    return hidden


def _prevalence(store: Store, census: Census, audience: Audience, area_keys: list[str]) -> pd.DataFrame:
    """Prevalence of ``area_keys`` in the census period, areas that would give a hidden figure away left out: as
    ``needs.suppress_prevalence`` with every area's need breakdown, each area's need table suppressed once."""
    shown = needs.suppress_prevalence(needs.query_prevalence(store, census.period, area_keys), audience.threshold)
    if audience.threshold <= 0 or shown.empty:
        return shown
    hidden = [_totals_hidden(store, census.period, key, audience.threshold) for key in shown["area_key"]]
    return shown[[not h for h in hidden]].reset_index(drop=True)


def _neighbours_average(store: Store, census: Census, audience: Audience) -> pd.DataFrame:
    """The statistical neighbours' average prevalence row (no row when none is configured or held): each neighbour
    as this audience would see it as a comparator (``_prevalence``), its rates averaged."""
    if not census.neighbour_keys:
        return pd.DataFrame()
    return needs.average_prevalence(_prevalence(store, census, audience, list(census.neighbour_keys)))


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
    return View(
        "primary_needs.metrics",
        "Headline figures",
        _tiles_sentence(shown),
        census.source,
        metrics=shown,
        periods=census_periods(census, config, filters),
    )


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
    # Percentages even beside a hidden count's "c": the page writes such a column out as text in this format.
    percent = ("SEN support %", "EHC plan %")
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
        notes=tuple(line for line in (note, need_key(breakdown["need"])) if line),
        suppression_note=note,
        periods=census_periods(census, config, filters),
    )


def against_all_pupils(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The share of all pupils on SEN support and with EHC plans, beside England and the region when held."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    prevalence = _prevalence(store, census, audience, list(census.area_keys))
    if not prevalence["prevalence_pct"].notna().any():
        return None
    average = _neighbours_average(store, census, audience)
    if not average.empty:
        prevalence = pd.concat([prevalence, average], ignore_index=True)
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
        periods=census_periods(census, config, filters),
    )


def compared(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Each need's share of SEN support and of EHC plans here beside the comparators' (None with no comparator)."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    comparison = needs.query_share_comparison(store, census.period, list(census.area_keys))
    shares = needs.suppress_share_comparison(comparison, audience.threshold)
    if census.neighbour_keys:
        theirs = needs.query_share_comparison(store, census.period, list(census.neighbour_keys))
        average = needs.average_shares(theirs, needs.suppress_share_comparison(theirs, audience.threshold))
        if not average.empty:
            shares = pd.concat([shares, average], ignore_index=True)
    if shares["area_key"].nunique() <= 1:
        return None
    decimals = config.display.percent_decimals
    others = [name for name in shares["area_name"].unique() if name != config.area.name]
    named = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
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
        f"Compared with {named}",
        needs.summarise_share_comparison(shares, census.local_key, decimals=decimals),
        census.source,
        figure=figure,
        table=shares[list(SHARE_COLUMNS)].rename(columns=SHARE_COLUMNS),
        percent_columns=("Share",),
        notes=tuple(line for line in (need_key(shares["need"]),) if line),
        periods=census_periods(census, config, filters),
    )


# The census rates ranked among every LA: column, how a tile names it, how a sentence names it. None has a
# better direction (a higher share is neither good nor bad), so the words say highest and lowest only.
RANKED_RATES = (
    ("ehc_plan_pct", "With an EHC plan", "share of pupils with an EHC plan"),
    ("sen_support_pct", "On SEN support", "share of pupils on SEN support"),
    ("prevalence_pct", "With SEND", "share of pupils with SEND"),
)
RANKED_COLUMNS = {
    "area_name": "Area",
    "region_name": "Region",
    "ehc_plan_pct": "% with an EHC plan",
    "sen_support_pct": "% SEN support",
    "prevalence_pct": "% with SEND",
    "rank": "Rank (EHC plans)",
}
RANKING_COVERAGE = 0.9  # the share of LAs in force the store must hold for the period before any LA is ranked
STANDING_TITLE = "Among all local authorities"


@dataclass(frozen=True)
class Ranked:
    """Every LA's census rates for one period as an audience may see them ranked, and why others are not."""

    rates: pd.DataFrame  # area_key, area_name, region_code, region_name and RATE_COLUMNS of the LAs ranked
    held: int  # LAs in force with figures in the store for the period
    unknown: frozenset[str]  # LAs whose counts include a published symbol (totals not known)
    hidden: frozenset[str]  # LAs left out for this audience (small numbers)


def ranked_rates(store: Store, census: Census, audience: Audience) -> Ranked:
    """The rates of every LA in force that may be ranked for ``audience``: not an LA any of whose SEN counts was
    published as a symbol (its totals are not known), nor, for the forum, one with a count from 1 to the
    threshold, nor a compared area (local, comparators, neighbours) whose need table hides a provision total — the
    same rule as every prevalence view (``_prevalence``), so a rank never rests on a figure hidden elsewhere."""
    keys = [str(area.old_la_code) for area in geography.local_authorities()]
    everyone = needs.query_prevalence(store, census.period, keys)
    everyone = everyone[everyone["geographic_level"] == LOCAL_AUTHORITY]
    unknown = needs.query_areas_with_symbols(store, census.period, keys)
    shown = needs.suppress_prevalence(everyone, audience.threshold)
    compared = [key for key in (*census.area_keys, *census.neighbour_keys) if key in set(keys)]
    still = set(_prevalence(store, census, audience, compared)["area_key"]) if compared else set()
    hidden = (set(everyone["area_key"]) - set(shown["area_key"])) | (set(compared) & set(everyone["area_key"]) - still)
    rates = shown[~shown["area_key"].isin(unknown | hidden) & shown["all_pupils"].notna()].copy()
    regions = {str(area.old_la_code): area.region_code for area in geography.local_authorities()}
    rates["region_code"] = rates["area_key"].map(regions)
    rates["region_name"] = rates["region_code"].map(geography.region_name)
    columns = ["area_key", "area_name", "region_code", "region_name", *needs.RATE_COLUMNS]
    return Ranked(rates[columns].reset_index(drop=True), len(everyone), frozenset(unknown), frozenset(hidden - unknown))


def _not_ranked(config: Config, census: Census, ranked: Ranked) -> str:
    """Why the local area has no rank."""
    period, name = format_period(census.period), config.area.name
    if census.local_key in ranked.unknown:
        return (
            f"{name} is not ranked for {period}: some of its counts were published as symbols, so its totals are "
            "not known."
        )
    if census.local_key in ranked.hidden:
        return f"{name} is not ranked for {period}: its figures are hidden here to protect small numbers."
    return f"{name} is not ranked for {period}: there is no all-pupil count for it, so no share of pupils."


def standing(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The local area's share of pupils with an EHC plan, on SEN support and with SEND ranked among every LA in
    England (or its region's, ``filters.benchmark_scope``), its quarter, and every LA's EHC plan share drawn with
    ours highlighted beside England, the region and the statistical neighbours' average. When the store holds
    the census of only a few LAs for the period, one sentence saying that ranking needs DfE's LA-level file."""
    census = public_census(store, config, filters, audience)
    if census is None:
        return None
    period = format_period(census.period)
    in_force = len(geography.local_authorities())
    ranked = ranked_rates(store, census, audience)
    if ranked.held < RANKING_COVERAGE * in_force:
        held = "no other local authority" if ranked.held <= 1 else f"only {ranked.held} local authorities"
        sentence = (
            f"Ranking {config.area.name} among all {in_force} local authorities needs DfE's LA-level census file "
            f"(“Special educational needs in England”, every local authority) for {period}: the store holds "
            f"{held} for that census."
        )
        return View(
            "primary_needs.standing",
            STANDING_TITLE,
            sentence,
            census.source,
            periods=census_periods(census, config, filters),
        )
    rates = ranked.rates
    scope = benchmark.ENGLAND_SCOPE
    if filters.benchmark_scope == benchmark.REGION_ONLY:
        rates = rates[rates["region_code"] == config.area.region_code].reset_index(drop=True)
        scope = geography.region_name(config.area.region_code) or config.area.region_name
    decimals = config.display.percent_decimals
    tiles, lines = [], []
    standings = {}
    for column, label, words in RANKED_RATES:
        values = rates.assign(value=rates[column].astype("float64"))
        found = benchmark.standing(values, census.local_key, direction="none", scope=scope)
        standings[column] = found
        if found is None:
            continue
        tiles.append(Metric(label, f"{found.value:.{decimals}f}%", found.rank_words, found.words, arrow=False))
        lines.append(f"{config.area.name}'s {words}, {found.value:.{decimals}f}%, is the {found.words}.")
    headline = standings["ehc_plan_pct"]
    summary = lines.pop(0) if headline is not None else _not_ranked(config, census, ranked)
    ehc = rates.assign(value=rates["ehc_plan_pct"].astype("float64"))
    # The neighbours' average is of all of them, wherever they are (with the region-only switch too).
    every_ehc = ranked.rates.assign(value=ranked.rates["ehc_plan_pct"].astype("float64"))
    references = _references(store, census, audience, config, every_ehc)
    average = dict(references).get(benchmark.NEIGHBOURS_AVERAGE)
    if average is not None:
        count = benchmark.neighbours_with_figures(every_ehc, census.neighbour_keys)
        lines.append(
            f"The average share with an EHC plan of {config.area.name}'s statistical neighbours (DfE's, "
            f"{count} of {len(census.neighbour_keys)} with figures) is {average:.{decimals}f}%."
        )
    notes = [
        "Ranks count from the highest share; areas with the same share share a rank (“joint”). Quarters are cut by "
        "rank: the first quarter is the highest-ranked quarter of the local authorities.",
        *_left_out(ranked, census, rates if scope != benchmark.ENGLAND_SCOPE else None, config),
    ]
    where = "every local authority" if scope == benchmark.ENGLAND_SCOPE else f"the {scope} region's local authorities"
    figure = benchmark.build_distribution(
        ehc,
        census.local_key,
        title=f"Share of pupils with an EHC plan in {where}, {period}",
        value_label="% of all pupils with an EHC plan",
        source=census.source,
        references=references,
        decimals=decimals,
        suffix="%",
        our_name=config.area.name,
    )
    table = rates.sort_values(["ehc_plan_pct", "area_name"], ascending=[False, True]).reset_index(drop=True)
    positions = table["ehc_plan_pct"].astype("float64").rank(method="min", ascending=False).astype(int)
    tied = table["ehc_plan_pct"].duplicated(keep=False)
    table["rank"] = [f"{'joint ' if tie else ''}{benchmark.ordinal(p)}" for p, tie in zip(positions, tied)]
    return View(
        "primary_needs.standing",
        STANDING_TITLE if scope == benchmark.ENGLAND_SCOPE else f"Among the {scope} region's local authorities",
        summary,
        census.source,
        figure=figure,
        table=table[list(RANKED_COLUMNS)].rename(columns=RANKED_COLUMNS),
        table_label="Every local authority's figures",
        percent_columns=("% with an EHC plan", "% SEN support", "% with SEND"),
        metrics=tuple(tiles),
        sentences=tuple(lines),
        notes=tuple(notes),
        periods=census_periods(census, config, filters),
    )


def _left_out(ranked: Ranked, census: Census, scoped: pd.DataFrame | None, config: Config) -> list[str]:
    """The note naming the LAs (of the scope) not ranked, and why."""
    names = {str(area.old_la_code): area for area in geography.local_authorities()}
    in_scope = {key for key, area in names.items() if scoped is None or area.region_code == config.area.region_code} - {
        census.local_key
    }
    parts = []
    for keys, why in (
        (ranked.unknown, "some counts published as symbols, so totals not known"),
        (ranked.hidden, "hidden to protect small numbers"),
    ):
        chosen = sorted(names[key].name for key in keys & in_scope)
        if chosen:
            listed = ", ".join(chosen) if len(chosen) <= 5 else f"{len(chosen)} local authorities"
            parts.append(f"{listed} ({why})")
    return [f"Not ranked for {format_period(census.period)}: {'; '.join(parts)}."] if parts else []


def _references(
    store: Store, census: Census, audience: Audience, config: Config, ehc: pd.DataFrame
) -> list[tuple[str, float | None]]:
    """The lines across the distribution: England's and the region's EHC plan share (as the prevalence view shows
    them), and the statistical neighbours' average (of those ranked)."""
    shown = _prevalence(store, census, audience, [ENGLAND, config.area.region_code])
    rates: dict[str, float] = {
        str(key): float(rate) for key, rate in zip(shown["area_key"], shown["ehc_plan_pct"]) if not pd.isna(rate)
    }
    found: list[tuple[str, float | None]] = [
        (label, rates[key])
        for key, label in ((ENGLAND, "England"), (config.area.region_code, config.area.region_name))
        if key in rates
    ]
    if census.neighbour_keys:
        found.append((benchmark.NEIGHBOURS_AVERAGE, benchmark.neighbours_average(ehc, census.neighbour_keys)))
    return found


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
        periods=census_periods(census, config, filters),
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
        "primary_needs.headline",
        title,
        _tiles_sentence(shown),
        census.source,
        metrics=shown,
        sentences=tuple(lines),
        periods=census_periods(census, config, filters),
    )
