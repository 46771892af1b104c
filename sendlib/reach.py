"""Participation reach: who we heard from, at which level, against who there is (the census).

Definitions (every function below follows them; the README's "Participation reach" section repeats them):

* **People heard from** at a level: distinct people where activities kept participant records (one
  person at five Young Commissioners sessions counts once), plus attendances where activities kept only
  counts (labelled as such: one family at two surveys counts twice). ``basis`` says which.
* **Cohort**: children and young people with SEND in the latest census for the area (SEN support plus EHC
  plans, all phases), by provision and by primary need; parent carers from the configured estimate,
  split across groups in the same proportions as their children. Age band and setting have no census
  denominator, so they are shown as who took part, never as reach.
* **Reach** = people heard from ÷ cohort, per level, against the level's target in config.yaml.
* **Representation ratio** of a group = its share of the people heard from (among those whose group is
  known) ÷ its share of the cohort: 1 is fair, 0.5 means heard from half as much as its size.
* **Representation score** = the lowest group's reach ÷ the highest group's (1 = every group equally).
* **Reach gap** of a group = how many more people it would take to reach the group at the overall rate
  (people heard from with a known group ÷ the cohort), rounded up; groups are ranked by it.

Plain functions over DataFrames (``query_*`` read the store; everything else is pure) returning tables and
Plotly figures, as everywhere in sendlib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from sendlib import text
from sendlib.charts import base_layout, wrap, wrap_all
from sendlib.codes import EHC_PLAN, SEN_SUPPORT, TOTAL_PHASE, academic_year_dates, format_period, need_name, need_short
from sendlib.config import Config, ReachConfig
from sendlib.engagement import (
    AGE_BAND,
    ALL,
    CYP,
    EARLIEST,
    HART_RUNGS,
    LEVELS,
    LUNDY_ELEMENTS,
    NEED,
    NON_PARTICIPATION_RUNGS,
    NOT_KNOWN,
    PARENT_CARERS,
    PARTICIPANT_KINDS,
    PROVISION,
    SETTING,
    TOTAL,
)
from sendlib.needs import census_breakdown, local_area_key, provision_totals, suppress_breakdown
from sendlib.palette import BACKGROUND, BLUE, GREEN, GRID, NOTE_TEXT, REFERENCE_LINE, TEXT, VERMILLION
from sendlib.store import Store
from sendlib.suppression import SUPPRESSED, suppress_series, suppress_shares, suppression_note

ALL_LEVELS = "all levels"
LEVEL_ORDER: tuple[str, ...] = (*LEVELS, ALL_LEVELS)
LEVEL_LABELS: dict[str, str] = {
    "micro": "Micro (individual)",
    "meso": "Meso (services)",
    "macro": "Macro (strategic)",
    ALL_LEVELS: "All levels",
}
AUDIENCE_CHOICES: dict[str, tuple[str, ...]] = {
    "children, young people and parent carers": PARTICIPANT_KINDS,
    CYP: (CYP,),
    PARENT_CARERS: (PARENT_CARERS,),
}
COHORT_DIMENSIONS: tuple[str, ...] = (PROVISION, NEED)
KIND_COLOURS: dict[str, str] = {CYP: BLUE, PARENT_CARERS: VERMILLION}
KIND_SYMBOLS: dict[str, str] = {CYP: "circle", PARENT_CARERS: "square"}


# -- reading the store ----------------------------------------------------------------------------------------
def query_engagement_years(store: Store) -> list[str]:
    """Academic years (census periods such as ``202526``) with any activity in force, newest first."""
    rows = store.query_rows(
        """SELECT DISTINCT CASE WHEN month(activity_date) >= 9 THEN year(activity_date) ELSE year(activity_date) - 1 END
           FROM engagement_current ORDER BY 1 DESC"""
    )
    return [f"{first}{(first + 1) % 100:02d}" for (first,) in rows]


ALL_YEARS = "all"


def default_year(years: list[str], today: date) -> str | None:
    """The year headlines use unless another is chosen: the latest academic year over by ``today`` that has
    activities (one activity recorded today must not turn the headlines to a year only begun), else the latest
    year held; None when none is. ``years`` newest first, from :func:`query_engagement_years`."""
    complete = [year for year in years if academic_year_dates(year)[1] < today]
    return complete[0] if complete else (years[0] if years else None)


def gap_choices(years: list[str], *, suppressed: bool, today: date | None = None) -> tuple[list[str], list[str]]:
    """The periods and audiences the Reach gaps page offers (years newest first, from
    :func:`query_engagement_years`), the default first: the latest complete year (:func:`default_year` on
    ``today``, None: today). Suppressed views offer one table only (that year, everyone heard from): figures
    hidden in one choice could otherwise be worked out by taking another choice away from it (all years minus
    one, both minus one). The small-numbers attacker test reads the same choices."""
    default = default_year(years, today or date.today())
    ordered = ([default] if default else []) + [year for year in years if year != default]
    if not suppressed:
        return [*ordered, ALL_YEARS], list(AUDIENCE_CHOICES)
    return ordered[:1], list(AUDIENCE_CHOICES)[:1]


def period_dates(period: str, today: date | None = None) -> tuple[date, date]:
    """The dates an engagement period covers: an academic year (``202526``) or ``ALL_YEARS``."""
    if period == ALL_YEARS:
        return EARLIEST, today or date.today()
    return academic_year_dates(period)


def period_choice(period: str, today: date) -> str:
    """A Period selector's words for ``period``: "All years", "Academic year 2025/26", or "Academic year 2026/27
    (year to date)" while that year is still going on ``today``."""
    if period == ALL_YEARS:
        return "All years"
    going_on = academic_year_dates(period)[1] >= today
    return f"Academic year {format_period(period)}" + (" (year to date)" if going_on else "")


def period_words(period: str) -> str:
    """The period in a sentence: 'in 2025/26' or 'so far'."""
    return "so far" if period == ALL_YEARS else f"in {format_period(period)}"


def query_activity_count(store: Store, start: date, end: date) -> int:
    """How many activities in force are dated from ``start`` to ``end``."""
    return int(
        store.query_value("SELECT count(*) FROM engagement_current WHERE activity_date BETWEEN ? AND ?", [start, end])
    )


def query_participation(store: Store, start: date, end: date) -> pd.DataFrame:
    """Who took part in activities in force dated ``start``..``end``, by level (and over all levels).

    Columns: level (micro, meso, macro or "all levels"), participant (kind), dimension (total, provision,
    primary need, age band, setting), category, distinct_people (from participant records: each person
    once per level), attendances (from counts). One row per combination present.
    """
    records = store.query_df(
        """WITH acts AS (SELECT activity_id, level FROM engagement_current WHERE activity_date BETWEEN ? AND ?),
           unpivoted AS (
               SELECT a.level, p.participant, 'total' AS dimension, 'All' AS category, p.person_hash
               FROM engagement_participants p JOIN acts a USING (activity_id)
               UNION ALL SELECT a.level, p.participant, 'provision', p.provision, p.person_hash
               FROM engagement_participants p JOIN acts a USING (activity_id)
               UNION ALL SELECT a.level, p.participant, 'primary need', p.primary_need, p.person_hash
               FROM engagement_participants p JOIN acts a USING (activity_id)
               UNION ALL SELECT a.level, p.participant, 'age band', p.age_band, p.person_hash
               FROM engagement_participants p JOIN acts a USING (activity_id)
               UNION ALL SELECT a.level, p.participant, 'setting', p.setting, p.person_hash
               FROM engagement_participants p JOIN acts a USING (activity_id)
           )
           SELECT coalesce(level, 'all levels') AS level, participant, dimension, category,
                  count(DISTINCT person_hash) AS distinct_people
           FROM unpivoted
           GROUP BY GROUPING SETS ((level, participant, dimension, category), (participant, dimension, category))""",
        [start, end],
    )
    counts = store.query_df(
        """SELECT coalesce(a.level, 'all levels') AS level, c.participant, c.dimension, c.category,
                  sum(c.people)::BIGINT AS attendances
           FROM engagement_counts c JOIN engagement_current a USING (activity_id)
           WHERE a.activity_date BETWEEN ? AND ?
           GROUP BY GROUPING SETS ((a.level, c.participant, c.dimension, c.category),
                                   (c.participant, c.dimension, c.category))""",
        [start, end],
    )
    keys = ["level", "participant", "dimension", "category"]
    merged = records.merge(counts, on=keys, how="outer")
    merged[["distinct_people", "attendances"]] = merged[["distinct_people", "attendances"]].fillna(0).astype("int64")
    return merged.sort_values(keys, ignore_index=True)


@dataclass(frozen=True)
class Cohort:
    """Who there is: ``frame`` has participant, dimension, category, cohort; ``period`` the census used."""

    frame: pd.DataFrame
    period: str | None
    parent_carers_estimated_from: str
    # The census rows the children's cohort was summed from (provision, primary_need, pupils): public views
    # suppress the cohort as the Primary needs page suppresses this census, so both show the same figures.
    census: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["provision", "primary_need", "pupils"]))


def query_cohort(store: Store, config: Config) -> Cohort:
    """The cohort from the newest census held for the local area, plus the parent carer estimate."""
    area = local_area_key(config)
    period = store.query_value(
        "SELECT max(period) FROM census_current WHERE area_key = ? AND phase = ? AND provision IN (?, ?)",
        [area, TOTAL_PHASE, SEN_SUPPORT, EHC_PLAN],
    )
    if period is None:
        return Cohort(pd.DataFrame(columns=["participant", "dimension", "category", "cohort"]), None, "")
    census = store.query_df(
        """SELECT provision, primary_need, sum(pupils)::BIGINT AS pupils FROM census_current
           WHERE area_key = ? AND period = ? AND phase = ? AND provision IN (?, ?) AND pupils IS NOT NULL
           GROUP BY ALL""",
        [area, period, TOTAL_PHASE, SEN_SUPPORT, EHC_PLAN],
    )
    children = build_cohort(census)
    return Cohort(
        scale_parent_carers(children, config.reach),
        period,
        _estimate_wording(int(children.loc[children["dimension"] == TOTAL, "cohort"].sum()), config.reach),
        census,
    )


def build_cohort(census: pd.DataFrame) -> pd.DataFrame:
    """Children and young people by provision, by primary need and in total, from census rows
    (provision, primary_need, pupils). Columns: participant, dimension, category, cohort."""
    parts = [
        pd.DataFrame({"dimension": TOTAL, "category": ALL, "cohort": [int(census["pupils"].sum())]}),
        census.groupby("provision", as_index=False)[["pupils"]]
        .sum()
        .rename(columns={"provision": "category", "pupils": "cohort"})
        .assign(dimension=PROVISION),
        census.groupby("primary_need", as_index=False)[["pupils"]]
        .sum()
        .rename(columns={"primary_need": "category", "pupils": "cohort"})
        .assign(dimension=NEED),
    ]
    frame = pd.concat(parts, ignore_index=True).assign(participant=CYP)
    return frame[["participant", "dimension", "category", "cohort"]]


def scale_parent_carers(children: pd.DataFrame, reach: ReachConfig) -> pd.DataFrame:
    """Add parent carer rows: the estimate (or children × parent_carers_per_child), in the children's proportions."""
    total = children.loc[children["dimension"] == TOTAL, "cohort"].sum()
    estimate = reach.parent_carers_estimate or round(total * reach.parent_carers_per_child)
    factor = estimate / total if total else 0.0
    parents = children.assign(participant=PARENT_CARERS, cohort=(children["cohort"] * factor).round().astype("int64"))
    parents.loc[parents["dimension"] == TOTAL, "cohort"] = int(estimate)
    return pd.concat([children, parents], ignore_index=True)


def _estimate_wording(children: int, reach: ReachConfig) -> str:
    if reach.parent_carers_estimate:
        return f"parent carers: {reach.parent_carers_estimate:,} (the configured estimate)"
    return (
        f"parent carers: about {round(children * reach.parent_carers_per_child):,}, estimated as "
        f"{reach.parent_carers_per_child:g} per child with SEND"
    )


# -- pure measures -------------------------------------------------------------------------------------------
def combine(
    participation: pd.DataFrame, cohort: pd.DataFrame, kinds: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Participation and cohort for the chosen kinds of participant, added together.

    Returns (people: level, dimension, category, people, distinct_people, attendances, basis;
    cohort: dimension, category, cohort).
    """
    chosen = participation[participation["participant"].isin(kinds)]
    people = chosen.groupby(["level", "dimension", "category"], as_index=False)[
        ["distinct_people", "attendances"]
    ].sum()
    people["people"] = people["distinct_people"] + people["attendances"]
    people["basis"] = [_basis(d, a) for d, a in zip(people["distinct_people"], people["attendances"])]
    pool = (
        cohort[cohort["participant"].isin(kinds)].groupby(["dimension", "category"], as_index=False)[["cohort"]].sum()
    )
    return people, pool


def _basis(distinct: int, attendances: int) -> str:
    if attendances and distinct:
        return "distinct people and attendances"
    return "attendances" if attendances else "distinct people"


def _rate(people: float, cohort: float) -> float:
    """people ÷ cohort as a percentage; NaN for a zero or missing cohort (a rate of nothing is not 0%)."""
    return people / cohort * 100 if cohort and not pd.isna(cohort) else math.nan


def reach_by_level(
    participation: pd.DataFrame,
    cohort: pd.DataFrame,
    reach: ReachConfig,
    kinds: tuple[str, ...] = PARTICIPANT_KINDS,
    *,
    together: bool = False,
) -> pd.DataFrame:
    """Reach per kind of participant (or, with ``together``, all ``kinds`` added up) and level against target.

    Columns: participant (a kind, or "together"), level (micro, meso, macro, all levels), people, basis,
    cohort, rate_pct, target_pct (NaN for all levels), met (True/False; None without a target or a cohort).
    """
    rows = []
    for name, chosen in [("together", kinds)] if together else [(kind, (kind,)) for kind in kinds]:
        people, pool = combine(participation, cohort, chosen)
        total = people[people["dimension"] == TOTAL].set_index("level")
        cohort_total = pool.loc[pool["dimension"] == TOTAL, "cohort"].sum() if not pool.empty else math.nan
        for level in LEVEL_ORDER:
            heard = int(total["people"].get(level, 0))
            rate = _rate(heard, cohort_total)
            target = reach.target_pct(level) if level in LEVELS else math.nan
            met = None if math.isnan(target) or math.isnan(rate) else bool(rate >= target)
            rows.append(
                {
                    "participant": name,
                    "level": level,
                    "people": heard,
                    "basis": total["basis"].get(level, "no activity"),
                    "cohort": cohort_total,
                    "rate_pct": rate,
                    "target_pct": target,
                    "met": met,
                }
            )
    return pd.DataFrame(rows)


def reach_by_group(people: pd.DataFrame, pool: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Reach of each group of ``dimension`` (provision or primary need) at each level.

    ``people``/``pool`` come from :func:`combine`. Groups are the cohort's categories (people whose group is
    not known are left out of shares and ratios). Columns: level, category, people, cohort, rate_pct,
    share_of_participants_pct, share_of_cohort_pct, representation_ratio.
    """
    groups = pool[(pool["dimension"] == dimension) & (pool["category"] != NOT_KNOWN)][["category", "cohort"]]
    rows = []
    cohort_total = groups["cohort"].sum()
    for level in LEVEL_ORDER:
        heard = people[(people["level"] == level) & (people["dimension"] == dimension)].set_index("category")["people"]
        known = sum(int(heard.get(category, 0)) for category in groups["category"])
        for category, size in zip(groups["category"], groups["cohort"]):
            count = int(heard.get(category, 0))
            share_people = count / known * 100 if known else math.nan
            share_cohort = size / cohort_total * 100 if cohort_total else math.nan
            ratio = share_people / share_cohort if share_cohort and not math.isnan(share_people) else math.nan
            rows.append(
                {
                    "level": level,
                    "category": category,
                    "people": count,
                    "cohort": int(size),
                    "rate_pct": _rate(count, size),
                    "share_of_participants_pct": share_people,
                    "share_of_cohort_pct": share_cohort,
                    "representation_ratio": ratio,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "level",
            "category",
            "people",
            "cohort",
            "rate_pct",
            "share_of_participants_pct",
            "share_of_cohort_pct",
            "representation_ratio",
        ],
    )


def representation_score(groups: pd.DataFrame, level: str = ALL_LEVELS) -> float | None:
    """Lowest group reach ÷ highest group reach at ``level`` (1 = all equal, 0 = some group not heard from at
    all); None when no group has a cohort or nobody was heard from."""
    rates = groups.loc[(groups["level"] == level) & (groups["cohort"] > 0), "rate_pct"].dropna()
    if rates.empty or rates.max() == 0:
        return None
    return float(rates.min() / rates.max())


def reach_gaps(groups: pd.DataFrame, level: str = ALL_LEVELS) -> pd.DataFrame:
    """Groups below the overall rate at ``level``, largest gap first.

    Columns: category, people, cohort, rate_pct, overall_rate_pct, share_of_cohort_pct,
    share_of_participants_pct, representation_ratio, gap_people (more people needed to reach the group at
    the overall rate, rounded up).
    """
    at = groups[(groups["level"] == level) & (groups["cohort"] > 0)].copy()
    columns = [
        "category",
        "people",
        "cohort",
        "rate_pct",
        "overall_rate_pct",
        "share_of_cohort_pct",
        "share_of_participants_pct",
        "representation_ratio",
        "gap_people",
    ]
    if at.empty or at["people"].sum() == 0:
        return pd.DataFrame(columns=columns)
    overall = at["people"].sum() / at["cohort"].sum()
    at["overall_rate_pct"] = overall * 100
    # A small tolerance so that floating-point noise never makes a group at the overall rate "1 short".
    at["gap_people"] = [
        max(0, math.ceil(overall * size - people - 1e-9)) for size, people in zip(at["cohort"], at["people"])
    ]
    gaps = at[at["gap_people"] > 0].sort_values(["gap_people", "category"], ascending=[False, True])
    return gaps[columns].reset_index(drop=True)


def hart_distribution(activities: pd.DataFrame) -> pd.DataFrame:
    """Activities at each rung of Hart's ladder: rung, name, activities, share_pct, participation (rung ≥ 4)."""
    total = len(activities)
    counts = activities["hart_rung"].value_counts() if total else pd.Series(dtype="int64")
    return pd.DataFrame(
        [
            {
                "rung": rung,
                "name": name,
                "activities": int(counts.get(rung, 0)),
                "share_pct": counts.get(rung, 0) / total * 100 if total else math.nan,
                "participation": rung not in NON_PARTICIPATION_RUNGS,
            }
            for rung, name in HART_RUNGS.items()
        ]
    )


QUALITY_MEASURES: tuple[tuple[str, str], ...] = (
    *((f"lundy_{element}", f"Lundy: {element.title()}") for element in LUNDY_ELEMENTS),
    ("lundy_all", "Lundy: all four elements"),
    ("feedback_given", "Feedback given to participants"),
    ("hart_participation", "Hart's ladder rung 4 or higher (real participation)"),
)


def quality_measures(activities: pd.DataFrame) -> pd.DataFrame:
    """Share of activities meeting each quality measure: measure, activities_meeting, activities, share_pct."""
    frame = activities.assign(hart_participation=~activities["hart_rung"].isin(NON_PARTICIPATION_RUNGS))
    total = len(frame)
    return pd.DataFrame(
        [
            {
                "measure": label,
                "activities_meeting": int(frame[column].sum()) if total else 0,
                "activities": total,
                "share_pct": frame[column].sum() / total * 100 if total else math.nan,
            }
            for column, label in QUALITY_MEASURES
        ]
    )


def quarter_label(day: date | pd.Timestamp) -> str:
    """The calendar quarter of a date as people say it: 'Oct–Dec 2025'."""
    names = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")
    return f"{names[(day.month - 1) // 3]} {day.year}"


def quality_by_quarter(activities: pd.DataFrame) -> pd.DataFrame:
    """Per calendar quarter with activity: quarter, activities, people, hart_participation_pct,
    lundy_all_pct, feedback_pct; oldest first."""
    columns = ["quarter", "activities", "people", "hart_participation_pct", "lundy_all_pct", "feedback_pct"]
    if activities.empty:
        return pd.DataFrame(columns=columns)
    frame = activities.assign(
        start=pd.to_datetime(activities["activity_date"]).dt.to_period("Q").dt.start_time,
        hart_participation=~activities["hart_rung"].isin(NON_PARTICIPATION_RUNGS),
    )
    grouped = (
        frame.groupby("start")
        .agg(
            activities=("activity_id", "count"),
            people=("people", "sum"),
            hart=("hart_participation", "mean"),
            lundy=("lundy_all", "mean"),
            feedback=("feedback_given", "mean"),
        )
        .reset_index()
    )
    return pd.DataFrame(
        {
            "quarter": grouped["start"].map(quarter_label),
            "activities": grouped["activities"],
            "people": grouped["people"].astype("int64"),
            "hart_participation_pct": grouped["hart"] * 100,
            "lundy_all_pct": grouped["lundy"] * 100,
            "feedback_pct": grouped["feedback"] * 100,
        }
    )[columns]


# -- words -----------------------------------------------------------------------------------------------------
def _in_sentence(name: str) -> str:
    """A name as it reads mid-sentence: first letter lower-cased unless it starts an acronym ('SEN support')."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def group_label(dimension: str, category: str) -> str:
    """How a group is named in charts and tables: 'SEN support', 'SLCN: speech, language and …'."""
    if dimension == NEED:
        return f"{need_short(category)}: {_in_sentence(need_name(category))}" if category != NOT_KNOWN else NOT_KNOWN
    return category


def group_phrase(dimension: str, category: str) -> str:
    """The group in a sentence: 'Children on SEN support', 'Children whose main need is hearing impairment'."""
    if dimension == PROVISION:
        return "Children on SEN support" if category == SEN_SUPPORT else "Children with an EHC plan"
    return f"Children whose main need is {_in_sentence(need_name(category))} ({need_short(category)})"


def summarise_level(by_level: pd.DataFrame, decimals: int) -> str:
    """One sentence on reach per level against target."""
    with_target = by_level[by_level["met"].notna()]
    if with_target.empty or by_level["people"].sum() == 0:
        return "No engagement is recorded for this period, so there is no reach to show."
    met = with_target[with_target["met"].astype(bool)]
    missed = with_target[~with_target["met"].astype(bool)].assign(short=lambda d: d["target_pct"] - d["rate_pct"])
    sentence = f"{len(met)} of {len(with_target)} level targets are met"
    if not missed.empty:
        worst = missed.sort_values("short", ascending=False).iloc[0]
        sentence += (
            f"; furthest from target is {worst['level']} level for {worst['participant']}: "
            f"{worst['rate_pct']:.{decimals}f}% reached against {worst['target_pct']:.{decimals}f}%"
        )
    return sentence + "."


def summarise_groups(groups: pd.DataFrame, dimension: str, decimals: int) -> str:
    """One sentence: the representation score and the least-reached group over all levels."""
    score = representation_score(groups)
    at = groups[(groups["level"] == ALL_LEVELS) & (groups["cohort"] > 0)]
    if score is None or at.empty:
        return f"Nobody heard from in this period has a recorded {dimension}, so reach by {dimension} cannot be shown."
    low = at.sort_values("rate_pct").iloc[0]
    high = at.sort_values("rate_pct").iloc[-1]
    return (
        f"Representation score {score:.2f} (1 = every group reached equally): the least reached group is "
        f"{group_label(dimension, low['category'])} at {low['rate_pct']:.{decimals}f}%, the most reached "
        f"{group_label(dimension, high['category'])} at {high['rate_pct']:.{decimals}f}%."
    )


def summarise_hart(hart: pd.DataFrame) -> str:
    """One sentence on where activities sit on Hart's ladder."""
    total = int(hart["activities"].sum()) if len(hart) else 0
    if not total:
        return "No activities in this period, so there is no participation quality to show."
    below = int(hart.loc[~hart["participation"], "activities"].sum())
    top = hart.sort_values(["activities", "rung"], ascending=[False, False]).iloc[0]
    return (
        f"Of {total} activities, {below} sat on the bottom three rungs of Hart's ladder (not participation); "
        f"the most common rung was {top['rung']}, {top['name'].lower()} ({int(top['activities'])})."
    )


def summarise_quality(quality: pd.DataFrame) -> str:
    """One sentence on Lundy's elements and feedback."""
    total = int(quality["activities"].max()) if len(quality) else 0
    if not total:
        return "No activities in this period, so there is no participation quality to show."
    by_measure = quality.set_index("measure")["activities_meeting"]
    weakest = quality.iloc[:4].sort_values("share_pct").iloc[0]
    return (
        f"Of {total} activities, {int(by_measure['Lundy: all four elements'])} met all four of Lundy's elements "
        f"(the least often met: {weakest['measure'].removeprefix('Lundy: ')}, "
        f"{int(weakest['activities_meeting'])}) "
        f"and {int(by_measure['Feedback given to participants'])} gave feedback to participants."
    )


def _activities_word(count: object) -> str:
    """'1 activity' or 'n activities'."""
    return f"{count} activit{'y' if count == 1 else 'ies'}"


def summarise_quarters(quarters: pd.DataFrame) -> str:
    """One sentence on the quarterly trend."""
    if quarters.empty:
        return "No activities in this period."
    if len(quarters) == 1:
        row = quarters.iloc[0]
        return f"All {row['activities']} activities fell in {row['quarter']}."
    first, last = quarters.iloc[0], quarters.iloc[-1]
    return (
        f"From {first['quarter']} ({_activities_word(first['activities'])}) to {last['quarter']} "
        f"({_activities_word(last['activities'])}), the share of activities meeting all four Lundy "
        f"elements went from {first['lundy_all_pct']:.0f}% to {last['lundy_all_pct']:.0f}%, and feedback "
        f"given from {first['feedback_pct']:.0f}% to {last['feedback_pct']:.0f}%."
    )


def source_line(store: Store, cohort: Cohort, start: date, end: date, threshold: int = 0) -> str:
    """Where reach figures come from: activities recorded, the census period and the estimate used.

    ``threshold``: small-number suppression for public views (0: figures as they are). The estimate of parent
    carers is the number of children with SEND times a ratio, so it is not given when the public census views
    hide that number.
    """
    row = store.query_rows(
        "SELECT count(*), max(recorded_at) FROM engagement_current WHERE activity_date BETWEEN ? AND ?", [start, end]
    )[0]
    estimate = cohort.parent_carers_estimated_from
    if threshold and not cohort.census.empty and estimate.startswith("parent carers: about"):
        shown = suppress_breakdown(census_breakdown(cohort.census), threshold)
        if any(isinstance(v, str) for v in (*provision_totals(shown).values(), shown.attrs.get("grand_total"))):
            estimate = "parent carers: estimated from the number of children with SEND (not shown: small numbers)"
    census = (
        (
            f"cohort: {cohort.period and format_period(cohort.period)} census of children and young people with "
            f"SEND; {estimate}"
        )
        if cohort.period
        else "no census loaded for the cohort"
    )
    return (
        f"Source: {row[0]} engagement activities dated {start:%d %b %Y} to {end:%d %b %Y} recorded in the "
        f"dashboard; {census}. Counts-only activities count attendances, not distinct people."
    )


GAP_OFFSET = 0.17  # how far above (circle) and below (diamond) its row's centre each of a group's marks sits


# -- charts ------------------------------------------------------------------------------------------------------
def build_level_chart(by_level: pd.DataFrame, *, title: str, source: str, height: int, decimals: int) -> go.Figure:
    """Reach per level as bars (colour and hatching per kind of participant), each bar's figure written at its
    end, and each level's target as a black mark (its figure in the hover and the table).

    A figure whose bar ends just short of the target mark would be struck through by it, so that figure is
    written just past the mark instead (``_label_positions``); every other figure sits at its bar's end.
    """
    fig = go.Figure()
    shown = by_level[by_level["level"].isin(LEVELS)]
    patterns = {CYP: "", PARENT_CARERS: "/"}
    widest = max([0.0, *shown["rate_pct"].fillna(0), *shown["target_pct"].fillna(0)])
    axis_end = widest * 1.25 or 1
    for kind, part in shown.groupby("participant", sort=False):
        assert isinstance(kind, str)  # the participant column is text (CYP, PARENT_CARERS)
        levels = [LEVEL_LABELS[level] for level in part["level"]]
        rates = part["rate_pct"].fillna(0).tolist()
        fig.add_trace(
            go.Bar(
                y=levels,
                x=rates,
                orientation="h",
                name=kind.capitalize(),
                offsetgroup=kind,
                legendgroup=kind,
                marker={"color": KIND_COLOURS.get(kind, GREEN), "pattern": {"shape": patterns.get(kind, "")}},
                customdata=list(zip(part["people"], part["basis"], part["target_pct"])),
                hovertemplate="%{y}: %{x:.1f}% (%{customdata[0]:,} %{customdata[1]}); target %{customdata[2]:.1f}%"
                "<extra>" + kind + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                y=levels,
                x=_label_positions(rates, part["target_pct"].tolist(), axis_end),
                mode="text",
                orientation="h",  # grouped beside its bar (scattermode "group") along y, not x
                text=[
                    f"\u2002{rate:.{decimals}f}%" if not math.isnan(rate) else "\u2002no cohort"
                    for rate in part["rate_pct"]
                ],
                textposition="middle right",
                textfont={"color": TEXT},
                offsetgroup=kind,
                legendgroup=kind,
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
    targets = shown.drop_duplicates("level")
    fig.add_trace(
        go.Scatter(
            y=[LEVEL_LABELS[level] for level in targets["level"]],
            x=targets["target_pct"],
            mode="markers",
            name="Target",
            marker={"symbol": "line-ns", "size": 40, "line": {"width": 4, "color": TEXT}},
            hovertemplate="Target for %{y}: %{x:.1f}%<extra></extra>",
        )
    )
    fig.update_layout(barmode="group", scattermode="group", bargap=0.3)
    fig.update_xaxes(
        title_text="% of the cohort heard from", ticksuffix="%", range=[0, widest * 1.25 or 1], gridcolor=GRID
    )
    fig.update_yaxes(autorange="reversed", title_text=None)
    return base_layout(fig, title=title, height=height, source=source)


# The share of the axis a figure such as "14.3%" takes at the chart's usual width, about: a target mark
# closer than this past a bar's end would strike its figure through.
LABEL_AXIS_SHARE = 0.09


def _label_positions(rates: list[float], targets: list[float], axis_end: float) -> list[float]:
    """Where each bar's figure starts: the bar's end, or just past its target's mark when the mark would
    otherwise fall on the figure (a target a little beyond the bar)."""
    span = axis_end * LABEL_AXIS_SHARE
    positions: list[float] = []
    for rate, target in zip(rates, targets, strict=True):
        struck = not math.isnan(target) and rate - span * 0.1 <= target < rate + span
        positions.append(target + span * 0.05 if struck else rate)
    return positions


def build_group_heatmap(
    groups: pd.DataFrame, dimension: str, *, title: str, source: str, height: int, decimals: int
) -> go.Figure:
    """Reach (% of each group's cohort) by group × level; every cell also carries its figure as text."""
    order = groups[groups["level"] == ALL_LEVELS].sort_values("rate_pct", ascending=True)["category"].tolist()
    levels = list(LEVEL_ORDER)
    matrix = groups.pivot(index="category", columns="level", values="rate_pct").reindex(index=order, columns=levels)
    cells = [[f"{value:.{decimals}f}%" if not pd.isna(value) else "–" for value in row] for row in matrix.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            # A level's name alone under its column (the page says what each means): on a phone, the full names
            # along the top were turned on end and ran into the title, and side by side they touch.
            x=[LEVEL_LABELS[level].split(" (")[0] for level in levels],
            y=wrap_all(group_label(dimension, category) for category in order),
            text=cells,
            texttemplate="%{text}",
            textfont={"size": 14},
            colorscale="Blues",
            zmin=0,
            showscale=False,  # every cell says its figure; the colour bar took a third of a phone's width
            hovertemplate="%{y}, %{x}: %{text} of the group heard from<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(side="bottom", tickangle=0, title_text=None)
    fig.update_yaxes(title_text=None)
    return base_layout(fig, title=title, height=height, source=source, source_chars=95)


def build_hart_chart(hart: pd.DataFrame, *, title: str, source: str, height: int) -> go.Figure:
    """Activities on each rung of Hart's ladder, bottom rung first; non-participation rungs grey and hatched."""
    fig = go.Figure(
        go.Bar(
            y=wrap_all(f"{rung}. {name}" for rung, name in zip(hart["rung"], hart["name"])),
            x=hart["activities"],
            orientation="h",
            text=[f"{n}" for n in hart["activities"]],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [REFERENCE_LINE if not p else GREEN for p in hart["participation"]],
                "pattern": {"shape": ["x" if not p else "" for p in hart["participation"]]},
            },
            customdata=[("participation" if p else "non-participation") for p in hart["participation"]],
            hovertemplate="%{y}: %{x} activities (%{customdata})<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_annotation(
        xref="paper",
        yref="paper",
        x=1,
        y=1.02,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        text="Grey, hatched: rungs 1–3, not participation",
        font={"size": 13, "color": NOTE_TEXT},
    )
    fig.update_xaxes(
        title_text="Activities", rangemode="tozero", gridcolor=GRID, dtick=1 if hart["activities"].max() < 10 else None
    )
    fig.update_yaxes(title_text=None)
    return base_layout(fig, title=title, height=height, source=source, source_chars=95)


QUALITY_LABEL_INSIDE = 60  # % of activities from which a quality bar is long enough to hold its label inside


def build_quality_chart(quality: pd.DataFrame, *, title: str, source: str, height: int, decimals: int) -> go.Figure:
    """Share of activities meeting each of Lundy's elements, all four, feedback given, and Hart rung 4+."""
    fig = go.Figure(
        go.Bar(
            y=wrap_all(quality["measure"]),
            x=quality["share_pct"].fillna(0),
            orientation="h",
            marker={"color": BLUE},
            text=[
                f"{share:.{decimals}f}% ({meeting} of {total})" if total else "no activities"
                for share, meeting, total in zip(
                    quality["share_pct"], quality["activities_meeting"], quality["activities"]
                )
            ],
            # A long bar carries its label inside its end: outside, "100.0% (26 of 26)" ran past a phone's edge.
            textposition=[
                "inside" if share >= QUALITY_LABEL_INSIDE else "outside" for share in quality["share_pct"].fillna(0)
            ],
            insidetextanchor="end",
            insidetextfont={"color": BACKGROUND},  # white on the bar: 5.2:1
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}: %{x:.1f}% of activities<extra></extra>",
        )
    )
    fig.update_xaxes(
        title_text="% of activities", range=[0, 130], ticksuffix="%", tickvals=[0, 25, 50, 75, 100], gridcolor=GRID
    )
    fig.update_yaxes(autorange="reversed", title_text=None)
    return base_layout(fig, title=title, height=height, source=source)


def build_quarter_chart(quarters: pd.DataFrame, *, title: str, source: str, height: int) -> go.Figure:
    """Quality measures by quarter as lines, each with its own marker shape; each quarter's label says how many
    activities its points stand on (a share of 2 activities reads differently from one of 20), as does the hover."""
    fig = go.Figure()
    ticks = [f"{text.plotly(q)}<br>{_activities_word(n)}" for q, n in zip(quarters["quarter"], quarters["activities"])]
    lines = (
        ("lundy_all_pct", "All four Lundy elements", BLUE, "circle", "solid"),
        ("feedback_pct", "Feedback given", VERMILLION, "square", "dash"),
        ("hart_participation_pct", "Hart rung 4 or higher", GREEN, "diamond", "dot"),
    )
    for column, name, colour, symbol, dash in lines:
        fig.add_trace(
            go.Scatter(
                x=ticks,
                y=quarters[column],
                name=name,
                mode="lines+markers",
                cliponaxis=False,  # a point at 0% or 100% shows its whole mark
                line={"color": colour, "width": 3, "dash": dash},
                marker={"symbol": symbol, "size": 11},
                customdata=quarters["activities"],
                hovertemplate="%{y:.0f}% of the quarter's %{customdata} activities<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(title_text="% of the quarter's activities", range=[0, 105], ticksuffix="%", gridcolor=GRID)
    fig.update_xaxes(title_text=None, type="category")
    return base_layout(fig, title=title, height=height, source=source)


def build_level_table(by_level: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The reach-per-level figures as the table under the chart."""
    return pd.DataFrame(
        {
            "Who": by_level["participant"].str.capitalize(),
            "Level": by_level["level"].map(LEVEL_LABELS),
            "People heard from": by_level["people"].astype("int64"),
            "Counted as": by_level["basis"],
            "Cohort": by_level["cohort"].round().astype("Int64"),
            "Reach %": by_level["rate_pct"].round(decimals),
            "Target %": by_level["target_pct"].round(decimals),
            "Target met": by_level["met"].map({True: "yes", False: "no"}).fillna("—"),
        }
    )


def build_group_table(groups: pd.DataFrame, dimension: str, decimals: int) -> pd.DataFrame:
    """Reach by group and level as a table."""
    return pd.DataFrame(
        {
            "Group": [group_label(dimension, c) for c in groups["category"]],
            "Level": groups["level"].map(LEVEL_LABELS),
            "People heard from": groups["people"].astype("int64"),
            "Cohort": groups["cohort"].astype("int64"),
            "Reach %": groups["rate_pct"].round(decimals),
            "Share of those heard from %": groups["share_of_participants_pct"].round(decimals),
            "Share of cohort %": groups["share_of_cohort_pct"].round(decimals),
            "Representation ratio": groups["representation_ratio"].round(2),
        }
    )


def query_takers(store: Store, start: date, end: date) -> pd.DataFrame:
    """Who took part by age band and setting (no census denominator: shares of those heard from only).

    Columns: participant, dimension, category, people, share_pct (of the kind's people with that
    dimension, Not known included)."""
    frame = query_participation(store, start, end)
    frame = frame[(frame["level"] == ALL_LEVELS) & frame["dimension"].isin([AGE_BAND, SETTING])].copy()
    frame["people"] = frame["distinct_people"] + frame["attendances"]
    frame["share_pct"] = frame["people"] / frame.groupby(["participant", "dimension"])["people"].transform("sum") * 100
    return frame[["participant", "dimension", "category", "people", "share_pct"]].reset_index(drop=True)


# -- the reach gaps view (written for the parent carer forum) ---------------------------------------------------
@dataclass
class GapView:
    """What the Reach gaps page shows for one dimension.

    ``table``: one row per group (figures suppressed when asked: strings such as "c" replace hidden
    figures; groups with a hidden figure last, alphabetically, flagged "not shown: small numbers");
    ``sentences``: one plain-language sentence per under-reached shown group, largest gap first, with what
    is planned about it where a commitment is linked, then one naming the hidden groups (if any); ``chart``:
    group, share_of_cohort_pct, share_of_participants_pct, under_reached for the shown groups; ``note``: the
    suppression note, or None.
    """

    table: pd.DataFrame
    sentences: list[str]
    chart: pd.DataFrame
    note: str | None


NOT_SHOWN = "not shown: small numbers"


def build_gap_view(
    participation: pd.DataFrame,
    cohort: pd.DataFrame,
    dimension: str,
    *,
    kinds: tuple[str, ...],
    when: str,
    gap_ratio: float,
    decimals: int,
    threshold: int,
    plans: dict[tuple[str, str], list[str]] | None = None,
    census: pd.DataFrame | None = None,
) -> GapView:
    """Reach gaps over all levels for ``dimension``, in words, a table and chart data.

    ``participation``/``cohort``: from :func:`query_participation` and :func:`query_cohort` (all kinds);
    ``kinds``: who counts as heard from. The table's "Children with SEND" are the census children (parent
    carer estimates share their children's proportions, so the shares are the same either way).
    ``threshold``: small-number suppression for public views (0: figures as they are). Under-reached:
    representation ratio below ``gap_ratio``. ``plans``: (dimension, category) → what is planned about it.
    ``census``: the cohort's census rows (``Cohort.census``); when given, a suppressed view shows the cohort
    exactly as the Primary needs page shows that census (its need and provision totals), so that neither
    page gives away a figure the other hides.

    Suppressed, a group with any hidden figure is *hidden*: its ratio, gap and flag read "c" / "not shown:
    small numbers", it is listed after the shown groups in alphabetical order (never ranked), it has no
    sentence of its own (one sentence names the hidden groups) and it is left out of the chart. Everything
    said about a shown group is worked from shown figures and the totals the suppression treats as shown.
    """
    people, pool = combine(participation, cohort, kinds)
    groups = reach_by_group(people, pool, dimension)
    children = cohort[(cohort["participant"] == CYP) & (cohort["dimension"] == dimension)].set_index("category")[
        "cohort"
    ]
    at = groups[(groups["level"] == ALL_LEVELS) & (groups["cohort"] > 0)].set_index("category")
    gaps = reach_gaps(groups).set_index("category")
    at = at.assign(gap_people=gaps["gap_people"].reindex(at.index).fillna(0).astype("int64"))
    at["under_reached"] = at["representation_ratio"] < gap_ratio
    at = at.sort_values(["under_reached", "gap_people", "representation_ratio"], ascending=[False, False, True])
    labels = [group_label(dimension, c) for c in at.index]
    heard = at["people"].set_axis(labels)
    size = children.reindex(at.index).fillna(0).astype("int64").set_axis(labels)
    shares_people = at["share_of_participants_pct"].round(decimals).set_axis(labels)
    shares_cohort = at["share_of_cohort_pct"].round(decimals).set_axis(labels)
    note = None
    if threshold:  # 0 is off (callers not yet moved to the int may still pass None: also off)
        heard = suppress_series(heard, threshold=threshold, total_shown=True)
        size = _public_cohort(size, at.index, dimension, threshold, census)
        shares_people = suppress_shares(shares_people, heard, of="total")
        shares_cohort = suppress_shares(shares_cohort, size, of="total")
        heard_body, size_body = heard.iloc[:-1], size.iloc[:-1]
        if any(isinstance(v, str) for v in (*heard, *size)):
            note = suppression_note(threshold)
    else:
        heard_body, size_body = heard, size
    hidden = [isinstance(a, str) or isinstance(b, str) for a, b in zip(heard_body, size_body)]
    table = pd.DataFrame(
        {
            "Group": labels,
            "Heard from": list(heard_body),
            "Children with SEND": list(size_body),
            "Share of children with SEND %": list(shares_cohort),
            "Share of those heard from %": list(shares_people),
            "Representation ratio": [
                SUPPRESSED if h else round(r, 2) for h, r in zip(hidden, at["representation_ratio"])
            ],
            "More people to reach the overall rate": [
                SUPPRESSED if h else int(g) for h, g in zip(hidden, at["gap_people"])
            ],
            "Under-reached": [NOT_SHOWN if h else ("yes" if u else "no") for h, u in zip(hidden, at["under_reached"])],
        },
        index=at.index,
    )
    # Shown groups keep their ranking (worked from shown figures); hidden ones follow in alphabetical order,
    # so where a hidden group would have ranked is not given away.
    is_hidden = pd.Series(hidden, index=at.index)
    order = [
        *at.index[~is_hidden.to_numpy()],
        *sorted(at.index[is_hidden.to_numpy()], key=lambda c: group_label(dimension, c)),
    ]
    table = table.loc[order]
    sentences = []
    for category in order:
        row, shown = table.loc[category], not is_hidden[category]
        if not shown or row["Under-reached"] != "yes":
            continue
        share_c, share_p = row["Share of children with SEND %"], row["Share of those heard from %"]
        sentence = (
            f"{group_phrase(dimension, category)} are {share_c:.{decimals}f}% of children and young people "
            f"with SEND but {share_p:.{decimals}f}% of those we heard from {when}."
        )
        planned = (plans or {}).get((dimension, category))
        sentence += (
            " What is planned: " + "; ".join(planned) + "." if planned else " No commitment is linked to this gap yet."
        )
        sentences.append(sentence)
    hidden_names = [group_label(dimension, c) for c in order if is_hidden[c]]
    if hidden_names:
        # One sentence for all of them, in the table's (alphabetical) order: nothing is said of any one.
        sentences.append(
            f"Not shown, because their figures are hidden so that no child can be identified from small "
            f"numbers: {'; '.join(hidden_names)}."
        )
    shown_rows = table[~is_hidden.loc[order].to_numpy()]
    chart = pd.DataFrame(
        {
            "group": list(shown_rows["Group"]),
            "share_of_cohort_pct": list(shown_rows["Share of children with SEND %"]),
            "share_of_participants_pct": list(shown_rows["Share of those heard from %"]),
            "under_reached": list(shown_rows["Under-reached"] == "yes"),
        }
    )
    return GapView(table.reset_index(drop=True), sentences, chart, note)


def _public_cohort(
    size: pd.Series, categories: pd.Index, dimension: str, threshold: int, census: pd.DataFrame | None
) -> pd.Series:
    """The cohort of each group as a public view shows it, with its total appended (as suppress_series)."""
    if census is None or census.empty or threshold <= 0:
        return suppress_series(size, threshold=threshold, total_shown=True)
    shown = suppress_breakdown(census_breakdown(census), threshold)
    by_category = shown.attrs["totals"] if dimension == PROVISION else shown.attrs["need_totals"]
    values = [by_category.get(category, 0) for category in categories]
    return pd.Series([*values, shown.attrs["grand_total"]], index=[*size.index, "Total"], dtype=object, name=size.name)


def summarise_gaps(view: GapView, dimension: str) -> str:
    """One sentence on how many groups are under-reached (of those whose figures are shown)."""
    under = int((view.table["Under-reached"] == "yes").sum())
    if view.table.empty:
        return f"No census figures by {dimension} are loaded, so reach gaps cannot be worked out."
    hidden = int((view.table["Under-reached"] == NOT_SHOWN).sum())
    shown = len(view.table) - hidden
    tail = f" ({hidden} group{' is' if hidden == 1 else 's are'} not shown: small numbers)" if hidden else ""
    if not shown:
        return f"The figures by {dimension} are hidden so that no child can be identified from small numbers."
    which = " whose figures are shown" if hidden else ""  # said only when some are not, where it tells something
    if not under:
        return f"Every group by {dimension}{which} is heard from in at least rough proportion to its size{tail}."
    return (
        f"{under} of {shown} groups by {dimension}{which} are heard from at under their share "
        f"of children and young people with SEND; the largest gap is listed first{tail}."
    )


def build_gap_chart(
    chart: pd.DataFrame, *, title: str, source: str, decimals: int, note: str | None = None
) -> go.Figure:
    """For each group, its share of children with SEND (hollow circle) and its share of those heard from
    (filled diamond), joined by a line; each group's label (wrapped) carries both figures and says when it is
    under-reached, so no figure sits beyond the plot on a narrow screen. The circle sits a little above the
    diamond in each row, so two nearly equal shares still show as two marks (never a half-moon); a row is at
    least ``charts.ROW_HEIGHT`` high and the height follows the number of groups."""
    fig = go.Figure()
    rows = list(range(len(chart)))
    above = [row - GAP_OFFSET for row in rows]
    below = [row + GAP_OFFSET for row in rows]
    names = [f"{g} (under-reached)" if u else g for g, u in zip(chart["group"], chart["under_reached"])]
    labels = [
        f"{wrap(group)}<br>{c:.{decimals}f}% → {p:.{decimals}f}%" + (" under-reached" if under else "")
        for group, under, c, p in zip(
            chart["group"], chart["under_reached"], chart["share_of_cohort_pct"], chart["share_of_participants_pct"]
        )
    ]
    for y0, y1, cohort_share, people_share in zip(
        above, below, chart["share_of_cohort_pct"], chart["share_of_participants_pct"]
    ):
        fig.add_trace(
            go.Scatter(
                x=[cohort_share, people_share],
                y=[y0, y1],
                mode="lines",
                line={"color": REFERENCE_LINE, "width": 3},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    hover_names = [text.plotly(name) for name in names]
    fig.add_trace(
        go.Scatter(
            x=chart["share_of_cohort_pct"],
            y=above,
            mode="markers",
            cliponaxis=False,  # a share near 0% shows its whole mark, not half of it
            name="Share of children with SEND",
            marker={"symbol": "circle-open", "size": 15, "color": TEXT, "line": {"width": 3}},
            customdata=hover_names,
            hovertemplate="%{customdata}: %{x:.1f}% of children with SEND<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=chart["share_of_participants_pct"],
            y=below,
            mode="markers",
            cliponaxis=False,  # a share near 0% shows its whole mark, not half of it
            name="Share of those we heard from",
            marker={"symbol": "diamond", "size": 15, "color": BLUE, "line": {"width": 1, "color": BACKGROUND}},
            customdata=hover_names,
            hovertemplate="%{customdata}: %{x:.1f}% of those we heard from<extra></extra>",
        )
    )
    widest = max([1.0, *chart["share_of_cohort_pct"], *chart["share_of_participants_pct"]])
    fig.update_xaxes(
        title_text=wrap("% of children with SEND (circle) and of those we heard from (diamond)", 26),
        ticksuffix="%",
        range=[0, widest * 1.08],
        gridcolor=GRID,
        tickangle=0,
        nticks=6,
    )
    fig.update_yaxes(
        autorange="reversed", title_text=None, tickvals=rows, ticktext=labels, showgrid=False, zeroline=False
    )
    full_source = f"{source} {note}" if note else source
    return base_layout(fig, title=title, height=320, source=full_source, source_chars=95)
