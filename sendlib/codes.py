"""The census vocabulary: primary-need codes, provisions, geographic levels and census periods.

Codes are the DfE school census codes (ARCHITECTURE.md, "The census table and the roles"). Short labels are
as the local strategies write them (SpLD, not SPLD); full names follow DfE's current filter labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Need:
    """One primary need: DfE code, the short label the strategies use, and its full name."""

    code: str
    short: str
    name: str


NEEDS: tuple[Need, ...] = (
    Need("ASD", "ASD", "Autistic spectrum disorder"),
    Need("SLCN", "SLCN", "Speech, language and communication needs"),
    Need("MLD", "MLD", "Moderate learning difficulty"),
    Need("SEMH", "SEMH", "Social, emotional and mental health"),
    Need("SPLD", "SpLD", "Specific learning difficulty"),
    Need("OTH", "OTH", "Other difficulty or disability"),
    Need("PD", "PD", "Physical disability"),
    Need("HI", "HI", "Hearing impairment"),
    Need("NSA", "NSA", "SEN support but no specialist assessment of type of need"),
    Need("VI", "VI", "Vision impairment"),
    Need("SLD", "SLD", "Severe learning difficulty"),
    Need("MSI", "MSI", "Multi-sensory impairment"),
    Need("PMLD", "PMLD", "Profound and multiple learning difficulty"),
    Need("DS", "DS", "Down syndrome"),
    Need("UNK", "Unknown", "Not recorded or missing"),
)
NEED_BY_CODE: dict[str, Need] = {need.code: need for need in NEEDS}


def _in_a_sentence(name: str) -> str:
    """``name`` as it reads inside a sentence: "Autistic spectrum disorder" → "autistic …"; "SEN support" stays."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def need_key(shown: Iterable[str]) -> str:
    """One line saying what each need label in ``shown`` (the strategies' short labels, as charts show them)
    means, in the order of NEEDS; labels that are not need codes are left out. For readers who do not know
    the codes: a family reading "SLCN" on a chart."""
    labels = set(shown)
    meanings = [
        f"{need.short} = {_in_a_sentence(need.name)}"
        for need in NEEDS
        if need.short in labels and need.short != need.name
    ]
    return "What the need codes mean: " + "; ".join(meanings) + "." if meanings else ""


SEN_SUPPORT = "SEN support"
EHC_PLAN = "EHC plan"
NO_SEN = "No SEN"
SEN_PROVISIONS: tuple[str, ...] = (SEN_SUPPORT, EHC_PLAN)

NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
SCHOOL = "School"
ENGLAND_CODE = "E92000001"

TOTAL_PHASE = "Total"

# Symbols Explore Education Statistics publishes instead of a number (older files use ':' and '~').
PUBLISHED_SYMBOLS: dict[str, str] = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to 0",
    "u": "low reliability",
    ":": "not available",
    "~": "rounds to 0",
}

_PERIOD_RE = re.compile(r"^(\d{4})(\d{2})$")


def is_valid_period(period: str) -> bool:
    """True for an EES academic-year period such as ``201920`` (the second year follows the first)."""
    match = _PERIOD_RE.match(period)
    if not match:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return 1990 <= first <= 2100 and (first + 1) % 100 == second


def format_period(period: str) -> str:
    """``201920`` → ``2019/20``; anything else is returned unchanged."""
    return f"{period[:4]}/{period[4:]}" if is_valid_period(period) else period


def need_short(code: str) -> str:
    """The short label of a need code as the strategies write it (unknown codes pass through)."""
    return NEED_BY_CODE[code].short if code in NEED_BY_CODE else code


def need_name(code: str) -> str:
    """The full name of a need code (unknown codes pass through)."""
    return NEED_BY_CODE[code].name if code in NEED_BY_CODE else code


def academic_year_of(day: date) -> str:
    """The academic year (September to August) holding a date, as a census period: 2025-10-14 → ``202526``."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}{(first + 1) % 100:02d}"


def academic_year_dates(period: str) -> tuple[date, date]:
    """First and last day of an academic-year period: ``202526`` → (1 September 2025, 31 August 2026)."""
    first = int(period[:4])
    return date(first, 9, 1), date(first + 1, 8, 31)
