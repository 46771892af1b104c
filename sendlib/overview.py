"""The Overview: each page's headline view this audience may see, in page order, each linking to its page.

A page's headline is its registered view ``"<url_path>.headline"`` (``sendlib.views``): tiles (``metrics``),
lines (``sentences``), and what to load when its data is missing. ``build_overview`` turns them into plain
``Section`` values the Overview page lays out and tests read directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from sendlib import commitments, reach
from sendlib.codes import format_period
from sendlib.config import Config
from sendlib.engagement import PARTICIPANT_KINDS
from sendlib.store import Store
from sendlib.views import PAGES, Audience, Filters, Metric, Page, View, headline_key

Tile = Metric  # the Overview's name for a headline figure (label, value, delta, help, arrow)


@dataclass
class Section:
    """One page's headline: tiles, lines of text under them, and what to do when there is no data."""

    title: str
    page: str                      # the pages/ file it links to
    tiles: list[Metric] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missing: str | None = None     # set when the data is not there: says what to load


def section_of(entry: Page, view: View) -> Section:
    """The Overview's section for ``entry``'s headline ``view``."""
    return Section(view.title, entry.path, list(view.metrics), list(view.sentences), view.missing)


def build_overview(store: Store, config: Config, audience: Audience, as_of: date | None = None) -> list[Section]:
    """Each page's headline view ``audience`` may see, in page order (figures as the audience's pages show
    them: suppressed for the forum)."""
    filters = Filters(as_of=as_of or date.today())
    sections: list[Section] = []
    for entry in PAGES:
        specs = {spec.key: spec for spec in entry.visible_views(audience)}
        spec = specs.get(headline_key(entry))
        if spec is not None:
            view = spec.build(store, config, filters, audience)
            if view is not None:
                sections.append(section_of(entry, view))
        elif entry.url_path in LEGACY_HEADLINES and audience.role in entry.roles:
            sections.append(_legacy_sections(store, config, audience, filters.today(), entry.url_path))
    return sections


# -- TEMPORARY until views-b's headline views (reach_gaps.headline, commitments.headline) are merged -------------
# The two sections below are the Overview's parts for pages whose headline is not a registered view yet. Remove
# this block (and its use in build_overview) once both headlines are registered.
LEGACY_HEADLINES = ("reach_gaps", "commitments")


def _legacy_sections(store: Store, config: Config, audience: Audience, as_of: date, url_path: str) -> Section:
    """TEMPORARY: the Overview's section for ``url_path`` written before the views layer."""
    if url_path == "reach_gaps":
        return reach_section(store, config, audience.threshold, as_of)
    return commitments_section(store, config, as_of)


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
