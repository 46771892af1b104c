"""The meeting pack: the dashboard's charts as a PowerPoint deck and a PDF, built for one role.

``collect_slides`` is every registered view the audience may see that has a figure, in page order (the same
view functions the pages render, so the pack cannot drift from them); ``build_pack`` turns them into images
once (Kaleido, one lock) and writes both files from them: a title slide (area, date, data as at, the sources'
periods and what the pack covers) and a slide per chart with its title, the period of each source it draws on
and any age flag, the chart, its one-sentence summary and a footer with the census period, engagement year and
"data as at"; its source line is in the speaker notes (the PDF: under the summary).

Text is at least ``MIN_TEXT_PT`` as printed: every chart is placed ``CHART_PT`` wide on the A4 page and the
slide alike, drawn ``IMAGE_PX`` (CSS pixels) wide, so a pixel of the figure is ``PT_PER_PX`` points; the pack's
copy of each figure (``print_figures``) has every font raised to ``MIN_FONT_PX`` and its axes' margins fitted
to their labels, and a chart with more rows than fit at that size is split over slides ("1 of 2").
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import plotly.graph_objects as go
from pptx import Presentation
from pptx.util import Emu, Pt
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from sendlib import text
from sendlib.charts import category_labels, reflow, rows_part, runs_that_fit
from sendlib.config import Config
from sendlib.export import figure_to_image
from sendlib.periods import CENSUS, ENGAGEMENT, Period, day_words, period_line
from sendlib.store import Store
from sendlib.suppression import suppression_note
from sendlib.views import PAGES, Audience, Filters

MIN_TEXT_PT = 12  # the smallest text on a printed A4 page or a slide
CHART_PT = (700.0, 350.0)  # where a chart is placed, page and slide alike (points)
IMAGE_PX = (1000, 500)  # the figure's own size (CSS pixels) ...
IMAGE_SCALE = 2  # ... drawn at twice that, sharp when printed
PT_PER_PX = CHART_PT[0] / IMAGE_PX[0]
MIN_FONT_PX = math.ceil(MIN_TEXT_PT / PT_PER_PX)
ROW_LINE = 1.45  # a category row needs this many lines of its label's font to stay apart from the next
PRINT_LABEL_CHARS = 48  # a category label on the print: 48 characters at MIN_FONT_PX take about 43% of its width
PRINT_TITLE_CHARS = 50  # an axis title on the print (centred on a plot at least ~550 px wide)
PLOT_SHARE = 0.75  # about this much of the image's height is plot (the rest legend and x axis)
SLIDE_PT = (960.0, 540.0)  # 13.333 × 7.5 inches, 16:9
PDF_PAGE = landscape((29.7 * cm, 21.0 * cm))  # A4 landscape
EMU_PER_PT = 12700
Progress = Callable[[float, str], None]


@dataclass
class Slide:
    """One chart for the pack: its title, figure, one-sentence summary, source line, the period of each source
    it draws on and any age flags (``View.periods``), and the note on hidden small numbers."""

    title: str
    figure: go.Figure
    summary: str
    source: str
    key: str | None = None  # the registered view it shows
    periods: tuple[Period, ...] = ()
    page: str = ""  # the page it is from, for the title slide's contents
    note: str | None = None  # the suppression note, when figures are hidden
    flags: tuple[str, ...] = field(default=())  # View.age_notes

    @property
    def period_line(self) -> str:
        """The period of each source the slide draws on, in one line."""
        return period_line(self.periods)


def make_pack(
    store: Store, config: Config, audience: Audience, as_of: date, progress: Progress | None = None
) -> tuple[list[Slide], bytes, bytes]:
    """The meeting pack for ``audience`` as of ``as_of``: its slides, the deck (PPTX) and the PDF (the app's
    button and the command line both make it here)."""
    slides = collect_slides(store, config, audience, as_of)
    deck, pdf = build_pack(
        slides, area=config.area.name, audience=audience, as_of=as_of, data_date=data_as_at(store), progress=progress
    )
    return slides, deck, pdf


def collect_slides(store: Store, config: Config, audience: Audience, as_of: date) -> list[Slide]:
    """Every view ``audience`` may see that has a figure, in page order, built with ``Filters(as_of=as_of)``:
    each slide is the view's title, figure, summary, source line, periods, age flags and suppression note."""
    filters = Filters(as_of=as_of)
    slides: list[Slide] = []
    for entry in PAGES:
        for spec in entry.visible_views(audience):
            view = spec.build(store, config, filters, audience) if spec.in_pack else None
            if view is not None and view.figure is not None:
                slides.append(
                    Slide(
                        view.title,
                        view.figure,
                        view.summary,
                        view.source,
                        key=view.key,
                        periods=view.periods,
                        page=entry.title,
                        note=view.suppression_note,
                        flags=view.age_notes,
                    )
                )
    return slides


def data_as_at(store: Store) -> str:
    """When the data last changed, in words, for the title slide and every slide's footer."""
    latest = store.query_value(
        "SELECT max(t) FROM (SELECT max(loaded_at) AS t FROM loads WHERE outcome = 'loaded' "
        "UNION ALL SELECT max(recorded_at) FROM commitment_updates UNION ALL SELECT max(recorded_at) "
        "FROM engagement_activities UNION ALL SELECT max(recorded_at) FROM stakeholder_assessments)"
    )
    return day_words(latest) if latest else "no data loaded"


# -- the pack's copy of a figure ------------------------------------------------------------------------------------
def _raise_fonts(node: Any) -> None:
    """Every font size under ``node`` (a figure's dict) raised to at least ``MIN_FONT_PX``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                value["size"] = (
                    [max(s, MIN_FONT_PX) for s in size] if isinstance(size, list) else max(size, MIN_FONT_PX)
                )
            _raise_fonts(value)
    elif isinstance(node, list):
        for item in node:
            _raise_fonts(item)


def _pitch_lines(rows: Sequence[str]) -> float:
    """The lines of label a row of ``rows`` must be apart from the next: Plotly spaces rows evenly and centres
    each label on its row, so neighbours need half of each one's lines (the most any two neighbours need)."""
    lines = [row.count("<br>") + 1 for row in rows]
    return max((a + b) / 2 for a, b in pairwise([*lines, lines[-1]] if len(lines) == 1 else lines))


def _fits(rows: Sequence[str]) -> bool:
    """Whether ``rows`` fit one chart at ``MIN_FONT_PX``, ``ROW_LINE`` lines of label apart."""
    return len(rows) * _pitch_lines(rows) * MIN_FONT_PX * ROW_LINE <= IMAGE_PX[1] * PLOT_SHARE


def split_rows(rows: Sequence[str]) -> list[range]:
    """``rows`` (top to bottom) as the fewest runs that each fit one chart (``_fits``), at least a row each."""
    return runs_that_fit(rows, _fits)


def print_parts(figure: go.Figure) -> list[tuple[str, go.Figure]]:
    """The pack's copies of ``figure``, each with its label (a panel's title, else ""): fonts at least
    ``MIN_FONT_PX``, no title, source or note inside (the slide writes them as text at print size), margins
    fitted to the axes' labels and titles, labels re-wrapped to the print's width (``reflow``), a panel of a
    stacked figure on its own, and rows split over as many copies as needed to keep them ``MIN_FONT_PX`` apart.
    The figure itself is unchanged."""
    spec = figure.to_plotly_json()
    _raise_fonts(spec)
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font["size"] = max(font.get("size", 0), MIN_FONT_PX)
    layout["annotations"] = [a for a in layout.get("annotations", []) if a.get("name") not in ("source", "note")]
    layout.pop("title", None)
    layout.update(width=IMAGE_PX[0], height=IMAGE_PX[1], margin={"l": 10, "r": 30, "t": 30, "b": 10})
    # One row of entries across the top: the page's one-entry-a-line legend took a third of a 500 px print.
    layout.setdefault("legend", {}).update(orientation="h", y=1.02, yanchor="bottom")
    if any(a.get("y", 0) >= 1 and str(a.get("yref", "")).endswith(("domain", "paper")) for a in layout["annotations"]):
        # A label above the plot (the "Today" line's) would sit under a legend drawn just above it: lift the legend.
        layout["legend"].update(y=1.12, yanchor="bottom")
    parts: list[tuple[str, go.Figure]] = []
    for label, panel in _panels(spec):
        _reflow_labels(panel)
        made = go.Figure(panel)
        made.update_xaxes(automargin=True, title_standoff=8)
        made.update_yaxes(automargin=True, title_standoff=8)
        parts.extend((label, part) for part in _split_rows(made))
    return parts


def print_figures(figure: go.Figure) -> list[go.Figure]:
    """The pack's copies of ``figure`` (``print_parts`` without their labels)."""
    return [part for _, part in print_parts(figure)]


def _reflow_labels(spec: dict[str, Any]) -> None:
    """The category labels of ``spec``'s y axis (its traces' text values, its category order, its tick texts),
    any annotation placed at one, and both axis titles re-wrapped for the print (``reflow``)."""
    layout = spec["layout"]
    y = layout.setdefault("yaxis", {})
    for name in ("xaxis", "yaxis"):
        title = layout.get(name, {}).get("title")
        if isinstance(title, dict) and isinstance(title.get("text"), str):
            title["text"] = reflow(title["text"], PRINT_TITLE_CHARS)
    if y.get("ticktext"):
        y["ticktext"] = [reflow(str(t), PRINT_LABEL_CHARS) for t in y["ticktext"]]
    if y.get("categoryarray") is not None:
        y["categoryarray"] = [reflow(c, PRINT_LABEL_CHARS) if isinstance(c, str) else c for c in y["categoryarray"]]
    for trace in spec["data"]:
        values = trace.get("y")
        # A list of text only: numbers may come as Plotly's typed array (a dict), never labels.
        if isinstance(values, list | tuple) and all(isinstance(v, str) for v in values):
            trace["y"] = [reflow(v, PRINT_LABEL_CHARS) for v in values]
    for note in layout.get("annotations", []):
        if note.get("yref", "y") == "y" and isinstance(note.get("y"), str):
            note["y"] = reflow(note["y"], PRINT_LABEL_CHARS)


def _split_rows(made: go.Figure) -> list[go.Figure]:
    """``made`` as one copy, or its rows split over copies (``split_rows``) when they do not fit one."""
    rows = category_labels(made)
    if rows is None or _fits(rows):
        return [made]
    return [rows_part(made, run) for run in split_rows(rows)]


def _panels(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A figure of stacked panels (``make_subplots`` rows: ``yaxis2``, ...) as one figure per panel, each with
    its label (its subplot title, plain text); any other figure as itself, unlabelled. A panel gets the whole
    image: two panels squeezed into one slide's height overprinted their labels."""
    layout = spec["layout"]
    names = sorted((k for k in layout if re.fullmatch(r"yaxis\d*", k)), key=lambda k: int(k[5:] or 1))
    if len(names) < 2:
        return [("", spec)]
    titles = [a for a in layout.get("annotations", []) if a.get("name") is None and a.get("yref") == "paper"]
    shown = {t.get("legendgroup") or t.get("name") for t in spec["data"] if t.get("showlegend") is not False}
    x_title = next(
        (layout[k]["title"] for k in sorted(layout) if k.startswith("xaxis") and layout[k].get("title")), None
    )
    panels = []
    for name in names:
        suffix = name[5:]
        y = dict(layout[name])
        x = dict(layout.get(f"xaxis{suffix}", {}))
        top = (y.get("domain") or [0, 1])[1]
        label = next((a for a in titles if abs(float(a.get("y", -1)) - top) < 0.02), None)
        for axis in (x, y):
            for key in ("domain", "anchor", "matches", "overlaying"):
                axis.pop(key, None)
        if x_title and not x.get("title"):
            x["title"] = x_title  # the shared axis title was under the lower panel only
        part_layout = {k: v for k, v in layout.items() if not re.fullmatch(r"[xy]axis\d*", k)}
        part_layout.update(xaxis=x, yaxis=y, annotations=[a for a in part_layout["annotations"] if a not in titles])
        traces, legend = [], set()
        for trace in spec["data"]:
            if (trace.get("yaxis") or "y") != f"y{suffix}":
                continue
            group = trace.get("legendgroup") or trace.get("name")
            # Each part keeps the legend: the first trace of a group shown in the figure's legend shows it here.
            traces.append({**trace, "xaxis": "x", "yaxis": "y", "showlegend": group in shown and group not in legend})
            legend.add(group)
        panels.append((_slide_words(label["text"]) if label else "", {"data": traces, "layout": part_layout}))
    return panels


def _slide_words(value: str) -> str:
    """Plotly text (escaped, ``<br>`` between lines) as the plain text a slide's title writes."""
    return text.from_plotly(re.sub(r"<[^>]+>", "", value.replace("<br>", " ")))


# -- the files ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Page:
    """One page of the pack as both files lay it out: the header lines, the chart, the text under it."""

    title: str
    periods: str
    flags: tuple[str, ...]
    image: bytes
    summary: str
    source: str
    note: str | None


def pack_sources(slides: Sequence[Slide], data_date: str) -> str:
    """The census period, engagement year and "data as at" the pack's slides show, for every slide's footer."""
    first: dict[str, str] = {}
    for slide in slides:
        for period in slide.periods:
            first.setdefault(period.source, period.words)
    census = first.get(CENSUS, "none loaded")
    engagement = first.get(ENGAGEMENT, "none recorded")
    return f"Census {census} · engagement {engagement} · data as at {data_date}"


def contents(slides: Sequence[Slide]) -> list[str]:
    """What the pack covers, one line per page: "Primary needs: By primary need; Against all pupils"."""
    pages: dict[str, list[str]] = {}
    for slide in slides:
        titles = pages.setdefault(slide.page, [])
        if slide.title not in titles:
            titles.append(slide.title)
    return [f"{page}: {'; '.join(titles)}" for page, titles in pages.items()]


def build_pack(
    slides: list[Slide],
    *,
    area: str,
    audience: Audience,
    as_of: date,
    data_date: str,
    progress: Progress | None = None,
) -> tuple[bytes, bytes]:
    """The deck (PPTX) and the PDF of the same slides; each chart is drawn once per part, as a PNG. The title
    slide says whether ``audience`` sees figures as they are or with small numbers hidden (and from which
    threshold), the sources' periods and what the pack covers."""
    report = progress or (lambda _fraction, _text: None)
    pages: list[_Page] = []
    for index, slide in enumerate(slides):
        report(index / (len(slides) + 2), f"Drawing {slide.title}")
        parts = print_parts(slide.figure)
        for number, (label, part) in enumerate(parts, start=1):
            image = figure_to_image(part, fmt="png", width=IMAGE_PX[0], height=IMAGE_PX[1], scale=IMAGE_SCALE)
            title = (
                slide.title
                + (f" ({number} of {len(parts)})" if len(parts) > 1 else "")
                + (f" — {label}" if label else "")
            )
            pages.append(_Page(title, slide.period_line, slide.flags, image, slide.summary, slide.source, slide.note))
    title = f"{area} SEND Commissioning: meeting pack"
    footer = pack_sources(slides, data_date)
    cover = [
        f"{day_words(as_of)} · data as at {data_date} · "
        + (
            "small numbers hidden: " + suppression_note(audience.threshold)
            if audience.hides_small_numbers
            else "every figure in full, small numbers included (not for publication)"
        ),
        footer,
        "This pack covers:",
        *contents(slides),
    ]
    report(len(slides) / (len(slides) + 2), "Writing the slides")
    deck = _pptx(pages, title, cover, footer)
    report((len(slides) + 1) / (len(slides) + 2), "Writing the PDF")
    pdf = _pdf(pages, title, cover, footer)
    report(1.0, "Ready")
    return deck, pdf


def _emu(points: float) -> Emu:
    return Emu(int(points * EMU_PER_PT))


def _text_box(
    page: Any,
    left: float,
    top: float,
    width: float,
    height: float,
    lines: Sequence[str],
    size: int,
    *,
    bold: bool = False,
) -> None:
    """A wrapped text box at points (``left``, ``top``), one paragraph per line, at ``size`` points."""
    box = page.shapes.add_textbox(_emu(left), _emu(top), _emu(width), _emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold


def _pptx(pages: list[_Page], title: str, cover: list[str], footer: str) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = _emu(SLIDE_PT[0]), _emu(SLIDE_PT[1])
    width, height = SLIDE_PT
    margin = 40.0
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.left, first.shapes.title.top = _emu(margin), _emu(40)
    first.shapes.title.width, first.shapes.title.height = _emu(width - 2 * margin), _emu(70)
    first.shapes.title.text = title
    first.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
    body = first.placeholders[1]
    body.left, body.top, body.width, body.height = _emu(margin), _emu(125), _emu(width - 2 * margin), _emu(380)
    frame = body.text_frame
    frame.word_wrap = True
    for index, line in enumerate(cover):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(16 if index < 3 else 14)
        paragraph.font.bold = index == 2
    for made in pages:
        page = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        heading = page.shapes.title
        heading.left, heading.top, heading.width, heading.height = _emu(margin), _emu(12), _emu(width - 80), _emu(44)
        heading.text = made.title
        heading.text_frame.word_wrap = True
        heading.text_frame.paragraphs[0].font.size = Pt(24)
        _text_box(page, margin, 56, width - 2 * margin, 20, [made.periods], MIN_TEXT_PT)
        if made.flags:
            _text_box(page, margin, 74, width - 2 * margin, 30, list(made.flags), MIN_TEXT_PT, bold=True)
        top = 108.0
        page.shapes.add_picture(
            io.BytesIO(made.image), _emu((width - CHART_PT[0]) / 2), _emu(top), _emu(CHART_PT[0]), _emu(CHART_PT[1])
        )
        under = [made.summary] + ([made.note] if made.note else [])
        _text_box(page, margin, top + CHART_PT[1] + 4, width - 2 * margin, 50, under, 14)
        _text_box(page, margin, height - 26, width - 2 * margin, 20, [footer], MIN_TEXT_PT)
        page.notes_slide.notes_text_frame.text = made.source
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def write_lines(
    pdf: canvas.Canvas, lines: Sequence[str], x: float, y: float, width: float, font: str, size: int
) -> float:
    """Write ``lines`` wrapped to ``width`` from baseline ``y`` down; the y under the last line (the pack's PDF and
    ``sendlib.voice``'s letters write their text with it)."""
    pdf.setFont(font, size)
    for line in lines:
        for part in simpleSplit(line, font, size, width) or [""]:
            pdf.drawString(x, y, part)
            y -= size * 1.25
    return y


def _pdf(pages: list[_Page], title: str, cover: list[str], footer: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PDF_PAGE, pageCompression=1)
    pdf.setTitle(title)
    width, height = PDF_PAGE
    margin = 1.5 * cm
    text_width = width - 2 * margin
    y = write_lines(pdf, [title], margin, height - 3 * cm, text_width, "Helvetica-Bold", 26) - 10
    y = write_lines(pdf, cover[:2], margin, y, text_width, "Helvetica", 14) - 8
    y = write_lines(pdf, cover[2:3], margin, y, text_width, "Helvetica-Bold", 14)
    write_lines(pdf, cover[3:], margin, y, text_width, "Helvetica", 13)
    pdf.showPage()
    for made in pages:
        y = write_lines(pdf, [made.title], margin, height - 1.4 * cm, text_width, "Helvetica-Bold", 20) - 2
        y = write_lines(pdf, [made.periods], margin, y, text_width, "Helvetica", MIN_TEXT_PT)
        y = write_lines(pdf, made.flags, margin, y, text_width, "Helvetica-Bold", MIN_TEXT_PT)
        top = y + MIN_TEXT_PT - 4
        pdf.drawImage(
            ImageReader(io.BytesIO(made.image)),
            (width - CHART_PT[0]) / 2,
            top - CHART_PT[1],
            CHART_PT[0],
            CHART_PT[1],
        )
        y = top - CHART_PT[1] - MIN_TEXT_PT - 6
        y = write_lines(pdf, [made.summary], margin, y, text_width, "Helvetica", 13)
        under = [made.source] + ([made.note] if made.note else [])
        write_lines(pdf, under, margin, y, text_width, "Helvetica", MIN_TEXT_PT)
        write_lines(pdf, [footer], margin, 0.8 * cm, text_width, "Helvetica", MIN_TEXT_PT)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
