"""How a table's figures are written out as text: the one rule the app's tables and the published site share.

Counts get thousands separators; percentage columns (``View.percent_columns``) the configured decimals and a
``%``; other numbers keep the precision their view rounded them to; a published symbol (``c`` for a hidden
count, ``x`` for not available) and any other text stay as they are; a missing cell is blank.
"""

from __future__ import annotations

import numbers

import pandas as pd


def is_number(value: object) -> bool:
    """A number that is shown as one (not a bool, not a missing value)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return False
    return not is_missing(value)


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA: a blank cell."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # a list or other container: not a missing scalar
        return False


def mixes_text_and_numbers(values: pd.Series) -> bool:
    """A column of numbers with published symbols among them (a suppressed count shows as ``c``)."""
    if values.dtype != object:
        return False
    present = [v for v in values if not is_missing(v)]
    return any(is_number(v) for v in present) and any(isinstance(v, str) for v in present)


def percent_format(decimals: int) -> str:
    """The printf format of a percentage column (``%.1f%%`` for one decimal), as the app's tables use it."""
    return f"%.{decimals}f%%"


def number_text(value: object, number_format: str | None = None) -> str:
    """One cell as its column shows it: a number in the printf ``number_format`` (such as ``%.1f%%``) when given,
    else a whole number with thousands separators and any other number as its view rounded it (with
    separators); text as it is; a missing cell blank."""
    if not is_number(value):
        return "" if is_missing(value) else str(value)
    if number_format and number_format.startswith("%"):
        return number_format % value
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    return f"{float(value):,}"  # type: ignore[arg-type]


def table_text(table: pd.DataFrame, percent_columns: tuple[str, ...], decimals: int) -> list[list[str]]:
    """Every cell of ``table`` as text, row by row, by ``number_text`` (``percent_columns`` with ``decimals``)."""
    formats = {column: percent_format(decimals) if column in percent_columns else None for column in table.columns}
    return [
        [number_text(value, formats[column]) for column, value in zip(table.columns, row)]
        for row in table.itertuples(index=False, name=None)
    ]
