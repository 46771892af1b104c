"""The Reach gaps, Participation reach and Commitments views: what each audience gets, and that the Overview's
headlines say what the Overview said before they existed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from sendlib import commitments, reach
from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.config import Config
from sendlib.store import Store
from sendlib.views import CommitmentChoice, Filters, page, views_for
from sendlib.views import commitments as commitment_views
from sendlib.views import reach as reach_views
from sendlib.views.base import Audience

AS_OF = date(2026, 6, 30)  # inside the demo's 2025/26 engagement year, whatever today is


def test_the_forum_gets_the_latest_year_and_everyone_heard_from_whatever_it_asks_for(
    demo_store: Store, config: Config
) -> None:
    forum = Audience.of(FORUM, config)
    asked = Filters(as_of=AS_OF, engagement_year=reach.ALL_YEARS, heard_from=reach.PARENT_CARERS)
    for build in (reach_views.gaps_by_provision, reach_views.gaps_by_need):
        given, default = build(demo_store, config, asked, forum), build(demo_store, config, Filters(as_of=AS_OF), forum)
        assert given is not None and default is not None and given.table is not None and default.table is not None
        pd.testing.assert_frame_equal(given.table, default.table)
        assert "in 2025/26" in " ".join(given.sentences)
    # A commissioner's choice is taken: parent carers alone are a different table.
    staff = Audience.of(COMMISSIONER, config)
    parents = reach_views.gaps_by_provision(demo_store, config, asked, staff)
    everyone = reach_views.gaps_by_provision(demo_store, config, Filters(as_of=AS_OF), staff)
    assert parents is not None and everyone is not None and parents.table is not None and everyone.table is not None
    assert not parents.table.equals(everyone.table)


def test_the_forum_sees_the_gaps_suppressed_and_staff_see_the_figures(demo_store: Store, config: Config) -> None:
    # The demo's smallest group heard from by need is 8 (VI): a threshold of 10 must hide it from the forum.
    config = replace(config, suppression=replace(config.suppression, threshold=10))
    forum = reach_views.gaps_by_need(demo_store, config, Filters(as_of=AS_OF), Audience.of(FORUM, config))
    staff = reach_views.gaps_by_need(demo_store, config, Filters(as_of=AS_OF), Audience.of(OFFICER, config))
    assert forum is not None and staff is not None and forum.table is not None and staff.table is not None
    assert forum.suppression_note and forum.notes == (forum.suppression_note,)
    shown = forum.table.set_index("Group")["Heard from"]
    assert shown["VI: vision impairment"] == "c" and forum.figure is not None
    assert not any("VI: vision" in str(y) for trace in forum.figure.data for y in (trace.y or ()))
    assert staff.table.set_index("Group").loc["VI: vision impairment", "Heard from"] == 8
    assert staff.suppression_note is None and not staff.notes


LEVEL_TILES = [
    ("Micro (individual) reach, 2025/26 year to date (26 activities)", "13.3%", "target 20.0% (not met)"),
    ("Meso (services) reach, 2025/26 year to date (26 activities)", "3.3%", "target 5.0% (not met)"),
    ("Macro (strategic) reach, 2025/26 year to date (26 activities)", "0.8%", "target 1.0% (not met)"),
]
GAP_LINES = (
    "Children on SEN support are 82.1% of children and young people with SEND but 29.3% of those we heard",
    "Children whose main need is speech, language and communication needs (SLCN) are 20.5% of children",
    "Children whose main need is moderate learning difficulty (MLD) are 19.9% of children",
)


@pytest.mark.parametrize("role", [OFFICER, COMMISSIONER, FORUM])
def test_the_headlines_say_what_the_overview_said(demo_store: Store, config: Config, role: str) -> None:
    """The figures the Overview's reach and commitments sections showed before the views layer (on the demo)."""
    audience = Audience.of(role, config)
    filters = Filters(as_of=AS_OF)
    headline = reach_views.reach_headline(demo_store, config, filters, audience)
    # A rate times the cohort is the number heard from: the forum gets no level tiles.
    assert [(m.label, m.value, m.delta) for m in headline.metrics] == ([] if role == FORUM else LEVEL_TILES)
    assert not any(m.arrow for m in headline.metrics)  # a target, not a change up or down
    assert len(headline.sentences) == 3
    assert all(line.startswith(head) for line, head in zip(headline.sentences, GAP_LINES, strict=True))
    shown = {spec.key for spec in views_for(audience)}
    assert "reach_gaps.headline" in shown and ("commitments.headline" in shown) == (role != FORUM)
    tiles = commitment_views.commitments_headline(demo_store, config, filters, audience)
    assert [(m.label, m.value) for m in tiles.metrics] == [
        ("▲ Red", "15"),
        ("◆ Amber", "4"),
        ("● Green", "3"),
        ("■ Complete", "7"),
    ]
    assert list(tiles.sentences) == [
        # Each named by its title with who leads it ("B-C05 (Designated Clinical Officer)" read as if the officer
        # were the commitment's name).
        "15 exceptions (red or overdue) for the board: A useful Local Offer (led by Local Offer Manager); "
        "Hold services to account for feedback (led by Designated Clinical Officer); Partnerships: education, "
        "health, care and parent carer groups (led by Participation and Engagement Team Manager); Build "
        "relationships between services (led by SEND Participation Officer); Easy-read versions of key "
        "documents (led by Integrated Commissioning Manager) …"
    ]


def test_headlines_say_what_to_load_when_nothing_is(store: Store, config: Config) -> None:
    audience = Audience.of(OFFICER, config)
    assert reach_views.reach_headline(store, config, Filters(), audience).missing == (
        "No engagement is recorded yet: officers record activities on Participation reach."
    )
    assert commitment_views.commitments_headline(store, config, Filters(), audience).missing == (
        "No commitments are recorded yet: officers add them on Commitments."
    )
    assert reach_views.gaps_by_provision(store, config, Filters(), audience) is None
    assert commitment_views.burn_up(store, config, Filters(), audience) is None


def test_the_exceptions_view_holds_every_red_or_overdue_commitment_and_only_those(
    demo_store: Store, config: Config
) -> None:
    audience = Audience.of(COMMISSIONER, config)
    view = commitment_views.exception_list(demo_store, config, Filters(as_of=AS_OF), audience)
    tracker = commitments.query_tracker(demo_store, AS_OF, config.commitments.green_ratio, config.commitments.red_ratio)
    late = set(tracker.loc[(tracker["rag"] == commitments.RED) | tracker["overdue"], "reference"])
    assert late and view.table is not None and set(view.table["Reference"]) == late
    assert view.figure is not None
    # Each row named by the commitment's title (wrapped) and owner, as the board reads it: no reference code.
    drawn = {label.replace("<br>", " ") for trace in view.figure.data if trace.type == "bar" for label in trace.y}
    named = tracker[tracker["reference"].isin(late)]
    assert drawn == {f"{row.title} <i>{row.owner}</i>" for row in named.itertuples()}
    assert not any(reference in label for reference in late for label in drawn)


def test_the_tracker_views_follow_the_chosen_filters_and_sort(demo_store: Store, config: Config) -> None:
    audience = Audience.of(OFFICER, config)
    choice = CommitmentChoice(rags=(commitments.RED,), sort="Reference")
    filters = Filters(as_of=AS_OF, commitments=choice)
    listed = commitment_views.tracker_table(demo_store, config, filters, audience)
    assert listed.table is not None and not listed.table.empty
    assert set(listed.table["RAG"].str.removesuffix(" (set by an officer)")) == {commitments.rag_label(commitments.RED)}
    assert list(listed.table["Ref"]) == sorted(listed.table["Ref"])
    timeline = commitment_views.timeline(demo_store, config, filters, audience)
    assert timeline is not None and timeline.table is not None
    assert set(timeline.table["Ref"]) == set(listed.table["Ref"])
    chosen = commitment_views.progress(
        demo_store, config, Filters(as_of=AS_OF, commitments=CommitmentChoice(reference="B-W09")), audience
    )
    assert chosen is not None and chosen.title == "B-W09: progress over time"


def test_every_chart_view_of_these_pages_is_in_the_pack_with_a_slide_title(demo_store: Store, config: Config) -> None:
    audience = Audience.of(OFFICER, config)
    for url_path in ("participation", "reach_gaps", "commitments"):
        for spec in page(url_path).views:
            view = spec.build(demo_store, config, Filters(as_of=AS_OF), audience)
            assert view is not None and view.key == spec.key and view.title
            if spec.key == "commitments.progress":  # one commitment, chosen on the page: not a slide
                assert not spec.in_pack
            elif view.figure is not None:
                assert spec.in_pack and len(view.title) <= 60 and view.summary, spec.key
            else:
                assert not spec.in_pack, spec.key
