"""A census for every local authority, in DfE's LA-level open-data layout (the census loader's ``ees`` format, as
tests/fixtures/census/ees_2026_format.csv), with figures designed so that the benchmark's answers are known.

For 2024/25 every LA in force (``geography.local_authorities()``) has SEN support and EHC plan counts by primary
need, No SEN and all pupils, then each region and England (the sums of their LAs): 40,000 pupils in each LA, and
EHC plans 2,400 − 10 × the LA's place in a fixed order, so each LA's share of pupils with an EHC plan ranks it at
that place. Sunderland is 12th and Redcar and Cleveland (its closest statistical neighbour) equal with it ("joint
12th highest"); City of London has one count published as ``c`` (its totals are not known: never ranked); the
Isles of Scilly are small (2 EHC plans among 60 pupils, 3.3%: hidden from the forum; ``scilly_plans=4`` makes it
6.7%, above Sunderland, with England's and the regions' rows unchanged: a second world that differs only in a
count the forum must not see). 2023/24 holds Sunderland and England only, as a store without DfE's LA-level file
would.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sendlib import geography
from sendlib.codes import NEEDS

PERIOD = "202425"
EARLIER = "202324"
SUNDERLAND, REDCAR, CITY, SCILLY = "394", "807", "201", "420"
PUPILS = 40_000
SUNDERLAND_PLACE = 12
HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "new_la_code",
    "phase_type_grouping",
    "sen_status",
    "sen_provision",
    "sen_primary_need",
    "pupil_count",
    "pupil_percent",
]
SEN_SUPPORT_LABEL = "SEN support / SEN without an EHC plan"
EHC_LABEL = "Education, health and care plan"
# Each need's part of a provision's total (per thousand); the remainder goes to the first need.
SHARES = {
    "Autistic spectrum disorder": 300,
    "Social, emotional and mental health": 170,
    "Speech, language and communication needs": 160,
    "Severe learning difficulty": 80,
    "Moderate learning difficulty": 80,
    "Specific learning difficulty": 50,
    "Physical disability": 40,
    "Profound and multiple learning difficulty": 30,
    "Other difficulty or disability": 30,
    "Hearing impairment": 25,
    "Vision impairment": 15,
    "Multi-sensory impairment": 10,
    "Down syndrome": 10,
}
assert set(SHARES) <= {need.name for need in NEEDS}


@dataclass(frozen=True)
class Figures:
    """One area's designed totals."""

    sen_support: int
    ehc_plan: int
    pupils: int

    def rate(self, count: int) -> float:
        return 100 * count / self.pupils


def designed_figures(scilly_plans: int = 2) -> dict[str, Figures]:
    """Every LA's totals for 2024/25 by old LA code (City of London's EHC plan total includes its ``c`` cell)."""
    areas = [area for area in geography.local_authorities() if area.old_la_code not in (SCILLY,)]
    order = sorted(areas, key=lambda area: (int(area.old_la_code or 0) * 67) % 1009)
    order = [area for area in order if area.old_la_code != SUNDERLAND]
    order.insert(SUNDERLAND_PLACE - 1, next(a for a in areas if a.old_la_code == SUNDERLAND))
    figures: dict[str, Figures] = {}
    for place, area in enumerate(order, start=1):
        ehc = 2400 - 10 * place
        sen_support = 5000 + ((place * 53) % 151) * 10
        figures[str(area.old_la_code)] = Figures(sen_support, ehc, PUPILS)
    figures[REDCAR] = Figures(figures[REDCAR].sen_support, figures[SUNDERLAND].ehc_plan, PUPILS)  # the tie
    figures[SCILLY] = Figures(30, scilly_plans, 60)
    return figures


def _split(total: int) -> dict[str, int]:
    parts = {need: total * share // 1000 for need, share in SHARES.items()}
    first = next(iter(parts))
    parts[first] += total - sum(parts.values())
    return parts


def _rows(period: str, level: str, area: geography.Area | None, figures: Figures, symbol_in: str | None) -> list[list]:
    region = geography.lookup_area(area.region_code) if area is not None and area.region_code else None
    if area is not None and level == "Regional":
        region, area = area, None
    place = [
        region.code if region else "",
        region.name if region else "",
        (area.old_la_code or "") if area else "",
        area.name if area else "",
        area.code if area else "",
    ]
    rows = []
    for provision, total in ((SEN_SUPPORT_LABEL, figures.sen_support), (EHC_LABEL, figures.ehc_plan)):
        for need, count in _split(total).items():
            shown: object = "c" if symbol_in == need and provision == EHC_LABEL else count
            rows.append(
                [
                    period,
                    "Academic year",
                    level,
                    "E92000001",
                    "England",
                    *place,
                    "Total",
                    "SEN",
                    provision,
                    need,
                    shown,
                    "",
                ]
            )
        rows.append(
            [
                period,
                "Academic year",
                level,
                "E92000001",
                "England",
                *place,
                "Total",
                "SEN",
                provision,
                "Total",
                total,
                "",
            ]
        )
    no_sen = figures.pupils - figures.sen_support - figures.ehc_plan
    rows.append(
        [
            period,
            "Academic year",
            level,
            "E92000001",
            "England",
            *place,
            "Total",
            "No SEN",
            "No SEN provision",
            "Total",
            no_sen,
            "",
        ]
    )
    rows.append(
        [
            period,
            "Academic year",
            level,
            "E92000001",
            "England",
            *place,
            "Total",
            "Total",
            "Total",
            "Total",
            figures.pupils,
            "100.0",
        ]
    )
    return rows


def _sum(figures: list[Figures]) -> Figures:
    return Figures(
        sum(f.sen_support for f in figures), sum(f.ehc_plan for f in figures), sum(f.pupils for f in figures)
    )


def england_and_regions() -> dict[str, Figures]:
    """England's and each region's totals (area code → figures): the sums of their LAs."""
    figures = designed_figures()
    by_region: dict[str, list[Figures]] = {}
    for area in geography.local_authorities():
        by_region.setdefault(str(area.region_code), []).append(figures[str(area.old_la_code)])
    totals = {code: _sum(parts) for code, parts in by_region.items()}
    totals["E92000001"] = _sum(list(figures.values()))
    return totals


def write_la_census(path: Path, *, scilly_plans: int = 2) -> Path:
    """Write the file (every LA, region and England for 2024/25; Sunderland and England for 2023/24)."""
    figures = designed_figures(scilly_plans)
    totals = england_and_regions()
    rows: list[list] = []
    rows += _rows(PERIOD, "National", None, totals["E92000001"], None)
    for code, region_totals in totals.items():
        if code != "E92000001":
            rows += _rows(PERIOD, "Regional", geography.lookup_area(code), region_totals, None)
    for area in geography.local_authorities():
        key = str(area.old_la_code)
        rows += _rows(PERIOD, "Local authority", area, figures[key], "Down syndrome" if key == CITY else None)
    sunderland = geography.local_authority(SUNDERLAND)
    rows += _rows(EARLIER, "National", None, Figures(1_100_000, 400_000, 8_000_000), None)
    rows += _rows(EARLIER, "Local authority", sunderland, Figures(5_500, 2_100, 40_000), None)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path
