"""The EHC plans page's views: the headline (the page's tiles and the Overview's), caseload each January and
where it stands among all local authorities, caseload by primary need and by setting, requests → assessments
→ new plans, and 20-week timeliness over time and where it stands.

Each view is composed from ``sendlib.ehcp`` (query → suppress for the audience → build → summarise), beside
England, the region and the statistical neighbours' average; the rankings use ``sendlib.benchmark``. Figures
are DfE's as published (``sendlib.ehcp``'s docstring says how small numbers are hidden for the forum).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sendlib import ehcp, periods
from sendlib.benchmark import build_distribution, scope_words
from sendlib.config import Config
from sendlib.ehcp import Cell, period_words
from sendlib.periods import Period
from sendlib.store import Store
from sendlib.suppression import SUPPRESSED
from sendlib.views.base import Audience, Filters, Metric, View

TREND_HEIGHT = 420
DISTRIBUTION_HEIGHT = 440
NOT_LOADED = "No EHC plan figures are loaded yet: an officer can load DfE's release on Upload data."
SYMBOLS_NOTE = "Figures are DfE's as published ({symbols})."
BREAKDOWN_NOTE = (
    "Percentages are DfE's, as published (one decimal place); the statistical neighbours' figure is the average "
    "of their published percentages."
)
SETTING_NOTE = (
    "Independent schools are counted within mainstream and special schools, and young people not in employment, "
    "education or training (NEET) within educated elsewhere: DfE publishes their numbers, not a percentage."
)
NEIGHBOURS_NOTE = "Statistical neighbours: the local authorities DfE lists as most like this one (May 2025)."


def _period(config: Config, filters: Filters, period: str) -> tuple[Period, ...]:
    found = periods.ehc_plans(period, config.data_age, filters.today())
    return (found,) if found else ()


def _notes(values: Iterable[Cell], audience: Audience, *extra: str) -> tuple[tuple[str, ...], str | None]:
    """The view's notes (what its symbols mean, then ``extra``) and its suppression note (when a "c" is shown)."""
    shown = list(values)
    meaning = ehcp.symbols_note(shown, audience.threshold)
    notes = tuple(line for line in (meaning, *extra) if line)
    hidden = audience.hides_small_numbers and SUPPRESSED in [v for v in shown if isinstance(v, str)]
    return notes, (meaning if hidden else None)


def _table_values(table: pd.DataFrame) -> list[Cell]:
    return [value for column in table.columns for value in table[column] if isinstance(value, (str, int, float))]


# -- caseload ------------------------------------------------------------------------------------------------------
def caseload(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """EHC plans each January: the local area's line, the table beside England, the region and the neighbours."""
    areas = ehcp.areas_for(config)
    trend = ehcp.query_caseload(store, areas, audience.threshold)
    if trend.empty:
        return None
    latest = str(trend["period"].iloc[-1])
    source = ehcp.query_source_line(store, [ehcp.CASELOAD], [latest])
    table = ehcp.build_caseload_table(trend, areas)
    notes, note = _notes(_table_values(table), audience, NEIGHBOURS_NOTE)
    return View(
        "ehc_plans.caseload",
        "EHC plans each January",
        ehcp.summarise_caseload(trend, areas),
        source,
        figure=ehcp.build_caseload_chart(trend, area_name=areas.local_name, source=source, height=TREND_HEIGHT),
        table=table,
        table_label="EHC plans each January, beside England, the region and the statistical neighbours",
        notes=notes,
        suppression_note=note,
        periods=_period(config, filters, latest),
    )


def caseload_ranking(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The latest January's EHC plans in every local authority (or the region's), the local area highlighted, with
    its standing (highest/lowest: caseload has no better direction)."""
    areas = ehcp.areas_for(config)
    latest = next(iter(ehcp.query_periods(store, ehcp.CASELOAD, areas.local)), None)
    if latest is None:
        return None
    figures = ehcp.query_caseload_all(store, audience.threshold, latest)
    where = ehcp.ranking(figures, areas, direction="none", scope=filters.benchmark_scope)
    if where.standing is None:
        return None
    source = ehcp.query_source_line(store, [ehcp.CASELOAD], [latest])
    words = period_words(latest)
    figure = build_distribution(
        where.values,
        areas.local,
        title=f"EHC plans in each local authority {scope_words(where.scope)}, {words}",
        value_label="EHC plans",
        source=source,
        height=DISTRIBUTION_HEIGHT,
        references=ehcp.reference_lines(figures, areas, totals=True),
        decimals=0,
        our_name=areas.local_name,
    )
    table = ehcp.build_distribution_table(where, value_label="EHC plans", percent=False)
    notes, note = _notes(_table_values(table), audience)
    return View(
        "ehc_plans.caseload_ranking",
        "EHC plans in every local authority",
        f"{areas.local_name} had {int(where.standing.value):,} EHC plans in {words}: {where.standing.words}.",
        source,
        figure=figure,
        table=table,
        table_label="Every local authority's EHC plans, highest first",
        notes=(*notes, *_hidden_note(where)),
        suppression_note=note,
        periods=_period(config, filters, latest),
    )


def _hidden_note(where: ehcp.Ranking) -> tuple[str, ...]:
    if not where.hidden:
        return ()
    them = "authority has" if where.hidden == 1 else "authorities have"
    return (
        f"{where.hidden} local {them} no figure shown, so {'it is' if where.hidden == 1 else 'they are'} not ranked.",
    )


# -- by need, by setting ---------------------------------------------------------------------------------------------
def by_need(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The latest January's EHC plans by primary need: DfE's percentages here, in England, the region and the
    neighbours' average."""
    areas = ehcp.areas_for(config)
    found = ehcp.query_breakdown(store, areas, ehcp.NEEDS, ehcp.NEED_PARTS, ehcp.NEED_TOTAL, audience.threshold)
    if found is None:
        return None
    period, frame = found
    source = ehcp.query_source_line(store, [ehcp.NEEDS], [period])
    order = ehcp.breakdown_order(frame)
    figure = ehcp.build_breakdown_chart(
        frame,
        title=f"EHC plans by primary need, {period_words(period)}",
        source=source,
        value_label="% of EHC plans",
        height=config.display.chart_height,
        order=order,
    )
    table = ehcp.build_breakdown_table(frame)
    key = ehcp.need_key_line(order)
    notes, note = _notes(_table_values(table), audience, BREAKDOWN_NOTE, key)
    return View(
        "ehc_plans.need",
        "EHC plans by primary need",
        ehcp.summarise_breakdown(frame, areas, period=period, what="primary need"),
        source,
        figure=figure,
        table=table,
        table_label="EHC plans by primary need, beside England, the region and the statistical neighbours",
        percent_columns=("% of EHC plans",),
        notes=notes,
        suppression_note=note,
        periods=_period(config, filters, period),
    )


def by_setting(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The latest January's EHC plans by the setting attended (DfE's totals: mainstream, special, alternative
    provision, further education, educated elsewhere …), with independent schools and NEET inside them."""
    areas = ehcp.areas_for(config)
    found = ehcp.query_breakdown(store, areas, ehcp.CASELOAD, ehcp.SETTINGS, ehcp.PLANS, audience.threshold)
    if found is None:
        return None
    period, frame = found
    source = ehcp.query_source_line(store, [ehcp.CASELOAD], [period])
    figure = ehcp.build_breakdown_chart(
        frame,
        title=f"EHC plans by setting, {period_words(period)}",
        source=source,
        value_label="% of EHC plans",
        height=config.display.chart_height,
        order=[part.key for part in ehcp.SETTINGS],
    )
    parts = ehcp.query_setting_parts(store, areas, period, audience.threshold)
    table = ehcp.build_breakdown_table(frame, parts)
    notes, note = _notes(_table_values(table), audience, BREAKDOWN_NOTE, SETTING_NOTE)
    return View(
        "ehc_plans.setting",
        "EHC plans by setting",
        ehcp.summarise_breakdown(frame, areas, period=period, what="setting"),
        source,
        figure=figure,
        table=table,
        table_label="EHC plans by setting, beside England, the region and the statistical neighbours",
        percent_columns=("% of EHC plans",),
        notes=notes,
        suppression_note=note,
        periods=_period(config, filters, period),
    )


# -- requests → assessments → new plans --------------------------------------------------------------------------
def path(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Each calendar year's requests for an EHC needs assessment, assessments and new plans, with DfE's share of
    requests assessed and of assessments leading to a plan beside England, the region and the neighbours."""
    areas = ehcp.areas_for(config)
    found = ehcp.query_path(store, areas, audience.threshold)
    if found.empty:
        return None
    latest = str(found["year"].iloc[-1])
    source = ehcp.query_source_line(store, [ehcp.REQUESTS, ehcp.ASSESSMENTS, ehcp.NEW_PLANS], [latest])
    table = ehcp.build_path_table(found)
    notes, note = _notes(_table_values(table), audience, ehcp.PATH_NOTE)
    return View(
        "ehc_plans.path",
        "Requests, assessments and new plans",
        ehcp.summarise_path(found, areas),
        source,
        figure=ehcp.build_path_chart(found, area_name=areas.local_name, source=source, height=TREND_HEIGHT),
        table=table,
        table_label="Requests, assessments and new plans each year, beside England, the region and the neighbours",
        percent_columns=("Decided to assess %", "Plan issued %"),
        notes=notes,
        suppression_note=note,
        periods=_period(config, filters, latest),
    )


# -- 20-week timeliness -------------------------------------------------------------------------------------------
def timeliness(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """New plans issued within 20 weeks each calendar year, with and without exception cases, beside England, the
    region and the neighbours' average."""
    areas = ehcp.areas_for(config)
    trend = ehcp.query_timeliness(store, areas, audience.threshold)
    if trend.empty:
        return None
    latest = str(trend["year"].iloc[-1])
    source = ehcp.query_source_line(store, [ehcp.TIMELINESS], [latest])
    table = ehcp.build_timeliness_table(trend)
    notes, note = _notes(_table_values(table), audience, ehcp.TIMELINESS_NOTE)
    return View(
        "ehc_plans.timeliness",
        "New plans issued within 20 weeks",
        ehcp.summarise_timeliness(trend, areas),
        source,
        figure=ehcp.build_timeliness_chart(
            trend, area_name=areas.local_name, source=source, height=config.display.chart_height
        ),
        table=table,
        table_label="New plans within 20 weeks each year, beside England, the region and the neighbours",
        percent_columns=("Within 20 weeks %", "Without exception cases %"),
        notes=notes,
        suppression_note=note,
        periods=_period(config, filters, latest),
    )


def _timeliness_ranking(
    store: Store, config: Config, filters: Filters, audience: Audience
) -> tuple[str, ehcp.Ranking, pd.DataFrame] | None:
    areas = ehcp.areas_for(config)
    latest = next(iter(ehcp.query_periods(store, ehcp.TIMELINESS, areas.local)), None)
    if latest is None:
        return None
    rates = ehcp.query_timeliness_all(store, audience.threshold, period=latest)
    within = rates[rates["measure"] == ehcp.WITHIN]
    return latest, ehcp.ranking(within, areas, direction="higher_is_better", scope=filters.benchmark_scope), within


def timeliness_ranking(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The latest year's share of new plans issued within 20 weeks in every local authority (or the region's),
    the local area highlighted, with its standing (higher is better)."""
    found = _timeliness_ranking(store, config, filters, audience)
    if found is None:
        return None
    latest, where, within = found
    standing = where.standing
    if standing is None:
        return None
    areas = ehcp.areas_for(config)
    source = ehcp.query_source_line(store, [ehcp.TIMELINESS], [latest])
    figure = build_distribution(
        where.values,
        areas.local,
        title=f"New EHC plans issued within 20 weeks in each local authority {scope_words(where.scope)}, {latest}",
        value_label="% of new plans within 20 weeks",
        source=source,
        height=DISTRIBUTION_HEIGHT,
        references=ehcp.reference_lines(within, areas, totals=False),
        decimals=ehcp.DECIMALS,
        suffix="%",
        our_name=areas.local_name,
    )
    table = ehcp.build_distribution_table(where, value_label="Within 20 weeks %", percent=True)
    notes, note = _notes(_table_values(table), audience, ehcp.TIMELINESS_NOTE)
    return View(
        "ehc_plans.timeliness_ranking",
        "20-week timeliness in every local authority",
        f"In {latest}, {areas.local_name} issued {standing.value:.{ehcp.DECIMALS}f}% of new EHC plans within "
        f"20 weeks: {standing.words}.",
        source,
        figure=figure,
        table=table,
        table_label="Every local authority's share within 20 weeks, highest first",
        percent_columns=("Within 20 weeks %",),
        notes=(*notes, *_hidden_note(where)),
        suppression_note=note,
        periods=_period(config, filters, latest),
    )


# -- the headline ----------------------------------------------------------------------------------------------
def headline(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The page's headline, on the page and the Overview: EHC plans in the latest January and the change on the
    year before, new plans issued within 20 weeks against England, and the standing among all local authorities."""
    title = "EHC plans"
    areas = ehcp.areas_for(config)
    trend = ehcp.query_caseload(store, areas, audience.threshold)
    if trend.empty:
        return View("ehc_plans.headline", title, NOT_LOADED, "", missing=NOT_LOADED)
    tiles: list[Metric] = []
    lines: list[str] = []
    plans = ehcp.local_series(trend, "plans")
    years = list(plans)
    latest = years[-1]
    before = years[-2] if len(years) > 1 else None
    change = ehcp.change_words(plans[latest], plans.get(before)) if before else None
    tiles.append(
        Metric(
            f"EHC plans, {period_words(latest)}",
            ehcp.format_count(plans[latest]),
            f"{change} on {period_words(before)}" if change and before else None,
        )
    )
    datasets = [ehcp.CASELOAD]
    years_ranked: list[str] = []
    shown_periods = list(_period(config, filters, latest))
    timeliness_found = _timeliness_ranking(store, config, Filters(as_of=filters.as_of), audience)
    if timeliness_found is not None:
        year, where, within = timeliness_found
        datasets.append(ehcp.TIMELINESS)
        years_ranked.append(year)
        shown_periods += [p for p in _period(config, filters, year) if p not in shown_periods]
        rates = dict(zip(within["area_key"], within["cell"]))
        ours, england = ehcp.number(rates.get(areas.local)), ehcp.number(rates.get(ehcp.ENGLAND_CODE))
        if ours is not None:
            versus = (
                f"{ours - england:+.{ehcp.DECIMALS}f} points on England's {england:.{ehcp.DECIMALS}f}%"
                if england is not None
                else None
            )
            tiles.append(
                Metric(f"New plans within 20 weeks, {year}", f"{ours:.{ehcp.DECIMALS}f}%", versus, arrow=False)
            )
        if where.standing is not None:
            tiles.append(
                Metric(
                    "20-week timeliness among local authorities",
                    where.standing.rank_words,
                    where.standing.quarter_words,
                    help=where.standing.words[:1].upper() + where.standing.words[1:] + ".",
                    arrow=False,
                )
            )
            lines.append(f"20-week timeliness, {year}: {where.standing.words}.")
        without = _without_exceptions(store, areas, audience, year)
        if without:
            lines.append(without)
    caseload_figures = ehcp.query_caseload_all(store, audience.threshold, latest)
    standing = ehcp.ranking(caseload_figures, areas, direction="none", scope=None).standing
    if standing is not None:
        lines.append(f"EHC plans, {period_words(latest)}: {standing.words}.")
    shown = tuple(tiles)
    return View(
        "ehc_plans.headline",
        title,
        "; ".join(f"{m.label}: {m.value}" + (f" ({m.delta})" if m.delta else "") for m in shown) + ".",
        ehcp.query_source_line(store, datasets, [latest, *(p for p in years_ranked if p != latest)]),
        metrics=shown,
        sentences=tuple(lines),
        periods=tuple(shown_periods),
    )


def _without_exceptions(store: Store, areas: ehcp.Areas, audience: Audience, year: str) -> str | None:
    rates = ehcp.query_timeliness_all(
        store, audience.threshold, period=year, area_keys=[areas.local, ehcp.ENGLAND_CODE]
    )
    without = rates[rates["measure"] == ehcp.WITHIN_EX]
    by = dict(zip(without["area_key"], without["cell"]))
    ours, england = ehcp.number(by.get(areas.local)), ehcp.number(by.get(ehcp.ENGLAND_CODE))
    if ours is None:
        return None
    beside = f" (England {england:.{ehcp.DECIMALS}f}%)" if england is not None else ""
    return f"Without exception cases, {ours:.{ehcp.DECIMALS}f}% of new plans were issued within 20 weeks{beside}."
