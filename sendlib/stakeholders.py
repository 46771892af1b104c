"""The stakeholder interest/influence grid: where each group is, where we aim to get it, and the trail.

Positions are scores from 0 to 10 on two axes (config: influence × importance, as the Sunderland strategy
words it). The latest assessment on or before a date is a group's position on that date; earlier ones are
its trail; the latest target set on or before that date is where it is meant to get to. Nothing is ever
overwritten: a new assessment or target is a new dated row, so the grid can be seen as it stood on any day.

Quadrants follow Mendelow: a score *exactly on the mid-line counts as high* (so 5 of 10 is high).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TypedDict, cast

import pandas as pd
import plotly.graph_objects as go

from sendlib import entries, text
from sendlib.auth import Actor, require
from sendlib.charts import base_layout
from sendlib.config import StakeholderConfig
from sendlib.entries import MAX_TEXT, EntryError
from sendlib.palette import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    MARKER_OUTLINE,
    NOTE_TEXT,
    PURPLE,
    QUADRANT_ENGAGE,
    QUADRANT_LOW,
    QUADRANT_SOME,
    REFERENCE_LINE,
    TEXT,
    VERMILLION,
)
from sendlib.store import Store

KINDS: tuple[str, ...] = (
    "children and young people",
    "parent carers",
    "practitioners",
    "providers",
    "commissioners",
    "other",
)
ENGAGEMENT: tuple[str, ...] = ("engage", "keep informed")
# Colour and marker shape both carry the kind, so the grid reads in greyscale too.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "children and young people": (BLUE, "circle"),
    "parent carers": (VERMILLION, "square"),
    "practitioners": (GREEN, "diamond"),
    "providers": (PURPLE, "triangle-up"),
    "commissioners": (BLACK, "star"),
    "other": (GREY, "x"),
}
MAX_NAME = 120
MAX_SHORT_NAME = 40
EARLIEST = date(2000, 1, 1)


class StakeholderError(EntryError):
    """A stakeholder entry was refused; the message says what to correct."""


# -- pure geometry ---------------------------------------------------------------------------------
def quadrant_of(influence: float, importance: float, grid: StakeholderConfig) -> str:
    """The quadrant name of a position; a score equal to the midpoint counts as high."""
    high_influence = influence >= grid.midpoint
    high_importance = importance >= grid.midpoint
    if high_influence and high_importance:
        return grid.high_high
    if high_influence:
        return grid.high_influence
    if high_importance:
        return grid.high_importance
    return grid.low_low


def quadrant_meanings(grid: StakeholderConfig) -> str:
    """The four quadrant names (as configured) said in plain words, for readers who do not know the grid."""
    return (
        "What the corners mean: "
        f"{grid.high_high} = a big say in decisions and much affected by them, so involved closely; "
        f"{grid.high_influence} = a big say but less affected, so kept content with what is decided; "
        f"{grid.high_importance} = much affected but little say, so told what is happening and listened to; "
        f"{grid.low_low} = little say and less affected, so checked in with from time to time."
    )


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance between two (influence, importance) positions, in grid points."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


# -- validation --------------------------------------------------------------------------------------
def clean_text(value: str | None, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    """:func:`sendlib.entries.clean_text`, refusing with StakeholderError."""
    return entries.clean_text(value, field, required=required, limit=limit, error=StakeholderError)


def check_score(value: float, field: str) -> float:
    """A score from 0 to 10."""
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise StakeholderError(f"{field} must be a number from 0 to 10.") from None
    if math.isnan(score) or not 0 <= score <= 10:
        raise StakeholderError(f"{field} must be from 0 to 10 (got {value}).")
    return score


def check_past_date(value: date, field: str, today: date | None = None) -> date:
    """A date from 2000 up to today (assessments record what was, not what will be)."""
    latest = today or date.today()
    if not EARLIEST <= value <= latest:
        raise StakeholderError(f"{field} must be between {EARLIEST:%d %B %Y} and today ({latest:%d %B %Y}).")
    return value


# -- writes (officers only) ------------------------------------------------------------------------------
def add_group(
    store: Store, actor: Actor, *, name: str, description: str, kind: str, engagement: str, short_name: str = ""
) -> int:
    """Add a stakeholder group; returns its id. ``short_name`` labels it on the grid (default: the name)."""
    require(actor, "edit")
    name = clean_text(name, "The group's name", required=True, limit=MAX_NAME)
    short_name = clean_text(short_name, "The short name", required=False, limit=MAX_SHORT_NAME) or name[:MAX_SHORT_NAME]
    description = clean_text(description, "The description", required=False)
    if kind not in KINDS:
        raise StakeholderError(f"'{kind}' is not a kind of group; use one of: {', '.join(KINDS)}.")
    if engagement not in ENGAGEMENT:
        raise StakeholderError(f"'{engagement}' is not one of: {', '.join(ENGAGEMENT)}.")
    with store.transaction() as tx:
        if tx.fetch_value("SELECT count(*) FROM stakeholder_groups WHERE lower(name) = lower(?)", [name]):
            raise StakeholderError(f"There is already a group called '{name}'.")
        group_id = int(tx.fetch_value("SELECT nextval('stakeholder_id_seq')"))
        tx.execute(
            "INSERT INTO stakeholder_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [group_id, name, short_name, description, kind, engagement, datetime.now(), actor.name],
        )
    return group_id


def _check_group(store: Store, group_id: int) -> None:
    if not store.query_value("SELECT count(*) FROM stakeholder_groups WHERE group_id = ?", [int(group_id)]):
        raise StakeholderError(f"There is no stakeholder group {group_id}.")


def record_assessment(
    store: Store,
    actor: Actor,
    *,
    group_id: int,
    assessed_on: date,
    influence: float,
    importance: float,
    assessed_by: str,
    note: str = "",
    today: date | None = None,
) -> int:
    """Record a dated position for a group; the latest becomes its current position."""
    require(actor, "edit")
    _check_group(store, group_id)
    assessed_on = check_past_date(assessed_on, "The assessment date", today)
    influence = check_score(influence, "Influence")
    importance = check_score(importance, "Importance")
    assessed_by = clean_text(assessed_by, "Who assessed", required=True, limit=MAX_NAME)
    note = clean_text(note, "The note", required=False)
    with store.transaction() as tx:
        assessment_id = int(tx.fetch_value("SELECT nextval('stakeholder_id_seq')"))
        tx.execute(
            "INSERT INTO stakeholder_assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                assessment_id,
                int(group_id),
                assessed_on,
                influence,
                importance,
                assessed_by,
                note,
                datetime.now(),
                actor.name,
            ],
        )
    return assessment_id


def set_target(
    store: Store,
    actor: Actor,
    *,
    group_id: int,
    influence: float,
    importance: float,
    target_date: date,
    reason: str,
    set_on: date | None = None,
) -> int:
    """Set (or change) where a group should get to, by when and why; earlier targets are kept."""
    require(actor, "edit")
    _check_group(store, group_id)
    influence = check_score(influence, "Target influence")
    importance = check_score(importance, "Target importance")
    reason = clean_text(reason, "The reason for the target", required=True)
    if not EARLIEST <= target_date <= date(2100, 12, 31):
        raise StakeholderError("The target date must be between 2000 and 2100.")
    with store.transaction() as tx:
        target_id = int(tx.fetch_value("SELECT nextval('stakeholder_id_seq')"))
        tx.execute(
            "INSERT INTO stakeholder_targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                target_id,
                int(group_id),
                influence,
                importance,
                target_date,
                reason,
                set_on or date.today(),
                datetime.now(),
                actor.name,
            ],
        )
    return target_id


# -- reads -------------------------------------------------------------------------------------------
def query_groups(store: Store) -> pd.DataFrame:
    """Every group: group_id, name, description, kind, engagement."""
    return store.query_df(
        "SELECT group_id, name, short_name, description, kind, engagement FROM stakeholder_groups ORDER BY name"
    )


def query_trails(store: Store, as_of: date) -> pd.DataFrame:
    """Every assessment on or before ``as_of``, oldest first: group_id, name, kind, assessed_on, influence,
    importance, assessed_by, note."""
    return store.query_df(
        """SELECT a.group_id, g.name, g.kind, a.assessed_on, a.influence, a.interest AS importance,
                  a.assessed_by, a.note
           FROM stakeholder_assessments a JOIN stakeholder_groups g USING (group_id)
           WHERE a.assessed_on <= ? ORDER BY a.group_id, a.assessed_on, a.assessment_id""",
        [as_of],
    )


GRID_TABLE_COLUMNS: tuple[str, ...] = (
    "Group",
    "Kind",
    "Assessed",
    "Influence",
    "Importance",
    "Quadrant now",
    "Quadrant targeted",
    "Target by",
    "Distance to target",
    "Moved since last",
    "On track",
)


def query_grid(store: Store, as_of: date, grid: StakeholderConfig) -> pd.DataFrame:
    """One row per group with a position on ``as_of``: where it is, where it was, where it is heading.

    Columns: group_id, name, kind, engagement, assessed_on, influence, importance, note, prev_influence,
    prev_importance, target_influence, target_importance, target_date, reason, quadrant, target_quadrant,
    distance_to_target, moved, status ("In target quadrant", "Moving towards target", "Not on track",
    "No target set").
    """
    df = store.query_df(
        """WITH ranked AS (
               SELECT a.*, row_number() OVER (PARTITION BY group_id ORDER BY assessed_on DESC, assessment_id DESC) AS n
               FROM stakeholder_assessments a WHERE assessed_on <= ?
           ),
           target AS (
               SELECT * FROM (SELECT t.*, row_number() OVER (PARTITION BY group_id
                                                             ORDER BY set_on DESC, target_id DESC) AS n
                              FROM stakeholder_targets t WHERE set_on <= ?) WHERE n = 1
           )
           SELECT g.group_id, g.name, g.short_name, g.kind, g.engagement, cur.assessed_on, cur.influence,
                  cur.interest AS importance,
                  cur.note, prev.influence AS prev_influence, prev.interest AS prev_importance,
                  t.influence AS target_influence, t.interest AS target_importance, t.target_date, t.reason
           FROM stakeholder_groups g
           JOIN ranked cur ON cur.group_id = g.group_id AND cur.n = 1
           LEFT JOIN ranked prev ON prev.group_id = g.group_id AND prev.n = 2
           LEFT JOIN target t ON t.group_id = g.group_id
           ORDER BY g.name""",
        [as_of, as_of],
    )
    if df.empty:
        return df
    df["quadrant"] = [quadrant_of(i, m, grid) for i, m in zip(df["influence"], df["importance"])]
    has_target = df["target_influence"].notna()
    df["target_quadrant"] = [
        quadrant_of(i, m, grid) if ok else None
        for i, m, ok in zip(df["target_influence"], df["target_importance"], has_target)
    ]
    df["distance_to_target"] = [
        round(distance((i, m), (ti, tm)), 1) if ok else None
        for i, m, ti, tm, ok in zip(
            df["influence"], df["importance"], df["target_influence"], df["target_importance"], has_target
        )
    ]
    df["moved"] = [
        round(distance((i, m), (pi, pm)), 1) if pd.notna(pi) else None
        for i, m, pi, pm in zip(df["influence"], df["importance"], df["prev_influence"], df["prev_importance"])
    ]
    # Each record has the columns above (pandas types records loosely, as Hashable -> Any).
    df["status"] = [_status(cast(_StatusRow, row)) for row in df.to_dict("records")]
    return df


class _StatusRow(TypedDict):
    """The fields of one grid row that :func:`_status` reads (scores are DOUBLE columns: a missing one is NaN)."""

    quadrant: str
    target_quadrant: str | None
    target_influence: float
    target_importance: float
    prev_influence: float
    prev_importance: float
    distance_to_target: float


def _status(row: _StatusRow) -> str:
    if math.isnan(row["target_influence"]):
        return "No target set"
    if row["quadrant"] == row["target_quadrant"]:
        return "In target quadrant"
    if not math.isnan(row["prev_influence"]):
        before = distance(
            (row["prev_influence"], row["prev_importance"]), (row["target_influence"], row["target_importance"])
        )
        if row["distance_to_target"] < before:
            return "Moving towards target"
    return "Not on track"


def build_grid_table(grid_df: pd.DataFrame) -> pd.DataFrame:
    """The grid as the table beside the chart."""
    names = GRID_TABLE_COLUMNS
    if grid_df.empty:
        return pd.DataFrame(columns=["Key", *names])
    return pd.DataFrame(
        {
            # The number beside the group's mark on the grid: a label (text), not a count.
            "Key": [str(number) for number in range(1, len(grid_df) + 1)],
            names[0]: grid_df["name"],
            names[1]: grid_df["kind"],
            names[2]: pd.to_datetime(grid_df["assessed_on"]).dt.strftime("%d %b %Y"),
            names[3]: grid_df["influence"],
            names[4]: grid_df["importance"],
            names[5]: grid_df["quadrant"],
            names[6]: grid_df["target_quadrant"].fillna("—"),
            names[7]: pd.to_datetime(grid_df["target_date"]).dt.strftime("%b %Y").fillna("—"),
            names[8]: grid_df["distance_to_target"],
            names[9]: grid_df["moved"],
            names[10]: grid_df["status"],
        }
    )


def summarise_grid(grid_df: pd.DataFrame, as_of: date) -> str:
    """One sentence: how many groups are in their target quadrant, and which are furthest away."""
    if grid_df.empty:
        return f"No stakeholder group had been assessed by {as_of:%d %B %Y}."
    with_target = grid_df[grid_df["status"] != "No target set"]
    in_place = int((with_target["status"] == "In target quadrant").sum())
    sentence = (
        f"On {as_of:%d %B %Y}, {in_place} of {len(with_target)} groups with a target are in their target quadrant"
    )
    away = with_target[with_target["status"] != "In target quadrant"].sort_values("distance_to_target", ascending=False)
    if not away.empty:
        moving = int((away["status"] == "Moving towards target").sum())
        sentence += (
            f"; {moving} of the other {len(away)} moved towards it since their last assessment, and the "
            f"furthest away is {away['name'].iloc[0]}"
        )
    return sentence + "."


GRID_PLOT_HEIGHT = 500  # the grid's own square, whatever its title, legend and key take around it
# Scale units above 10 and below 0 that hold the quadrants' names: beside the groups' marks, a name and the
# number of a group near a corner ran into each other (most of all at a projector's larger text).
GRID_BAND = 1.3
GRID_X_RANGE = (-0.3, 10.3)  # the importance axis: 0 to 10 with room for a mark's edge


def build_grid_chart(
    grid_df: pd.DataFrame, trails: pd.DataFrame, grid: StakeholderConfig, *, as_of: date, source: str, height: int
) -> go.Figure:
    """The grid: shaded, labelled quadrants; each group's trail (faded), current position (colour and shape
    by kind, labelled) and an arrow to its target (hollow marker)."""
    fig = go.Figure()
    mid = grid.midpoint
    low, high = -GRID_BAND, 10 + GRID_BAND  # the quadrants' names sit in bands beyond 0 and 10, where no group is
    left, right = GRID_X_RANGE
    quadrants = (
        (mid, right, mid, high, grid.high_high, QUADRANT_ENGAGE),
        (left, mid, mid, high, grid.high_influence, QUADRANT_SOME),
        (mid, right, low, mid, grid.high_importance, QUADRANT_SOME),
        (left, mid, low, mid, grid.low_low, QUADRANT_LOW),
    )
    for x0, x1, y0, y1, label, colour in quadrants:
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, fillcolor=colour, line={"width": 0}, layer="below")
        top = y1 == high
        fig.add_annotation(
            x=x1 - 0.1 if x0 >= mid else x0 + 0.1,
            y=high - 0.05 if top else low + 0.05,
            text=f"<b>{label}</b>",
            showarrow=False,
            xanchor="right" if x0 >= mid else "left",
            yanchor="top" if top else "bottom",
            font={"size": 15, "color": NOTE_TEXT},
        )
    fig.add_shape(
        type="line", x0=mid, x1=mid, y0=low, y1=high, line={"color": REFERENCE_LINE, "width": 1, "dash": "dot"}
    )
    fig.add_shape(type="line", x0=0, x1=10, y0=mid, y1=mid, line={"color": REFERENCE_LINE, "width": 1, "dash": "dot"})
    for group_id, trail in trails.groupby("group_id"):
        colour, _ = KIND_STYLE.get(trail["kind"].iloc[0], KIND_STYLE["other"])
        fig.add_trace(
            go.Scatter(
                x=trail["importance"],
                y=trail["influence"],
                mode="lines+markers",
                opacity=0.35,
                showlegend=False,
                line={"color": colour, "width": 2, "dash": "dot"},
                marker={"size": 7, "color": colour},
                customdata=list(
                    zip(
                        trail["name"].map(text.plotly),
                        pd.to_datetime(trail["assessed_on"]).dt.strftime("%d %b %Y"),
                        trail["note"].map(text.plotly),
                    )
                ),
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}: influence %{y}, importance %{x}"
                "<br>%{customdata[2]}"
                "<extra>earlier assessment</extra>",
                name=f"trail {group_id}",
            )
        )
    label_at = _label_positions(grid_df)
    number = key_numbers(grid_df)
    for kind, part in grid_df.groupby("kind", sort=False):
        assert isinstance(kind, str)  # the kind column is text
        colour, symbol = KIND_STYLE.get(kind, KIND_STYLE["other"])
        fig.add_trace(
            go.Scatter(
                x=part["importance"],
                y=part["influence"],
                mode="markers+text",
                name=kind.capitalize(),
                marker={"size": 16, "color": colour, "symbol": symbol, "line": {"width": 1.5, "color": MARKER_OUTLINE}},
                # A number beside each mark and the names in the key under the grid: names beside the marks
                # collided wherever groups sit close together.
                text=[str(number[group_id]) for group_id in part["group_id"]],
                textposition=[label_at[group_id] for group_id in part["group_id"]],
                textfont={"size": 14, "color": TEXT},
                customdata=list(
                    zip(
                        part["name"].map(text.plotly),
                        pd.to_datetime(part["assessed_on"]).dt.strftime("%d %b %Y"),
                        part["note"].map(text.plotly),
                        part["quadrant"],
                        part["target_quadrant"].fillna("no target"),
                    )
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: influence %{y}, importance %{x}"
                "<br>%{customdata[3]} → %{customdata[4]}<br>%{customdata[2]}<extra></extra>",
            )
        )
    targets = grid_df[grid_df["target_influence"].notna()]
    for row in targets.to_dict("records"):
        colour, symbol = KIND_STYLE.get(row["kind"], KIND_STYLE["other"])
        if distance((row["influence"], row["importance"]), (row["target_influence"], row["target_importance"])) > 0.2:
            fig.add_annotation(
                x=row["target_importance"],
                y=row["target_influence"],
                ax=row["importance"],
                ay=row["influence"],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.3,
                arrowwidth=2,
                arrowcolor=colour,
                standoff=8,
                startstandoff=10,
                text="",
            )
    if not targets.empty:
        fig.add_trace(
            go.Scatter(
                x=targets["target_importance"],
                y=targets["target_influence"],
                mode="markers",
                name="Target",
                marker={"size": 18, "color": TEXT, "symbol": "circle-open-dot", "line": {"width": 2}},
                customdata=list(
                    zip(
                        targets["name"].map(text.plotly),
                        pd.to_datetime(targets["target_date"]).dt.strftime("%b %Y"),
                        targets["reason"].map(text.plotly),
                    )
                ),
                hovertemplate="<b>Target for %{customdata[0]}</b> by %{customdata[1]}<br>%{customdata[2]}"
                "<extra></extra>",
            )
        )
    fig.update_xaxes(range=list(GRID_X_RANGE), title_text=f"{grid.x_axis} →", dtick=1, showgrid=False, zeroline=False)
    fig.update_yaxes(
        range=[low, high], title_text=f"{grid.y_axis} →", tickvals=list(range(11)), showgrid=False, zeroline=False
    )
    return base_layout(
        fig,
        title=f"Stakeholder grid: where each group is and where we aim to get it, {as_of:%d %B %Y}",
        height=height,
        source=source,
        plot_height=GRID_PLOT_HEIGHT,
        key=[f"{number[group_id]}  {name}" for group_id, name in zip(grid_df["group_id"], grid_df["short_name"])],
    )


def key_numbers(grid_df: pd.DataFrame) -> dict[int, int]:
    """The number each group is labelled with on the grid (1, 2, … in the grid's row order, which the table
    follows too)."""
    return {int(group_id): index for index, group_id in enumerate(grid_df["group_id"], start=1)}


def _label_positions(grid_df: pd.DataFrame, near: float = 1.6) -> dict[int, str]:
    """Where each group's label goes so that close neighbours' labels do not overlap: of two points closer
    than ``near``, the higher one is labelled above and the lower one below (the left one on a tie)."""
    points = list(zip(grid_df["group_id"], grid_df["importance"], grid_df["influence"]))
    where: dict[int, str] = {}
    for group_id, x, y in points:
        neighbours = [(ox, oy) for other, ox, oy in points if other != group_id and distance((x, y), (ox, oy)) < near]
        if not neighbours:
            where[group_id] = "top center"
            continue
        ox, oy = min(neighbours, key=lambda p: distance((x, y), p))
        higher = y > oy or (y == oy and x < ox)
        where[group_id] = ("top " if higher else "bottom ") + ("left" if x < ox else "right")
    return where


def query_latest_assessment(store: Store, as_of: date) -> date | None:
    """The date of the newest assessment on or before ``as_of`` (None: none)."""
    latest: date | None = store.query_value(
        "SELECT max(assessed_on) FROM stakeholder_assessments WHERE assessed_on <= ?", [as_of]
    )
    return latest


def source_line(store: Store, as_of: date) -> str:
    """Where the grid's positions came from."""
    row = store.query_rows(
        "SELECT count(*), max(assessed_on), count(DISTINCT assessed_by) FROM stakeholder_assessments "
        "WHERE assessed_on <= ?",
        [as_of],
    )[0]
    if not row[0]:
        return "Source: no stakeholder assessments recorded yet."
    return (
        f"Source: {row[0]} stakeholder assessments recorded in the dashboard by {row[2]} assessor(s); "
        f"latest {row[1]:%d %B %Y}; grid as at {as_of:%d %B %Y}."
    )
