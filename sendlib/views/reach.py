"""The views of the Reach gaps page (for everyone, the forum included) and the Participation reach page (staff).

Each view is ``(store, config, filters, audience) -> View | None`` composed from ``sendlib.reach`` and
``sendlib.engagement``; suppression happens here, from ``audience.threshold`` (0: figures as they are), so the
page, the Overview, the meeting pack and Easy read all show the forum the same figures. The forum's choices are
narrowed here too (``reach.gap_choices``): a view never trusts the page to offer only what the forum may take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from sendlib import commitments, engagement, periods, reach
from sendlib.config import Config
from sendlib.engagement import NEED, PARTICIPANT_KINDS, PROVISION
from sendlib.store import Store
from sendlib.views.base import Audience, Filters, Metric, View

GAP_HEADINGS: dict[str, str] = {PROVISION: "SEN support and EHC plans", NEED: "Main need"}
NO_CENSUS = "No census is loaded yet, so there is nothing to compare with. An officer can load one on the Upload page."


def _label_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Column names as people read them ('share_pct' → 'Share pct'), as the pages label raw tables."""
    return table.rename(columns=lambda c: str(c).replace("_", " ").capitalize())


# -- what the person chose, narrowed to what this audience may choose ---------------------------------------------
def gap_period(years: list[str], filters: Filters, audience: Audience) -> str:
    """The engagement period a reach view covers: the chosen one when this audience may choose it, else the
    first offered (the latest complete year, ``reach.default_year``; all years when none is recorded). The forum is
    offered that year only."""
    offered, _ = reach.gap_choices(years, suppressed=audience.hides_small_numbers, today=filters.today())
    if filters.engagement_year in offered:
        return filters.engagement_year
    return offered[0] if offered else reach.ALL_YEARS


def heard_from(filters: Filters, audience: Audience) -> str:
    """Who counts as heard from (a key of ``reach.AUDIENCE_CHOICES``): the chosen one when this audience may
    choose it, else everyone."""
    _, choices = reach.gap_choices([], suppressed=audience.hides_small_numbers)
    return filters.heard_from if filters.heard_from in choices else choices[0]


@dataclass(frozen=True)
class _Inputs:
    """What every reach view of one period is built from."""

    period: str
    start: date
    end: date
    participation: pd.DataFrame
    cohort: reach.Cohort
    source: str
    periods: tuple[periods.Period, ...]  # the cohort's census, then the engagement year
    when: str  # the period in a sentence: "in 2025/26", "in 2026/27 year to date (1 activity)", "so far"


def _inputs(store: Store, period: str, config: Config, audience: Audience, today: date) -> _Inputs:
    start, end = reach.period_dates(period, today)
    cohort = reach.query_cohort(store, config)
    census = periods.census(cohort.period, config.data_age, today)
    year = periods.engagement(period, today, reach.query_activity_count(store, start, end))
    return _Inputs(
        period,
        start,
        end,
        reach.query_participation(store, start, end),
        cohort,
        reach.source_line(store, cohort, start, end, audience.threshold),
        ((census,) if census else ()) + (year,),
        f"in {year.words}" if year.year is not None else reach.period_words(period),
    )


def _period_inputs(store: Store, config: Config, filters: Filters, audience: Audience) -> _Inputs:
    return _inputs(
        store, gap_period(reach.query_engagement_years(store), filters, audience), config, audience, filters.today()
    )


# -- Reach gaps (every role; suppressed for the forum) ------------------------------------------------------------
def _gap_view(store: Store, config: Config, filters: Filters, audience: Audience, dimension: str) -> View | None:
    """Reach gaps by ``dimension``: shares of children with SEND against shares of those heard from, with one
    sentence per under-reached group (and what is planned about it); None when no census is loaded."""
    got = _period_inputs(store, config, filters, audience)
    if got.cohort.period is None:
        return None
    decimals = config.display.percent_decimals
    gaps = reach.build_gap_view(
        got.participation,
        got.cohort.frame,
        dimension,
        kinds=reach.AUDIENCE_CHOICES[heard_from(filters, audience)],
        when=got.when,
        gap_ratio=config.reach.gap_ratio,
        decimals=decimals,
        threshold=audience.threshold,
        plans=commitments.query_gap_plans(store),
        census=got.cohort.census,
    )
    heading = GAP_HEADINGS[dimension]
    figure = reach.build_gap_chart(
        gaps.chart,
        title=f"{heading}: share of children with SEND and of those we heard from",
        source=got.source,
        decimals=decimals,
        note=gaps.note,
    )
    return View(
        key=f"reach_gaps.{dimension.replace(' ', '_')}",
        title=f"Reach gaps: {heading}",
        summary=reach.summarise_gaps(gaps, dimension),
        source=got.source,
        figure=figure,
        table=gaps.table,
        table_label="The figures as a table",
        sentences=tuple(gaps.sentences),
        notes=(gaps.note,) if gaps.note else (),
        suppression_note=gaps.note,
        periods=got.periods,
    )


def gaps_by_provision(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Reach gaps for SEN support and EHC plans."""
    return _gap_view(store, config, filters, audience, PROVISION)


def gaps_by_need(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Reach gaps by main (primary) need."""
    return _gap_view(store, config, filters, audience, NEED)


def reach_headline(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The Overview's "Who we are hearing from": reach per level against target in the latest year of
    engagement (tiles; only for an audience shown figures as they are, since a rate times the cohort gives the
    number heard from) and the worst three gaps (the largest by provision, the two largest by need) as lines.
    ``missing`` says what to load when there is no engagement or no census."""
    title = "Who we are hearing from"
    years = reach.query_engagement_years(store)
    cohort = reach.query_cohort(store, config)
    missing = (
        "No engagement is recorded yet: officers record activities on Participation reach."
        if not years
        else None
        if cohort.period is not None
        else "No census is loaded, so reach cannot be worked out: load one on Upload data."
    )
    if missing:
        return View(key="reach_gaps.headline", title=title, summary=missing, source="", missing=missing)
    year = reach.default_year(years, filters.today()) or years[0]
    got = _inputs(store, year, config, audience, filters.today())
    label = got.periods[-1].words  # "2025/26", or "2026/27 year to date (n activities)" when none is complete
    decimals = config.display.percent_decimals
    tiles: list[Metric] = []
    if audience.threshold == 0:
        everyone = reach.reach_by_level(got.participation, cohort.frame, config.reach, PARTICIPANT_KINDS, together=True)
        for level, rate, target, met in zip(
            everyone["level"], everyone["rate_pct"], everyone["target_pct"], everyone["met"]
        ):
            if level not in engagement.LEVELS:
                continue
            value = "—" if math.isnan(rate) else f"{rate:.{decimals}f}%"
            verdict = "" if met is None else (" (met)" if met else " (not met)")
            tiles.append(
                Metric(
                    f"{reach.LEVEL_LABELS[level]} reach, {label}",
                    value,
                    f"target {target:.{decimals}f}%{verdict}",
                    arrow=False,
                )
            )  # a target, not a change
    plans = commitments.query_gap_plans(store)
    lines: list[str] = []
    for dimension, count in ((PROVISION, 1), (NEED, 2)):
        gaps = reach.build_gap_view(
            got.participation,
            cohort.frame,
            dimension,
            kinds=PARTICIPANT_KINDS,
            when=got.when,
            gap_ratio=config.reach.gap_ratio,
            decimals=decimals,
            threshold=audience.threshold,
            plans=plans,
            census=cohort.census,
        )
        lines += gaps.sentences[:count]
    return View(
        key="reach_gaps.headline",
        title=title,
        summary=f"Reach and reach gaps, {label}.",
        source=got.source,
        metrics=tuple(tiles),
        sentences=tuple(lines),
        periods=got.periods,
    )


# -- Participation reach (staff only: the page is not the forum's) ------------------------------------------------
def _kinds(filters: Filters, audience: Audience) -> tuple[str, ...]:
    return reach.AUDIENCE_CHOICES[heard_from(filters, audience)]


def reach_levels(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Reach at micro, meso and macro level against each level's target, per kind of participant.
    ``missing`` is set (and rates are blank) when no census is loaded."""
    got = _period_inputs(store, config, filters, audience)
    decimals = config.display.percent_decimals
    by_level = reach.reach_by_level(got.participation, got.cohort.frame, config.reach, _kinds(filters, audience))
    title = f"Reach by level against target, {reach.period_words(got.period)}"  # the period line says "year to date"
    missing = (
        None
        if got.cohort.period
        else (
            "No census is loaded for the area, so reach cannot be worked out: an "
            "officer can load one on the Upload page."
        )
    )
    return View(
        key="participation.levels",
        title=title,
        summary=reach.summarise_level(by_level, decimals),
        source=got.source,
        figure=reach.build_level_chart(
            by_level, title=title, source=got.source, height=config.display.chart_height, decimals=decimals
        ),
        table=reach.build_level_table(by_level, decimals),
        missing=missing,
        periods=got.periods,
    )


def reach_groups(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Reach by group (provision or primary need, as chosen) and level, as a heatmap."""
    got = _period_inputs(store, config, filters, audience)
    decimals = config.display.percent_decimals
    dimension = filters.group_dimension if filters.group_dimension in reach.COHORT_DIMENSIONS else PROVISION
    people, pool = reach.combine(got.participation, got.cohort.frame, _kinds(filters, audience))
    groups = reach.reach_by_group(people, pool, dimension)
    title = f"Reach by {dimension} and level (% of each group)"
    return View(
        key="participation.groups",
        title=title,
        summary=reach.summarise_groups(groups, dimension, decimals),
        source=got.source,
        figure=reach.build_group_heatmap(
            groups, dimension, title=title, source=got.source, height=config.display.chart_height, decimals=decimals
        ),
        table=reach.build_group_table(groups, dimension, decimals),
        periods=got.periods,
    )


def reach_takers(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Who took part by age band and setting: a table only (the census gives no figure to compare these with)."""
    got = _period_inputs(store, config, filters, audience)
    takers = reach.query_takers(store, got.start, got.end)
    shown = takers[takers["participant"].isin(_kinds(filters, audience))]
    return View(
        key="participation.takers",
        title="Who took part by age band and setting (the census gives no figure to compare these with)",
        summary="Who took part by age band and by setting, each as a share of those heard from.",
        source=got.source,
        table=_label_columns(shown.round({"share_pct": config.display.percent_decimals})),
        periods=got.periods,
    )


def _activities(store: Store, got: _Inputs) -> pd.DataFrame:
    return engagement.query_activities(store, got.start, got.end)


def reach_hart(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Activities on each rung of Hart's ladder of participation."""
    got = _period_inputs(store, config, filters, audience)
    hart = reach.hart_distribution(_activities(store, got))
    title = "Activities on Hart's ladder of participation"
    return View(
        key="participation.hart",
        title=title,
        summary=reach.summarise_hart(hart),
        source=got.source,
        figure=reach.build_hart_chart(hart, title=title, source=got.source, height=config.display.chart_height),
        table=_label_columns(hart),
        periods=got.periods,
    )


def reach_quality(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Share of activities meeting each of Lundy's elements, giving feedback, and at Hart's rung 4 or higher."""
    got = _period_inputs(store, config, filters, audience)
    quality = reach.quality_measures(_activities(store, got))
    title = "Lundy's elements and feedback to participants"
    return View(
        key="participation.quality",
        title=title,
        summary=reach.summarise_quality(quality),
        source=got.source,
        figure=reach.build_quality_chart(
            quality,
            title=title,
            source=got.source,
            height=config.display.chart_height,
            decimals=config.display.percent_decimals,
        ),
        table=_label_columns(quality),
        periods=got.periods,
    )


def reach_quarters(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Participation quality by calendar quarter."""
    got = _period_inputs(store, config, filters, audience)
    quarters = reach.quality_by_quarter(_activities(store, got))
    title = "Participation quality by quarter"
    return View(
        key="participation.quarters",
        title=title,
        summary=reach.summarise_quarters(quarters),
        source=got.source,
        figure=reach.build_quarter_chart(quarters, title=title, source=got.source, height=config.display.chart_height),
        table=_label_columns(quarters),
        periods=got.periods,
    )


def reach_activities(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The activities in the period, as a table (no chart)."""
    got = _period_inputs(store, config, filters, audience)
    activities = _activities(store, got)
    return View(
        key="participation.activities",
        title=f"The {len(activities)} activities in this period",
        summary=f"{len(activities)} activities dated {got.start:%d %b %Y} to {got.end:%d %b %Y}.",
        source=got.source,
        table=_label_columns(activities.drop(columns=["activity_id"])),
        periods=got.periods,
    )
