"""Benchmarking: where one local authority stands among every LA with a figure, in words, and the distribution.

The rules, once (the README's Benchmarking section says them to users):

- **Rank** is competition ranking from the highest value: the LA with the highest value is 1st; LAs with the same
  value share the best position ("joint 3rd highest"), and the next LA takes the position after all of them
  (two joint 3rd, then 5th). In the lower half the words count from the lowest instead ("2nd lowest of 153"),
  which is the same standing read from the other end.
- **Quarters** are cut by rank: the LAs sorted from highest to lowest, the first quarter is the LAs ranked
  1 … ⌈n/4⌉ (for 153: 1st–39th), then 40th–77th, 78th–115th and 116th–153rd; an LA in a tie is in the quarter of
  the tie's shared (best) position. In general an LA ranked *p* of *n* is in quarter ⌊4(p − 1)/n⌋ + 1. Fewer than
  ``MIN_AREAS`` LAs with a figure are not ranked at all (a quarter of three is not a quarter).
- **Direction**: a measure with a better direction (20-week timeliness: higher is better) says which quarter is
  the best ("best quarter: higher is better"); a measure without one (prevalence, caseload) says highest or
  lowest and never good or bad.
- **Missing figures** (NaN or None: not published, a DfE symbol, or hidden from this audience) are left out
  before anything is worked out: no rank when ours has none, and the LAs ranked and drawn are those with a
  figure, so a hidden figure cannot be read back from anyone's position. Callers hide a figure by making it
  missing (``hide_small_counts``, ``without``) before ranking.

``standing`` and ``neighbours_average`` take a frame with one row per LA: ``area_key`` (the old LA code) and
``value`` (``area_name`` too for the chart). ``build_distribution`` draws every LA as a bar, sorted, ours
highlighted (its own colour, a marker on top and its name and value written beside it), with reference lines
(England, the region, the statistical neighbours' average) named in the legend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from sendlib import text
from sendlib.charts import base_layout, wrap
from sendlib.palette import BACKGROUND, BLACK, BLUE, GREEN, GRID, OTHER_AREAS, TEXT, VERMILLION

Direction = Literal["higher_is_better", "lower_is_better", "none"]
DIRECTIONS: tuple[Direction, ...] = ("higher_is_better", "lower_is_better", "none")
ENGLAND_SCOPE = "England"
REGION_ONLY = "region"  # Filters.benchmark_scope for the region-only switch (None: every LA in England)
MIN_AREAS = 4  # fewer LAs with a figure than this are not ranked (no quarters of three)
NEIGHBOURS_AVERAGE = "Statistical neighbours (average)"
DISTRIBUTION_HEIGHT = 440
DISTRIBUTION_PLOT_HEIGHT = 260  # px of plot at least: the bars, and our label above them clear of the legend
LABEL_RISE = 30  # px our label sits above our bar

# Quarter names by quarter (1 = the highest values), for each direction.
_QUARTER_NAMES: dict[Direction, tuple[str, str, str, str]] = {
    "none": ("highest quarter", "upper-middle quarter", "lower-middle quarter", "lowest quarter"),
    "higher_is_better": ("best quarter", "second-best quarter", "second-worst quarter", "worst quarter"),
    "lower_is_better": ("worst quarter", "second-worst quarter", "second-best quarter", "best quarter"),
}
_DIRECTION_WORDS: dict[Direction, str] = {
    "none": "",
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
}


@dataclass(frozen=True)
class Standing:
    """Where one area stands among the LAs with a figure."""

    value: float
    position: int  # 1 = highest value (ties share the best position: "joint 12th")
    of: int  # LAs with a figure in the scope
    tied: int  # LAs with exactly this value (1 = no tie)
    quartile: int  # 1 = the quarter with the highest values … 4 = the lowest
    scope: str  # "England" or the region's name
    direction: Direction
    words: str  # "12th highest of 153 local authorities in England (highest quarter)"

    @property
    def from_lowest(self) -> int:
        """The position counted from the lowest value (ties share the best: "joint 2nd lowest")."""
        return self.of - self.position - self.tied + 2

    @property
    def rank_words(self) -> str:
        """The rank alone: "12th highest of 153", "joint 2nd lowest of 153", "highest of 12"."""
        return rank_words(self.position, self.of, self.tied)

    @property
    def quarter_words(self) -> str:
        """The quarter in words: "highest quarter", "best quarter: higher is better"."""
        return quarter_words(self.quartile, self.direction)


_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    """1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd … 101st 111th 112th."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"


def quartile_of(position: int, of: int) -> int:
    """The quarter (1 = highest values … 4) of rank ``position`` among ``of``: ⌊4(position − 1)/of⌋ + 1."""
    if not 1 <= position <= of:
        raise ValueError(f"position {position} is not between 1 and {of}")
    return 4 * (position - 1) // of + 1


def rank_words(position: int, of: int, tied: int = 1) -> str:
    """The rank in words, counted from the nearer end: "12th highest of 153", "joint 3rd highest of 150",
    "2nd lowest of 153", "highest of 12", "joint lowest of 40"."""
    from_lowest = of - position - tied + 2
    joint = "joint " if tied > 1 else ""
    if position <= from_lowest:
        place, end = position, "highest"
    else:
        place, end = from_lowest, "lowest"
    return f"{joint}{'' if place == 1 else ordinal(place) + ' '}{end} of {of}"


def quarter_words(quartile: int, direction: Direction) -> str:
    """The quarter named for the measure's direction: "highest quarter" (no direction), "best quarter: higher is
    better", "worst quarter: lower is better"."""
    name = _QUARTER_NAMES[direction][quartile - 1]
    said = _DIRECTION_WORDS[direction]
    return f"{name}: {said}" if said else name


def scope_words(scope: str) -> str:
    """Where the LAs are: "in England", "in the North East region"."""
    return f"in {scope}" if scope == ENGLAND_SCOPE else f"in the {scope} region"


def standing_words(position: int, of: int, tied: int, quartile: int, scope: str, direction: Direction) -> str:
    """The whole standing in words: "12th highest of 153 local authorities in England (highest quarter)"."""
    return (
        f"{rank_words(position, of, tied)} local authorities {scope_words(scope)} "
        f"({quarter_words(quartile, direction)})"
    )


def known_values(values: pd.DataFrame) -> pd.DataFrame:
    """The rows with a figure (area_key, value as float, and area_name when given), one per area."""
    if values.empty:
        return pd.DataFrame(columns=["area_key", "value"])
    frame = values.copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame = frame[frame["value"].notna() & frame["value"].map(math.isfinite)]
    frame["area_key"] = frame["area_key"].astype(str)
    return frame.drop_duplicates("area_key").reset_index(drop=True)


def standing(values: pd.DataFrame, ours: str, *, direction: Direction, scope: str) -> Standing | None:
    """Where ``ours`` (an area key) stands among ``values`` (one row per LA: area_key, value; rows without a
    figure ignored). None when ours has no figure, or fewer than ``MIN_AREAS`` LAs have one."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    known = known_values(values)
    mine = known[known["area_key"] == str(ours)]
    if mine.empty or len(known) < MIN_AREAS:
        return None
    value = float(mine["value"].iloc[0])
    of = len(known)
    position = int((known["value"] > value).sum()) + 1
    tied = int((known["value"] == value).sum())
    quartile = quartile_of(position, of)
    return Standing(
        value=value,
        position=position,
        of=of,
        tied=tied,
        quartile=quartile,
        scope=scope,
        direction=direction,
        words=standing_words(position, of, tied, quartile, scope, direction),
    )


def neighbours_average(values: pd.DataFrame, neighbour_keys: Sequence[str]) -> float | None:
    """The mean value of the neighbours that have a figure (each counts once; None when none has one)."""
    known = known_values(values)
    chosen = known[known["area_key"].isin([str(key) for key in neighbour_keys])]
    return float(chosen["value"].mean()) if not chosen.empty else None


def neighbours_with_figures(values: pd.DataFrame, neighbour_keys: Sequence[str]) -> int:
    """How many of the neighbours have a figure (the average's "of 10")."""
    known = known_values(values)
    return int(known["area_key"].isin([str(key) for key in neighbour_keys]).sum())


def hide_small_counts(values: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``values`` (counts) as an audience with this threshold sees them: a count from 1 to ``threshold`` is
    missing (so never ranked or drawn). Threshold 0 hides nothing."""
    if threshold <= 0 or values.empty:
        return values
    counts = pd.to_numeric(values["value"], errors="coerce")
    return values.assign(value=counts.mask((counts >= 1) & (counts <= threshold)))


def without(values: pd.DataFrame, hidden_keys: Iterable[str]) -> pd.DataFrame:
    """``values`` with the figures of ``hidden_keys`` made missing (e.g. a rate worked from a hidden count)."""
    hidden = {str(key) for key in hidden_keys}
    if not hidden or values.empty:
        return values
    numbers = pd.to_numeric(values["value"], errors="coerce").astype("float64")
    return values.assign(value=numbers.mask(values["area_key"].astype(str).isin(hidden)))


def in_scope(values: pd.DataFrame, area_keys: Iterable[str]) -> pd.DataFrame:
    """The rows of ``values`` whose area is one of ``area_keys`` (a region's LAs, for the region-only switch)."""
    keys = {str(key) for key in area_keys}
    return values[values["area_key"].astype(str).isin(keys)].reset_index(drop=True)


def _format(value: float, decimals: int, suffix: str) -> str:
    return f"{value:,.{decimals}f}{suffix}"


# Reference lines, in order: colour and dash (colour is never the only signal: the dash differs, and the legend
# names each line with its value).
_LINE_STYLES = ((BLACK, "dash"), (BLUE, "dot"), (GREEN, "dashdot"), (TEXT, "longdash"))


def build_distribution(
    values: pd.DataFrame,
    ours: str,
    *,
    title: str,
    value_label: str,
    source: str | None = None,
    height: int = DISTRIBUTION_HEIGHT,
    references: Sequence[tuple[str, float | None]] = (),
    decimals: int = 1,
    suffix: str = "",
    our_name: str | None = None,
) -> go.Figure:
    """Every LA with a figure as one bar, sorted from highest (left) to lowest, ours in its own colour with a
    diamond on top and its name and value written beside it; ``references`` (label, value) drawn as lines across
    (England, the region, the statistical neighbours' average), each named with its value in the legend.

    ``values``: area_key, value and area_name (for hovers and our label). ``suffix`` follows each value ("%").
    An LA without a figure is not drawn."""
    known = known_values(values).sort_values(["value", "area_key"], ascending=[False, True]).reset_index(drop=True)
    if "area_name" not in known:
        known["area_name"] = known["area_key"]
    known["rank"] = known["value"].rank(method="min", ascending=False).astype(int)  # competition ranking
    known["x"] = range(1, len(known) + 1)
    mine = known[known["area_key"] == str(ours)]
    others = known[known["area_key"] != str(ours)]
    hover = f"%{{customdata[0]}}<br>{text.plotly(value_label)}: %{{y:,.{decimals}f}}{text.plotly(suffix)}"
    hover += "<br>ranked %{customdata[1]} of " + str(len(known)) + "<extra></extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=others["x"],
            y=others["value"],
            name="Other local authorities",
            marker={"color": OTHER_AREAS, "line": {"width": 0}},
            customdata=list(zip([text.plotly(n) for n in others["area_name"]], others["rank"].map(ordinal))),
            hovertemplate=hover,
        )
    )
    name = our_name or (str(mine["area_name"].iloc[0]) if not mine.empty else str(ours))
    if not mine.empty:
        x, y = int(mine["x"].iloc[0]), float(mine["value"].iloc[0])
        mine_data = [(text.plotly(name), ordinal(int(mine["rank"].iloc[0])))]
        fig.add_trace(
            go.Bar(
                x=[x],
                y=[y],
                name=text.plotly(f"{name}: {_format(y, decimals, suffix)}"),
                # Hatched as well as coloured: in the legend ours differs from the other bars by more than colour.
                marker={
                    "color": VERMILLION,
                    "line": {"width": 1, "color": VERMILLION},
                    "pattern": {"shape": "/", "fillmode": "overlay", "fgcolor": BACKGROUND, "solidity": 0.3},
                },
                customdata=mine_data,
                hovertemplate=hover,
                width=max(1.0, len(known) / 80),  # at least as wide as a bar, and visible among 153 on a phone
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 13,
                    "color": VERMILLION,
                    "line": {"width": 1, "color": BACKGROUND},
                },
                showlegend=False,
                customdata=mine_data,
                hovertemplate=hover,
            )
        )
        # Our name and value beside our bar, on the side with room: never past the plot's edge on a phone.
        left_half = x <= len(known) / 2
        fig.add_annotation(
            x=x,
            y=y,
            text=wrap(f"{name} {_format(y, decimals, suffix)}", 18, 2),
            showarrow=True,
            arrowhead=0,
            arrowcolor=TEXT,
            ax=40 if left_half else -40,
            ay=-LABEL_RISE,
            xanchor="left" if left_half else "right",
            yanchor="bottom",
            align="left" if left_half else "right",
            font={"size": 14, "color": TEXT},
            bgcolor=BACKGROUND,
            name="ours",
        )
    for (label, value), (colour, dash) in zip(
        [(label, value) for label, value in references if value is not None and math.isfinite(value)],
        _LINE_STYLES,
        strict=False,
    ):
        fig.add_trace(
            go.Scatter(
                x=[0.5, max(len(known), 1) + 0.5],
                y=[value, value],
                mode="lines",
                line={"color": colour, "dash": dash, "width": 2},
                name=text.plotly(f"{label}: {_format(float(value), decimals, suffix)}"),
                hovertemplate=text.plotly(f"{label}: {_format(float(value), decimals, suffix)}") + "<extra></extra>",
            )
        )
    top = max([float(known["value"].max()) if not known.empty else 1.0, *(v for _, v in references if v)])
    fig.update_layout(bargap=0.15, barmode="overlay", showlegend=True)
    fig.update_xaxes(
        title_text=f"{len(known)} local authorities, highest to lowest",
        showticklabels=False,
        range=[0.5, max(len(known), 1) + 0.5],
        showgrid=False,
    )
    fig.update_yaxes(
        title_text=wrap(value_label, 30, 2),
        # Room above the highest bar for our label: it rises LABEL_RISE px and is two lines at most, and the plot is
        # DISTRIBUTION_PLOT_HEIGHT px at least, so the bars take the lower 70% of it.
        range=[0, top / 0.7 if top > 0 else 1],
        ticksuffix=suffix,
        gridcolor=GRID,
        rangemode="tozero",
    )
    return base_layout(fig, title=title, height=height, source=source, plot_height=DISTRIBUTION_PLOT_HEIGHT)
