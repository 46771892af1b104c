"""The shipped demo data (data/demo/*.csv, and DfE's real EHC plan release in data/reference/sen2/), loaded through
the same paths as any officer's upload."""

from __future__ import annotations

from pathlib import Path

import yaml

from sendlib import commitments, stakeholders, you_said
from sendlib.auth import OFFICER, Actor
from sendlib.config import PROJECT_ROOT, Config
from sendlib.ingest import load_census, load_ehcp
from sendlib.ingest.ehcp import describe_periods
from sendlib.ingest.engagement import load_engagement
from sendlib.store import Store

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
# DfE's Education, health and care plans release (2025) as downloaded: real figures for every local authority.
EHCP_RELEASE = PROJECT_ROOT / "data" / "reference" / "sen2" / "education-health-and-care-plans_2025.zip"
DEMO_ACTOR = Actor("demo data", OFFICER)


def demo_census_files() -> list[Path]:
    """The demo census files, in load order."""
    return sorted(DEMO_DIR.glob("*.csv"))


def store_is_empty(store: Store) -> bool:
    """True when nothing has ever been loaded into the store."""
    return not store.query_value("SELECT count(*) FROM loads WHERE outcome = 'loaded'")


def load_demo(store: Store, config: Config) -> list[str]:
    """Load every demo census file and DfE's EHC plan release (already-loaded files are skipped by the load paths
    themselves), and the demo stakeholder grid, engagement year and commitments each when there are none yet.

    Returns one line per dataset loaded, for the person who ran ``init --demo`` (a dataset already there says
    nothing)."""
    lines = []
    for path in demo_census_files():
        summary = load_census(store, path, config=config, actor=DEMO_ACTOR).summary()
        lines.append(f"{summary} Illustrative England figures." if path.name.startswith("england") else summary)
    if line := load_demo_ehcp(store, config):
        lines.append(line)
    if groups := load_demo_stakeholders(store):
        lines.append(f"Stakeholder grid: {groups} groups with their assessments and targets (illustrative).")
    if activities := load_demo_engagement(store, config):
        lines.append(f"Engagement: {activities} activities in 2025/26 (illustrative).")
    if added := load_demo_commitments(store):
        said = store.query_value("SELECT count(*) FROM you_said")
        lines.append(
            f"Commitments: {added} from the two strategies, with illustrative plans and progress; "
            f"{said} 'you said, we did' items."
        )
    return lines


def load_demo_ehcp(store: Store, config: Config) -> str | None:
    """Load DfE's real EHC plan release through the officers' load; the line saying so, or None when it is loaded
    already."""
    report = load_ehcp(store, EHCP_RELEASE, config=config, actor=DEMO_ACTOR)
    if report.already_loaded:
        return None
    periods = describe_periods(sorted({period for file in report.loaded for period in file.periods}))
    return (
        f"EHC plans: DfE's 2025 release, {report.local_authorities} local authorities, {len(report.loaded)} files, "
        f"{report.figures:,} figures ({periods}; real data, load {report.load_id})."
    )


def load_demo_engagement(store: Store, config: Config) -> int:
    """Load the illustrative year of engagement activities through the officers' file load, when the store
    has no engagement yet; returns the number of activities loaded."""
    if store.query_value("SELECT count(*) FROM engagement_activities"):
        return 0
    report = load_engagement(store, DEMO_DIR / "engagement" / "activities-2025-26.csv", config=config, actor=DEMO_ACTOR)
    return report.activities


def load_demo_commitments(store: Store, path: Path = DEMO_DIR / "commitments.yaml") -> int:
    """Record the strategies' commitments with their illustrative plans, progress and gap links through the
    officers' functions, when there are none yet; returns the number added."""
    if store.query_value("SELECT count(*) FROM commitments"):
        return 0
    demo = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in demo["commitments"]:
        commitments.add_commitment(
            store,
            DEMO_ACTOR,
            reference=item["ref"],
            title=item["title"],
            full_text=item["text"],
            strategy=demo["strategies"][item["strategy"]],
            section=item["section"],
            theme=item["theme"],
            level=item["level"],
            owner=item["owner"],
            start_date=item["start"],
            due_date=item["due"],
        )
        for updated_on, status, percent, commentary in item.get("updates", []):
            commitments.record_update(
                store,
                DEMO_ACTOR,
                reference=item["ref"],
                updated_on=updated_on,
                status=status,
                percent=percent,
                commentary=commentary,
                updated_by=item["owner"],
            )
        for dimension, category in item.get("reach", []):
            commitments.link_reach_gap(store, DEMO_ACTOR, reference=item["ref"], dimension=dimension, category=category)
    for item in demo["you_said"]:
        item_id = you_said.add_item(
            store,
            DEMO_ACTOR,
            said_on=item["said_on"],
            said_by=item["said_by"],
            what_was_said=item["said"],
            theme=item["theme"],
            activity_reference=item.get("activity", ""),
            commitment_references=item["commitments"],
        )
        you_said.respond(
            store,
            DEMO_ACTOR,
            item_id=item_id,
            what_we_did=item["did"],
            state=item["state"],
            published_on=item["published_on"],
        )
    return len(demo["commitments"])


def load_demo_stakeholders(store: Store, path: Path = DEMO_DIR / "stakeholders.yaml") -> int:
    """Record the demo stakeholder groups, assessments and targets through the officers' functions.

    Does nothing when any group exists already; returns the number of groups added.
    """
    if store.query_value("SELECT count(*) FROM stakeholder_groups"):
        return 0
    demo = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in demo["groups"]:
        group_id = stakeholders.add_group(
            store,
            DEMO_ACTOR,
            name=group["name"],
            description=group["description"],
            kind=group["kind"],
            engagement=group["engagement"],
            short_name=group["short_name"],
        )
        for assessed_on, influence, importance, note in group["assessments"]:
            stakeholders.record_assessment(
                store,
                DEMO_ACTOR,
                group_id=group_id,
                assessed_on=assessed_on,
                influence=influence,
                importance=importance,
                assessed_by=demo["assessed_by"],
                note=note,
            )
        influence, importance = group["target"]
        stakeholders.set_target(
            store,
            DEMO_ACTOR,
            group_id=group_id,
            influence=influence,
            importance=importance,
            target_date=demo["target_date"],
            reason=group["reason"],
            set_on=demo["target_set_on"],
        )
    return len(demo["groups"])
