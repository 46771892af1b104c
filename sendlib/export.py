"""Static image export of Plotly figures (Kaleido driving the system Chromium).

Kaleido's shared browser hands each result to whichever caller asks first, so with several sessions
exporting at once images could be swapped between users (PLATFORM-NOTES): one lock serialises every
export in the process.
"""

from __future__ import annotations

import io
import threading
import warnings

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from sendlib import text
from sendlib.errors import SetupError

_EXPORT_LOCK = threading.Lock()
_server_started = False
pio.defaults.mathjax = None  # the default would fetch MathJax from the internet; no chart here needs it


class ExportError(SetupError, RuntimeError):
    """An image could not be made; the message says why and what to do."""


def figure_to_image(
    fig: go.Figure, *, fmt: str = "png", width: int = 1400, height: int | None = None, scale: float = 1
) -> bytes:
    """The figure as PNG or SVG bytes, at ``width`` × ``height`` pixels (height: the figure's own), each drawn
    ``scale`` × ``scale`` image pixels (2: sharp when printed)."""
    if fmt not in ("png", "svg"):
        raise ExportError(f"'{fmt}' is not an image format we export; use png or svg.")
    global _server_started
    try:
        with _EXPORT_LOCK:
            if not _server_started:
                import kaleido  # here, not at the top: the tables' exports (and the CLI) never need it

                # One browser kept for the process: an export then takes ~0.2 s instead of starting Chromium
                # (~2.5 s) each time. Safe only because every export holds this lock (PLATFORM-NOTES).
                kaleido.start_sync_server(silence_warnings=True)
                _server_started = True
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The kopts argument is ignored")
                image: bytes = fig.to_image(
                    format=fmt, width=width, height=height or fig.layout.height or 700, scale=scale
                )
                return image
    except Exception as exc:  # Kaleido raises several kinds; all mean "no image", said plainly below
        details = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ExportError(
            "The image could not be made: exporting charts needs the Chromium browser on the server "
            f"(Debian: apt-get install chromium). Details: {details}"
        ) from exc


# -- tables ---------------------------------------------------------------------------------------------------
def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell is ``text.spreadsheet``'d: one starting with = + - @ (or a tab or carriage
    return) is prefixed with an apostrophe, so a spreadsheet shows it as text instead of running it as a
    formula. Numbers are untouched (a negative number is a number, not a formula)."""
    neutralised: pd.DataFrame = frame.apply(
        lambda column: (
            column.map(text.spreadsheet) if column.dtype == object or pd.api.types.is_string_dtype(column) else column
        )
    )
    return neutralised


def table_to_csv(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV (with a byte-order mark, so Excel reads accents right), formulas neutralised."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def table_to_xlsx(frame: pd.DataFrame, sheet: str = "Figures") -> bytes:
    """A table as an Excel workbook (one sheet), formulas neutralised: every cell is stored as a value."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
