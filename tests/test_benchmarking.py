"""Benchmarking against every local authority (sendlib/benchmark.py): the rank and its words, ties, quarters at
their edges, the direction words, missing figures, the statistical neighbours and their average, and the
distribution figure's data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sendlib import benchmark, geography
from sendlib.benchmark import Standing, neighbours_average, ordinal, quartile_of, standing
from sendlib.palette import OTHER_AREAS, VERMILLION


def frame(values: list[float | None], names: list[str] | None = None) -> pd.DataFrame:
    """One row per LA: keys 'A', 'B', … (or the names given) with these values."""
    keys = names or [f"LA{i:03d}" for i in range(len(values))]
    return pd.DataFrame({"area_key": keys, "value": values, "area_name": [f"Area {key}" for key in keys]})


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (113, "113th"),
        (153, "153rd"),
    ],
)
def test_ordinals(number: int, words: str) -> None:
    assert ordinal(number) == words


def test_rank_counts_from_the_highest_and_ours_is_twelfth_of_153() -> None:
    values = frame([float(200 - i) for i in range(153)])  # LA000 highest … LA152 lowest, all different
    found = standing(values, "LA011", direction="none", scope="England")
    assert found == Standing(
        value=189.0,
        position=12,
        of=153,
        tied=1,
        quartile=1,
        scope="England",
        direction="none",
        words="12th highest of 153 local authorities in England (highest quarter)",
    )
    top = standing(values, "LA000", direction="none", scope="England")
    assert top is not None and top.position == 1 and top.words.startswith("highest of 153 ")
    bottom = standing(values, "LA152", direction="none", scope="England")
    assert bottom is not None and bottom.position == 153 and bottom.from_lowest == 1
    assert bottom.words == "lowest of 153 local authorities in England (lowest quarter)"
    second_lowest = standing(values, "LA151", direction="none", scope="England")
    assert second_lowest is not None and second_lowest.words.startswith("2nd lowest of 153 ")
    middle = standing(values, "LA076", direction="none", scope="England")  # the median: 77th from either end
    assert middle is not None and middle.rank_words == "77th highest of 153"


def test_ties_share_the_best_position_and_the_next_skips_past_them() -> None:
    # 150 LAs: two highest, then three joint 3rd, then 5 … all different.
    values = frame([100.0, 99.0, 98.0, 98.0, 98.0, *(float(90 - i) for i in range(145))])
    joint = [standing(values, key, direction="none", scope="England") for key in ("LA002", "LA003", "LA004")]
    assert {(s.position, s.tied) for s in joint if s} == {(3, 3)}
    assert joint[0] is not None and joint[0].words.startswith("joint 3rd highest of 150 local authorities")
    after = standing(values, "LA005", direction="none", scope="England")
    assert after is not None and after.position == 6 and after.tied == 1  # competition ranking: 1, 2, 3, 3, 3, 6
    # A tie at the bottom counts from the lowest: three joint lowest.
    low = frame([*(float(50 + i) for i in range(10)), 1.0, 1.0, 1.0])
    found = standing(low, "LA011", direction="none", scope="England")
    assert found is not None and found.position == 11 and found.from_lowest == 1
    assert found.rank_words == "joint lowest of 13"
    # Everyone equal: all joint highest, in the first quarter.
    same = standing(frame([7.0] * 8), "LA005", direction="none", scope="England")
    assert same is not None and (same.position, same.tied, same.quartile) == (1, 8, 1)
    assert same.rank_words == "joint highest of 8"


@pytest.mark.parametrize(
    ("of", "quarters"),
    [
        (4, [1, 2, 3, 4]),
        (5, [1, 1, 2, 3, 4]),
        (8, [1, 1, 2, 2, 3, 3, 4, 4]),
    ],
)
def test_quarters_with_few_areas(of: int, quarters: list[int]) -> None:
    values = frame([float(100 - i) for i in range(of)])
    found = [standing(values, f"LA{i:03d}", direction="none", scope="England") for i in range(of)]
    assert [s.quartile for s in found if s] == quarters


def test_quarters_of_153_are_39_38_38_38_and_their_edges() -> None:
    sizes = [sum(1 for p in range(1, 154) if quartile_of(p, 153) == q) for q in (1, 2, 3, 4)]
    assert sizes == [39, 38, 38, 38]
    assert [quartile_of(p, 153) for p in (39, 40, 77, 78, 115, 116, 153)] == [1, 2, 2, 3, 3, 4, 4]
    with pytest.raises(ValueError):
        quartile_of(154, 153)


def test_a_tie_across_a_quarter_edge_takes_the_quarter_of_its_shared_position() -> None:
    # Eight LAs; the 2nd, 3rd and 4th equal: all joint 2nd, so all in the first quarter (positions 1–2).
    values = frame([10.0, 9.0, 9.0, 9.0, 5.0, 4.0, 3.0, 2.0])
    assert {standing(values, f"LA00{i}", direction="none", scope="England").quartile for i in (1, 2, 3)} == {1}


def test_fewer_than_four_areas_are_not_ranked() -> None:
    assert standing(frame([3.0, 2.0, 1.0]), "LA000", direction="none", scope="England") is None
    assert standing(frame([3.0, 2.0, 1.0, None, None]), "LA000", direction="none", scope="England") is None
    assert standing(frame([4.0, 3.0, 2.0, 1.0]), "LA000", direction="none", scope="England") is not None


def test_direction_words_say_best_and_worst_only_when_the_measure_has_a_direction() -> None:
    values = frame([float(100 - i) for i in range(153)])
    top_up = standing(values, "LA000", direction="higher_is_better", scope="England")
    top_down = standing(values, "LA000", direction="lower_is_better", scope="England")
    top_none = standing(values, "LA000", direction="none", scope="England")
    assert top_up is not None and top_up.words.endswith("(best quarter: higher is better)")
    assert top_down is not None and top_down.words.endswith("(worst quarter: lower is better)")
    assert top_none is not None and top_none.words.endswith("(highest quarter)")
    low_down = standing(values, "LA152", direction="lower_is_better", scope="England")
    assert low_down is not None and low_down.words.endswith("(best quarter: lower is better)")
    second = standing(values, "LA050", direction="higher_is_better", scope="England")
    assert second is not None and second.quartile == 2 and "(second-best quarter: higher is better)" in second.words
    for key in ("LA000", "LA050", "LA100", "LA152"):
        words = standing(values, key, direction="none", scope="England").words  # type: ignore[union-attr]
        assert not any(judgement in words for judgement in ("best", "worst", "good", "bad", "better"))
    with pytest.raises(ValueError):
        standing(values, "LA000", direction="up", scope="England")  # type: ignore[arg-type]


def test_the_scope_is_named_england_or_the_region() -> None:
    values = frame([float(12 - i) for i in range(12)])
    found = standing(values, "LA003", direction="none", scope="North East")
    assert found is not None
    assert found.words == "4th highest of 12 local authorities in the North East region (upper-middle quarter)"


def test_missing_figures_are_left_out_and_ours_missing_gives_no_rank() -> None:
    values = frame([10.0, None, 8.0, float("nan"), 6.0, 5.0, 4.0])
    assert standing(values, "LA001", direction="none", scope="England") is None  # ours has no figure
    assert standing(values, "unknown", direction="none", scope="England") is None
    found = standing(values, "LA002", direction="none", scope="England")
    assert found is not None and (found.position, found.of) == (2, 5)  # the two without a figure not counted
    assert standing(pd.DataFrame(columns=["area_key", "value"]), "LA000", direction="none", scope="England") is None


def test_a_hidden_figure_cannot_be_read_back_from_our_rank() -> None:
    """Hiding another LA's small count (hide_small_counts) leaves it out of the rank and the count: ours is the
    same whether that LA's hidden figure was above or below ours."""
    ours = 40.0
    ranks = set()
    for hidden in (2.0, 4.0, 1.0):  # the small count could be any of these; ours reads the same
        values = frame([100.0, 90.0, ours, hidden, 30.0, 20.0, 10.0])
        shown = benchmark.hide_small_counts(values, threshold=5)
        found = standing(shown, "LA002", direction="none", scope="England")
        assert found is not None
        ranks.add((found.position, found.of, found.words))
    assert ranks == {(3, 6, "3rd highest of 6 local authorities in England (upper-middle quarter)")}
    # A small count of ours is hidden too: no rank at all.
    assert (
        standing(
            benchmark.hide_small_counts(frame([3.0, 9.0, 8.0, 7.0, 6.0]), 5), "LA000", direction="none", scope="England"
        )
        is None
    )
    # Threshold 0 hides nothing; without() hides the named areas' figures.
    assert benchmark.hide_small_counts(frame([3.0]), 0)["value"].tolist() == [3.0]
    assert benchmark.without(frame([1.0, 2.0]), ["LA001"])["value"].isna().tolist() == [False, True]


def test_neighbours_average_is_the_mean_of_those_with_a_figure() -> None:
    values = frame([10.0, 20.0, None, 60.0, 5.0], names=["807", "393", "805", "372", "999"])
    assert neighbours_average(values, ["807", "393", "805", "372"]) == pytest.approx(30.0)
    assert benchmark.neighbours_with_figures(values, ["807", "393", "805", "372"]) == 3
    assert neighbours_average(values, ["805"]) is None
    assert neighbours_average(values, []) is None
    assert neighbours_average(values, ["807", "807"]) == pytest.approx(10.0)  # each neighbour once


def test_statistical_neighbours_are_dfes_in_rank_order() -> None:
    sunderland = geography.statistical_neighbours("394")
    assert [area.name for area in sunderland] == [
        "Redcar and Cleveland",
        "South Tyneside",
        "Hartlepool",
        "Rotherham",
        "Tameside",
        "Torbay",
        "Gateshead",
        "County Durham",
        "Barnsley",
        "Rochdale",
    ]
    assert [area.old_la_code for area in sunderland][:3] == ["807", "393", "805"]
    assert all(area.level == "Local authority" for area in sunderland)
    closeness = geography.neighbours_of("394")
    assert [n.rank for n in closeness] == list(range(1, 11))
    assert {n.closeness for n in closeness} <= {"Extremely close", "Very close", "Close", "Somewhat close", "Not close"}
    # Barnsley (370) is the area in force today (E08000038), whichever code a file gives it.
    assert next(a for a in sunderland if a.old_la_code == "370").code == "E08000038"
    assert geography.statistical_neighbours("999") == []
    # Every LA in force has ten neighbours, all of them in force.
    current = {area.old_la_code for area in geography.local_authorities()}
    assert len(current) == 153
    assert all(len(geography.statistical_neighbours(code)) == 10 for code in current if code)
    assert all(
        area.old_la_code in current for code in current if code for area in geography.statistical_neighbours(code)
    )


def test_the_neighbours_reference_is_shipped_in_the_project() -> None:
    shipped = geography.REFERENCE_DIR / geography.STATISTICAL_NEIGHBOURS_FILE
    header = shipped.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "old_la_code,la_name,rank,neighbour_old_la_code,neighbour_la_name,closeness"


# -- the distribution -------------------------------------------------------------------------------------------
def distribution_values() -> pd.DataFrame:
    areas = geography.local_authorities()
    return pd.DataFrame(
        {
            "area_key": [area.old_la_code for area in areas],
            "area_name": [area.name for area in areas],
            "value": [round(2 + (i * 37 % 153) / 40, 1) for i in range(len(areas))],
        }
    )


def test_the_distribution_draws_every_la_sorted_with_ours_highlighted_and_named() -> None:
    values = distribution_values()
    values.loc[values["area_key"] == "201", "value"] = None  # one LA without a figure: not drawn
    fig = benchmark.build_distribution(
        values,
        "394",
        title="Pupils with an EHC plan, every local authority",
        value_label="% of pupils with an EHC plan",
        source="Source: test",
        references=[("England", 4.8), ("North East", 5.1), (benchmark.NEIGHBOURS_AVERAGE, None)],
        suffix="%",
    )
    bars = [trace for trace in fig.data if trace.type == "bar"]
    others, ours = bars
    assert len(others.x) + len(ours.x) == 152  # every LA with a figure, once
    assert others.marker.color == OTHER_AREAS and ours.marker.color == VERMILLION
    drawn = sorted([*zip(others.x, others.y), *zip(ours.x, ours.y)])
    heights = [y for _, y in drawn]
    assert heights == sorted(heights, reverse=True)  # highest on the left
    sunderland = float(values.loc[values["area_key"] == "394", "value"].iloc[0])
    assert list(ours.y) == [sunderland] and "Sunderland" in ours.name
    assert ours.x[0] == 1 + sum(1 for y in heights if y > sunderland)  # its place among them
    label = next(a for a in fig.layout.annotations if a.name == "ours")
    assert "Sunderland" in label.text and f"{sunderland:.1f}%" in label.text
    marker = next(t for t in fig.data if t.type == "scatter" and t.mode == "markers")
    assert marker.marker.symbol == "diamond"  # not colour alone
    lines = [t for t in fig.data if t.type == "scatter" and t.mode == "lines"]
    assert [t.name for t in lines] == ["England: 4.8%", "North East: 5.1%"]  # a reference without a value: none
    assert len({t.line.dash for t in lines}) == 2
    assert fig.layout.xaxis.title.text == "152 local authorities, highest to lowest"
    assert fig.layout.yaxis.range[1] > max(heights)  # room above the highest bar for our label


def test_the_distribution_label_stays_on_the_side_with_room() -> None:
    values = frame([float(100 - i) for i in range(20)])
    first = benchmark.build_distribution(values, "LA000", title="t", value_label="v")
    last = benchmark.build_distribution(values, "LA019", title="t", value_label="v")
    label = next(a for a in first.layout.annotations if a.name == "ours")
    assert label.xanchor == "left" and label.ax > 0
    label = next(a for a in last.layout.annotations if a.name == "ours")
    assert label.xanchor == "right" and label.ax < 0


def test_the_distribution_without_ours_still_draws_the_others() -> None:
    values = frame([5.0, 4.0, 3.0, 2.0])
    fig = benchmark.build_distribution(values, "missing", title="t", value_label="v")
    assert [len(t.x) for t in fig.data if t.type == "bar"] == [4]
    assert not [a for a in fig.layout.annotations if a.name == "ours"]
    assert math.isclose(fig.layout.yaxis.range[1], 5.0 / 0.7)
