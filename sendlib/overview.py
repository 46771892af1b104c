"""The overview: the headline of every view on one page, each with what to load when its data is missing.

``build_overview`` gathers the figures a role may see (suppressed for the forum), as plain data the
Overview page lays out as tiles and tests read directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from sendlib import commitments, needs, reach, stakeholders
from sendlib.auth import PERMISSIONS
from sendlib.codes import EHC_PLAN, SEN_SUPPORT, format_period
from sendlib.config import Config
from sendlib.engagement import PARTICIPANT_KINDS
from sendlib.store import Store
from sendlib.suppression import UNAVAILABLE


@dataclass
class Tile:
    """One headline figure: its label, the value as shown, the change or comparison beside it (or None)."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    arrow: bool = True             # False when the delta is a comparison (a target), not a change up or down


@dataclass
class Section:
    """One view's headline: tiles, lines of text under them, and what to do when there is no data."""

    title: str
    page: str                      # the pages/ file it links to
    tiles: list[Tile] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missing: str | None = None     # set when the data is not there: says what to load


def census_section(store: Store, config: Config, threshold: int) -> Section:
    """Children with SEND, share of all pupils against England, EHC plan share, the largest needs; with the
    change since the previous census period where there is one."""
    section = Section("Children and young people with SEND", "pages/primary_needs.py")
    local = needs.local_area_key(config)
    periods = needs.query_periods(store, local)
    if not periods:
        section.missing = "No census is loaded yet: an officer can load one on Upload data."
        return section
    period = periods[0]
    previous = periods[1] if len(periods) > 1 else None
    decimals = config.display.percent_decimals

    # Every figure here is worked from the census as the public views show it: a change or share built from
    # a figure they hide (a "c", or a count published as a symbol) would give that figure away, so it is
    # left out too.
    def public(p: str) -> tuple[dict[str, int | str], int | str]:
        """The provision totals and the total with SEND as shown for period ``p`` (strings when hidden)."""
        shown = needs.suppress_breakdown(needs.query_need_breakdown(store, local, p), threshold)
        totals = needs.provision_totals(shown)
        if threshold and needs.query_has_symbols(store, local, p):
            totals = {provision: UNAVAILABLE for provision in totals}
        known = all(isinstance(value, int) for value in totals.values())
        return totals, (sum(totals.values()) if known else UNAVAILABLE)

    now, total = public(period)
    before, before_total = public(previous) if previous else ({}, UNAVAILABLE)
    shown_now, shown_before = isinstance(total, int), isinstance(before_total, int)
    delta = (f"{total - before_total:+,} since {format_period(previous)}"
             if previous and shown_now and shown_before else None)
    section.tiles.append(Tile(f"With SEND, {format_period(period)}", f"{total:,}" if shown_now else "c", delta))
    ehc_share = now[EHC_PLAN] / total * 100 if shown_now and total else None
    ehc_delta = None
    if ehc_share is not None and shown_before and before_total:
        ehc_delta = (f"{ehc_share - before[EHC_PLAN] / before_total * 100:+.{decimals}f} points since "
                     f"{format_period(previous)}")
    # As on Primary needs: an area with a small count is left out (its rate would give the count away), and the
    # rate is shown only beside a shown total.
    rate_keys = [local, needs.area_key_for("E92000001")]
    prevalence = needs.suppress_prevalence(needs.query_prevalence(store, period, rate_keys), threshold,
                                           needs.query_share_comparison(store, period, rate_keys))
    rates = dict(zip(prevalence["geographic_level"], prevalence["prevalence_pct"]))
    local_rate = prevalence.loc[prevalence["area_key"] == local, "prevalence_pct"]
    if shown_now and not local_rate.empty and pd.notna(local_rate.iloc[0]):
        england = rates.get("National")
        versus = f"{local_rate.iloc[0] - england:+.{decimals}f} points against England" if pd.notna(england) else None
        section.tiles.append(Tile("Share of all pupils", f"{local_rate.iloc[0]:.{decimals}f}%", versus))
    if ehc_share is not None:
        section.tiles.append(Tile("With an EHC plan", f"{ehc_share:.{decimals}f}%", ehc_delta,
                                  "Share of children and young people with SEND who have an EHC plan."))
    breakdown = needs.suppress_breakdown(needs.query_need_breakdown(store, local, period), threshold)
    for provision in (SEN_SUPPORT, EHC_PLAN):
        top = breakdown[(breakdown["provision"] == provision) & ~breakdown["hidden"]
                        & breakdown["share_pct"].notna()].head(3)
        if not top.empty:
            section.lines.append(f"Largest needs, {provision}: " + ", ".join(
                f"{row.need} {row.share_pct:.{decimals}f}%" for row in top.itertuples()))
    return section


def reach_section(store: Store, config: Config, threshold: int, as_of: date) -> Section:
    """Reach per level against target (the latest academic year of engagement) and the worst three gaps."""
    section = Section("Who we are hearing from", "pages/reach_gaps.py")
    years = reach.query_engagement_years(store)
    cohort = reach.query_cohort(store, config)
    if not years:
        section.missing = "No engagement is recorded yet: officers record activities on Participation reach."
        return section
    if cohort.period is None:
        section.missing = "No census is loaded, so reach cannot be worked out: load one on Upload data."
        return section
    year = years[0]
    start, end = reach.period_dates(year, as_of)
    participation = reach.query_participation(store, start, end)
    decimals = config.display.percent_decimals
    everyone = reach.reach_by_level(participation, cohort.frame, config.reach, PARTICIPANT_KINDS, together=True)
    # Reach rates times the cohort give the number heard from: shown only where small numbers may be shown.
    levels = everyone[everyone["level"].isin(reach.LEVELS)] if threshold == 0 else everyone.iloc[0:0]
    for row in levels.itertuples():
        value = "—" if pd.isna(row.rate_pct) else f"{row.rate_pct:.{decimals}f}%"
        met = "" if row.met is None else (" (met)" if row.met else " (not met)")
        section.tiles.append(Tile(f"{reach.LEVEL_LABELS[row.level]} reach, {format_period(year)}", value,
                                  f"target {row.target_pct:.{decimals}f}%{met}", arrow=False))
    # The worst three gaps: the largest by provision, then the two largest by need (the views rank them).
    plans = commitments.query_gap_plans(store)
    for dimension, count in (("provision", 1), ("primary need", 2)):
        view = reach.build_gap_view(participation, cohort.frame, dimension, kinds=PARTICIPANT_KINDS,
                                    when=reach.period_words(year), gap_ratio=config.reach.gap_ratio, decimals=decimals,
                                    threshold=threshold or None, plans=plans,
                                    census=cohort.census)
        section.lines += view.sentences[:count]
    return section


def commitments_section(store: Store, config: Config, as_of: date) -> Section:
    """Commitments by RAG and the number of exceptions."""
    section = Section("Commitments", "pages/commitments.py")
    tracker = commitments.query_tracker(store, as_of, config.commitments.green_ratio, config.commitments.red_ratio)
    if tracker.empty:
        section.missing = "No commitments are recorded yet: officers add them on Commitments."
        return section
    counts = commitments.rag_counts(tracker)
    for row in counts[counts["commitments"] > 0].itertuples():
        section.tiles.append(Tile(row.label, str(row.commitments)))
    late = commitments.exceptions(tracker)
    section.lines.append(f"{len(late)} exception{'s' if len(late) != 1 else ''} (red or overdue) for the board: "
                         + ", ".join(f"{r.reference} ({r.owner})" for r in late.head(5).itertuples())
                         + (" …" if len(late) > 5 else "") if len(late) else "No commitment is red or overdue.")
    return section


def stakeholder_section(store: Store, config: Config, as_of: date) -> Section:
    """Stakeholder groups away from their target quadrant."""
    section = Section("Stakeholders", "pages/stakeholders.py")
    grid = stakeholders.query_grid(store, as_of, config.stakeholders)
    if grid.empty:
        section.missing = "No stakeholder group has been assessed yet: officers record assessments on Stakeholders."
        return section
    with_target = grid[grid["status"] != "No target set"]
    away = with_target[with_target["status"] != "In target quadrant"]
    section.tiles.append(Tile("Away from their target quadrant", f"{len(away)} of {len(with_target)}"))
    if not away.empty:
        section.lines.append("Away: " + "; ".join(f"{row.name} ({row.quadrant} → {row.target_quadrant})"
                                                 for row in away.itertuples()))
    return section


def build_overview(store: Store, config: Config, role: str, as_of: date | None = None) -> list[Section]:
    """The overview sections the role may see, in page order; figures suppressed when the role must not
    see small numbers."""
    today = as_of or date.today()
    threshold = 0 if role in PERMISSIONS["see unsuppressed"] else config.suppression.threshold
    sections = [census_section(store, config, threshold), reach_section(store, config, threshold, today)]
    if role in PERMISSIONS["see unsuppressed"]:
        sections.append(commitments_section(store, config, today))
    sections.append(stakeholder_section(store, config, today))
    return sections
