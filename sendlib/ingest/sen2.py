"""DfE's *Education, health and care plans* release (the SEN2 collection): which files it has, and how to know one.

Only names and headers live here, so that the census loader can say "this is DfE's EHC plan data, not a census
file" without importing the EHC plan loader (``ingest/ehcp.py``), which builds on the census loader's readers.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"  # a zip with no members at all


@dataclass(frozen=True)
class Dataset:
    """One of the release's data files: its name (the file's name without .csv), what it holds, and a column
    DfE's file always has (a file of that name without it is another file renamed)."""

    name: str
    holds: str
    key_column: str


# Every data file of the 2025 release, in the order the release lists them. All share one layout: the
# geography and time columns (ID_COLUMNS), breakdown_topic and breakdown, then one column per figure.
DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset("caseload", "EHC plans each January, by setting, age, sex, ethnicity and years in place", "ehcplans"),
        Dataset("sen_needs_all_plans", "EHC plans each January by primary need", "ehc_plans"),
        Dataset("newplans", "new EHC plans in each calendar year, by setting, age, sex and ethnicity", "new_ehc_plans"),
        Dataset("sen_need_newplans", "new EHC plans by primary need", "ehc_plans"),
        Dataset("requests", "requests for an EHC needs assessment and their outcomes", "requests_received_in_year"),
        Dataset("assessments", "EHC needs assessments and their outcomes", "assess_in_year"),
        Dataset(
            "timeliness_20_week",
            "new plans issued within 20 weeks, with and without exception cases",
            "pc_plans_issued_within_20_weeks",
        ),
        Dataset("annual_reviews", "annual reviews of EHC plans and their outcomes", "total_ehc_plans"),
        Dataset("ceased_plans", "EHC plans that ceased, and why", "total_ceased"),
        Dataset("personal_budgets", "personal budgets in EHC plans", "personal_budget"),
        Dataset("residential_settings", "residential placements (38 to 51 weeks, 52 weeks)", "res_tot"),
        Dataset("work_based_placements", "supported internships, apprenticeships and traineeships", "open_wbp"),
    )
}

# The release's other files, by lower-case file name: why each is not loaded (one sentence each).
NOT_USED: dict[str, str] = {
    "sen2_dmo_dco.csv": (
        "whether each area has a designated medical, clinical and social care officer (Yes/No answers, not "
        "figures): not used yet."
    ),
    "send tribunals and appeal rate 2014-2024.csv": (
        "SEND Tribunal appeal rates as a formatted table (titles and merged year headings, not DfE's open-data "
        "layout): not used yet."
    ),
    "data-guidance.txt": (
        "the release's data guidance (what each file and column means): documentation, not data; a copy is "
        "shipped beside the release in data/reference/sen2/."
    ),
}
NOT_A_RELEASE_FILE = "not one of DfE's EHC plan files: not used."

# The columns every data file starts with, in DfE's order (compared in lower case).
ID_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "breakdown_topic",
    "breakdown",
)

_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")  # a browser's second download: "caseload (1).csv"


def dataset_of(file_name: str) -> Dataset | None:
    """The release's data file called ``file_name`` (any folder, any case, a browser's " (1)" ignored), or None."""
    path = PurePosixPath(file_name.replace("\\", "/"))
    if path.suffix.lower() != ".csv":
        return None
    return DATASETS.get(_COPY_SUFFIX.sub("", path.stem.strip()).lower())


def file_names() -> str:
    """The release's data files, for a message: 'caseload.csv, sen_needs_all_plans.csv, …'."""
    return ", ".join(f"{name}.csv" for name in DATASETS)


def looks_like_sen2_header(header: list[str]) -> bool:
    """True for the header of one of the release's data files: DfE's geography and time columns followed by
    breakdown_topic and breakdown (a census file has neither)."""
    names = {column.strip().lstrip("\ufeff").lower() for column in header}
    return {"time_period", "geographic_level", "breakdown_topic", "breakdown"} <= names


def is_sen2_zip(path: Path) -> bool:
    """True when ``path`` is a zip archive holding at least one of the release's data files (read from the zip's
    directory only: nothing is extracted)."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) not in (ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE):
                return False
        with zipfile.ZipFile(path) as archive:
            return any(dataset_of(info.filename) is not None for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def is_sen2_file(path: Path) -> bool:
    """True for the release's zip, or a CSV whose header is one of its data files' (read from line 1 only)."""
    if is_sen2_zip(path):
        return True
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = handle.readline(64 * 1024)
    except OSError:
        return False
    return looks_like_sen2_header(first.strip().split(","))
