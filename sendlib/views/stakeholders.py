"""The Stakeholders page's views: the interest/influence grid, and the page's headline for the Overview."""

from __future__ import annotations

from datetime import date

from sendlib import periods, stakeholders
from sendlib.config import Config
from sendlib.store import Store
from sendlib.views.base import Audience, Filters, Metric, View

GRID_HEIGHT = 720


def _periods(store: Store, config: Config, as_of: date) -> tuple[periods.Period, ...]:
    """The assessments' date, flagged when the newest is older than ``data_age.stakeholder_months``."""
    latest = periods.stakeholders(stakeholders.query_latest_assessment(store, as_of), config.data_age, as_of)
    return (latest,) if latest else ()


def grid(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The grid on ``filters.as_of`` (today when not chosen): where each group is, its trail and its target.

    Positions are scores, not counts of people, so every audience sees the same grid."""
    as_of = filters.today()
    positions = stakeholders.query_grid(store, as_of, config.stakeholders)
    source = stakeholders.source_line(store, as_of)
    figure = stakeholders.build_grid_chart(
        positions,
        stakeholders.query_trails(store, as_of),
        config.stakeholders,
        as_of=as_of,
        source=source,
        height=GRID_HEIGHT,
    )
    return View(
        "stakeholders.grid",
        "Stakeholder grid",
        stakeholders.summarise_grid(positions, as_of),
        source,
        figure=figure,
        table=stakeholders.build_grid_table(positions),
        table_label="The grid as a table",
        table_expanded=True,
        notes=(stakeholders.quadrant_meanings(config.stakeholders),),
        periods=_periods(store, config, as_of),
    )


def headline(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The page's headline on the Overview: the groups away from their target quadrant."""
    title = "Stakeholders"
    as_of = filters.today()
    positions = stakeholders.query_grid(store, as_of, config.stakeholders)
    if positions.empty:
        missing = "No stakeholder group has been assessed yet: officers record assessments on Stakeholders."
        return View("stakeholders.headline", title, missing, "", missing=missing)
    with_target = positions[positions["status"] != "No target set"]
    away = with_target[with_target["status"] != "In target quadrant"]
    tile = Metric("Away from their target quadrant", f"{len(away)} of {len(with_target)}")
    lines = (
        ()
        if away.empty
        else (
            "Away: " + "; ".join(f"{row.name} ({row.quadrant} → {row.target_quadrant})" for row in away.itertuples()),
        )
    )
    return View(
        "stakeholders.headline",
        title,
        f"{tile.label}: {tile.value}.",
        stakeholders.source_line(store, as_of),
        metrics=(tile,),
        sentences=lines,
        notes=(stakeholders.quadrant_meanings(config.stakeholders),) if lines else (),
        periods=_periods(store, config, as_of),
    )
