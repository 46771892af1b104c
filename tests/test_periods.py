"""How old each source is (sendlib.periods): the words every view, the Overview and the pack use."""

from __future__ import annotations

from datetime import date

import pytest

from sendlib import periods
from sendlib.config import DataAgeConfig

AGE = DataAgeConfig()


@pytest.mark.parametrize(
    ("today", "stale"),
    [(date(2021, 6, 30), False), (date(2021, 7, 1), True), (date(2020, 12, 1), False), (date(2026, 12, 2), True)],
)
def test_a_census_is_flagged_once_the_next_one_was_due(today: date, stale: bool) -> None:
    """2019/20 is published June 2020; 2020/21 was due by June 2021: from July 2021 the 2019/20 census is old."""
    census = periods.census("201920", AGE, today)
    assert census is not None and census.words == "2019/20" and census.year == 2019
    assert (census.stale is not None) == stale
    if stale:
        assert census.stale == (
            "The census is from 2019/20: a newer one was due from DfE by June 2021, so these figures may be out "
            "of date."
        )


def test_the_census_month_is_configurable() -> None:
    assert periods.census("201920", DataAgeConfig(census_month=9), date(2021, 7, 1)).stale is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("today", "stale"), [(date(2022, 8, 31), False), (date(2022, 9, 1), True), (date(2021, 12, 1), False)]
)
def test_stakeholder_assessments_are_flagged_after_twelve_months(today: date, stale: bool) -> None:
    grid = periods.stakeholders(date(2021, 9, 1), AGE, today)
    assert grid is not None and grid.words == "latest 1 September 2021" and (grid.stale is not None) == stale
    assert periods.stakeholders(None, AGE, today) is None


def test_a_year_in_progress_says_year_to_date_and_how_many_activities() -> None:
    assert periods.year_words("202526", date(2026, 12, 2), 26) == "2025/26"
    assert periods.year_words("202627", date(2026, 12, 2), 1) == "2026/27 year to date (1 activity)"
    assert periods.engagement("202627", date(2026, 12, 2), 3).words == "2026/27 year to date (3 activities)"
    assert periods.engagement("all", date(2026, 12, 2), 3).words == "all years to 2 December 2026"


def test_sources_years_apart_say_so_then_the_flags() -> None:
    census = periods.census("201920", AGE, date(2026, 12, 2))
    assert census is not None
    year = periods.engagement("202526", date(2026, 12, 2), 26)
    assert periods.period_line((census, year)) == "Census 2019/20 · engagement 2025/26"
    assert periods.age_notes((census, year)) == (
        "The census is from 2019/20, engagement from 2025/26: six years apart.",
        census.stale,
    )
    same = periods.census("202526", AGE, date(2026, 12, 2))
    assert same is not None and periods.age_notes((same, year)) == ()
