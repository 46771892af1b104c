"""The small-numbers attacker: everything the forum can see, turned into linear constraints on the true counts,
then solved for the smallest and largest value of every hidden figure.

The attacker knows what every forum-visible view shows, for every filter choice the page offers the forum
(tables and their downloads, flags, row order, sentences and summaries, chart data: each trace's x, y, text
and customdata), how each figure is worked out (the definitions in the README and the docstrings), and that
a ``c`` is never 0 (zeros are shown). The unknowns are the true counts: census cells (area, period,
provision, primary need) and the people heard from by group; every shown figure, share (with its rounding
interval), ratio, flag, ranking and change becomes a linear constraint on them, joined across all views and
choices (the forum can read every page). For each hidden figure, an integer programme
(``scipy.optimize.milp``) finds its minimum and maximum.

The rule (what "cannot be worked out" means here), with t = ``suppression.threshold``:

* no hidden figure is pinned to one value (its maximum is above its minimum);
* a hidden count whose true value is from 1 to t can be any of 1, 2, …, t as far as the forum can tell
  (its range contains every value from 1 to t): the forum learns "a small number", never which;
* a hidden total (a sum of several counts, each at least 1) whose true value is from 1 to t can still be t.

Ratios and flags are products of counts and totals; the attacker is given the true totals as coefficients
(a stronger attacker than the forum, which sees them only as the suppression allows), so the constraints
stay linear and every one of them is satisfied by the truth.

A new view is covered by adding one function to ``VIEWS``: it reads the view as the forum gets it and
records what it shows on the ``Attack``.
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint, milp

from sendlib import easy_read, ehcp, needs, overview, pack, reach
from sendlib.auth import FORUM, OFFICER
from sendlib.codes import EHC_PLAN, SEN_PROVISIONS, SEN_SUPPORT, format_period
from sendlib.config import Config
from sendlib.engagement import PROVISION
from sendlib.ingest import load_census
from sendlib.store import Store
from sendlib.views import Audience, Filters, View, all_views, views_for
from sendlib.views.needs import public_census
from tests.conftest import TEST_OFFICER
from tests.worlds import load_demo_census, record_activity

AS_OF = date(2026, 11, 23)
FORUM_AUDIENCE = Audience.of(FORUM, Config())
BIG = 10_000_000  # an upper bound no count reaches: a maximum at BIG means "unbounded"
Expr = dict[tuple, float]


# -- the attacker's knowledge --------------------------------------------------------------------------------
@dataclass
class Hidden:
    """A figure the forum sees as hidden: where, its expression over the unknowns, its true value."""

    where: str
    expr: Expr
    true: int
    single: bool  # one count (True) or a total of several


@dataclass
class Attack:
    """Linear constraints lo ≤ Σ coef·var ≤ hi on the true counts, and the hidden figures to solve for."""

    truth: dict[tuple, int]
    rows: list[tuple[Expr, float, float]] = field(default_factory=list)
    hidden: list[Hidden] = field(default_factory=list)
    nonzero: set[tuple] = field(default_factory=set)

    def between(self, expr: Expr, lo: float, hi: float) -> None:
        expr = {key: coef for key, coef in expr.items() if coef}
        for key in expr:
            assert key in self.truth, f"unknown variable {key}"
        if expr:
            assert lo - 1e-6 <= self.value(expr) <= hi + 1e-6, (
                f"constraint not met by the truth: {expr} in [{lo}, {hi}]"
            )
            self.rows.append((expr, lo, hi))

    def equal(self, expr: Expr, value: float) -> None:
        self.between(expr, value, value)

    def share(self, part: Expr, whole: Expr, shown_pct: float, half_width: float) -> None:
        """100·part / whole shown as ``shown_pct`` ± ``half_width``: linear once multiplied out."""
        lo, hi = shown_pct - half_width, shown_pct + half_width
        self.between(add(scale(part, 100), scale(whole, -lo)), 0, math.inf)
        self.between(add(scale(part, 100), scale(whole, -hi)), -math.inf, 0)

    def hide(self, where: str, expr: Expr) -> None:
        self.hidden.append(Hidden(where, expr, round(self.value(expr)), len(expr) == 1))
        if len(expr) == 1:
            self.nonzero.add(next(iter(expr)))  # a "c" is never 0: zeros are shown

    def value(self, expr: Expr) -> float:
        return sum(coef * self.truth[key] for key, coef in expr.items())


def add(*exprs: Expr) -> Expr:
    total: Expr = {}
    for expr in exprs:
        for key, coef in expr.items():
            total[key] = total.get(key, 0.0) + coef
    return total


def scale(expr: Expr, factor: float) -> Expr:
    return {key: coef * factor for key, coef in expr.items()}


def solve(attack: Attack) -> list[tuple[Hidden, float, float]]:
    """Each hidden figure's smallest and largest value over every integer solution of the constraints."""
    keys = sorted(attack.truth, key=repr)
    column = {key: k for k, key in enumerate(keys)}
    matrix = np.zeros((len(attack.rows), len(keys)))
    lows, highs = np.empty(len(attack.rows)), np.empty(len(attack.rows))
    for row, (expr, lo, hi) in enumerate(attack.rows):
        for key, coef in expr.items():
            matrix[row, column[key]] = coef
        lows[row], highs[row] = lo, hi
    lower = np.array([1.0 if key in attack.nonzero else 0.0 for key in keys])
    bounds = (lower, np.full(len(keys), float(BIG)))
    constraints = [LinearConstraint(matrix, lows, highs)] if len(attack.rows) else []
    results = []
    for hidden in attack.hidden:
        objective = np.zeros(len(keys))
        for key, coef in hidden.expr.items():
            objective[column[key]] = coef
        extremes = []
        for sign in (1, -1):
            answer = milp(sign * objective, constraints=constraints, integrality=np.ones(len(keys)), bounds=bounds)
            assert answer.success, f"the constraints from {hidden.where} have no solution: {answer.message}"
            extremes.append(sign * answer.fun)
        results.append((hidden, round(extremes[0], 6), round(extremes[1], 6)))
    return results


def breaches(attack: Attack, threshold: int) -> list[str]:
    """The hidden figures the forum can narrow down too far, in words."""
    found = []
    for hidden, low, high in solve(attack):
        small = 1 <= hidden.true <= threshold
        if high - low < 0.5:
            found.append(f"{hidden.where}: pinned to {low:g}")
        elif small and hidden.single and (low > 1 or high < threshold):
            found.append(f"{hidden.where}: true {hidden.true}, forum knows it is {low:g}..{high:g}")
        elif small and high < threshold:
            found.append(f"{hidden.where}: true {hidden.true}, forum knows it is at most {high:g}")
    return found


# -- the truth ---------------------------------------------------------------------------------------------
def census_var(area: str, period: str, provision: str, need: str) -> tuple:
    return ("census", area, period, provision, need)


def heard_var(dimension: str, category: str) -> tuple:
    return ("heard", dimension, category)


def census_truth(store: Store) -> dict[tuple, int]:
    rows = store.query_rows(
        """SELECT area_key, period, provision, primary_need, sum(pupils)::BIGINT FROM census_current
                               WHERE phase = 'Total' AND provision IN (?, ?) AND pupils IS NOT NULL GROUP BY ALL""",
        [SEN_SUPPORT, EHC_PLAN],
    )
    return {census_var(area, period, provision, need): int(n) for area, period, provision, need, n in rows}


def forum_reach_inputs(store: Store, config: Config) -> tuple | None:
    """What the forum's reach views are built from: the one period and audience they offer, as the pages do
    (the attacker's constraints assume one choice; a page offering the forum more would fail here)."""
    periods, audiences = reach.gap_choices(reach.query_engagement_years(store), suppressed=True)
    assert len(periods) <= 1 and len(audiences) == 1, "the forum may combine choices: model each one"
    cohort = reach.query_cohort(store, config)
    if not periods or cohort.period is None:
        return None
    start, end = reach.period_dates(periods[0], AS_OF)
    return periods[0], reach.query_participation(store, start, end), cohort, reach.AUDIENCE_CHOICES[audiences[0]]


def heard_truth(store: Store, config: Config) -> dict[tuple, int]:
    inputs = forum_reach_inputs(store, config)
    if inputs is None:
        return {}
    _, participation, cohort, kinds = inputs
    people, _ = reach.combine(participation, cohort.frame, kinds)
    at = people[people["level"] == reach.ALL_LEVELS]
    return {
        heard_var(d, c): int(n)
        for d, c, n in zip(at["dimension"], at["category"], at["people"])
        if d in reach.COHORT_DIMENSIONS
    }


def cohort_expr(store: Store, config: Config, period: str, dimension: str, category: str, truth: dict) -> Expr:
    """A reach-gap group's 'Children with SEND' as a sum of census cells."""
    area = needs.local_area_key(config)
    return {
        key: 1.0
        for key in truth
        if key[0] == "census"
        and key[1] == area
        and key[2] == period
        and (key[3] == category if dimension == PROVISION else key[4] == category)
    }


def chart_data(figure) -> dict:
    """``figure.to_dict()`` with Plotly's packed arrays ({"dtype", "bdata"}) unpacked into lists."""

    def unpack(value: object) -> object:
        if isinstance(value, dict) and "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist()
        if isinstance(value, np.ndarray):
            return unpack(value.tolist())
        if isinstance(value, dict):
            return {key: unpack(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [unpack(item) for item in value]
        return value

    return unpack(figure.to_dict())


def rounding(decimals: int) -> float:
    return 0.5 * 10**-decimals + 1e-9


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").replace("+", "").replace("−", "-"))


# -- the views the forum sees -----------------------------------------------------------------------------------
def gap_label(figure: dict, y: object) -> tuple[str, bool]:
    """The group a gap chart's mark at ``y`` stands for, as its row's label names it, and whether the label says
    it is under-reached. Rows are numbered; each label is the group's name (wrapped), then a line with its two
    shares and "under-reached" when it is."""
    axis = figure.get("layout", {}).get("yaxis", {})
    labels = dict(zip(axis.get("tickvals", []), axis.get("ticktext", [])))
    lines = html.unescape(labels[round(float(y))]).split("<br>")
    return " ".join(lines[:-1]), lines[-1].endswith("under-reached")


def read_gap_view(
    attack: Attack,
    store: Store,
    config: Config,
    dimension: str,
    view: reach.GapView,
    figure: dict | None,
    summary: str | None,
    period: str,
    where: str,
    sentences: list[str] | None = None,
) -> None:
    """Everything a reach-gap view says about the people heard from and the cohort, as constraints."""
    truth = attack.truth
    decimals = config.display.percent_decimals
    cohort_categories = {
        key[3] if dimension == PROVISION else key[4]
        for key in truth
        if key[0] == "census" and key[1] == needs.local_area_key(config) and key[2] == period
    }
    by_label = {reach.group_label(dimension, c): c for c in cohort_categories}
    for category in cohort_categories:
        truth.setdefault(heard_var(dimension, category), 0)
    heard = {c: {heard_var(dimension, c): 1.0} for c in cohort_categories}
    size = {c: cohort_expr(store, config, period, dimension, c, truth) for c in cohort_categories}
    known_heard = add(*heard.values())
    all_children = add(*size.values())
    k_true, c_true = attack.value(known_heard), attack.value(all_children)
    overall = k_true / c_true if c_true else 0.0

    def ratio_expr(category: str) -> tuple[Expr, Expr]:
        """(heard·C/K, cohort): the representation ratio compares the first with ratio × the second."""
        return scale(heard[category], c_true / k_true if k_true else 0.0), size[category]

    def under_reached(category: str, yes: bool) -> None:
        left, right = ratio_expr(category)
        gap = config.reach.gap_ratio
        if yes:
            attack.between(add(left, scale(right, -gap)), -math.inf, 0)
        else:
            attack.between(add(left, scale(right, -gap)), 0, math.inf)

    def gap_expr(category: str) -> Expr:
        return add(scale(size[category], overall), scale(heard[category], -1))

    table = view.table
    ranked: list[tuple[str, str]] = []
    for row in table.to_dict("records"):
        category = by_label[row["Group"]]
        label = f"{where}, {row['Group']}"
        for column, expr in (("Heard from", heard[category]), ("Children with SEND", size[category])):
            value = row[column]
            if isinstance(value, str):
                attack.hide(f"{label}: {column}", expr)
            else:
                attack.equal(expr, value)
        for column, part, whole in (
            ("Share of children with SEND %", size[category], all_children),
            ("Share of those heard from %", heard[category], known_heard),
        ):
            value = row[column]
            if not isinstance(value, str) and not pd.isna(value):
                attack.share(part, whole, float(value), rounding(decimals))
        if not isinstance(row["Representation ratio"], str) and not pd.isna(row["Representation ratio"]):
            left, right = ratio_expr(category)
            r = float(row["Representation ratio"])
            attack.between(add(left, scale(right, -(r - 0.005))), 0, math.inf)
            attack.between(add(left, scale(right, -(r + 0.005))), -math.inf, 0)
        gap = row["More people to reach the overall rate"]
        if not isinstance(gap, str):
            if gap > 0:
                attack.between(gap_expr(category), gap - 1, gap)
            else:
                attack.between(gap_expr(category), -math.inf, 1e-9)
        if row["Under-reached"] in ("yes", "no"):
            under_reached(category, row["Under-reached"] == "yes")
            ranked.append((category, row["Under-reached"]))
    # Rows are ranked: under-reached first, then by the gap in people, largest first.
    for (first, flag_a), (second, flag_b) in itertools.pairwise(ranked):
        if flag_a == flag_b:
            attack.between(add(gap_expr(first), scale(gap_expr(second), -1)), -1, math.inf)
    # Sentences: "X are heard from less than their share", or with both shares, ranked by the gap.
    phrases = {reach.group_phrase(dimension, c): c for c in cohort_categories}
    ordered = []
    for sentence in view.sentences if sentences is None else sentences:
        for phrase, category in phrases.items():
            if sentence.startswith(phrase + " are"):
                rest = sentence[len(phrase) :]
                if "less than their share" in rest or " but " in rest:
                    under_reached(category, True)
                    ordered.append(category)
                shares = re.findall(r"([\d.]+)% of", rest)
                if len(shares) == 2:
                    attack.share(size[category], all_children, float(shares[0]), rounding(decimals))
                    attack.share(heard[category], known_heard, float(shares[1]), rounding(decimals))
    for first, second in itertools.pairwise(ordered):
        attack.between(add(gap_expr(first), scale(gap_expr(second), -1)), -1, math.inf)
    # The chart: each group's two shares (its label says when it is under-reached). A group with a hidden
    # figure must not be drawn at all: where its marks sit would be worked from what is hidden.
    hidden_groups = {
        row["Group"]
        for row in table.to_dict("records")
        if any(isinstance(value, str) for key, value in row.items() if key not in ("Group", "Under-reached"))
    }
    for trace in (figure or {}).get("data", []):
        for y in trace.get("y", []) or []:
            assert gap_label(figure, y)[0] not in hidden_groups, f"{where}: {y} is drawn"
    for trace in (figure or {}).get("data", []):
        name = trace.get("name")
        if name not in ("Share of children with SEND", "Share of those we heard from"):
            continue
        for x, y in zip(trace.get("x", []), trace.get("y", [])):
            label, flagged = gap_label(figure, y)
            category = by_label[label]
            under_reached(category, flagged)
            part = size[category] if name == "Share of children with SEND" else heard[category]
            whole = all_children if name == "Share of children with SEND" else known_heard
            attack.share(part, whole, float(x), rounding(decimals))
    # A summary counting the under-reached groups among all of them (not only the shown ones) says of the
    # groups whose flag is not shown: all of them are under-reached, or none.
    if summary:
        match = re.match(r"(\d+) of (\d+) groups", summary)
        if match and "whose figures are shown" not in summary:
            said = int(match.group(1))
            flagged = [c for c, f in ranked]
            unflagged = [by_label[g] for g in table["Group"] if by_label[g] not in flagged]
            shown_yes = sum(1 for _, f in ranked if f == "yes")
            if unflagged and said - shown_yes == len(unflagged):
                for category in unflagged:
                    under_reached(category, True)
            elif unflagged and said == shown_yes:
                for category in unflagged:
                    under_reached(category, False)


def gap_census(cohort: reach.Cohort) -> dict:
    """The census argument the pages pass to build_gap_view, where it takes one."""
    import inspect

    return {"census": cohort.census} if "census" in inspect.signature(reach.build_gap_view).parameters else {}


def read_breakdown(
    attack: Attack,
    config: Config,
    breakdown: pd.DataFrame,
    period: str,
    where: str,
    table: pd.DataFrame | None = None,
    figure: dict | None = None,
) -> dict:
    """A suppressed need breakdown (its table and chart: the view's own when given, else built from it) as
    constraints; returns the provision total exprs."""
    area = needs.local_area_key(config)
    truth = attack.truth
    decimals = config.display.percent_decimals
    column = {
        p: {k: 1.0 for k in truth if k[0] == "census" and k[1] == area and k[2] == period and k[3] == p}
        for p in SEN_PROVISIONS
    }
    totals = needs.provision_totals(breakdown)
    for provision, value in totals.items():
        if isinstance(value, str):
            attack.hide(f"{where}: {provision} total", column[provision])
        else:
            attack.equal(column[provision], value)
    table = needs.build_need_table(breakdown) if table is None else table
    codes = dict(zip(breakdown["need"], breakdown["primary_need"]))
    for row in table.to_dict("records"):
        need = codes[row["Need"]]
        cells = {}
        for provision in SEN_PROVISIONS:
            key = census_var(area, period, provision, need)
            truth.setdefault(key, 0)
            cells[provision] = {key: 1.0}
            value = row[provision]
            if isinstance(value, str):
                attack.hide(f"{where}: {row['Need']} {provision}", cells[provision])
            else:
                attack.equal(cells[provision], value)
                share = row[f"{provision} %"]
                if not isinstance(share, str) and value and not isinstance(totals[provision], str):
                    attack.share(cells[provision], column[provision], float(share), rounding(decimals))
        total = row["Total with SEND"]
        if isinstance(total, str):
            attack.hide(f"{where}: {row['Need']} total", add(*cells.values()))
        else:
            attack.equal(add(*cells.values()), total)
    if figure is None:
        figure = chart_data(
            needs.build_need_chart(breakdown, area_name="A", period=period, source="s", height=500, decimals=decimals)
        )
    read_need_chart(attack, config, figure, period, where)
    return column


def read_need_chart(attack: Attack, config: Config, figure: dict, period: str, where: str) -> None:
    """The need chart's bars: a shown bar's length is its count; a hidden one has none and no figure in hover."""
    area = needs.local_area_key(config)
    codes = {needs.need_short(key[4]): key[4] for key in attack.truth if key[0] == "census"}
    for trace in figure["data"]:
        if trace.get("name") not in SEN_PROVISIONS or trace.get("type") != "bar":
            continue
        for x, y, text, custom in zip(trace["x"], trace["y"], trace["text"], trace["customdata"]):
            if text == "c":
                assert x == 0, f"{where}: the bar of a hidden cell ({y}) has length {x}"
                assert not any(re.search(r"\d", str(item)) for item in custom[1:]), f"{where}: hover of {y}: {custom}"
            else:
                attack.equal({census_var(area, period, trace["name"], codes[y]): 1.0}, x)


# -- the registered views, as the forum gets them (sendlib.views: the pages, the Overview and the pack) --------------
def forum_filters(store: Store, config: Config) -> list[Filters]:
    """Every choice the forum's pages offer a view: each census period held (the newest is the default)."""
    periods = needs.query_periods(store, needs.local_area_key(config))
    return [Filters(as_of=AS_OF, census_period=period) for period in periods] or [Filters(as_of=AS_OF)]


def census_column(attack: Attack, area: str, period: str, provision: str | None = None) -> Expr:
    return {
        k: 1.0
        for k in attack.truth
        if k[0] == "census" and k[1] == area and k[2] == period and (provision is None or k[3] == provision)
    }


def area_keys_by_name(store: Store) -> dict[str, str]:
    return {name: key for key, name in store.query_rows("SELECT DISTINCT area_key, area_name FROM census_current")}


def read_need_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The need chart and its table (the view's own), with the provision totals they are shares of."""
    census = public_census(store, config, filters, FORUM_AUDIENCE)
    read_breakdown(
        attack,
        config,
        census.breakdown,
        census.period,
        f"{view.key} {census.period}",
        table=view.table,
        figure=chart_data(view.figure),
    )


def read_metrics_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The page's tiles: with SEND, SEN support and EHC plans (a count or "c"), the share of all pupils."""
    census = public_census(store, config, filters, FORUM_AUDIENCE)
    local, period = census.local_key, census.period
    tiles = {metric.label: metric.value for metric in view.metrics}
    for label, provision in (
        ("Children and young people with SEND", None),
        (SEN_SUPPORT, SEN_SUPPORT),
        ("EHC plans", EHC_PLAN),
    ):
        value = tiles[label]
        if value == "c" and provision is not None:
            attack.hide(f"{view.key} {period}: {label}", census_column(attack, local, period, provision))
        elif value != "c":
            # The total with SEND reads "c" whenever a provision total is hidden, even when the suppression
            # itself shows the grand total (the need table's totals may then add up to it): that "c" hides
            # nothing small, so it is not modelled as hidden (the provision totals under it are).
            attack.equal(census_column(attack, local, period, provision), number(value))


EXACT = 1e-6  # the half-width of a figure shown unrounded (a table's own value, in its CSV download)
RATES = {"% with SEND": None, "% SEN support": SEN_SUPPORT, "% EHC plan": EHC_PLAN}


def all_pupils(store: Store, period: str, area_keys: list[str]) -> dict[str, int]:
    """Each area's true all-pupil count (the attacker is given it: a rate becomes linear in the counts)."""
    prevalence = needs.query_prevalence(store, period, area_keys)
    return {key: int(n) for key, n in zip(prevalence["area_key"], prevalence["all_pupils"]) if pd.notna(n)}


def rate_of(attack: Attack, area: str, period: str, provision: str | None, pupils: int, shown: float) -> None:
    """100 × the area's count (a provision's, or both) ÷ its all-pupil count was shown as ``shown``."""
    expr = census_column(attack, area, period, provision)
    attack.between(scale(expr, 100 / pupils), shown - EXACT, shown + EXACT)


def read_prevalence_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each area shown against all pupils: its SEN support and EHC plan counts; the statistical neighbours'
    average: each rate the mean of the rates of the neighbours it averages."""
    census = public_census(store, config, filters, FORUM_AUDIENCE)
    period = census.period
    keys = area_keys_by_name(store)
    for row in view.table.to_dict("records"):
        if row["Area"] == needs.NEIGHBOURS_AVERAGE:
            averaged = needs.suppress_prevalence(
                needs.query_prevalence(store, period, list(census.neighbour_keys)),
                FORUM_AUDIENCE.threshold,
                needs.query_share_comparison(store, period, list(census.neighbour_keys)),
            ).dropna(subset=["prevalence_pct"])
            pupils = all_pupils(store, period, averaged["area_key"].tolist())
            for column, provision in RATES.items():
                expr = add(
                    *(
                        scale(census_column(attack, key, period, provision), 100 / pupils[key] / len(pupils))
                        for key in pupils
                    )
                )
                attack.between(expr, row[column] - EXACT, row[column] + EXACT)
            continue
        for provision in (SEN_SUPPORT, EHC_PLAN):
            attack.equal(census_column(attack, keys[row["Area"]], period, provision), row[provision])


def read_comparison_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each need's count in each area compared (hidden cells are left out of this view); the statistical
    neighbours' average share of a need: the mean of its share (count ÷ the provision's true total) over the
    neighbours it averages (a neighbour with no such pupil at 0%, one whose cell is hidden left out)."""
    census = public_census(store, config, filters, FORUM_AUDIENCE)
    period = census.period
    keys = area_keys_by_name(store)
    codes = {needs.need_short(key[4]): key[4] for key in attack.truth if key[0] == "census"}
    theirs = needs.query_share_comparison(store, period, list(census.neighbour_keys))
    shown = needs.suppress_share_comparison(theirs, FORUM_AUDIENCE.threshold)
    for row in view.table.to_dict("records"):
        if row["Area"] == needs.NEIGHBOURS_AVERAGE:
            provision, need = row["Provision"], codes[row["Need"]]
            part = shown[shown["provision"] == provision]
            averaged = [
                key
                for key in dict.fromkeys(part["area_key"])
                if not part[(part["area_key"] == key) & (part["primary_need"] == need)].empty
                or theirs[
                    (theirs["area_key"] == key) & (theirs["provision"] == provision) & (theirs["primary_need"] == need)
                ].empty
            ]
            terms = []
            for key in averaged:
                total = attack.value(census_column(attack, key, period, provision))
                cell = census_var(key, period, provision, need)
                if cell in attack.truth:
                    terms.append({cell: 100 / total / len(averaged)})
            attack.between(add(*terms), row["Share"] - EXACT, row["Share"] + EXACT)
            continue
        attack.equal({census_var(keys[row["Area"]], period, row["Provision"], codes[row["Need"]]): 1.0}, row["Pupils"])


STANDING_RATES = {"% with SEND": None, "% SEN support": SEN_SUPPORT, "% with an EHC plan": EHC_PLAN}
STANDING_TILES = {"With SEND": None, "On SEN support": SEN_SUPPORT, "With an EHC plan": EHC_PLAN}


def read_standing_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The local area among every LA: each LA's rates in the table, ours in the tiles (rounded). (Ranks, the
    chart and the neighbours' average are worked from these same rates.) A view without a table (the store does
    not hold DfE's LA-level file) shows no figure."""
    if view.table is None:
        return
    census = public_census(store, config, filters, FORUM_AUDIENCE)
    period = census.period
    keys = area_keys_by_name(store)
    pupils = all_pupils(store, period, list(keys.values()))
    for row in view.table.to_dict("records"):
        key = keys[row["Area"]]
        for column, provision in STANDING_RATES.items():
            rate_of(attack, key, period, provision, pupils[key], row[column])
    half = rounding(config.display.percent_decimals)
    for tile in view.metrics:
        value = number(tile.value)
        expr = scale(census_column(attack, census.local_key, period, STANDING_TILES[tile.label]), 100)
        attack.between(expr, (value - half) * pupils[census.local_key], (value + half) * pupils[census.local_key])


def read_trend_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each census period's provision totals over time."""
    local = needs.local_area_key(config)
    periods = {format_period(period): period for period in needs.query_periods(store, local)}
    for row in view.table.to_dict("records"):
        attack.equal(census_column(attack, local, periods[row["Census"]], row["Provision"]), row["Pupils"])


def read_needs_headline(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The Overview's census tiles and lines: with SEND and its change, the EHC plan share and its change, the
    largest needs' shares."""
    if view.missing:
        return
    decimals = config.display.percent_decimals
    local = needs.local_area_key(config)
    periods = needs.query_periods(store, local)
    now = public_census(store, config, filters, FORUM_AUDIENCE).period

    def column(period: str, provision: str | None = None) -> Expr:
        return census_column(attack, local, period, provision)

    for tile in view.metrics:
        if tile.label.startswith("With SEND"):
            if tile.value == "c":
                attack.hide("Overview: with SEND", column(now))
            else:
                attack.equal(column(now), number(tile.value))
            if tile.delta:
                change, before = re.match(r"([+−-]?[\d,]+) since (\S+)", tile.delta).groups()
                previous = next(p for p in periods if format_period(p) == before)
                attack.equal(add(column(now), scale(column(previous), -1)), number(change))
        if tile.label == "With an EHC plan":
            share = number(tile.value)
            attack.share(column(now, EHC_PLAN), column(now), share, rounding(decimals))
            if tile.delta:
                change, before = re.match(r"([+−-]?[\d.]+) points since (\S+)", tile.delta).groups()
                previous = next(p for p in periods if format_period(p) == before)
                exact_now = 100 * attack.value(column(now, EHC_PLAN)) / attack.value(column(now))
                attack.share(
                    column(previous, EHC_PLAN), column(previous), exact_now - number(change), rounding(decimals)
                )
    for line in view.sentences:
        provision = SEN_SUPPORT if SEN_SUPPORT in line.split(":")[0] else EHC_PLAN
        for short, share in re.findall(r"(\w+) ([\d.]+)%", line.split(":", 1)[1]):
            key = next(
                (
                    k
                    for k in attack.truth
                    if k[0] == "census"
                    and k[1] == local
                    and k[2] == now
                    and k[3] == provision
                    and needs.need_short(k[4]) == short
                ),
                None,
            )
            if key is not None:
                attack.share({key: 1.0}, column(now, provision), float(share), rounding(decimals))


def read_source_estimate(attack: Attack, store: Store, config: Config, source: str) -> None:
    """The source line gives the parent carer estimate: children with SEND × parent_carers_per_child, rounded."""
    cohort = reach.query_cohort(store, config)
    estimate = re.search(r"parent carers: about ([\d,]+), estimated as", source)
    if estimate and cohort.period and not config.reach.parent_carers_estimate:
        children = add(*(cohort_expr(store, config, cohort.period, PROVISION, p, attack.truth) for p in SEN_PROVISIONS))
        per_child = config.reach.parent_carers_per_child
        attack.between(scale(children, per_child), number(estimate.group(1)) - 0.5, number(estimate.group(1)) + 0.5)


GAP_DIMENSIONS = {"reach_gaps.provision": PROVISION, "reach_gaps.primary_need": "primary need"}


def read_gaps_view(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """A reach-gaps view (the page's, and the pack's slide): its table, chart, summary, sentences and source.
    With no engagement recorded nobody is heard from and no group is flagged: the census shares are read by the
    census views (as before the views layer)."""
    cohort = reach.query_cohort(store, config)
    if forum_reach_inputs(store, config) is None:
        return
    gaps = reach.GapView(view.table, list(view.sentences), pd.DataFrame(), view.suppression_note)
    read_gap_view(
        attack,
        store,
        config,
        GAP_DIMENSIONS[view.key],
        gaps,
        chart_data(view.figure),
        view.summary,
        cohort.period,
        view.key,
    )
    read_source_estimate(attack, store, config, view.source)


def read_reach_headline(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The Overview's "Who we are hearing from": the worst gaps' sentences (the forum gets no level tiles)."""
    assert not view.metrics, "the forum's reach headline shows reach rates (a rate times the cohort is a count)"
    cohort = reach.query_cohort(store, config)
    if view.missing or cohort.period is None or forum_reach_inputs(store, config) is None:
        return
    for dimension in reach.COHORT_DIMENSIONS:
        empty = reach.GapView(pd.DataFrame(columns=["Group"]), [], pd.DataFrame(), None)
        read_gap_view(
            attack,
            store,
            config,
            dimension,
            empty,
            None,
            None,
            cohort.period,
            f"{view.key} ({dimension})",
            sentences=list(view.sentences),
        )


# -- DfE's EHC plan release (sendlib.ehcp): the published counts the EHC plans views show or are worked from --------
def ehcp_var(dataset: str, period: str, area: str, measure: str) -> tuple:
    return ("ehcp", dataset, period, area, measure)


# The counts each EHC plans view is worked from, by dataset (its percentages are DfE's, of these counts).
EHCP_COUNTS: dict[str, list[str]] = {
    ehcp.CASELOAD: [ehcp.PLANS, *(p.count for p in ehcp.SETTINGS), *(p.count for p, _ in ehcp.SETTING_PARTS)],
    ehcp.NEEDS: [ehcp.NEED_TOTAL, *(p.count for p in ehcp.NEED_PARTS)],
    ehcp.REQUESTS: [ehcp.RECEIVED, ehcp.TO_ASSESS],
    ehcp.ASSESSMENTS: [ehcp.ASSESSED, ehcp.ISSUED],
    ehcp.NEW_PLANS: [ehcp.NEW],
    ehcp.TIMELINESS: [count for pair in ehcp.TIMELINESS_COUNTS.values() for count in pair],
}


def ehcp_truth(store: Store, config: Config) -> dict[tuple, int]:
    """The published counts behind the forum's EHC plan views: the local area's, England's and the region's in every
    period, and every local authority's caseload and 20-week counts in the latest period (the rankings). A figure
    DfE published as a symbol is not a number anyone can learn, so it is not an unknown here."""
    areas = ehcp.areas_for(config)
    truth: dict[tuple, int] = {}

    def add_figures(figures: pd.DataFrame, dataset: str) -> None:
        for period, area, measure, cell in zip(
            figures["period"], figures["area_key"], figures["measure"], figures["cell"]
        ):
            if ehcp.is_number(cell):
                truth[ehcp_var(dataset, period, area, measure)] = round(cell)

    compared = [areas.local, ehcp.ENGLAND_CODE, areas.region]
    for dataset, measures in EHCP_COUNTS.items():
        add_figures(ehcp.query_figures(store, dataset, measures, area_keys=compared), dataset)
    for dataset, measures in ((ehcp.CASELOAD, [ehcp.PLANS]), (ehcp.TIMELINESS, EHCP_COUNTS[ehcp.TIMELINESS])):
        latest = next(iter(ehcp.query_periods(store, dataset, areas.local)), None)
        if latest is not None:
            add_figures(ehcp.query_figures(store, dataset, measures, period=latest), dataset)
    return truth


def ehcp_count(attack: Attack, var: tuple, shown: object, where: str) -> None:
    """One count as a view shows it: a number pins it, a "c" hides it (DfE's own symbols say nothing)."""
    if var not in attack.truth:
        return
    if shown == "c":
        attack.hide(where, {var: 1.0})
    elif isinstance(shown, (int, float, np.integer, np.floating)) and not isinstance(shown, bool):
        attack.equal({var: 1.0}, float(shown))


def ehcp_share(attack: Attack, part: Expr, whole: Expr, shown: object) -> None:
    """DfE's percentage (one decimal place) of two published counts, where the counts are what DfE worked it from
    (a percentage published over another base says nothing about these counts)."""
    if (
        not isinstance(shown, (int, float))
        or isinstance(shown, bool)
        or not all(k in attack.truth for k in {**part, **whole})
    ):
        return
    total = attack.value(whole)
    if total and abs(100 * attack.value(part) / total - float(shown)) <= rounding(1):
        attack.share(part, whole, float(shown), rounding(1))


def ehcp_rate(attack: Attack, numerator: tuple, denominator: tuple, shown: object, threshold: int, where: str) -> None:
    """A percentage of two counts no view shows: a shown one ties them; a hidden one hides whichever of the count,
    the base and the rest is small (``ehcp.suppress_rate``)."""
    if shown == "c":
        truth = attack.truth
        if numerator in truth and denominator in truth:
            for name, expr in (
                ("count", {numerator: 1.0}),
                ("base", {denominator: 1.0}),
                ("rest", {denominator: 1.0, numerator: -1.0}),
            ):
                if 1 <= attack.value(expr) <= threshold:
                    attack.hide(f"{where} ({name})", expr)
        return
    ehcp_share(attack, {numerator: 1.0}, {denominator: 1.0}, shown)


def ehcp_area_keys(store: Store, config: Config) -> dict[str, str]:
    """Area names as the EHC plan views write them → area keys (the compared areas and every LA)."""
    areas = ehcp.areas_for(config)
    names = {areas.local_name: areas.local, "England": ehcp.ENGLAND_CODE, areas.region_name: areas.region}
    latest = next(iter(ehcp.query_periods(store, ehcp.CASELOAD, areas.local)), None)
    if latest is not None:
        figures = ehcp.query_figures(store, ehcp.CASELOAD, [ehcp.PLANS], period=latest)
        las = figures[figures["geographic_level"] == "Local authority"]
        names = {**dict(zip(las["area_name"], las["area_key"])), **names}
    return names


def read_ehcp_headline(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """The EHC plans headline (the page's tiles and the Overview's): the latest January's plans and the change on the
    year before, the share within 20 weeks (the rank is of shares, read from the ranking view)."""
    if view.missing:
        return
    areas = ehcp.areas_for(config)
    januaries = {ehcp.period_words(p): p for p in ehcp.query_periods(store, ehcp.CASELOAD, areas.local)}
    for tile in view.metrics:
        found = re.match(r"EHC plans, (.+)", tile.label)
        if found:
            now = januaries[found.group(1)]
            var = ehcp_var(ehcp.CASELOAD, now, areas.local, ehcp.PLANS)
            ehcp_count(attack, var, "c" if tile.value == "c" else number(tile.value), "EHC plans headline")
            if tile.delta:
                change, before = re.match(r"([+−-]?[\d,]+) on (.+)", tile.delta).groups()
                earlier = ehcp_var(ehcp.CASELOAD, januaries[before], areas.local, ehcp.PLANS)
                attack.equal({var: 1.0, earlier: -1.0}, number(change))
        found = re.match(r"New plans within 20 weeks, (\d{4})", tile.label)
        if found:
            year = found.group(1)
            part, whole = ehcp.TIMELINESS_COUNTS[ehcp.WITHIN]
            ehcp_rate(
                attack,
                ehcp_var(ehcp.TIMELINESS, year, areas.local, part),
                ehcp_var(ehcp.TIMELINESS, year, areas.local, whole),
                number(tile.value),
                FORUM_AUDIENCE.threshold,
                "EHC plans headline: within 20 weeks",
            )


def read_ehcp_caseload(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each January's plans in the local area, England and the region (the neighbours' averages: not counts of
    these areas), and the chart's points."""
    names = ehcp_area_keys(store, config)
    januaries = {
        ehcp.period_words(p): p for p in ehcp.query_periods(store, ehcp.CASELOAD, ehcp.areas_for(config).local)
    }
    for row in view.table.to_dict("records"):
        for name, shown in row.items():
            if name in names:
                var = ehcp_var(ehcp.CASELOAD, januaries[row["January"]], names[name], ehcp.PLANS)
                ehcp_count(attack, var, shown, f"EHC plans each January: {name}, {row['January']}")
    local = ehcp.areas_for(config).local
    for trace in chart_data(view.figure)["data"]:
        for x, y in zip(trace["x"], trace["y"]):
            if y is not None:
                attack.equal({ehcp_var(ehcp.CASELOAD, januaries[x], local, ehcp.PLANS): 1.0}, float(y))


def read_ehcp_breakdown(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Plans by setting or by need in the local area, England and the region: each part's count and DfE's share of
    all plans, the total, and the counts inside the settings' totals (each at most its setting's)."""
    areas = ehcp.areas_for(config)
    names = ehcp_area_keys(store, config)
    if view.key == "ehc_plans.setting":
        dataset, total, parts = ehcp.CASELOAD, ehcp.PLANS, ehcp.SETTINGS
        inside = {
            f"{part.label} (within {next(p.label for p in ehcp.SETTINGS if p.key == within).lower()})": (part, within)
            for part, within in ehcp.SETTING_PARTS
        }
    else:
        dataset, total, parts, inside = ehcp.NEEDS, ehcp.NEED_TOTAL, ehcp.NEED_PARTS, {}
    period = ehcp.query_periods(store, dataset, areas.local)[0]
    by_label = {part.label: part for part in parts}
    for row in view.table.to_dict("records"):
        area = names.get(row["Area"])
        if area is None:  # the neighbours' average of percentages
            continue
        where = f"{view.title}: {row['Part']}, {row['Area']}"
        everything = {ehcp_var(dataset, period, area, total): 1.0}
        if row["Part"] == "All EHC plans":
            ehcp_count(attack, next(iter(everything)), row["EHC plans"], where)
            body = {ehcp_var(dataset, period, area, part.count): 1.0 for part in parts}
            if all(k in attack.truth for k in {**body, **everything}) and attack.value(body) == attack.value(
                everything
            ):
                attack.equal(add(body, scale(everything, -1)), 0)  # DfE's parts add up to its total here
        elif row["Part"] in by_label:
            part = by_label[row["Part"]]
            var = ehcp_var(dataset, period, area, part.count)
            ehcp_count(attack, var, row["EHC plans"], where)
            ehcp_share(attack, {var: 1.0}, everything, row["% of EHC plans"])
        elif row["Part"] in inside:
            part, within = inside[row["Part"]]
            var = ehcp_var(dataset, period, area, part.count)
            ehcp_count(attack, var, row["EHC plans"], where)
            container = ehcp_var(dataset, period, area, next(p.count for p in ehcp.SETTINGS if p.key == within))
            if var in attack.truth and container in attack.truth:
                attack.between({container: 1.0, var: -1.0}, 0, math.inf)

    # The chart's marks: the local area's, England's and the region's shares as the table gives them (a hidden
    # share has no mark).
    def part_of(label: str) -> ehcp.Part:  # "ASD: 33.6%", wrapped: the part, and the local area's share read below
        text = html.unescape(label).replace("<br>", " ")
        return next(p for p in parts if text == p.label or text.startswith(f"{p.label}: "))

    for trace in chart_data(view.figure)["data"]:
        area = names.get(trace.get("name"))
        if area is None:
            continue
        for x, y in zip(trace["x"], trace["y"]):
            text = html.unescape(y).replace("<br>", " ")
            written = re.search(r": ([\d.]+)%$", text)
            if written:
                local = ehcp_var(dataset, period, areas.local, part_of(y).count)
                ehcp_share(
                    attack, {local: 1.0}, {ehcp_var(dataset, period, areas.local, total): 1.0}, number(written[1])
                )
            if x is not None:
                var = ehcp_var(dataset, period, area, part_of(y).count)
                ehcp_share(attack, {var: 1.0}, {ehcp_var(dataset, period, area, total): 1.0}, x)


def read_ehcp_path(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each year's requests, assessments and new plans in the local area, England and the region, and DfE's shares
    of requests decided to assess and of assessments leading to a plan."""
    names = ehcp_area_keys(store, config)
    for row in view.table.to_dict("records"):
        area, year = names.get(row["Area"]), str(row["Year"])
        if area is None:
            continue
        where = f"{view.title}: {row['Area']}, {year}"
        for column, dataset, measure in (
            ("Requests", ehcp.REQUESTS, ehcp.RECEIVED),
            ("Assessments", ehcp.ASSESSMENTS, ehcp.ASSESSED),
            ("New plans", ehcp.NEW_PLANS, ehcp.NEW),
        ):
            ehcp_count(attack, ehcp_var(dataset, year, area, measure), row[column], f"{where}: {column}")
        for column, dataset, part, whole in (
            ("Decided to assess %", ehcp.REQUESTS, ehcp.TO_ASSESS, ehcp.RECEIVED),
            ("Plan issued %", ehcp.ASSESSMENTS, ehcp.ISSUED, ehcp.ASSESSED),
        ):
            ehcp_rate(
                attack,
                ehcp_var(dataset, year, area, part),
                ehcp_var(dataset, year, area, whole),
                row[column],
                FORUM_AUDIENCE.threshold,
                f"{where}: {column}",
            )
    local = ehcp.areas_for(config).local
    stages = {stage: (dataset, measure) for stage, dataset, measure in ehcp.PATH_MEASURES}
    for trace in chart_data(view.figure)["data"]:
        dataset, measure = stages[trace["name"]]
        for x, y in zip(trace["x"], trace["y"]):
            if y is not None:
                attack.equal({ehcp_var(dataset, str(x), local, measure): 1.0}, float(y))


def read_ehcp_timeliness(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Each year's shares within 20 weeks (with and without exception cases) in the local area, England and the
    region: each ties the plans issued in time to all plans issued."""
    names = ehcp_area_keys(store, config)
    for row in view.table.to_dict("records"):
        area, year = names.get(row["Area"]), str(row["Year"])
        if area is None:
            continue
        for column, measure in (("Within 20 weeks %", ehcp.WITHIN), ("Without exception cases %", ehcp.WITHIN_EX)):
            part, whole = ehcp.TIMELINESS_COUNTS[measure]
            ehcp_rate(
                attack,
                ehcp_var(ehcp.TIMELINESS, year, area, part),
                ehcp_var(ehcp.TIMELINESS, year, area, whole),
                row[column],
                FORUM_AUDIENCE.threshold,
                f"{view.title}: {row['Area']}, {year}, {column}",
            )


def read_ehcp_ranking(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Every local authority's latest caseload or share within 20 weeks, as the table lists them and the chart
    draws them (a figure the forum may not see is neither drawn nor ranked)."""
    areas = ehcp.areas_for(config)
    names = ehcp_area_keys(store, config)
    caseload = view.key == "ehc_plans.caseload_ranking"
    dataset = ehcp.CASELOAD if caseload else ehcp.TIMELINESS
    period = ehcp.query_periods(store, dataset, areas.local)[0]
    column = next(c for c in view.table.columns if c != "Local authority")
    part, whole = ehcp.TIMELINESS_COUNTS[ehcp.WITHIN]
    shown = {}
    for name, value in zip(view.table["Local authority"], view.table[column]):
        area = names[name]
        shown[area] = value
        where = f"{view.title}: {name}"
        if caseload:
            ehcp_count(attack, ehcp_var(dataset, period, area, ehcp.PLANS), value, where)
        else:
            numerator, denominator = ehcp_var(dataset, period, area, part), ehcp_var(dataset, period, area, whole)
            ehcp_rate(attack, numerator, denominator, value, FORUM_AUDIENCE.threshold, where)
    drawn = [trace for trace in chart_data(view.figure)["data"] if trace.get("type") == "bar"]
    bars = [(custom[0], y) for trace in drawn for custom, y in zip(trace["customdata"], trace["y"])]
    hidden = {names[name] for name, value in zip(view.table["Local authority"], view.table[column]) if value == "c"}
    assert not {names[html.unescape(name)] for name, _ in bars} & hidden, f"{view.key}: a hidden figure is drawn"
    assert len(bars) == len(shown) - len(hidden), f"{view.key}: bars and shown figures differ"


def no_counts_of_children(attack: Attack, store: Store, config: Config, view: View, filters: Filters) -> None:
    """Stakeholders' positions (scores) and what families said and what was done: no count of children, so no
    constraint (tests/test_views_registry.py checks these views do not change with hidden counts either)."""


Reader = Callable[[Attack, Store, Config, View, Filters], None]
# One reader per registered view the forum can see: a new view without one fails
# test_every_forum_view_has_a_reader, so the attacker cannot silently miss it.
READERS: dict[str, Reader] = {
    "primary_needs.headline": read_needs_headline,
    "primary_needs.metrics": read_metrics_view,
    "primary_needs.need": read_need_view,
    "primary_needs.prevalence": read_prevalence_view,
    "primary_needs.comparison": read_comparison_view,
    "primary_needs.standing": read_standing_view,
    "primary_needs.trend": read_trend_view,
    "stakeholders.headline": no_counts_of_children,
    "stakeholders.grid": no_counts_of_children,
    "you_said.items": no_counts_of_children,
    "ehc_plans.headline": read_ehcp_headline,
    "ehc_plans.caseload": read_ehcp_caseload,
    "ehc_plans.caseload_ranking": read_ehcp_ranking,
    "ehc_plans.need": read_ehcp_breakdown,
    "ehc_plans.setting": read_ehcp_breakdown,
    "ehc_plans.path": read_ehcp_path,
    "ehc_plans.timeliness": read_ehcp_timeliness,
    "ehc_plans.timeliness_ranking": read_ehcp_ranking,
    "reach_gaps.headline": read_reach_headline,
    "reach_gaps.provision": read_gaps_view,
    "reach_gaps.primary_need": read_gaps_view,
}


def registered_views(attack: Attack, store: Store, config: Config) -> None:
    """Every registered view the forum may see, for every choice its page offers, read by its reader."""
    for spec in views_for(FORUM_AUDIENCE):
        # A headline is shown on the Overview only, which offers no choice: the default filters.
        choices = [Filters(as_of=AS_OF)] if spec.key.endswith(".headline") else forum_filters(store, config)
        for filters in choices:
            view = spec.build(store, config, filters, FORUM_AUDIENCE)
            if view is not None:
                READERS[spec.key](attack, store, config, view, filters)


def easy_read_page(attack: Attack, store: Store, config: Config) -> None:
    """pages/easy_read.py for the forum: rounded counts, the need ranking, who we hear from and who not."""
    local = needs.local_area_key(config)
    periods = needs.query_periods(store, local)
    truth = attack.truth
    parts = {part.title: part for part in easy_read.build_easy_read(store, config, FORUM_AUDIENCE, AS_OF)}

    def about_interval(text: str) -> tuple[float, float]:
        if text.startswith("about "):
            value = number(text.removeprefix("about "))
            step = 10 ** (len(str(int(value))) - 2)
            return value - step / 2, value + step / 2
        return number(text), number(text)

    read_easy_read_ehcp(attack, store, config, parts["EHC plans"], about_interval)
    for point in parts["Children and young people with SEND"].points:
        if not periods:
            break
        now = periods[0]
        matches = {
            None: re.search(r", ((?:about )?[\d,]+) children and young people have SEND", point.text),
            SEN_SUPPORT: re.match(r"((?:About )?[\d,]+) get extra help at school", point.text),
            EHC_PLAN: re.match(r"((?:About )?[\d,]+) have a plan", point.text),
        }
        for provision, match in matches.items():
            if match:
                lo, hi = about_interval(match.group(1).lower())
                expr = {
                    k: 1.0
                    for k in truth
                    if k[0] == "census" and k[1] == local and k[2] == now and (provision is None or k[3] == provision)
                }
                attack.between(expr, lo, hi)
    inputs = forum_reach_inputs(store, config)
    if inputs is None:
        return
    _, _, cohort, _ = inputs
    for dimension in reach.COHORT_DIMENSIONS:
        categories = {
            key[3] if dimension == PROVISION else key[4]
            for key in truth
            if key[0] == "census" and key[1] == local and key[2] == cohort.period
        }
        words = {easy_read._group_words(dimension, reach.group_label(dimension, c)): c for c in categories}
        not_enough = [
            words[m]
            for point in parts["Who we are hearing from"].points
            for m in [point.text.removeprefix("We do not hear enough from ").removesuffix(".")]
            if m in words
        ]
        sentences = [f"{reach.group_phrase(dimension, c)} are heard from less than their share." for c in not_enough]
        empty = reach.GapView(pd.DataFrame(columns=["Group"]), [], pd.DataFrame(), None)
        read_gap_view(
            attack,
            store,
            config,
            dimension,
            empty,
            None,
            None,
            cohort.period,
            f"Easy read ({dimension})",
            sentences=sentences,
        )


def read_easy_read_ehcp(
    attack: Attack, store: Store, config: Config, part: easy_read.Part, about_interval: Callable
) -> None:
    """Easy read's EHC plan part: the latest January's plans and the change (rounded), new plans on time out of
    every 100 (the share within 20 weeks, rounded to a whole number)."""
    areas = ehcp.areas_for(config)
    januaries = {ehcp.period_words(p): p for p in ehcp.query_periods(store, ehcp.CASELOAD, areas.local)}
    latest = None
    for point in part.points:
        found = re.match(r"In (January \d{4}), ((?:about )?[\d,]+) children and young people", point.text)
        if found:
            latest = januaries[found.group(1)]
            attack.between(
                {ehcp_var(ehcp.CASELOAD, latest, areas.local, ehcp.PLANS): 1.0}, *about_interval(found.group(2))
            )
        found = re.match(r"That is ((?:about )?[\d,]+) (more|fewer) than a year before", point.text)
        if found and latest is not None:
            earlier = sorted(p for p in januaries.values() if p < latest)[-1]
            sign = 1.0 if found.group(2) == "more" else -1.0
            lo, hi = about_interval(found.group(1))
            change = {
                ehcp_var(ehcp.CASELOAD, latest, areas.local, ehcp.PLANS): sign,
                ehcp_var(ehcp.CASELOAD, earlier, areas.local, ehcp.PLANS): -sign,
            }
            if all(key in attack.truth for key in change):
                attack.between(change, lo, hi)
        found = re.match(r"In (\d{4}), (\d+) out of every 100 new plans here were on time", point.text)
        if found:
            part_var, whole_var = (
                ehcp_var(ehcp.TIMELINESS, found.group(1), areas.local, measure)
                for measure in ehcp.TIMELINESS_COUNTS[ehcp.WITHIN]
            )
            if part_var in attack.truth and whole_var in attack.truth:
                attack.share({part_var: 1.0}, {whole_var: 1.0}, float(found.group(2)), 0.5 + 1e-9)


def meeting_pack(attack: Attack, store: Store, config: Config) -> None:
    """The meeting pack the forum can make on the Overview: each slide's chart data and summary."""
    local = needs.local_area_key(config)
    periods = needs.query_periods(store, local)
    inputs = forum_reach_inputs(store, config)
    for slide in pack.collect_slides(store, config, FORUM_AUDIENCE, AS_OF):
        figure = chart_data(slide.figure)
        if slide.key == "primary_needs.need" and periods:
            read_need_chart(attack, config, figure, periods[0], f"Pack: {slide.title}")
        if slide.key in GAP_DIMENSIONS and inputs is not None:
            empty = reach.GapView(pd.DataFrame(columns=["Group"]), [], pd.DataFrame(), None)
            read_gap_view(
                attack,
                store,
                config,
                GAP_DIMENSIONS[slide.key],
                empty,
                figure,
                slide.summary,
                inputs[2].period,
                f"Pack: {slide.title}",
                sentences=[],
            )


# Everything the forum sees: the registered views (each through its reader in READERS; the Overview is their
# headlines), Easy read (sentences written from the same views' figures), and the meeting pack (a download on
# the Overview), read slide by slide.
VIEWS: list[Callable[[Attack, Store, Config], None]] = [
    registered_views,
    easy_read_page,
    meeting_pack,
]


def attack_store(store: Store, config: Config) -> list[str]:
    attack = Attack({**census_truth(store), **heard_truth(store, config), **ehcp_truth(store, config)})
    for view in VIEWS:
        view(attack, store, config)
    return breaches(attack, config.suppression.threshold)


# -- the stores ----------------------------------------------------------------------------------------------------
# Requirement 1 of issue 17, exactly: one activity of 1,000 children.
ISSUE_NEEDS = {
    "ASD": 400,
    "SEMH": 250,
    "SLCN": 150,
    "MLD": 119,
    "SPLD": 40,
    "SLD": 20,
    "OTH": 10,
    "PD": 6,
    "MSI": 1,
    "VI": 4,
}


def test_the_demo_data_gives_nothing_away(demo_store: Store, config: Config) -> None:
    """The demo: its census and engagement, and DfE's real EHC plan release (every EHC plan view: settings and
    needs with small counts, every LA's caseload and 20-week share ranked, Easy read's part, the Overview's tiles)."""
    assert any(key[0] == "ehcp" for key in ehcp_truth(demo_store, config))
    found = attack_store(demo_store, config)
    assert not found, "\n".join(found)


def test_one_activity_of_a_thousand_children_gives_nothing_away(store: Store, config: Config) -> None:
    load_demo_census(store)
    record_activity(store, ISSUE_NEEDS)  # 1,000 children: 600 with an EHC plan, 400 on SEN support
    found = attack_store(store, config)
    assert not found, "\n".join(found)


def test_an_earlier_hidden_total_is_not_given_away_by_the_overview(store: Store, config: Config, write_csv) -> None:
    load_demo_census(store)
    path = write_csv(
        "earlier.csv",
        "period,area_code,area_name,provision,primary_need,pupils\n"
        "201819,E08000024,Sunderland,SEN support,ASD,4\n"
        "201819,E08000024,Sunderland,EHC plan,ASD,2\n",
    )
    load_census(store, path, config=config, actor=TEST_OFFICER)
    found = attack_store(store, config)
    assert not found, "\n".join(found)


def test_the_attacker_catches_a_plain_leak(store: Store, config: Config) -> None:
    """The harness itself: a view that prints a hidden count beside its 'c' is caught."""
    load_demo_census(store)
    attack = Attack(census_truth(store))
    area = needs.local_area_key(config)
    key = census_var(area, "201920", EHC_PLAN, "MSI")
    attack.hide("MSI", {key: 1.0})
    assert breaches(attack, 5) == []
    attack.equal({key: 1.0, census_var(area, "201920", EHC_PLAN, "VI"): 1.0}, 6)
    attack.hide("VI", {census_var(area, "201920", EHC_PLAN, "VI"): 1.0})
    assert breaches(attack, 5) == []
    attack.share({key: 1.0}, {key: 1.0, census_var(area, "201920", EHC_PLAN, "VI"): 1.0}, 50.0, 0.05)
    assert breaches(attack, 5) == ["MSI: pinned to 3", "VI: pinned to 3"]


def test_a_change_from_a_published_symbol_is_not_shown(store: Store, config: Config, write_csv) -> None:
    """A count the publisher hid (``c``) has no value here, so no change or share can be worked from it; the
    figure the tile would show is the partial total, which would mislead as well as reveal."""
    load_demo_census(store)
    path = write_csv(
        "earlier.csv",
        "period,area_code,area_name,provision,primary_need,pupils\n"
        "201819,E08000024,Sunderland,SEN support,ASD,800\n"
        "201819,E08000024,Sunderland,EHC plan,ASD,c\n"
        "201819,E08000024,Sunderland,EHC plan,SLCN,90\n",
    )
    load_census(store, path, config=config, actor=TEST_OFFICER)
    forum = overview.build_overview(store, config, FORUM_AUDIENCE, AS_OF)[0]
    tiles = {tile.label: tile for tile in forum.tiles}
    assert tiles["With SEND, 2019/20"].value == "6,842" and tiles["With SEND, 2019/20"].delta is None
    assert tiles["With an EHC plan"].delta is None
    officer = {
        tile.label: tile for tile in overview.build_overview(store, config, Audience(OFFICER, 0), AS_OF)[0].tiles
    }
    assert officer["With SEND, 2019/20"].delta is not None  # officers see the figures as they are


def test_totals_hidden_in_the_need_table_stay_hidden_in_prevalence_and_trend(
    store: Store, config: Config, write_csv
) -> None:
    """A latest census whose EHC plan counts are all small (3, 2, 1): their total of 6 is not small, but the
    need table must hide it (else the three add up to it); the prevalence table and the trend must not
    show it either."""
    load_demo_census(store)
    path = write_csv(
        "later.csv",
        "period,area_code,area_name,provision,primary_need,pupils\n"
        "202021,E08000024,Sunderland,SEN support,ASD,100\n"
        "202021,E08000024,Sunderland,SEN support,SLCN,80\n"
        "202021,E08000024,Sunderland,EHC plan,ASD,3\n"
        "202021,E08000024,Sunderland,EHC plan,SLCN,2\n"
        "202021,E08000024,Sunderland,EHC plan,MLD,1\n",
    )
    load_census(store, path, config=config, actor=TEST_OFFICER)
    found = attack_store(store, config)
    assert not found, "\n".join(found)


def test_the_attacker_catches_a_leak_in_an_ehc_plan_view(demo_store: Store, config: Config) -> None:
    """The harness itself: the forum's setting table with one hidden share put back (Sunderland's 0.2% of 3,000
    plans in non-maintained early years: 5) is caught."""
    spec = next(spec for spec in all_views() if spec.key == "ehc_plans.setting")
    view = spec.build(demo_store, config, Filters(as_of=AS_OF), FORUM_AUDIENCE)
    attack = Attack(ehcp_truth(demo_store, config))
    read_ehcp_breakdown(attack, demo_store, config, view, Filters(as_of=AS_OF))
    assert breaches(attack, 5) == []
    table = view.table.copy()
    row = (table["Part"] == "Non-maintained early years") & (table["Area"] == "Sunderland")
    table.loc[row, "% of EHC plans"] = 0.2
    leaky = Attack(ehcp_truth(demo_store, config))
    read_ehcp_breakdown(leaky, demo_store, config, replace(view, table=table), Filters(as_of=AS_OF))
    assert any("Non-maintained early years, Sunderland" in line for line in breaches(leaky, 5))


def test_every_forum_view_has_a_reader() -> None:
    """The attacker reads every registered view the forum may see: a new view needs a reader (or is seen to
    show no count of children) before this passes."""
    unread = [spec.key for spec in views_for(FORUM_AUDIENCE) if spec.key not in READERS]
    assert not unread, f"views the attacker does not read: {unread}"
    stale = sorted(set(READERS) - {spec.key for spec in all_views()})
    assert not stale, f"readers for views no longer registered: {stale}"
