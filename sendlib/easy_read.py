"""Easy read: what the figures say, in short sentences and everyday words, made from the data each time.

Sunderland's first strategic objective is easy-read versions of key documents. This module writes them
from the store, so they are never out of date: how many children and young people have SEND here and
their main needs; how many have an EHC plan and how many new plans are made in time; who we hear from and
who we do not; what we promised and what we did.

Rules the words follow (``tests/test_easy_read.py`` checks them with textstat): one idea per point, at
most two short sentences, everyday words for every need and label, numbers rounded ("about 6,800"),
Flesch reading ease of 70 or more and no more than 15 words a sentence on average. Counts follow the
public rules: the forum sees no small numbers (rounding and group names only) and no commitment figures.
Who is reading is one ``Audience`` (its threshold decided in one place); the census part starts from the
same suppressed census as the Primary needs views (``sendlib.views.needs.public_census``), so Easy read has
no suppression rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sendlib import commitments, ehcp, reach, you_said
from sendlib.codes import EHC_PLAN, SEN_SUPPORT
from sendlib.config import Config
from sendlib.needs import provision_totals
from sendlib.store import Store
from sendlib.views import Audience, Filters, page
from sendlib.views.needs import public_census

# Everyday words for each DfE primary need (by code and by the short label the strategies use), as they
# read after "children with" and "the most common need is".
NEED_WORDS: dict[str, str] = {
    "ASD": "autism",
    "SLCN": "speech and language needs",
    "SEMH": "feelings and mental health needs",
    "MLD": "learning needs",
    "SLD": "severe learning needs",
    "PMLD": "complex needs",
    "SPLD": "reading, writing or maths needs",
    "PD": "a physical disability",
    "HI": "hearing loss",
    "VI": "sight loss",
    "MSI": "hearing and sight loss",
    "OTH": "other needs",
    "NSA": "needs not yet checked",
    "DS": "Down syndrome",
    "UNK": "needs we do not know",
    "UNKNOWN": "needs we do not know",  # the census label "Unknown: not recorded or missing"
    "NOT KNOWN": "needs we do not know",  # an engagement record with no need given
}
# Everyday words for the two kinds of help, as "children who …".
PROVISION_WORDS: dict[str, str] = {SEN_SUPPORT: "get extra help at school", EHC_PLAN: "have an EHC plan"}
MOST_NEEDS_LISTED = 3

# Simple pictures beside each point, named as Material Symbols (the icon font Streamlit ships, so they draw
# the same on every machine). Decorative: the words carry the meaning.
CHILDREN, SCHOOL, PLAN, NEED, EAR, TICK, WARNING, PROMISE, DONE, WORKING, TALK, DATE, CLOCK, CHART = (
    "family_restroom",
    "school",
    "description",
    "extension",
    "hearing",
    "check_circle",
    "priority_high",
    "handshake",
    "task_alt",
    "construction",
    "chat",
    "calendar_month",
    "schedule",
    "leaderboard",
)
# Where the area's 20-week timeliness stands among all local authorities, by quarter (1 = the quickest).
TIMELINESS_QUARTERS = {
    1: "This is one of the best in England.",
    2: "This is better than most areas in England.",
    3: "This is slower than most areas in England.",
    4: "This is one of the slowest in England.",
}


@dataclass(frozen=True)
class Point:
    """One idea: a picture and one or two short sentences. ``quoted``: the words are someone's own (what was said,
    what an officer wrote was done), shown as they are, so the reading-ease rules check only the others."""

    icon: str  # a Material Symbols name
    text: str
    quoted: bool = False


@dataclass
class Part:
    """A heading and its points; ``more`` names the page with the full figures (a ``pages/…`` path)."""

    title: str
    points: list[Point] = field(default_factory=list)
    more: str | None = None


def about(count: int) -> str:
    """A count as easy read gives it: exact up to 100, then "about" and rounded to two figures."""
    if count <= 100:
        return f"{count:,}"
    step = 10 ** (len(str(count)) - 2)
    return f"about {round(count / step) * step:,}"


def need_words(label: str) -> str:
    """Everyday words for a need, from its code, its short label or "CODE: name" (the label itself if unknown)."""
    code = label.split(":")[0].strip().upper()
    return NEED_WORDS.get(code, label.lower())


def _count_words(count: int | str) -> str | None:
    """``about(count)``, or None for a count the audience's views hide (a "c": the census was suppressed once,
    in ``public_census``, small totals included)."""
    if isinstance(count, str):
        return None
    return about(int(count))


def census_part(store: Store, config: Config, audience: Audience) -> Part:
    """How many children and young people have SEND here, the help they get, and their main needs."""
    part = Part("Children and young people with SEND", more="pages/primary_needs.py")
    census = public_census(store, config, Filters(), audience)
    if census is None:
        part.points.append(Point(CHILDREN, "We do not have the numbers yet."))
        return part
    # The census as the Primary needs views show it: a hidden total is "a small number", never a figure,
    # and the grand total is given only when neither part of it is hidden (else one gives the other away).
    breakdown = census.breakdown
    totals = provision_totals(breakdown)
    support, plans = (_count_words(totals[p]) for p in (SEN_SUPPORT, EHC_PLAN))
    everyone = about(int(totals[SEN_SUPPORT]) + int(totals[EHC_PLAN])) if support and plans else "some"
    year = census.period[:4]
    part.points += [
        Point(CHILDREN, f"In {config.area.name}, {everyone} children and young people have SEND."),
        Point(CHILDREN, "SEND means they need extra help to learn."),
        Point(
            SCHOOL,
            f"{(support or 'a small number').capitalize()} get extra help at school. This is called SEN support.",
        ),
        Point(
            PLAN,
            f"{(plans or 'a small number').capitalize()} have a plan for their health, care and learning. "
            "This is called an EHC plan.",
        ),
        Point(DATE, f"These numbers are from the school year {year} to {int(year) + 1}."),
    ]
    shown = breakdown[~breakdown["hidden"]]
    by_need = shown.groupby("primary_need")["pupils"].sum().sort_values(ascending=False)
    ranked = [need_words(str(code)) for code in by_need.index[:MOST_NEEDS_LISTED]]
    openings = ("The most common need is {}.", "Next is {}.", "Then {}.")
    part.points += [Point(NEED, opening.format(words)) for opening, words in zip(openings, ranked)]
    return part


def ehcp_part(store: Store, config: Config, audience: Audience) -> Part:
    """How many children and young people have an EHC plan here and how that changed, and how many new plans
    were made in time (within 20 weeks) here and in England: from DfE's figures as the EHC plans page shows them
    to this audience (``sendlib.ehcp``: a hidden count is "a small number")."""
    part = Part("EHC plans", more="pages/ehc_plans.py")
    areas = ehcp.areas_for(config)
    trend = ehcp.query_caseload(store, areas, audience.threshold)
    if trend.empty:
        part.points.append(Point(PLAN, "We do not have the EHC plan numbers yet."))
        return part
    plans = ehcp.local_series(trend, "plans")
    years = list(plans)
    now = ehcp.number(plans[years[-1]])
    month = ehcp.period_words(years[-1])
    how_many = about(round(now)) if now is not None else "a small number of"
    part.points.append(
        Point(PLAN, f"In {month}, {how_many} children and young people in {config.area.name} had an EHC plan.")
    )
    before = ehcp.number(plans[years[-2]]) if len(years) > 1 else None
    if now is not None and before is not None and round(now) != round(before):
        change = round(now) - round(before)
        part.points.append(
            Point(CHART, f"That is {about(abs(change))} {'more' if change > 0 else 'fewer'} than a year before.")
        )
    timeliness = ehcp.query_timeliness(store, areas, audience.threshold)
    within = timeliness[timeliness["measure"] == ehcp.WITHIN]
    if within.empty:
        return part
    year = str(within["year"].iloc[-1])
    rates = {role: ehcp.number(p) for y, role, p in zip(within["year"], within["role"], within["pct"]) if y == year}
    ours, england = rates.get(ehcp.LOCAL), rates.get(ehcp.ENGLAND)
    part.points.append(Point(CLOCK, "A new EHC plan should be ready within 20 weeks."))
    if ours is not None:
        part.points.append(Point(CLOCK, f"In {year}, {round(ours)} out of every 100 new plans here were on time."))
        if england is not None:
            part.points.append(Point(CLOCK, f"In all of England, it was {round(england)} out of every 100."))
        rates_all = ehcp.query_timeliness_all(store, audience.threshold, period=year)
        where = ehcp.ranking(
            rates_all[rates_all["measure"] == ehcp.WITHIN], areas, direction="higher_is_better", scope=None
        ).standing
        if where is not None:
            part.points.append(Point(CHART, TIMELINESS_QUARTERS[where.quartile]))
    return part


def _group_words(dimension: str, group: str) -> str:
    if dimension == "provision":
        return f"families of children who {PROVISION_WORDS.get(group, group.lower())}"
    return f"children with {need_words(group)}"


def reach_part(store: Store, config: Config, audience: Audience, as_of: date) -> Part:
    """Who we hear from and who we do not, in the year the headlines use (the latest complete one by ``as_of``,
    ``reach.default_year``), for all children and families."""
    part = Part("Who we are hearing from", more="pages/reach_gaps.py")
    years = reach.query_engagement_years(store)
    cohort = reach.query_cohort(store, config)
    if not years or cohort.period is None:
        part.points.append(Point(EAR, "We have no records yet of who we heard from."))
        return part
    year = reach.default_year(years, as_of) or years[0]
    start, end = reach.period_dates(year)
    participation = reach.query_participation(store, start, end)
    everyone = next(iter(reach.AUDIENCE_CHOICES.values()))
    part.points.append(
        Point(
            EAR,
            f"We asked children, young people and parents what they think. "
            f"This is from {year[:4]} to {int(year[:4]) + 1}.",
        )
    )
    heard_well: list[str] = []
    not_heard: list[str] = []
    for dimension in reach.COHORT_DIMENSIONS:
        view = reach.build_gap_view(
            participation,
            cohort.frame,
            dimension,
            kinds=everyone,
            when=reach.period_words(year),
            gap_ratio=config.reach.gap_ratio,
            decimals=1,
            threshold=audience.threshold,
            census=cohort.census,
        )
        groups = view.chart
        if groups.empty:
            continue
        # Under-reached groups come largest gap (in people) first, as on the Reach gaps page.
        not_heard += [
            _group_words(dimension, g) for g in groups.loc[groups["under_reached"], "group"].head(MOST_NEEDS_LISTED)
        ]
        # "A lot" means more than their share of children with SEND; the most over-represented first.
        over = groups[
            (groups["share_of_cohort_pct"] > 0) & (groups["share_of_participants_pct"] > groups["share_of_cohort_pct"])
        ]
        over = over.assign(ratio=over["share_of_participants_pct"] / over["share_of_cohort_pct"])
        heard_well += [_group_words(dimension, g) for g in over.sort_values("ratio", ascending=False)["group"].head(2)]
    part.points += [Point(TICK, f"We hear a lot from {who}.") for who in heard_well]
    part.points += [Point(WARNING, f"We do not hear enough from {who}.") for who in not_heard]
    if not_heard:
        part.points.append(Point(TALK, "We want to hear from them more."))
    return part


def promises_part(store: Store, config: Config, audience: Audience, as_of: date) -> Part:
    """What we promised and what we did: commitments (for roles that may open Commitments) and "You said, we
    did"."""
    may_see_commitments = audience.role in page("commitments").roles
    part = Part("What we promised and what we did", more="pages/you_said.py")
    if may_see_commitments:
        tracker = commitments.query_tracker(store, as_of, config.commitments.green_ratio, config.commitments.red_ratio)
        if not tracker.empty:
            counts = dict(zip(*commitments.status_counts(tracker).T.values))
            done = counts.get("complete", 0)
            active = len(tracker) - done - counts.get("dropped", 0)
            part.points += [
                Point(PROMISE, f"We made {len(tracker)} promises in our plans."),
                Point(DONE, f"We have done {done} of them."),
                Point(WORKING, f"We are still working on {active}."),
            ]
    items = you_said.query_items(store, as_of)
    published = items[items["published_on"].notna()] if not items.empty else items
    if published.empty:
        part.points.append(Point(TALK, "We have not yet told you what we did about what you said."))
        return part
    working = int((published["state"] == "open").sum())
    things = "1 thing" if len(published) == 1 else f"{len(published)} things"
    part.points.append(Point(TALK, f"You told us {things}. We told you what we did about each one."))
    if working:
        part.points.append(Point(WORKING, f"We are still working on {working} of them."))
    themes = published["theme"].value_counts()
    part.points.append(Point(TALK, f"Most were about {str(themes.index[0]).lower()}."))
    return part


def build_easy_read(store: Store, config: Config, audience: Audience, as_of: date | None = None) -> list[Part]:
    """The Easy read page's four parts for ``audience`` (its threshold hides small numbers; 0 hides none)."""
    today = as_of or date.today()
    return [
        census_part(store, config, audience),
        ehcp_part(store, config, audience),
        reach_part(store, config, audience, today),
        promises_part(store, config, audience, today),
    ]


def all_text(parts: list[Part]) -> str:
    """Every sentence of the parts, headings included, as one text (for reading-ease checks)."""
    lines: list[str] = []
    for part in parts:
        lines.append(part.title + ".")
        lines += [point.text for point in part.points]
    return "\n".join(lines)
