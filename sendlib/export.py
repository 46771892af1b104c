"""Static image export of Plotly figures (Kaleido driving the system Chromium).

Kaleido's shared browser hands each result to whichever caller asks first, so with several sessions
exporting at once images could be swapped between users (PLATFORM-NOTES): one lock serialises every
export in the process.
"""

from __future__ import annotations

import threading

import plotly.graph_objects as go
import plotly.io as pio

_EXPORT_LOCK = threading.Lock()
pio.defaults.mathjax = None  # the default would fetch MathJax from the internet; no chart here needs it


class ExportError(RuntimeError):
    """An image could not be made; the message says why and what to do."""


def figure_to_image(fig: go.Figure, *, fmt: str = "png", width: int = 1400, height: int | None = None) -> bytes:
    """The figure as PNG or SVG bytes, at ``width`` × ``height`` pixels (height: the figure's own)."""
    if fmt not in ("png", "svg"):
        raise ExportError(f"'{fmt}' is not an image format we export; use png or svg.")
    try:
        with _EXPORT_LOCK:
            return fig.to_image(format=fmt, width=width, height=height or fig.layout.height or 700, scale=1)
    except Exception as exc:  # Kaleido raises several kinds; all mean "no image", said plainly below
        raise ExportError(
            "The image could not be made: exporting charts needs the Chromium browser on the server "
            f"(Debian: apt-get install chromium). Details: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        ) from exc
