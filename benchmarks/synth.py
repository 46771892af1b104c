"""Deterministic synthetic census files in DfE's tidy open-data layout, shaped like a school-level release.

Rows are schools × census periods × provision (SEN support, EHC plan) × primary need, spread over every
local authority DfE lists, plus local-authority and national rows for the configured area and England so
that every page has its figures. About 2% of counts are published as ``c`` and 0.5% as ``x``. The same size
and seed always give the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from sendlib.codes import NEEDS

REFERENCE = Path(__file__).resolve().parent.parent / "sendlib" / "reference" / "dfe-region-la-hierarchy.csv"
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
    "school_urn",
    "school_name",
    "phase_type_grouping",
    "sen_provision",
    "sen_primary_need",
    "pupil_count",
    "pupil_percent",
]
PERIODS = ("202122", "202223", "202324", "202425", "202526")
PHASES = ("State-funded primary", "State-funded secondary", "State-funded special", "State-funded AP school")
NEED_NAMES = [need.name for need in NEEDS if need.code != "UNK"]
PROVISIONS = ("SEN support", "EHC plan")
ROWS_PER_SCHOOL_PERIOD = len(PROVISIONS) * len(NEED_NAMES)


def local_authorities() -> list[dict[str, str]]:
    with open(REFERENCE, encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["new_la_code"].startswith("E")]


def write_census(path: Path, rows: int, *, seed: int = 7, area_code: str = "E08000024") -> int:
    """Write about ``rows`` data rows to ``path``; returns the number written."""
    rng = random.Random(seed)
    las = local_authorities()
    by_code = {la["new_la_code"]: la for la in las}
    local = by_code.get(area_code, las[0])
    overview_rows = len(PERIODS) * 2 * ROWS_PER_SCHOOL_PERIOD  # the local area and England, every period
    schools = max(1, (rows - overview_rows) // (len(PERIODS) * ROWS_PER_SCHOOL_PERIOD))
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for period in PERIODS:
            for level, la, scale in (("National", None, 8000), ("Local authority", local, 60)):
                for provision in PROVISIONS:
                    for need in NEED_NAMES:
                        count = rng.randint(1, 40) * scale
                        writer.writerow(
                            [
                                period,
                                "Academic year",
                                level,
                                "E92000001",
                                "England",
                                la["region_code"] if la else "",
                                la["region_name"] if la else "",
                                la["old_la_code"] if la else "",
                                la["la_name"] if la else "",
                                la["new_la_code"] if la else "",
                                "",
                                "",
                                "Total",
                                provision,
                                need,
                                count,
                                "",
                            ]
                        )
                        written += 1
        for school in range(schools):
            la = las[school % len(las)]
            urn = f"{100000 + school}"
            phase = PHASES[school % len(PHASES)]
            for period in PERIODS:
                for provision in PROVISIONS:
                    for need in NEED_NAMES:
                        roll = rng.random()
                        count = "c" if roll < 0.02 else "x" if roll < 0.025 else str(rng.randint(0, 60))
                        writer.writerow(
                            [
                                period,
                                "Academic year",
                                "School",
                                "E92000001",
                                "England",
                                la["region_code"],
                                la["region_name"],
                                la["old_la_code"],
                                la["la_name"],
                                la["new_la_code"],
                                urn,
                                f"School {urn}",
                                phase,
                                provision,
                                need,
                                count,
                                "",
                            ]
                        )
                        written += 1
    return written


def write_one_bad_row(source: Path, path: Path) -> int:
    """Copy ``source`` to ``path`` with the count of the data row half way down made 'ten' (not a number);
    returns that row's line number (the header is line 1). Every other byte is the same."""
    with open(source, encoding="utf-8", newline="") as fh:
        lines = fh.readlines()
    bad_line = 1 + max(1, (len(lines) - 1) // 2)
    row = next(csv.reader([lines[bad_line - 1]]))
    row[HEADER.index("pupil_count")] = "ten"
    with io.StringIO() as out:
        csv.writer(out, lineterminator="\n").writerow(row)
        lines[bad_line - 1] = out.getvalue()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)
    return bad_line
