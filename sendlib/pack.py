"""The meeting pack: the dashboard's charts as a PowerPoint deck and a PDF, built for one role.

``collect_slides`` is every registered view the audience may see that has a figure, in page order (the same
view functions the pages render, so the pack cannot drift from them); ``build_pack`` turns them into images
once (Kaleido, one lock) and writes both files from them: a title slide (area, date, data as at) and a slide
per chart with its title, its one-sentence summary and, in the speaker notes (the PDF: under the chart), its
source line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from pptx import Presentation
from pptx.util import Emu, Inches, Pt
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from sendlib.charts import with_note
from sendlib.config import Config
from sendlib.export import figure_to_image
from sendlib.store import Store
from sendlib.suppression import suppression_note
from sendlib.views import PAGES, Audience, Filters

IMAGE_WIDTH, IMAGE_HEIGHT = 1600, 900
SLIDE_SIZE = (Inches(13.333), Inches(7.5))  # 16:9
PDF_PAGE = landscape((29.7 * cm, 21.0 * cm))  # A4 landscape
Progress = Callable[[float, str], None]


@dataclass
class Slide:
    """One chart for the pack: its title, figure, one-sentence summary and source line."""

    title: str
    figure: go.Figure
    summary: str
    source: str
    key: str | None = None  # the registered view it shows


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
    each slide is the view's title, figure (with its suppression note written in), summary and source line."""
    filters = Filters(as_of=as_of)
    slides: list[Slide] = []
    for entry in PAGES:
        for spec in entry.visible_views(audience):
            view = spec.build(store, config, filters, audience) if spec.in_pack else None
            if view is not None and view.figure is not None:
                slides.append(
                    Slide(
                        view.title,
                        with_note(view.figure, view.suppression_note),
                        view.summary,
                        view.source,
                        key=view.key,
                    )
                )
    return slides


def data_as_at(store: Store) -> str:
    """When the data last changed, in words, for the title slide."""
    latest = store.query_value(
        "SELECT max(t) FROM (SELECT max(loaded_at) AS t FROM loads WHERE outcome = 'loaded' "
        "UNION ALL SELECT max(recorded_at) FROM commitment_updates UNION ALL SELECT max(recorded_at) "
        "FROM engagement_activities UNION ALL SELECT max(recorded_at) FROM stakeholder_assessments)"
    )
    return f"{latest:%d %B %Y}" if latest else "no data loaded"


def build_pack(
    slides: list[Slide],
    *,
    area: str,
    audience: Audience,
    as_of: date,
    data_date: str,
    progress: Progress | None = None,
) -> tuple[bytes, bytes]:
    """The deck (PPTX) and the PDF of the same slides; each chart is drawn once, as a PNG. The title slide says
    whether ``audience`` sees figures as they are or with small numbers hidden (and from which threshold)."""
    report = progress or (lambda _fraction, _text: None)
    images = []
    for index, slide in enumerate(slides):
        report(index / (len(slides) + 2), f"Drawing {slide.title}")
        images.append(figure_to_image(slide.figure, fmt="png", width=IMAGE_WIDTH, height=IMAGE_HEIGHT))
    title = f"{area} SEND Commissioning: meeting pack"
    subtitle = f"{as_of:%d %B %Y} · data as at {data_date} · " + (
        "small numbers hidden: " + suppression_note(audience.threshold)
        if audience.hides_small_numbers
        else "figures as they are"
    )
    report(len(slides) / (len(slides) + 2), "Writing the slides")
    deck = _pptx(slides, images, title, subtitle)
    report((len(slides) + 1) / (len(slides) + 2), "Writing the PDF")
    pdf = _pdf(slides, images, title, subtitle)
    report(1.0, "Ready")
    return deck, pdf


def _pptx(slides: list[Slide], images: list[bytes], title: str, subtitle: str) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_SIZE
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = subtitle
    for slide, image in zip(slides, images):
        page = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        page.shapes.title.text = slide.title
        page.shapes.title.text_frame.paragraphs[0].font.size = Pt(28)
        height = Inches(5.6)
        width = Emu(int(height * IMAGE_WIDTH / IMAGE_HEIGHT))
        page.shapes.add_picture(io.BytesIO(image), int((deck.slide_width - width) / 2), Inches(1.15), width, height)
        box = page.shapes.add_textbox(Inches(0.6), Inches(6.8), deck.slide_width - Inches(1.2), Inches(0.6))
        box.text_frame.word_wrap = True
        box.text_frame.text = slide.summary
        box.text_frame.paragraphs[0].font.size = Pt(14)
        page.notes_slide.notes_text_frame.text = slide.source
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _pdf(slides: list[Slide], images: list[bytes], title: str, subtitle: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PDF_PAGE, pageCompression=1)
    pdf.setTitle(title)
    width, height = PDF_PAGE
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawString(2 * cm, height / 2 + 1 * cm, title)
    pdf.setFont("Helvetica", 13)
    pdf.drawString(2 * cm, height / 2 - 0.2 * cm, subtitle[:150])
    pdf.showPage()
    for slide, image in zip(slides, images):
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(1.5 * cm, height - 1.6 * cm, slide.title[:110])
        image_width = width - 3 * cm
        image_height = image_width * IMAGE_HEIGHT / IMAGE_WIDTH
        pdf.drawImage(
            ImageReader(io.BytesIO(image)), 1.5 * cm, height - 2.2 * cm - image_height, image_width, image_height
        )
        text = pdf.beginText(1.5 * cm, height - 2.8 * cm - image_height)
        text.setFont("Helvetica", 11)
        for line in _wrap(slide.summary, 150):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
