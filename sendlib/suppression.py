"""Small-number suppression for public views (the parent carer forum): no count that could identify a child.

The contract, for every table a public view shows:

* **Primary suppression.** A count from 1 to ``threshold`` (default 5) is shown as ``c``. Zero is a true
  zero and is shown. ``threshold=0`` suppresses nothing. Totals are counts too: a shown total from 1 to
  ``threshold`` is also ``c`` (a row total of 3 says "3 children" as plainly as a cell does).
* **Secondary (complementary) suppression.** No hidden count may be worked back from the totals shown on
  the same view. Every shown total gives the reader an equation (cells − total = 0); a hidden count is
  recoverable when it is the only unknown in one, or, more subtly, when several equations combined pin it
  down. So, until nothing changes:

  1. *Line rule* (the classic method): a row, column or margin line whose shown total leaves exactly one
     hidden count gets a second one: the smallest non-zero shown cell of that line (ties: first in table
     order). Zeros are never chosen: subtracting a zero still recovers the hidden count. If the line has no
     non-zero shown cell, its total is hidden instead.
  2. *Range rule*: under a shown total, the hidden figures of a line (each at least 1, since zeros are
     shown) must add up to at least threshold + (their number − 1), so that each hidden small count could
     still be any of 1 … threshold; otherwise one more figure of the line is hidden.
  3. *Audit*: the shown figures are solved as a linear system; any hidden count (or hidden total) that the
     system determines exactly gets one more complement. This catches what the line rule cannot see: a
     hidden cell linking two otherwise-protected blocks, or a lone hidden total worked out from the grand
     total that row and column totals imply together even when the grand total itself is not shown.

  Each step hides one more figure, so the loop always ends; hiding every non-zero figure is always safe.
* **Shares.** A percentage or rate computed from a hidden count, or whose denominator is a hidden total,
  is hidden too (:func:`suppress_shares`). Shares of a total reveal that total, so a table whose shares are
  shown must be suppressed with that total marked as shown.
* **Published symbols** (``c x z low u : ~``, as Explore Education Statistics publishes them) pass through
  unchanged and count as hidden. Their values are unknown here, so no total over them can be computed: such
  a total is shown as ``x`` (not available) rather than as a sum that silently leaves them out.
* **Missing** cells (None/NaN) are shown as missing and add nothing to totals (as elsewhere in the
  dashboard); the reader can treat them as 0, so they protect nothing.

Plain Python and pandas (no streamlit, no duckdb), deterministic: the same table always gives the same
answer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias, overload

import numpy as np
import pandas as pd

from sendlib.codes import PUBLISHED_SYMBOLS

SUPPRESSED = "c"
UNAVAILABLE = "x"
DEFAULT_THRESHOLD = 5

# The note under a suppressed table, in plain English for parents and carers; see suppression_note().
SUPPRESSION_NOTE = (
    "c = fewer than {fewer_than} children, or hidden so that a small number cannot be worked out from the totals."
)

Cell: TypeAlias = "int | str | None"
# A figure of the table: ("cell", i, j) for the body, ("R", i) a row total, ("C", j) a column total, ("G",)
# the grand total. Positions, not labels, so duplicate or odd labels cannot confuse the algorithm.
BodyRef: TypeAlias = tuple[Literal["cell"], int, int]
Ref: TypeAlias = BodyRef | tuple[Literal["R", "C"], int] | tuple[Literal["G"]]


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready for a public view.

    ``table``: object-dtype cells (``int``, ``"c"``, a published symbol, or ``None`` for missing), with a
    ``total_label`` column of row totals and/or a ``total_label`` row of column totals when requested (the
    grand total at their crossing); margin cells not requested are ``None``. ``hidden``: a bool mask the
    shape of the body (input) table, True where the count is not shown (published symbol or suppressed
    here; missing cells are False). ``note``: the plain-English note to show under the table, None when the
    table shows no symbol at all. ``total_label``: the label used for the margins.
    """

    table: pd.DataFrame
    hidden: pd.DataFrame
    note: str | None
    total_label: str = "Total"


def suppression_note(threshold: int = DEFAULT_THRESHOLD, symbols: Iterable[str] = (SUPPRESSED,)) -> str:
    """The note explaining ``c`` for a given threshold, then any other published symbols shown.

    ``suppression_note(5)`` → "c = fewer than 6 children, or hidden so that a small number cannot be worked
    out from the totals." Other symbols get their published meaning ("x = not available."); with
    threshold 0 nothing is suppressed here, so a ``c`` is the publisher's ("c = confidential.").
    """
    present = set(symbols)
    parts = []
    if SUPPRESSED in present:
        if threshold == 0:
            # Nothing was suppressed here, so any "c" is the publisher's own.
            parts.append(f"c = {PUBLISHED_SYMBOLS[SUPPRESSED]}.")
        elif threshold == 1:
            parts.append("c = 1 child, or hidden so that a small number cannot be worked out from the totals.")
        else:
            parts.append(SUPPRESSION_NOTE.format(fewer_than=threshold + 1))
    # Published order, so the note reads the same whatever order the symbols appear in the table.
    parts.extend(
        f"{symbol} = {meaning}."
        for symbol, meaning in PUBLISHED_SYMBOLS.items()
        if symbol != SUPPRESSED and symbol in present
    )
    return " ".join(parts)


def suppress_table(
    counts: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = False,
    column_totals: bool = False,
    grand_total: bool = False,
    total_label: str = "Total",
) -> SuppressedTable:
    """Suppress a 2-D table of counts for a public view, with the margins that view shows.

    ``counts``: the body only (no totals), non-negative whole numbers, missing values (None/NaN/NA) or
    published symbol strings. ``row_totals`` / ``column_totals`` / ``grand_total``: which totals the view
    shows (including totals shown elsewhere on the same view, or implied by shares shown of them); they are
    computed here from the body and returned in ``table``. Guarantees: every shown figure equals the input
    (or its true sum); every count from 1 to ``threshold``, body or total, is hidden; no hidden count can be
    solved for from the shown figures. Raises ValueError for negative or fractional counts, unknown strings,
    a negative threshold, or a body that already uses ``total_label``.
    """
    if not isinstance(counts, pd.DataFrame):
        raise TypeError("counts must be a pandas DataFrame")
    threshold = _whole_threshold(threshold)
    if (row_totals or grand_total) and total_label in counts.columns:
        raise ValueError(f"counts already has a column {total_label!r}: pass the body only, or another total_label")
    if (column_totals or grand_total) and total_label in counts.index:
        raise ValueError(f"counts already has a row {total_label!r}: pass the body only, or another total_label")

    grid = _Grid(
        [[_parse_cell(value) for value in row] for row in counts.to_numpy(dtype=object).tolist()],
        n_cols=counts.shape[1],
        threshold=threshold,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
    )
    grid.suppress()
    return _assemble(
        grid,
        counts,
        threshold=threshold,
        total_label=total_label,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
    )


def suppress_series(
    counts: pd.Series, *, threshold: int = DEFAULT_THRESHOLD, total_shown: bool = True, total_label: str = "Total"
) -> pd.Series:
    """The 1-D case, e.g. one provision's counts by need: :func:`suppress_table` on a single column.

    Returns an object-dtype Series of ints, ``"c"``, symbols and None, with the (possibly hidden) total
    appended under ``total_label`` when ``total_shown``. Hidden entries are exactly the string ones.
    """
    if not isinstance(counts, pd.Series):
        raise TypeError("counts must be a pandas Series")
    column = counts.name if counts.name is not None else 0
    result = suppress_table(
        counts.to_frame(column), threshold=threshold, column_totals=total_shown, total_label=total_label
    )
    shown = result.table[column]
    shown.name = counts.name
    return shown


ShareOf: TypeAlias = Literal["row", "column", "grand", "total"] | None


# Series in, Series out; table in, table out (the two must match: checked at run time too).
@overload
def suppress_shares(
    shares: pd.Series, hidden: pd.Series, *, of: ShareOf = None, total_label: str | None = None
) -> pd.Series: ...
@overload
def suppress_shares(
    shares: pd.DataFrame, hidden: SuppressedTable | pd.DataFrame, *, of: ShareOf = None, total_label: str | None = None
) -> pd.DataFrame: ...
def suppress_shares(
    shares: pd.Series | pd.DataFrame,
    hidden: SuppressedTable | pd.Series | pd.DataFrame,
    *,
    of: Literal["row", "column", "grand", "total"] | None = None,
    total_label: str | None = None,
) -> pd.Series | pd.DataFrame:
    """Hide the percentages and rates computed from hidden counts (and from hidden totals).

    ``shares``: floats labelled like the counts they were computed from (same index, and for a DataFrame
    the same column labels). ``hidden``: the :class:`SuppressedTable`, or the displayed values from
    :func:`suppress_series` / ``SuppressedTable.table`` (string = hidden), or a bool mask (True = hidden).
    ``of``: what the shares are shares of, when that is a total of the suppressed table: ``"row"`` /
    ``"column"`` / ``"grand"`` total, or ``"total"`` for a Series' total; a share is then also hidden when
    its denominator is. None for shares of something else (e.g. rates per 1,000 pupils of all pupils).
    Returns an object-dtype copy: shown shares unchanged, hidden ones ``"c"`` (or the count's own
    published symbol). Raises ValueError when ``of`` names a total the table does not show, since the
    shares would reveal it.
    """
    if isinstance(hidden, SuppressedTable):
        label = total_label if total_label is not None else hidden.total_label
        displayed: pd.Series | pd.DataFrame = hidden.table
    else:
        label = total_label if total_label is not None else "Total"
        displayed = hidden
    if isinstance(shares, pd.DataFrame) != isinstance(displayed, pd.DataFrame):
        raise TypeError("shares and hidden must both be tables or both be series")

    is_mask = _is_bool_mask(displayed)
    if is_mask and of is not None:
        raise ValueError("a bool mask has no totals: pass the SuppressedTable (or the displayed values) to use `of`")
    cells: pd.Series | pd.DataFrame
    try:
        if isinstance(shares, pd.Series):
            cells = displayed.loc[shares.index]
        else:
            cells = displayed.loc[shares.index, shares.columns]
    except KeyError as error:
        raise ValueError(f"shares are labelled differently from the counts: {error}") from None

    def symbol_for(value: object) -> str | None:
        """The string a share shows instead of its value, or None when it may be shown."""
        if is_mask:
            return SUPPRESSED if bool(value) else None
        return value if isinstance(value, str) else None

    if isinstance(shares, pd.Series):
        assert isinstance(displayed, pd.Series)  # both series: checked above
        result, missing = shares.astype(object).copy(), shares.isna()
        denominator = _series_denominator(displayed, label, of) if of is not None else None
        for position in range(len(shares)):
            symbol = symbol_for(cells.iloc[position]) or _checked(denominator, bool(missing.iloc[position]))
            if symbol is not None:
                result.iloc[position] = symbol
        return result

    assert isinstance(displayed, pd.DataFrame) and isinstance(cells, pd.DataFrame)  # both tables: checked above
    table, missing_cells = shares.astype(object).copy(), shares.isna()
    row_denominators: list[str | None] = [None] * shares.shape[0]
    column_denominators: list[str | None] = [None] * shares.shape[1]
    if of is not None:
        row_denominators, column_denominators = _frame_denominators(displayed, shares, label, of)
    for i in range(shares.shape[0]):
        for j in range(shares.shape[1]):
            share_missing = bool(missing_cells.iat[i, j])
            symbol = (
                symbol_for(cells.iat[i, j])
                or _checked(row_denominators[i], share_missing)
                or _checked(column_denominators[j], share_missing)
            )
            if symbol is not None:
                table.iat[i, j] = symbol
    return table


# ---------------------------------------------------------------------------------------------------------
# Internals


def _whole_threshold(threshold: object) -> int:
    """``threshold`` as an int; ValueError unless it is a whole number ≥ 0 (untyped callers pass anything)."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral) or threshold < 0:
        raise ValueError(f"threshold must be a whole number ≥ 0, not {threshold!r}")
    return int(threshold)


def _parse_cell(value: object) -> Cell:
    """A body cell as int (a count), str (a published symbol) or None (missing); anything else is refused."""
    if isinstance(value, str):
        if value not in PUBLISHED_SYMBOLS:
            raise ValueError(f"{value!r} is neither a count nor a published symbol ({' '.join(PUBLISHED_SYMBOLS)})")
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        # True/False are ints to Python but never counts of children: a mask passed by mistake.
        raise ValueError(f"{value!r} is not a count")
    if isinstance(value, numbers.Integral):
        count = int(value)
    elif isinstance(value, numbers.Real):
        if math.isnan(value):
            return None
        if not float(value).is_integer():
            raise ValueError(f"{value!r} is not a whole number of children")
        # typeshed's numbers.Real declares no __int__, but every Real that reaches here converts (float,
        # numpy floats, Fraction); the check above makes the conversion exact.
        count = int(value)  # type: ignore[call-overload]
    else:
        raise ValueError(f"{value!r} is not a count")
    if count < 0:
        raise ValueError(f"{count} is negative: counts of children cannot be")
    return count


def _line_total(values: Iterable[Cell]) -> Cell:
    """The sum of a line: None when all missing (or empty), "x" when a symbol's unknown value is in it."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    if any(isinstance(value, str) for value in present):
        return UNAVAILABLE
    return sum(value for value in present if isinstance(value, int))  # all ints: no symbol is present


class _Grid:
    """The body and its margins as positions, with which figures are hidden; the suppression algorithm."""

    def __init__(
        self,
        values: list[list[Cell]],
        *,
        n_cols: int,
        threshold: int,
        row_totals: bool,
        column_totals: bool,
        grand_total: bool,
    ) -> None:
        self.values = values
        self.n_rows = len(values)
        self.n_cols = n_cols
        self.threshold = threshold
        self.row_totals, self.column_totals, self.grand_total = row_totals, column_totals, grand_total
        self.cells: list[BodyRef] = [("cell", i, j) for i in range(self.n_rows) for j in range(n_cols)]
        self.margins: dict[Ref, Cell] = {}
        if row_totals:
            for i in range(self.n_rows):
                self.margins[("R", i)] = _line_total(values[i])
        if column_totals:
            for j in range(n_cols):
                self.margins[("C", j)] = _line_total(values[i][j] for i in range(self.n_rows))
        if grand_total:
            self.margins[("G",)] = _line_total(value for row in values for value in row)
        # Published symbols are hidden from the start; "c" is added to the set as suppression proceeds.
        self.hidden: set[Ref] = {ref for ref in self.cells if isinstance(self.value(ref), str)}

    # -- figures ------------------------------------------------------------------------------------------

    def value(self, ref: Ref) -> Cell:
        return self.values[ref[1]][ref[2]] if ref[0] == "cell" else self.margins[ref]

    def count(self, ref: Ref) -> int:
        """The value of a figure known to be a count (a candidate, or a hidden figure checked to be one)."""
        value = self.value(ref)
        assert isinstance(value, int), f"{ref} is not a count"
        return value

    def is_unknown(self, ref: Ref) -> bool:
        """Not readable from the view. A missing cell or a blank total reads as 0, so it is known."""
        return ref in self.hidden or isinstance(self.value(ref), str)

    def is_protected(self, ref: Ref) -> bool:
        """A count hidden here (not a published symbol, not an "x" total): its value must stay unknowable."""
        return ref in self.hidden and isinstance(self.value(ref), int)

    def is_candidate(self, ref: Ref) -> bool:
        """Shown and non-zero: only such a figure adds protection when hidden (a zero is subtracted away)."""
        value = self.value(ref)
        return ref not in self.hidden and isinstance(value, int) and value > 0

    def hide(self, ref: Ref) -> None:
        self.hidden.add(ref)

    def row(self, i: int) -> list[BodyRef]:
        return [("cell", i, j) for j in range(self.n_cols)]

    def column(self, j: int) -> list[BodyRef]:
        return [("cell", i, j) for i in range(self.n_rows)]

    def cross_line(self, ref: Ref) -> list[BodyRef]:
        """The body line a margin sums (row i for R_i, column j for C_j)."""
        if ref[0] == "R":
            return self.row(ref[1])
        if ref[0] == "C":
            return self.column(ref[1])
        raise ValueError(f"{ref} is not a row or column total")

    def order(self, ref: Ref) -> tuple[int, ...]:
        """Table order for tie-breaks: body row by row, then row totals, column totals, grand total."""
        return ({"cell": 0, "R": 1, "C": 2, "G": 3}[ref[0]], *ref[1:])

    def _smallest(self, refs: Iterable[Ref]) -> Ref | None:
        candidates = [ref for ref in refs if self.is_candidate(ref)]
        return min(candidates, key=lambda ref: (self.value(ref), self.order(ref))) if candidates else None

    # -- the algorithm ----------------------------------------------------------------------------------

    def suppress(self) -> None:
        if self.threshold == 0:
            return  # nothing is secret: no primary suppression, so nothing to protect either
        for ref in [*self.cells, *self.margins]:
            value = self.value(ref)
            if isinstance(value, int) and 1 <= value <= self.threshold:
                self.hide(ref)
        while True:
            if self._line_pass() or self._range_pass():
                continue
            exposed = self._exposed()
            if exposed is None:
                return
            self._protect(exposed)

    def _lines(self) -> list[tuple[Sequence[Ref], Ref, str]]:
        """Every shown total as (the figures it sums, the total, kind). Kind "margin": a line of totals."""
        lines: list[tuple[Sequence[Ref], Ref, str]] = []
        if self.row_totals:
            lines += [(self.row(i), ("R", i), "body") for i in range(self.n_rows)]
        if self.column_totals:
            lines += [(self.column(j), ("C", j), "body") for j in range(self.n_cols)]
        if self.grand_total:
            if not (self.row_totals or self.column_totals):
                lines.append((list(self.cells), ("G",), "body"))
            if self.column_totals:
                lines.append(([("C", j) for j in range(self.n_cols)], ("G",), "margin"))
            if self.row_totals:
                lines.append(([("R", i) for i in range(self.n_rows)], ("G",), "margin"))
        return lines

    def _line_pass(self) -> bool:
        """Apply the line rule once across every line; True if anything was hidden."""
        changed = False
        for members, total, kind in self._lines():
            unknown = [ref for ref in [*members, total] if self.is_unknown(ref)]
            # Only a count hidden here needs protecting; a lone unknown that is a symbol or an "x" total
            # cannot occur (its total would be "x" too), and a lone blank total is known to be 0.
            if len(unknown) != 1 or not self.is_protected(unknown[0]):
                continue
            others = [ref for ref in members if ref != unknown[0]]
            if kind == "body":
                # The rule: the smallest non-zero shown cell of the line, else the line's total.
                choice = self._smallest(others)
                if choice is None and total != unknown[0] and self.is_candidate(total):
                    choice = total
            else:
                # A line of totals: hiding a total whose own line already has a hidden cell keeps that line
                # safe at once; any other total would be worked out from its cells and need more hiding.
                choice = self._smallest(
                    ref for ref in others if any(self.is_unknown(cell) for cell in self.cross_line(ref))
                )
                if choice is None and total != unknown[0] and self.is_candidate(total):
                    choice = total
                if choice is None:
                    choice = self._smallest(others)
            if choice is not None:
                self.hide(choice)
                changed = True
        return changed

    def _range_pass(self) -> bool:
        """Apply the range rule once across every line; True if anything was hidden.

        Under a shown total the reader knows the sum of the line's hidden figures, and that each is at
        least 1 (zeros are shown). With k of them summing to S, each lies between 1 and S − (k − 1); so
        that a small count could be any of 1 … threshold, S must be at least threshold + k − 1. When it is
        not, one more shown figure of the line is hidden: the smallest that is large enough on its own,
        else the largest (and the pass repeats), else the total itself.
        """
        changed = False
        for members, total, _ in self._lines():
            if self.is_unknown(total) or not isinstance(self.value(total), int):
                continue
            hidden = [ref for ref in members if self.is_unknown(ref)]
            if not any(self.is_protected(ref) for ref in hidden) or not all(
                isinstance(self.value(ref), int) for ref in hidden
            ):
                continue
            hidden_sum = sum(self.count(ref) for ref in hidden)
            needed = self.threshold + len(hidden) - 1
            if hidden_sum >= needed:
                continue
            shown = [ref for ref in members if self.is_candidate(ref)]
            # Hiding one more adds its value to S and 1 to k: it must bring at least needed + 1 − S.
            choice = self._smallest(ref for ref in shown if self.count(ref) >= needed + 1 - hidden_sum)
            if choice is None and shown:
                choice = max(shown, key=lambda ref: (self.value(ref), self.order(ref)))
            if choice is None and self.is_candidate(total):
                choice = total
            if choice is not None:
                self.hide(choice)
                changed = True
        return changed

    def _equations(self) -> list[list[tuple[Ref, int]]]:
        """The sums the reader can rely on, as (figure, coefficient) lists equal to 0."""
        equations: list[list[tuple[Ref, int]]] = []
        if self.row_totals:
            equations += [[*((ref, 1) for ref in self.row(i)), (("R", i), -1)] for i in range(self.n_rows)]
        if self.column_totals:
            equations += [[*((ref, 1) for ref in self.column(j)), (("C", j), -1)] for j in range(self.n_cols)]
        if self.grand_total:
            equations.append([*((ref, 1) for ref in self.cells), (("G",), -1)])
        return equations

    def _exposed(self) -> Ref | None:
        """The first protected figure the shown figures determine exactly, or None when all are safe.

        Figure v is determined iff the unit vector e_v lies in the row space of the equations restricted
        to the unknowns, i.e. iff its squared projection onto that row space is 1.
        """
        unknown = [ref for ref in [*self.cells, *self.margins] if self.is_unknown(ref)]
        equations = self._equations()
        if not unknown or not equations:
            return None
        column_of = {ref: k for k, ref in enumerate(unknown)}
        matrix = np.zeros((len(equations), len(unknown)))
        for row, equation in enumerate(equations):
            for ref, coefficient in equation:
                if ref in column_of:
                    matrix[row, column_of[ref]] = coefficient
        _, singular, basis = np.linalg.svd(matrix, full_matrices=False)
        tolerance = singular.max(initial=0.0) * max(matrix.shape) * np.finfo(float).eps
        rank = int((singular > tolerance).sum())
        projection = (basis[:rank] ** 2).sum(axis=0)
        for ref, k in column_of.items():
            if self.is_protected(ref) and projection[k] > 1 - 1e-9:
                return ref
        return None

    def _protect(self, ref: Ref) -> None:
        """Hide one more figure so that ``ref`` is no longer pinned down (the loop re-checks)."""
        choice: Ref | None = None
        if ref[0] == "cell":
            _, i, j = ref
            lines = ([self.row(i)] if self.row_totals else []) + ([self.column(j)] if self.column_totals else [])
            if lines:
                # Prefer a cell whose other line already holds a hidden figure: it closes a loop of hidden
                # cells, the shape that keeps every one of them unknowable.
                pool = [cell for line in lines for cell in line if cell != ref]
                choice = self._smallest(cell for cell in pool if self._other_line_has_unknown(cell, ref))
                choice = choice or self._smallest(pool)
                choice = choice or self._smallest(margin for margin in (("R", i), ("C", j)) if margin in self.margins)
            else:
                choice = self._smallest(cell for cell in self.cells if cell != ref)
        elif ref[0] in ("R", "C"):
            kind = ref[0]
            siblings = [margin for margin in self.margins if margin[0] == kind and margin != ref]
            choice = self._smallest(
                margin for margin in siblings if any(self.is_unknown(cell) for cell in self.cross_line(margin))
            )
            choice = choice or self._smallest(self.cross_line(ref))
            choice = choice or self._smallest([("G",)] if ("G",) in self.margins else [])
            choice = choice or self._smallest(siblings)
        else:
            choice = self._smallest(
                margin
                for margin in self.margins
                if margin != ("G",) and any(self.is_unknown(cell) for cell in self.cross_line(margin))
            )
        # Anything still shown will do: every step hides one more figure, and once every non-zero figure is
        # hidden nothing can be solved for (all known figures are 0, so a solved figure would be 0).
        choice = choice or self._smallest(self.cells) or self._smallest(self.margins)
        if choice is None:
            raise RuntimeError("suppression could not protect a hidden count (internal error)")
        self.hide(choice)

    def _other_line_has_unknown(self, cell: BodyRef, exposed: BodyRef) -> bool:
        """For a cell sharing a row (column) with ``exposed``: does its column (row) hold an unknown figure?"""
        _, i, j = cell
        other = self.column(j) if i == exposed[1] else self.row(i)
        return any(self.is_unknown(ref) for ref in other if ref != cell)

    # -- display ------------------------------------------------------------------------------------------

    def shown(self, ref: Ref) -> Cell:
        value = self.value(ref)
        if ref in self.hidden and not isinstance(value, str):
            return SUPPRESSED
        return value


def _assemble(
    grid: _Grid,
    counts: pd.DataFrame,
    *,
    threshold: int,
    total_label: str,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool,
) -> SuppressedTable:
    """Lay the suppressed figures out as the public table, with its mask and note."""
    with_total_column = row_totals or grand_total
    with_total_row = column_totals or grand_total
    rows: list[list[Cell]] = []
    for i in range(grid.n_rows):
        row = [grid.shown(("cell", i, j)) for j in range(grid.n_cols)]
        if with_total_column:
            row.append(grid.shown(("R", i)) if row_totals else None)
        rows.append(row)
    if with_total_row:
        row = [grid.shown(("C", j)) if column_totals else None for j in range(grid.n_cols)]
        if with_total_column:
            row.append(grid.shown(("G",)) if grand_total else None)
        rows.append(row)

    index, columns = counts.index, counts.columns
    if with_total_row:
        index = pd.Index([*counts.index, total_label], name=counts.index.name, dtype=object)
    if with_total_column:
        columns = pd.Index([*counts.columns, total_label], name=counts.columns.name, dtype=object)
    table = pd.DataFrame(rows, index=index, columns=columns, dtype=object)
    hidden = pd.DataFrame(
        [[("cell", i, j) in grid.hidden for j in range(grid.n_cols)] for i in range(grid.n_rows)],
        index=counts.index,
        columns=counts.columns,
        dtype=bool,
    )
    symbols = {value for row in rows for value in row if isinstance(value, str)}
    note = suppression_note(threshold, symbols) if symbols else None
    return SuppressedTable(table=table, hidden=hidden, note=note, total_label=total_label)


def _is_bool_mask(values: pd.Series | pd.DataFrame) -> bool:
    dtypes = [values.dtype] if isinstance(values, pd.Series) else list(values.dtypes)
    return bool(dtypes) and all(pd.api.types.is_bool_dtype(dtype) for dtype in dtypes)


class _NotShown(str):
    """A denominator the table does not show (a blank total): fine for missing shares, refused otherwise."""


def _denominator_symbol(value: object, what: str) -> str | None:
    """The symbol shares of this total must show: its string when hidden, None when shown as a number."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _NotShown(what)
    return None


def _checked(denominator: str | None, share_missing: bool) -> str | None:
    """The denominator's symbol for a share; a share of a total the table leaves blank is refused, since
    showing it would reveal that total. A missing share has nothing to reveal and stays missing."""
    if denominator is None or share_missing:
        return None
    if isinstance(denominator, _NotShown):
        raise ValueError(
            f"the {denominator} is not shown in the suppressed table, but shares of it would "
            "reveal it: suppress the counts with that total marked as shown"
        )
    return denominator


def _series_denominator(displayed: pd.Series, label: str, of: str) -> str | None:
    if of not in ("total", "column", "grand"):
        raise ValueError(f"shares in a series can only be of its total, not of={of!r}")
    if label not in displayed.index:
        raise ValueError(f"the series has no {label!r} entry: suppress it with total_shown=True")
    return _denominator_symbol(displayed.loc[label], "total")


def _frame_denominators(
    displayed: pd.DataFrame, shares: pd.DataFrame, label: str, of: str
) -> tuple[list[str | None], list[str | None]]:
    """Per row and per column of ``shares``, the symbol forced on it by a hidden denominator."""
    rows: list[str | None] = [None] * shares.shape[0]
    columns: list[str | None] = [None] * shares.shape[1]
    if of == "row":
        if label not in displayed.columns:
            raise ValueError("shares of row totals reveal them: suppress the counts with row_totals=True")
        rows = [_denominator_symbol(displayed.at[index, label], f"row total of {index!r}") for index in shares.index]
    elif of == "column":
        if label not in displayed.index:
            raise ValueError("shares of column totals reveal them: suppress the counts with column_totals=True")
        columns = [
            _denominator_symbol(displayed.at[label, column], f"column total of {column!r}") for column in shares.columns
        ]
    elif of == "grand":
        if label not in displayed.index or label not in displayed.columns:
            raise ValueError("shares of the grand total reveal it: suppress the counts with grand_total=True")
        symbol = _denominator_symbol(displayed.at[label, label], "grand total")
        rows = [symbol] * shares.shape[0]
    else:
        raise ValueError(f"of must be 'row', 'column' or 'grand' for a table, not {of!r}")
    return rows, columns
