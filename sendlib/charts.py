"""Shared look for every Plotly figure: fonts, layout and the source line.

Colours come from ``sendlib.palette`` (one colour-blind-safe palette for the whole product). Figures are
plain Plotly objects: pages render them, tests read their traces, exports write them to images.
"""

from __future__ import annotations

import plotly.graph_objects as go

from sendlib import text
from sendlib.palette import BACKGROUND, NOTE_TEXT, TEXT

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"


def base_layout(
    fig: go.Figure, *, title: str, height: int, source: str | None = None, source_chars: int | None = None
) -> go.Figure:
    """Apply the product's layout: title, readable fonts, white background, source line at the foot
    (wrapped at ``source_chars``, narrower for charts whose long axis labels leave less room).

    ``title`` and ``source`` are plain text (they quote area and file names): they are escaped here, so
    Plotly shows them as typed and never reads them as markup."""
    fig.update_layout(
        title={
            "text": text.plotly(title),
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 20, "color": TEXT},
        },
        font={"family": FONT_FAMILY, "size": 14, "color": TEXT},
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        height=height,
        margin={"l": 10, "r": 20, "t": 110, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"font": {"size": 14}},
    )
    # Plotly's default axis text is a light grey; the product's text colour keeps ticks readable (contrast).
    axis_text = {"tickfont": {"color": TEXT}, "title_font": {"color": TEXT}}
    fig.update_xaxes(**axis_text)
    fig.update_yaxes(**axis_text)
    if source:
        add_source_line(fig, source, source_chars or SOURCE_LINE_CHARS)
    return fig


SOURCE_LINE_CHARS = 130


def add_source_line(fig: go.Figure, source: str, chars: int = SOURCE_LINE_CHARS) -> go.Figure:
    """Write ``source`` (plain text, escaped here) small under the plot, wrapped to fit, so it travels with every
    export. The bottom margin grows with the number of wrapped lines so the text is never clipped.
    """
    lines = text.plotly_lines(source, chars).split("<br>")
    axis_title_space = 62  # tick labels and the axis title sit in the first ~60px under the plot
    bottom = axis_title_space + 12 + 16 * len(lines)
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-axis_title_space,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 12, "color": NOTE_TEXT},
        name="source",
    )
    fig.update_layout(margin={"b": bottom})
    return fig


def with_note(fig: go.Figure, note: str | None) -> go.Figure:
    """A copy of ``fig`` with ``note`` (e.g. what 'c' means) added under its source line, so an exported image
    carries it; the figure itself is unchanged. No note: the copy is the same figure."""
    copy = go.Figure(fig)
    if not note:
        return copy
    lines = text.plotly_lines(note, SOURCE_LINE_CHARS).split("<br>")
    copy.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-(copy.layout.margin.b or 40),
        align="left",
        showarrow=False,
        font={"size": 12, "color": NOTE_TEXT},
        name="note",
    )
    copy.update_layout(
        margin={"b": (copy.layout.margin.b or 40) + 18 * len(lines) + 6},
        height=(copy.layout.height or 520) + 18 * len(lines) + 6,
    )
    return copy
