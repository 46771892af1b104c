"""England, its regions and local authorities, from DfE's reference lists shipped in sendlib/reference.

Used to fill in names and old three-digit LA codes for files that give only an area code, and to
resolve the region of an area. Codes that changed (Barnsley E08000016 → E08000038) share one old code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sendlib.codes import ENGLAND_CODE, LOCAL_AUTHORITY, NATIONAL, REGIONAL

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Area:
    """One area in the DfE lists."""

    code: str
    name: str
    level: str
    old_la_code: str | None = None
    region_code: str | None = None


@lru_cache(maxsize=1)
def known_areas() -> dict[str, Area]:
    """Every area code DfE lists (England, regions, current and former LA codes) → Area."""
    areas: dict[str, Area] = {ENGLAND_CODE: Area(ENGLAND_CODE, "England", NATIONAL)}
    with open(REFERENCE_DIR / "dfe-region-la-hierarchy.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["region_code"].startswith("E12"):
                areas.setdefault(row["region_code"], Area(row["region_code"], row["region_name"], REGIONAL))
    with open(REFERENCE_DIR / "dfe-local-authorities.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            old = row["old_la_code"].strip()
            areas[row["new_la_code"]] = Area(
                row["new_la_code"],
                row["la_name"],
                LOCAL_AUTHORITY,
                old if old.isdigit() else None,
                row["parent_geography_code"] or None,
            )
    return areas


def lookup_area(code: str) -> Area | None:
    """The DfE area for ``code``, or None when DfE does not list it."""
    return known_areas().get(code.strip().upper())


@lru_cache(maxsize=1)
def area_spellings() -> dict[str, frozenset[str]]:
    """Every name DfE's two lists give each code (they spell some LAs differently), keyed also by old LA code.

    Names of one LA across code changes share its old code (Barnsley E08000016 and E08000038: 370).
    """
    names: dict[str, set[str]] = {code: {area.name} for code, area in known_areas().items()}
    with open(REFERENCE_DIR / "dfe-region-la-hierarchy.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            for code, name in ((row["new_la_code"], row["la_name"]), (row["region_code"], row["region_name"])):
                if code in names:
                    names[code].add(name)
    for area in known_areas().values():
        if area.old_la_code:
            names.setdefault(area.old_la_code, set()).update(names[area.code])
    return {code: frozenset(spellings) for code, spellings in names.items()}
