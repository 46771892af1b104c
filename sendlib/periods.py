"""How old each source of a view is: the census period, the engagement year, the stakeholder assessments' date.

A view lists the sources it draws on as ``Period`` values (``View.periods``), built here once for every view;
``period_line`` puts them in one line ("Census 2019/20 · engagement 2025/26"), ``age_notes`` says when two
are years apart and flags a source older than ``config.data_age`` allows, measured from ``Filters.as_of``. The
page, the Overview and the meeting pack all show the same words because they all come from these functions.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sendlib.codes import academic_year_dates, format_period, is_valid_period
from sendlib.config import DataAgeConfig

CENSUS = "census"
ENGAGEMENT = "engagement"
STAKEHOLDERS = "stakeholder assessments"
EHC_PLANS = "EHC plans"
COMMITMENTS = "commitment progress"
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class Period:
    """One source a view draws on and the time its figures cover.

    ``words`` is the period as people read it ("2019/20", "2026/27 year to date (1 activity)", "latest
    1 September 2021"); ``year`` is the academic year it falls in (its first calendar year) when it has one, so
    two sources can be compared; ``stale`` is the flag sentence when it is older than the configured age.
    """

    source: str
    words: str
    year: int | None = None
    stale: str | None = None


def day_words(day: date) -> str:
    """A date as the pages write it: "2 December 2026"."""
    return f"{day.day} {day:%B %Y}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def census(period: str | None, age: DataAgeConfig, today: date) -> Period | None:
    """The census ``period`` (e.g. ``201920``) a view shows; None when no census is loaded.

    DfE publishes a new census each ``age.census_month`` (June) for the academic year then ending, so the
    census for 2019/20 (published June 2020) is overtaken by 2020/21's in June 2021: it is flagged once that
    month has passed."""
    if period is None or not is_valid_period(period):
        return None
    first = int(period[:4])
    overtaken = _month_end(first + 2, age.census_month)
    stale = (
        f"The census is from {format_period(period)}: a newer one was due from DfE by "
        f"{overtaken:%B %Y}, so these figures may be out of date."
        if today > overtaken
        else None
    )
    return Period(CENSUS, format_period(period), first, stale)


def ehc_plans(period: str | None, age: DataAgeConfig, today: date) -> Period | None:
    """DfE's EHC plan figures for ``period``: an academic year's caseload counted in its January ('202425' →
    "January 2025"), or a calendar year's new plans, requests and timeliness ('2024'); None when none is loaded.

    DfE publishes both in one release each ``age.ehcp_month`` (June): January 2025 and calendar 2024 in June 2025.
    The figures are flagged once the next release was due (from July 2026 for that release)."""
    if period is None:
        return None
    academic = is_valid_period(period)
    if not academic and not (len(period) == 4 and period.isdigit()):
        return None
    released = int(period[:4]) + 1
    overtaken = _month_end(released + 1, age.ehcp_month)
    words = f"January {released}" if academic else period
    stale = (
        f"The EHC plan figures are from DfE's {released} release: a newer one was due by {overtaken:%B %Y}, so "
        "these figures may be out of date."
        if today > overtaken
        else None
    )
    return Period(EHC_PLANS, words, int(period[:4]) if academic else int(period) - 1, stale)


def engagement(period: str, today: date, activities: int) -> Period:
    """The engagement ``period`` (an academic year such as ``202526``, or ``"all"``) with its ``activities``
    count: a year not yet over on ``today`` is "year to date (n activities)"."""
    if not is_valid_period(period):
        return Period(ENGAGEMENT, f"all years to {day_words(today)}")
    return Period(ENGAGEMENT, year_words(period, today, activities), int(period[:4]))


def year_words(period: str, today: date, activities: int) -> str:
    """An academic year as a heading says it: "2025/26", or "2026/27 year to date (1 activity)" while the
    year is still going on ``today``."""
    if not is_valid_period(period) or academic_year_dates(period)[1] < today:
        return format_period(period)
    return f"{format_period(period)} year to date ({activities} activit{'y' if activities == 1 else 'ies'})"


def stakeholders(latest: date | None, age: DataAgeConfig, today: date) -> Period | None:
    """The newest stakeholder assessment on or before ``today``; flagged when it is more than
    ``age.stakeholder_months`` old. None when there is none."""
    if latest is None:
        return None
    months = (today.year - latest.year) * 12 + today.month - latest.month - (today.day < latest.day)
    stale = (
        f"The newest stakeholder assessment is from {day_words(latest)}, more than {age.stakeholder_months} "
        "months ago: the grid may be out of date."
        if months >= age.stakeholder_months
        else None
    )
    year = latest.year if latest.month >= 9 else latest.year - 1
    return Period(STAKEHOLDERS, f"latest {day_words(latest)}", year, stale)


def commitments(today: date) -> Period:
    """Commitment progress as read on ``today`` (its latest update is in the view's source line)."""
    return Period(COMMITMENTS, f"as at {day_words(today)}")


def period_line(periods: tuple[Period, ...]) -> str:
    """The sources in one line: "Census 2019/20 · engagement 2025/26" ('' when there are none)."""
    line = " · ".join(f"{p.source} {p.words}" for p in periods)
    return line[:1].upper() + line[1:]


def _apart(years: int) -> str:
    return _NUMBERS[years] if years < len(_NUMBERS) else str(years)


def age_notes(periods: tuple[Period, ...]) -> tuple[str, ...]:
    """What a reader must know about the sources' ages: the census and engagement years apart (when they
    differ), then each stale source's flag."""
    by_source = {p.source: p for p in periods}
    notes: list[str] = []
    first, second = by_source.get(CENSUS), by_source.get(ENGAGEMENT)
    if first and second and first.year is not None and second.year is not None and first.year != second.year:
        gap = abs(second.year - first.year)
        notes.append(
            f"The census is from {first.words}, engagement from {second.words}: "
            f"{_apart(gap)} year{'s' if gap != 1 else ''} apart."
        )
    notes += [p.stale for p in periods if p.stale]
    return tuple(dict.fromkeys(notes))  # two periods of one release (January 2025 and 2024) share one flag
