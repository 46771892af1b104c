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


STATISTICAL_NEIGHBOURS_FILE = "dfe-statistical-neighbours-2025.csv"


@lru_cache(maxsize=1)
def local_authorities() -> tuple[Area, ...]:
    """The local authorities in force today (DfE's list: live, with an old three-digit code and a region), one per
    old LA code, by name: the 153 that DfE's LA-level statistics publish."""
    current: dict[str, Area] = {}
    with open(REFERENCE_DIR / "dfe-local-authorities.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            old, region = row["old_la_code"].strip(), row["parent_geography_code"].strip()
            if row["status"] == "live" and old.isdigit() and region.startswith("E12"):
                current[old] = known_areas()[row["new_la_code"]]
    return tuple(sorted(current.values(), key=lambda area: area.name))


def local_authority(old_la_code: str) -> Area | None:
    """The local authority in force today with this old LA code (None when there is none)."""
    return next((area for area in local_authorities() if area.old_la_code == old_la_code.strip()), None)


def region_name(region_code: str | None) -> str | None:
    """The name of the region with this code (None when DfE does not list it)."""
    area = lookup_area(region_code) if region_code else None
    return area.name if area is not None and area.level == REGIONAL else None


@dataclass(frozen=True)
class Neighbour:
    """One of an LA's statistical neighbours: the neighbour, its rank (1 = closest) and DfE's closeness band."""

    area: Area
    rank: int
    closeness: str  # as DfE words it, capitalised once: 'Extremely close', 'Very close', 'Close', …


@lru_cache(maxsize=1)
def _neighbour_table() -> dict[str, tuple[Neighbour, ...]]:
    """Old LA code → its statistical neighbours in rank order (DfE, May 2025), only those in force today."""
    by_old = {area.old_la_code: area for area in local_authorities() if area.old_la_code}
    table: dict[str, list[Neighbour]] = {}
    with open(REFERENCE_DIR / STATISTICAL_NEIGHBOURS_FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            neighbour = by_old.get(row["neighbour_old_la_code"].strip())
            if neighbour is None:  # a pre-2019 council (Poole, Dorset before the change) among a former one's
                continue
            closeness = row["closeness"].strip().capitalize()
            table.setdefault(row["old_la_code"].strip(), []).append(Neighbour(neighbour, int(row["rank"]), closeness))
    return {old: tuple(sorted(found, key=lambda n: n.rank)) for old, found in table.items()}


def neighbours_of(old_la_code: str) -> tuple[Neighbour, ...]:
    """The LA's DfE statistical neighbours with their rank and closeness (empty for a code DfE gives none)."""
    return _neighbour_table().get(old_la_code.strip(), ())


def statistical_neighbours(old_la_code: str) -> list[Area]:
    """The LA's DfE statistical neighbours (May 2025: ten each, closest first), as areas in force today."""
    return [neighbour.area for neighbour in neighbours_of(old_la_code)]
