"""The stakeholder grid: geometry, history, validation and the figure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendlib import stakeholders as sh
from sendlib.auth import COMMISSIONER, FORUM, Actor, PermissionDenied
from sendlib.config import Config, StakeholderConfig
from sendlib.export import figure_to_image
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

GRID = StakeholderConfig()


@pytest.mark.parametrize(
    ("influence", "importance", "quadrant"),
    [
        (9, 9, "Manage closely"),
        (9, 1, "Keep satisfied"),
        (1, 9, "Keep informed"),
        (1, 1, "Monitor"),
        (5, 5, "Manage closely"),  # exactly on both mid-lines: high, as documented
        (5, 4.99, "Keep satisfied"),
        (4.99, 5, "Keep informed"),
        (0, 0, "Monitor"),
        (10, 10, "Manage closely"),
    ],
)
def test_quadrant_boundaries(influence: float, importance: float, quadrant: str) -> None:
    assert sh.quadrant_of(influence, importance, GRID) == quadrant


def test_distance_is_straight_line() -> None:
    assert sh.distance((0, 0), (3, 4)) == 5


@pytest.fixture
def grid_store(store: Store) -> tuple[Store, int]:
    group = sh.add_group(
        store,
        TEST_OFFICER,
        name="Young people using services",
        short_name="CYP using",
        description="",
        kind="children and young people",
        engagement="engage",
    )
    sh.record_assessment(
        store,
        TEST_OFFICER,
        group_id=group,
        assessed_on=date(2024, 1, 10),
        influence=2,
        importance=8,
        assessed_by="Jo",
        note="first",
    )
    sh.record_assessment(
        store,
        TEST_OFFICER,
        group_id=group,
        assessed_on=date(2025, 1, 10),
        influence=4,
        importance=8,
        assessed_by="Jo",
        note="second",
    )
    sh.set_target(
        store,
        TEST_OFFICER,
        group_id=group,
        influence=8,
        importance=8,
        target_date=date(2026, 3, 31),
        reason="The strategy's priority group",
        set_on=date(2024, 1, 1),
    )
    return store, group


def test_latest_assessment_is_current_and_earlier_ones_are_the_trail(grid_store) -> None:
    store, _ = grid_store
    row = sh.query_grid(store, date(2025, 6, 1), GRID).iloc[0]
    assert (row["influence"], row["prev_influence"]) == (4, 2)
    assert row["quadrant"] == "Keep informed" and row["target_quadrant"] == "Manage closely"
    assert row["distance_to_target"] == 4.0 and row["moved"] == 2.0
    assert row["status"] == "Moving towards target"
    assert len(sh.query_trails(store, date(2025, 6, 1))) == 2


def test_grid_as_it_stood_on_a_past_date(grid_store) -> None:
    store, _ = grid_store
    then = sh.query_grid(store, date(2024, 6, 1), GRID).iloc[0]
    assert then["influence"] == 2 and then["status"] == "Not on track"  # no earlier assessment to move from
    assert sh.query_grid(store, date(2023, 6, 1), GRID).empty
    assert "No stakeholder group had been assessed by 01 June 2023" in sh.summarise_grid(
        sh.query_grid(store, date(2023, 6, 1), GRID), date(2023, 6, 1)
    )


def test_a_new_assessment_moves_the_point_and_keeps_the_history(grid_store) -> None:
    store, group = grid_store
    sh.record_assessment(
        store, TEST_OFFICER, group_id=group, assessed_on=date(2025, 9, 1), influence=8.5, importance=8, assessed_by="Jo"
    )
    row = sh.query_grid(store, date(2025, 9, 2), GRID).iloc[0]
    assert row["status"] == "In target quadrant"
    assert store.query_value("SELECT count(*) FROM stakeholder_assessments") == 3
    assert "1 of 1 groups with a target are in their target quadrant" in sh.summarise_grid(
        sh.query_grid(store, date(2025, 9, 2), GRID), date(2025, 9, 2)
    )


def test_a_changed_target_keeps_the_old_one(grid_store) -> None:
    store, group = grid_store
    sh.set_target(
        store,
        TEST_OFFICER,
        group_id=group,
        influence=6,
        importance=9,
        target_date=date(2027, 1, 1),
        reason="Revised after review",
        set_on=date(2025, 2, 1),
    )
    assert sh.query_grid(store, date(2025, 1, 15), GRID).iloc[0]["target_influence"] == 8
    assert sh.query_grid(store, date(2025, 3, 1), GRID).iloc[0]["target_influence"] == 6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"influence": 11}, "Influence must be from 0 to 10"),
        ({"importance": -1}, "Importance must be from 0 to 10"),
        ({"influence": float("nan")}, "Influence must be from 0 to 10"),
        ({"assessed_on": date.today() + timedelta(days=2)}, "The assessment date must be between"),
        ({"assessed_on": date(1999, 12, 31)}, "The assessment date must be between"),
        ({"assessed_by": "   "}, "Who assessed is required"),
        ({"note": "x" * 2001}, "keep it to 2,000"),
    ],
)
def test_assessment_validation(grid_store, kwargs: dict, message: str) -> None:
    store, group = grid_store
    before = store.query_value("SELECT count(*) FROM stakeholder_assessments")
    values = {
        "group_id": group,
        "assessed_on": date(2025, 2, 1),
        "influence": 5,
        "importance": 5,
        "assessed_by": "Jo",
        "note": "",
    } | kwargs
    with pytest.raises(sh.StakeholderError, match=message):
        sh.record_assessment(store, TEST_OFFICER, **values)
    assert store.query_value("SELECT count(*) FROM stakeholder_assessments") == before


def test_group_names_keep_markup_as_text_and_strip_control_characters(store: Store) -> None:
    group = sh.add_group(
        store,
        TEST_OFFICER,
        name="<script>alert('x')</script>\x07 Forum 🎉",
        description="",
        kind="parent carers",
        engagement="keep informed",
    )
    name = store.query_value("SELECT name FROM stakeholder_groups WHERE group_id = ?", [group])
    assert name == "<script>alert('x')</script> Forum 🎉"
    with pytest.raises(sh.StakeholderError, match="already a group"):
        sh.add_group(store, TEST_OFFICER, name=name.upper(), description="", kind="other", engagement="engage")
    with pytest.raises(sh.StakeholderError, match="name is required"):
        sh.add_group(store, TEST_OFFICER, name=" \t", description="", kind="other", engagement="engage")
    sh.record_assessment(
        store, TEST_OFFICER, group_id=group, assessed_on=date(2025, 1, 1), influence=3, importance=7, assessed_by="Jo"
    )
    fig = sh.build_grid_chart(
        sh.query_grid(store, date(2025, 1, 2), GRID),
        sh.query_trails(store, date(2025, 1, 2)),
        GRID,
        as_of=date(2025, 1, 2),
        source="s",
        height=600,
    )
    # The names are in the key under the grid (the marks carry numbers), and in the hover.
    labels = [text for trace in fig.data if trace.text is not None for text in trace.text]
    labels += [annotation.text for annotation in fig.layout.annotations]
    assert any("&lt;script&gt;" in label for label in labels) and not any("<script>" in label for label in labels)


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_only_officers_edit_the_grid(grid_store, role: str) -> None:
    store, group = grid_store
    with pytest.raises(PermissionDenied):
        sh.record_assessment(
            store,
            Actor("x", role),
            group_id=group,
            assessed_on=date(2025, 1, 1),
            influence=1,
            importance=1,
            assessed_by="x",
        )


def test_demo_grid_has_the_strategy_groups_and_targets(demo_store: Store) -> None:
    grid = sh.query_grid(demo_store, date.today(), GRID).set_index("short_name")
    assert len(grid) == 6
    assert grid.loc["CYP using services", "target_quadrant"] == "Manage closely"
    assert grid.loc["Parents and carers", "target_quadrant"] == "Keep informed"
    assert grid.loc["CYP not using services", "target_quadrant"] == "Keep satisfied"
    assert grid.loc["Practitioners", "target_quadrant"] == "Monitor"


def test_figure_has_quadrants_kinds_trails_targets_and_exports_as_png(demo_store: Store) -> None:
    today = date.today()
    grid = sh.query_grid(demo_store, today, GRID)
    fig = sh.build_grid_chart(
        grid, sh.query_trails(demo_store, today), GRID, as_of=today, source="Source: demo", height=700
    )
    annotations = [a.text for a in fig.layout.annotations]
    assert {"<b>Manage closely</b>", "<b>Keep satisfied</b>", "<b>Keep informed</b>", "<b>Monitor</b>"} <= set(
        annotations
    )
    assert "Source: demo" in annotations
    # The quadrants' names in bands beyond the 0–10 square every group (and its number) is drawn in.
    names = [a for a in fig.layout.annotations if str(a.text).startswith("<b>")]
    assert len(names) == 4 and all(a.y > 10.5 or a.y < -0.5 for a in names)
    kinds = {trace.name: trace.marker.symbol for trace in fig.data if not str(trace.name).startswith("trail")}
    assert kinds["Children and young people"] == "circle" and kinds["Parent carers"] == "square"
    assert "Target" in kinds
    assert sum(1 for a in fig.layout.annotations if a.showarrow) == 6  # an arrow to each group's target
    png = figure_to_image(fig, width=900, height=600)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_the_quadrant_names_are_said_in_plain_words_wherever_the_grid_is_shown(demo_store: Store) -> None:
    from sendlib.views import Audience, Filters
    from sendlib.views import stakeholders as stakeholder_views

    config = Config()
    audience, filters = Audience.of("forum", config), Filters(as_of=date(2025, 6, 1))
    meaning = sh.quadrant_meanings(config.stakeholders)
    for corner in ("Manage closely =", "Keep satisfied =", "Keep informed =", "Monitor ="):
        assert corner in meaning
    assert meaning in stakeholder_views.grid(demo_store, config, filters, audience).notes
    headline = stakeholder_views.headline(demo_store, config, filters, audience)
    assert headline.sentences and headline.notes == (meaning,)  # the Overview's "Away: … (A → B)" is explained
