"""Small-number suppression (sendlib.suppression): hand-worked cases, then properties over random tables.

The properties check the contract from the outside, reading only the displayed table: what is shown is
true, every small count is hidden, and no hidden count can be worked back from the totals shown, neither
from one total (the classic check) nor from several combined (exact linear algebra over fractions).
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendlib.codes import PUBLISHED_SYMBOLS
from sendlib.suppression import (
    SUPPRESSED,
    SuppressedTable,
    suppress_series,
    suppress_shares,
    suppress_table,
    suppression_note,
)

T = "Total"


def frame(rows: list[list[object]], index: list[str] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index, columns=columns, dtype=object)


def cells(table: pd.DataFrame) -> list[list[object]]:
    return table.to_numpy(dtype=object).tolist()


# -- hand-worked cases -------------------------------------------------------------------------------------


def test_nothing_small_is_unchanged_and_has_no_note() -> None:
    counts = frame([[10, 20], [30, 0]], index=["ASD", "HI"], columns=["SEN support", "EHC plan"])
    result = suppress_table(counts, row_totals=True, column_totals=True, grand_total=True)
    assert cells(result.table) == [[10, 20, 30], [30, 0, 30], [40, 20, 60]]
    assert list(result.table.index) == ["ASD", "HI", T]
    assert list(result.table.columns) == ["SEN support", "EHC plan", T]
    assert not result.hidden.to_numpy().any()
    assert result.note is None


def test_no_margins_means_only_primary_suppression() -> None:
    result = suppress_table(frame([[3, 10, 20]]))
    assert cells(result.table) == [[SUPPRESSED, 10, 20]]


def test_single_small_cell_with_row_total_hides_the_smallest_other_cell() -> None:
    result = suppress_table(frame([[3, 12, 10, 20]]), row_totals=True)
    assert cells(result.table) == [[SUPPRESSED, 12, SUPPRESSED, 20, 45]]
    assert result.hidden.to_numpy().tolist() == [[True, False, True, False]]
    assert result.note == suppression_note(5)


def test_row_and_column_totals_protect_in_both_directions() -> None:
    counts = frame([[3, 10, 20], [12, 15, 30], [9, 8, 40]])
    result = suppress_table(counts, row_totals=True, column_totals=True, grand_total=True)
    c = SUPPRESSED
    # Row 0: 3 is small, 10 its complement; column 0 then needs 9, column 1 needs 8: a hidden rectangle.
    assert cells(result.table) == [
        [c, c, 20, 33],
        [12, 15, 30, 57],
        [c, c, 40, 57],
        [24, 33, 90, 147],
    ]


def test_threshold_zero_hides_nothing() -> None:
    result = suppress_table(frame([[1, 2], [3, 0]]), threshold=0, row_totals=True, column_totals=True, grand_total=True)
    assert cells(result.table) == [[1, 2, 3], [3, 0, 3], [4, 2, 6]]
    assert not result.hidden.to_numpy().any()
    assert result.note is None


def test_threshold_boundary() -> None:
    result = suppress_table(frame([[5, 6, 0]]))
    assert cells(result.table) == [[SUPPRESSED, 6, 0]]
    assert suppress_table(frame([[5, 6, 0]]), threshold=6).table.iat[0, 1] == SUPPRESSED
    assert suppress_table(frame([[1, 6, 0]]), threshold=1).table.iat[0, 0] == SUPPRESSED


def test_published_symbols_pass_through_and_totals_over_them_are_not_available() -> None:
    counts = frame([["c", 12, "z"], [7, 8, 9], ["low", ":", "~"]])
    result = suppress_table(counts, row_totals=True)
    assert cells(result.table) == [["c", 12, "z", "x"], [7, 8, 9, 24], ["low", ":", "~", "x"]]
    assert result.hidden.to_numpy().tolist() == [[True, False, True], [False] * 3, [True] * 3]
    assert result.note == (
        suppression_note(5) + " x = not available. z = not applicable. low = rounds to 0."
        " : = not available. ~ = rounds to 0."
    )


def test_symbols_count_as_hidden_without_a_total() -> None:
    result = suppress_table(frame([["u", 40]]))
    assert cells(result.table) == [["u", 40]]
    assert result.note == "u = low reliability."


def test_only_zeros_beside_a_small_cell_hides_the_row_total() -> None:
    result = suppress_table(frame([[3, 0, 0], [10, 12, 14]]), row_totals=True)
    assert cells(result.table) == [[SUPPRESSED, 0, 0, SUPPRESSED], [10, 12, 14, 36]]


def test_a_large_total_is_hidden_when_its_row_has_no_other_non_zero_cell() -> None:
    # Column 0 picks 9 as 2's complement; row 1 is then 9 beside a 0, so its total (9, not small) is hidden.
    # Column 1 likewise: 7 beside a 0, so its total is hidden (and 7 is not small either).
    result = suppress_table(frame([[2, 7], [9, 0]]), row_totals=True, column_totals=True)
    c = SUPPRESSED
    assert cells(result.table) == [[c, c, 9], [c, 0, c], [11, c, None]]


def test_small_totals_are_hidden_too() -> None:
    result = suppress_table(frame([[2, 2], [20, 30]]), row_totals=True, threshold=5)
    assert cells(result.table) == [[SUPPRESSED, SUPPRESSED, SUPPRESSED], [20, 30, 50]]


def test_missing_cells_stay_missing_and_do_not_protect() -> None:
    # The blank reads as nothing, so 3 would be the total minus 20: 20 is hidden as well.
    result = suppress_table(frame([[3, None, 20]]), row_totals=True)
    assert cells(result.table) == [[SUPPRESSED, None, SUPPRESSED, 23]]
    assert result.hidden.to_numpy().tolist() == [[True, False, True]]
    floats = pd.DataFrame({"a": [3.0, float("nan")], "b": [10.0, 12.0]})
    assert cells(suppress_table(floats).table) == [[SUPPRESSED, 10], [None, 12]]


def test_grand_total_alone_is_a_constraint() -> None:
    result = suppress_table(frame([[3, 40], [50, 60]]), grand_total=True)
    assert cells(result.table) == [[SUPPRESSED, SUPPRESSED, None], [50, 60, None], [None, None, 153]]


def test_series_with_total() -> None:
    counts = pd.Series([3, 0, 0, 12, 40], index=["DS", "HI", "VI", "PD", "ASD"], name="EHC plan")
    shown = suppress_series(counts)
    assert shown.tolist() == [SUPPRESSED, 0, 0, SUPPRESSED, 40, 55]
    assert list(shown.index) == ["DS", "HI", "VI", "PD", "ASD", T]
    assert shown.name == "EHC plan"
    assert suppress_series(pd.Series([3, 0, 0])).tolist() == [SUPPRESSED, 0, 0, SUPPRESSED]
    assert suppress_series(counts, total_shown=False).tolist() == [SUPPRESSED, 0, 0, 12, 40]


def test_percentages_of_hidden_counts_are_hidden() -> None:
    counts = pd.Series([3, 12, 40], index=["DS", "PD", "ASD"])
    shares = 100 * counts / counts.sum()
    shown = suppress_shares(shares, suppress_series(counts), of="total")
    assert shown.tolist() == [SUPPRESSED, SUPPRESSED, pytest.approx(100 * 40 / 55)]
    mask = pd.Series([True, False, False], index=shares.index)
    assert suppress_shares(shares, mask).tolist()[:2] == [SUPPRESSED, pytest.approx(100 * 12 / 55)]


def test_shares_of_a_hidden_total_are_hidden_even_for_shown_counts() -> None:
    counts = frame([[2, 7], [9, 0]], columns=["SEN support", "EHC plan"])
    result = suppress_table(counts, row_totals=True, column_totals=True)
    column_shares = counts.astype(float) / counts.astype(float).sum()
    shown = suppress_shares(column_shares, result, of="column")
    # Every count here is hidden except the zero; its share of the hidden EHC plan total stays hidden too.
    assert cells(shown) == [[SUPPRESSED] * 2, [SUPPRESSED, SUPPRESSED]]
    row_shares = counts.astype(float).div(counts.astype(float).sum(axis=1), axis=0)
    assert cells(suppress_shares(row_shares, result, of="row"))[1] == [SUPPRESSED, SUPPRESSED]


def test_shares_keep_symbols_and_refuse_unshown_denominators() -> None:
    counts = frame([["x", 30], [20, 40]], columns=["a", "b"])
    result = suppress_table(counts, column_totals=True)
    shares = pd.DataFrame({"a": [0.1, 0.9], "b": [0.4, 0.6]})
    assert cells(suppress_shares(shares, result)) == [["x", 0.4], [0.9, 0.6]]
    # Column a's total is "x" (a symbol is in it), so its shares cannot be shown either.
    assert cells(suppress_shares(shares, result, of="column")) == [["x", 0.4], ["x", 0.6]]
    with pytest.raises(ValueError, match="row_totals=True"):
        suppress_shares(shares, result, of="row")
    with pytest.raises(ValueError, match="labelled differently"):
        suppress_shares(shares.rename(columns={"a": "a %"}), result)


def test_accepts_the_dtypes_pandas_gives() -> None:
    counts = pd.DataFrame(
        {
            "a": pd.array([3, None, 40], dtype="Int64"),
            "b": pd.Series(["c", "x", None], dtype="str"),
            "c": [1.0, float("nan"), 7.0],
        }
    )
    result = suppress_table(counts, row_totals=True)
    assert cells(result.table) == [[SUPPRESSED, "c", SUPPRESSED, "x"], [None, "x", None, "x"], [40, None, 7, 47]]


def test_note_reads_plainly() -> None:
    assert suppression_note(5) == (
        "c = fewer than 6 children, or hidden so that a small number cannot be worked out from the totals."
    )
    assert suppression_note(10).startswith("c = fewer than 11 children")
    assert suppression_note(1).startswith("c = 1 child,")
    assert suppression_note(0) == "c = confidential."  # nothing suppressed here: only the publisher's c


@pytest.mark.parametrize("bad", [-1, 2.5, "7", "C", True])
def test_refuses_what_is_not_a_count(bad: object) -> None:
    with pytest.raises(ValueError):
        suppress_table(frame([[bad, 10]]))


def test_refuses_a_body_that_already_has_totals() -> None:
    with pytest.raises(ValueError, match="body only"):
        suppress_table(frame([[10, 20]], columns=["a", T]), row_totals=True)
    with pytest.raises(ValueError):
        suppress_table(frame([[10, 20]]), threshold=-1)


def test_chains_the_line_rule_misses_are_caught() -> None:
    # Found by search. The line rule alone hides two rectangles, {1,2}×{0,3} and {0,3}×{1,2}, plus 8 at
    # (2, 2), which links them: every row and column then has two or more hidden cells, yet adding rows 1
    # and 2 and subtracting columns 0 and 3 gives 8 exactly. The audit hides 22 at (1, 2) as well.
    counts = frame([[36, 35, 21, 29], [5, 38, 22, 3], [5, 0, 8, 8], [22, 7, 5, 0]])
    result = suppress_table(counts, row_totals=True, column_totals=True)
    c = SUPPRESSED
    assert cells(result.table) == [
        [36, c, c, 29, 121],
        [c, 38, c, c, 68],
        [c, 0, c, c, 21],
        [22, c, c, 0, 34],
        [68, 80, 56, 40, None],
    ]
    assert _solvable_hidden(counts, result, True, True, False) == []


def test_a_hidden_small_total_is_protected_from_the_implied_grand_total() -> None:
    # Row and column totals together imply the grand total (both sum to it), so a lone hidden row total
    # could be worked out as (sum of column totals) − (other row totals). A second row total is hidden.
    counts = frame([[2, 1, 2], [32, 6, 0], [14, 17, 7]])
    result = suppress_table(counts, row_totals=True, column_totals=True)
    c = SUPPRESSED
    assert cells(result.table) == [[c, c, c, c], [c, c, 0, c], [c, 17, c, 38], [48, 24, 9, None]]
    assert _solvable_hidden(counts, result, True, True, False) == []


# -- properties --------------------------------------------------------------------------------------------

SYMBOLS = sorted(PUBLISHED_SYMBOLS)


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, int, bool, bool, bool]:
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    extras = draw(st.booleans())  # half the tables have symbols and missing cells, half only counts

    def cell(kind: int) -> st.SearchStrategy[object]:
        if extras and kind == 0:
            return st.sampled_from(SYMBOLS)
        if extras and kind == 1:
            return st.none()
        return st.integers(0, 7) if kind < 25 else st.integers(0, 40)

    cell_strategy = st.integers(0, 59).flatmap(cell)
    rows = draw(st.lists(st.lists(cell_strategy, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows))
    return (frame(rows), draw(st.integers(0, 10)), draw(st.booleans()), draw(st.booleans()), draw(st.booleans()))


def _true_totals(counts: pd.DataFrame) -> tuple[list[object], list[object], object]:
    """Row sums, column sums and the grand sum as the reader should see them when nothing is hidden."""

    def total(values: list[object]) -> object:
        present = [value for value in values if value is not None]
        if not present:
            return None
        return "x" if any(isinstance(value, str) for value in present) else sum(present)

    body = cells(counts)
    return (
        [total(row) for row in body],
        [total(list(column)) for column in zip(*body, strict=True)] if body else [],
        total([value for row in body for value in row]),
    )


def _figures(
    counts: pd.DataFrame, result: SuppressedTable, row_totals: bool, column_totals: bool, grand_total: bool
) -> list[tuple[object, object, object]]:
    """Every figure of the view as (key, true value, displayed value)."""
    n_rows, n_cols = counts.shape
    shown = cells(result.table)
    body = cells(counts)
    row_sums, column_sums, grand = _true_totals(counts)
    figures = [(("cell", i, j), body[i][j], shown[i][j]) for i in range(n_rows) for j in range(n_cols)]
    if row_totals:
        figures += [(("R", i), row_sums[i], shown[i][n_cols]) for i in range(n_rows)]
    if column_totals:
        figures += [(("C", j), column_sums[j], shown[n_rows][j]) for j in range(n_cols)]
    if grand_total:
        figures.append((("G",), grand, shown[n_rows][n_cols]))
    return figures


def _solvable_hidden(
    counts: pd.DataFrame, result: SuppressedTable, row_totals: bool, column_totals: bool, grand_total: bool
) -> list[object]:
    """Hidden counts (body or total) the shown figures determine exactly: Gaussian elimination over
    fractions on the reader's equations, with only the displayed strings as unknowns."""
    n_rows, n_cols = counts.shape
    figures = _figures(counts, result, row_totals, column_totals, grand_total)
    unknown = [key for key, _, shown in figures if isinstance(shown, str)]
    protected = {key for key, true, shown in figures if shown == SUPPRESSED and isinstance(true, int)}
    position = {key: k for k, key in enumerate(unknown)}
    equations: list[list[tuple[object, int]]] = []
    if row_totals:
        equations += [[*((("cell", i, j), 1) for j in range(n_cols)), (("R", i), -1)] for i in range(n_rows)]
    if column_totals:
        equations += [[*((("cell", i, j), 1) for i in range(n_rows)), (("C", j), -1)] for j in range(n_cols)]
    if grand_total:
        equations.append([*((("cell", i, j), 1) for i in range(n_rows) for j in range(n_cols)), (("G",), -1)])
    matrix = [[Fraction(0)] * len(unknown) for _ in equations]
    for row, equation in zip(matrix, equations, strict=True):
        for key, coefficient in equation:
            if key in position:
                row[position[key]] = Fraction(coefficient)
    # Reduced row echelon form; a figure is determined iff some reduced row is its unit vector.
    pivot_row = 0
    for column in range(len(unknown)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    determined = {
        unknown[next(k for k, value in enumerate(row) if value != 0)]
        for row in matrix
        if sum(value != 0 for value in row) == 1
    }
    return sorted(protected & determined, key=str)


PROPERTY = settings(deadline=None, max_examples=200)


@PROPERTY
@given(tables())
def test_every_shown_figure_is_true(case: tuple[pd.DataFrame, int, bool, bool, bool]) -> None:
    counts, threshold, row_totals, column_totals, grand_total = case
    result = suppress_table(
        counts, threshold=threshold, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    for key, true, shown in _figures(counts, result, row_totals, column_totals, grand_total):
        if not (shown == SUPPRESSED and isinstance(true, int)):
            assert shown == true, key  # shown as it is: a count, its symbol, missing, or "x"
    # The mask is exactly the body's hidden cells, and the note is there exactly when a symbol is shown.
    n_rows, n_cols = counts.shape
    assert result.hidden.to_numpy().tolist() == [
        [isinstance(value, str) for value in row[:n_cols]] for row in cells(result.table)[:n_rows]
    ]
    assert (result.note is None) == (not any(isinstance(value, str) for row in cells(result.table) for value in row))
    # Deterministic: the same table again gives the same answer.
    again = suppress_table(
        counts, threshold=threshold, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    assert cells(again.table) == cells(result.table)


@PROPERTY
@given(tables())
def test_every_small_count_is_hidden(case: tuple[pd.DataFrame, int, bool, bool, bool]) -> None:
    counts, threshold, row_totals, column_totals, grand_total = case
    result = suppress_table(
        counts, threshold=threshold, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    for key, true, shown in _figures(counts, result, row_totals, column_totals, grand_total):
        if isinstance(true, int) and 1 <= true <= threshold:
            assert shown == SUPPRESSED, key
        if threshold == 0:
            assert shown == true, key


@PROPERTY
@given(tables())
def test_no_shown_total_leaves_exactly_one_hidden_figure(case: tuple[pd.DataFrame, int, bool, bool, bool]) -> None:
    counts, threshold, row_totals, column_totals, grand_total = case
    result = suppress_table(
        counts, threshold=threshold, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    n_rows, n_cols = counts.shape
    shown = cells(result.table)

    def check(total: object, parts: list[object]) -> None:
        # Under a total shown as a number, hidden parts (suppressed or published symbols) are 0 or ≥ 2.
        if isinstance(total, int):
            assert sum(isinstance(part, str) for part in parts) != 1, (total, parts)

    if row_totals:
        for i in range(n_rows):
            check(shown[i][n_cols], shown[i][:n_cols])
    if column_totals:
        for j in range(n_cols):
            check(shown[n_rows][j], [shown[i][j] for i in range(n_rows)])
    if grand_total:
        grand = shown[n_rows][n_cols]
        if row_totals:
            check(grand, [shown[i][n_cols] for i in range(n_rows)])
        if column_totals:
            check(grand, shown[n_rows][:n_cols])
        if not (row_totals or column_totals):
            check(grand, [value for row in shown[:n_rows] for value in row[:n_cols]])


@PROPERTY
@given(tables())
def test_no_hidden_count_can_be_solved_for(case: tuple[pd.DataFrame, int, bool, bool, bool]) -> None:
    counts, threshold, row_totals, column_totals, grand_total = case
    result = suppress_table(
        counts, threshold=threshold, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total
    )
    assert _solvable_hidden(counts, result, row_totals, column_totals, grand_total) == []


@PROPERTY
@given(tables(), st.sampled_from(["row", "column", "grand"]))
def test_shares_are_shown_only_beside_shown_counts_and_totals(
    case: tuple[pd.DataFrame, int, bool, bool, bool], of: str
) -> None:
    counts, threshold, _, _, _ = case
    result = suppress_table(counts, threshold=threshold, row_totals=True, column_totals=True, grand_total=True)
    # A share per count, NaN where the count is missing (as dividing a missing count gives).
    shares = counts.map(lambda value: float("nan") if value is None else 0.5).astype(float)
    shown = cells(suppress_shares(shares, result, of=of))
    table, body = cells(result.table), cells(counts)
    n_rows, n_cols = counts.shape
    for i in range(n_rows):
        for j in range(n_cols):
            denominator = {"row": table[i][n_cols], "column": table[n_rows][j], "grand": table[n_rows][n_cols]}[of]
            if body[i][j] is None:
                assert pd.isna(shown[i][j])
                continue
            visible = not isinstance(table[i][j], str) and not isinstance(denominator, str)
            assert (shown[i][j] == 0.5) == visible


def test_hidden_figures_under_a_total_leave_every_small_value_possible() -> None:
    # Issue 17: MSI 1 and VI 4 under a shown total of 1,000 add up to 5, so each is 1..4, never 5. The range
    # rule hides one more figure, the smallest large enough on its own (PD, 6): now each could be 1..9.
    heard = pd.Series(
        [400, 250, 150, 119, 40, 20, 10, 6, 1, 4],
        index=["ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "OTH", "PD", "MSI", "VI"],
    )
    shown = suppress_series(heard, threshold=5)
    assert [label for label, value in shown.items() if value == SUPPRESSED] == ["PD", "MSI", "VI"]
    assert shown["Total"] == 1000
    # Three small counts of 2 under a total add up to 6 (each 1..4): the complement must bring the hidden sum
    # to at least 5 + 3 = 8, so the 9 goes with them, and each could then be 1..12.
    row = suppress_table(frame([[2, 2, 2, 9, 40]]), row_totals=True)
    assert cells(row.table) == [[SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, 40, 55]]
