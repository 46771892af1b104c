"""The meeting pack, chart and table exports: real files, opened with the libraries people's tools use."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import threading
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pypdf import PdfReader

from sendlib import pack
from sendlib.charts import base_layout, category_labels, reflow, with_note
from sendlib.config import Config
from sendlib.export import figure_to_image, table_to_csv, table_to_xlsx
from sendlib.pack import PRINT_LABEL_CHARS
from sendlib.store import Store
from sendlib.views import Audience, Filters, views_for
from tests.conftest import PROJECT_ROOT, copy_store

AS_OF = date(2026, 11, 23)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def packs(
    tmp_path_factory: pytest.TempPathFactory, built_demo: Path
) -> dict[str, tuple[list[pack.Slide], bytes, bytes]]:
    store = Store.open(copy_store(built_demo, tmp_path_factory.mktemp("pack") / "pack.duckdb"))
    made = {}
    for role in ("commissioner", "forum"):
        slides, deck, pdf = pack.make_pack(store, Config(), Audience.of(role, Config()), AS_OF)
        made[role] = (slides, deck, pdf)
    store.close()
    return made


def test_the_deck_has_a_title_slide_then_a_slide_per_chart_with_valid_pictures(packs) -> None:
    slides, deck, _ = packs["commissioner"]
    presentation = Presentation(io.BytesIO(deck))
    titles = [slide.shapes.title.text for slide in presentation.slides]
    # Every view with a chart, in page order (Primary needs, EHC plans, Stakeholders, Participation, Reach gaps,
    # Commitments).
    assert titles == [
        "Sunderland SEND Commissioning: meeting pack",
        # A stacked two-panel chart: a slide per panel, titled by it (two panels in one 500 px image overprinted).
        "By primary need (1 of 2) — SEN support: 5,620",
        "By primary need (2 of 2) — EHC plan: 1,222",
        "Against all pupils",
        "Compared with England (1 of 2) — Share of SEN support",
        "Compared with England (2 of 2) — Share of EHC plan",
        # DfE's EHC plan release (the demo loads it): seven charts; the two timeliness panels a slide each.
        "EHC plans each January",
        "EHC plans in every local authority",
        "EHC plans by primary need",
        "EHC plans by setting",
        "Requests, assessments and new plans",
        "New plans issued within 20 weeks (1 of 2) — All plans",
        "New plans issued within 20 weeks (2 of 2) — Without exception cases",
        "20-week timeliness in every local authority",
        "Stakeholder grid",
        "Reach by level against target, in 2025/26",
        "Reach by provision and level (% of each group)",
        # Labels re-wrapped to the print's width: the ladder and Lundy's elements fit one slide each.
        "Activities on Hart's ladder of participation",
        "Lundy's elements and feedback to participants",
        "Participation quality by quarter",
        "Reach gaps: SEN support and EHC plans",
        # 13 numbered groups of two or three lines each at 12 pt: split like any other chart with rows.
        "Reach gaps: Main need (1 of 3)",
        "Reach gaps: Main need (2 of 3)",
        "Reach gaps: Main need (3 of 3)",
        "Exceptions: red or overdue",
        # 30 commitments at 12 pt do not fit one slide: split into the fewest parts, each saying which it is.
        "Commitments from start to due date (1 of 4)",
        "Commitments from start to due date (2 of 4)",
        "Commitments from start to due date (3 of 4)",
        "Commitments from start to due date (4 of 4)",
        "Commitments: complete against due",
    ]
    assert "23 November 2026" in presentation.slides[0].placeholders[1].text
    # In words anyone reads: a commissioner's pack says its small numbers are not hidden.
    assert "every figure in full, small numbers included" in presentation.slides[0].placeholders[1].text
    by_title = {made.title: made for made in slides}
    for slide in list(presentation.slides)[1:]:
        made = by_title[re.sub(r" \(\d+ of \d+\)( — .+)?$", "", slide.shapes.title.text)]
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == 1 and png_size(pictures[0].image.blob) == (2000, 1000)
        assert made.summary in " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert slide.notes_slide.notes_text_frame.text == made.source and made.source.startswith("Source:")


def test_the_pdf_has_the_same_pages(packs) -> None:
    _, deck, pdf = packs["commissioner"]
    reader = PdfReader(io.BytesIO(pdf))
    assert "Sunderland SEND Commissioning: meeting pack" in reader.pages[0].extract_text()
    assert "Commitments: complete against due" in reader.pages[-1].extract_text()
    assert len(reader.pages) == len(Presentation(io.BytesIO(deck)).slides)  # the same pages, split charts included


def test_the_forum_pack_is_suppressed_and_leaves_out_what_the_forum_cannot_see(packs) -> None:
    slides, deck, pdf = packs["forum"]
    titles = [slide.title for slide in slides]
    assert not any(t.startswith(("Reach by level", "Commitments", "Exceptions")) for t in titles)
    needs_slide = slides[0].figure
    # MSI with an EHC plan (3) is hidden; the slide says what "c" means under the chart, at print size.
    assert slides[0].note and slides[0].note.startswith("c = fewer than 6 children")
    assert slides[0].note in Presentation(io.BytesIO(deck)).slides[1].shapes[-2].text_frame.text
    bar_text = " ".join(str(t) for trace in needs_slide.data for t in (trace.text or []))
    assert " 3 " not in f" {bar_text} "
    assert "small numbers hidden" in Presentation(io.BytesIO(deck)).slides[0].placeholders[1].text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(Presentation(io.BytesIO(deck)).slides)


def test_an_exported_image_carries_its_title_source_and_note() -> None:
    figure = base_layout(
        go.Figure(go.Bar(x=["a", "b"], y=[1, 2])),
        title="Reach gaps",
        height=400,
        source="Source: census 2019/20; as at 23 November 2026.",
    )
    exported = with_note(figure, "c = fewer than 6 children.")
    texts = [a.text for a in exported.layout.annotations]
    assert exported.layout.title.text == "Reach gaps"
    assert any("census 2019/20" in t for t in texts) and "c = fewer than 6 children." in texts
    assert len(figure.layout.annotations) == 1  # the page's own figure is not changed
    assert png_size(figure_to_image(exported, width=800)) == (800, exported.layout.height)
    assert figure_to_image(exported, fmt="svg").lstrip().startswith(b"<svg")


def test_two_exports_in_parallel_threads_get_their_own_images() -> None:
    figures = {
        width: base_layout(go.Figure(go.Scatter(y=[width, 1])), title=f"Chart {width}", height=300 + width // 10)
        for width in (500, 700, 900, 1100)
    }
    results: dict[int, bytes] = {}

    def export(width: int) -> None:
        results[width] = figure_to_image(figures[width], width=width)

    threads = [threading.Thread(target=export, args=(width,)) for width in figures for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert {width: png_size(data) for width, data in results.items()} == {
        width: (width, 300 + width // 10) for width in figures
    }


def test_tables_download_with_formulas_neutralised() -> None:
    table = pd.DataFrame(
        {"Group": ['=HYPERLINK("http://x")', "+44 123", "@SUM(A1)", "-cmd", "SEN support"], "People": [1, -2, 3, 4, 5]}
    )
    csv_text = table_to_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+44 123" in csv_text and "'@SUM(A1)" in csv_text and "'-cmd" in csv_text
    assert ",-2" in csv_text  # numbers stay numbers
    sheet = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(table))).active
    column = [cell.value for cell in sheet["A"]][1:]
    assert column == ['\'=HYPERLINK("http://x")', "'+44 123", "'@SUM(A1)", "'-cmd", "SEN support"]
    assert all(cell.data_type == "s" for cell in sheet["A"][1:]) and sheet["B"][2].value == -2


def test_the_pack_command_writes_a_deck_or_a_pdf(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), "init", "--demo"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    out = tmp_path / "pack.pptx"
    made = subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), "pack", "--out", str(out), "--role", "forum"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0 and "slides for the forum role" in made.stdout
    assert Presentation(str(out)).slides[0].shapes.title.text == "Sunderland SEND Commissioning: meeting pack"
    wrong = subprocess.run(
        [sys.executable, "-m", "sendlib", "--db", str(db), "pack", "--out", str(tmp_path / "p.docx")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wrong.returncode == 1 and "must end in .pptx or .pdf" in wrong.stderr


@pytest.mark.parametrize("role", ["officer", "forum"])
def test_the_pack_is_every_view_the_role_sees_with_a_chart_in_page_order(demo_store: Store, role: str) -> None:
    """The pack cannot drift from the pages: its slides are the role's visible views that have a chart, with
    their titles, in the registry's page order."""
    audience = Audience.of(role, Config())
    views = [spec.build(demo_store, Config(), Filters(as_of=AS_OF), audience) for spec in views_for(audience)]
    charts = [view for view in views if view is not None and view.figure is not None]
    slides = pack.collect_slides(demo_store, Config(), audience, AS_OF)
    in_pack = {spec.key for spec in views_for(audience) if spec.in_pack}
    charts = [view for view in charts if view.key in in_pack]
    assert [(s.key, s.title) for s in slides] == [(v.key, v.title) for v in charts]
    assert [s.summary for s in slides] == [v.summary for v in charts] and len(charts) >= 6


def _font_sizes(node: object) -> list[float]:
    """Every font size set anywhere in a figure's JSON (``font``, ``tickfont``, ``textfont``, ``title.font``…)."""
    if isinstance(node, dict):
        own = [
            value["size"]
            for key, value in node.items()
            if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), (int, float))
        ]
        return [float(size) for size in own] + [size for value in node.values() for size in _font_sizes(value)]
    if isinstance(node, list):
        return [size for item in node for size in _font_sizes(item)]
    return []


def _text_sizes(page: Any) -> list[float]:
    """The font size of every piece of text drawn on a PDF page (reportlab draws at scale 1: Tf is the size)."""
    sizes: list[float] = []

    def visit(text: str, _cm: object, _tm: object, _font: object, size: float) -> None:
        if text.strip():
            sizes.append(size)

    page.extract_text(visitor_text=visit)
    return sizes


def test_chart_text_is_at_least_12_pt_as_printed_on_the_page_and_the_slide(packs) -> None:
    """Issue 19: chart text was about 7 pt on A4. Every font of every figure the pack draws, at the size the
    picture is placed (points per figure pixel, read from the files themselves), is at least 12 pt; so is the
    PDF's own text."""
    slides, deck, pdf = packs["commissioner"]
    for slide in slides:
        for part in pack.print_figures(slide.figure):
            spec = part.to_plotly_json()
            assert spec["layout"]["font"]["size"] * pack.PT_PER_PX >= 12, slide.title
            assert min(_font_sizes(spec)) * pack.PT_PER_PX >= 12, slide.title
            assert part.layout.yaxis.automargin and part.layout.xaxis.automargin  # ticks and titles fitted
    for slide in list(Presentation(io.BytesIO(deck)).slides)[1:]:
        picture = next(shape for shape in slide.shapes if shape.shape_type == 13)
        figure_px = png_size(picture.image.blob)[0] / pack.IMAGE_SCALE
        assert picture.width / 12700 / figure_px == pytest.approx(pack.PT_PER_PX)
        sizes = [
            (run.font.size or paragraph.font.size).pt
            for shape in slide.shapes
            if shape.has_text_frame
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
        ]
        assert sizes and min(sizes) >= 12
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages[1:]:
        # reportlab draws an image as "w 0 0 h x y cm /Name Do": its placed width over the figure's pixels.
        placed = re.findall(rb"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm\s*/[\w.]+ Do", page.get_contents().get_data())
        assert len(placed) == 1 and float(placed[0][0]) / pack.IMAGE_PX[0] == pytest.approx(pack.PT_PER_PX)
        sizes = _text_sizes(page)
        assert sizes and min(sizes) >= 12


def test_every_slide_says_its_sources_periods_and_the_pack_what_it_covers(packs) -> None:
    """Every slide: the census period, engagement year and data as at (the footer), its own sources' periods and
    age flags; the title slide lists every page and chart in the pack."""
    slides, deck, pdf = packs["commissioner"]
    presentation = Presentation(io.BytesIO(deck))
    cover = presentation.slides[0].placeholders[1].text
    assert "This pack covers:" in cover and all(line in cover for line in pack.contents(slides))
    assert all(slide.title in cover and slide.page in cover for slide in slides)
    footer = "Census 2019/20 · engagement 2025/26 · data as at "
    texts = {}
    for slide in list(presentation.slides)[1:]:
        text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert footer in text
        texts.setdefault(re.sub(r" \(\d+ of \d+\)( — .+)?$", "", slide.shapes.title.text), text)  # a chart's first part
    assert (
        "Census 2019/20" in texts["By primary need"]
        and "a newer one was due from DfE by June 2021" in (texts["By primary need"])
    )
    assert "The census is from 2019/20, engagement from 2025/26: six years apart." in texts["Reach gaps: Main need"]
    assert "Stakeholder assessments latest 1 September 2021" in texts["Stakeholder grid"]
    assert "more than 12 months ago" in texts["Stakeholder grid"]
    assert all("data as at" in page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_exceptions_slide_names_each_commitment_by_title_and_owner(packs) -> None:
    slides, _, _ = packs["commissioner"]
    exceptions = next(slide for slide in slides if slide.key == "commitments.exceptions")
    labels = [label for trace in exceptions.figure.data if trace.type == "bar" for label in trace.y]
    assert labels and all("<i>" in label and not re.search(r"\b[A-Z]-[A-Z]\d\d\b", label) for label in labels)


def test_one_activity_today_does_not_turn_the_headlines_and_pack_to_a_year_only_begun(demo_store: Store) -> None:
    """Issue 19: an activity dated 2 December 2026 (2026/27) made the Overview and the pack show 2026/27 on that one
    activity ("Micro reach 0.0%"). They stay on the latest complete year; the year in progress says so."""
    from sendlib import engagement
    from sendlib.engagement import PARENT_CARERS, Activity, counts_for
    from sendlib.overview import build_overview
    from sendlib.views import reach as reach_views
    from tests.conftest import TEST_OFFICER

    today = date(2026, 12, 2)
    config, audience = Config(), Audience.of("commissioner", Config())
    before = build_overview(demo_store, config, audience, today)
    activity = Activity(
        reference="T-TODAY",
        activity_date=today,
        title="A review today",
        level="micro",
        audience="both",
        method="survey",
        hart_rung=5,
        feedback_given=True,
        counts=counts_for(PARENT_CARERS, 1, {}),
    )
    engagement.record_activity(demo_store, TEST_OFFICER, activity, today)
    after = build_overview(demo_store, config, audience, today)
    assert after == before
    reach_section = next(section for section in after if section.title == "Who we are hearing from")
    assert next(tile.label for tile in reach_section.tiles) == "Micro (individual) reach, 2025/26"
    assert "0.0%" not in [tile.value for tile in reach_section.tiles]
    slide = pack.collect_slides(demo_store, config, audience, today)
    assert any(s.title == "Reach by level against target, in 2025/26" for s in slide)
    chosen = reach_views.reach_levels(demo_store, config, Filters(as_of=today, engagement_year="202627"), audience)
    assert "engagement 2026/27 year to date (1 activity)" in chosen.period_line


def _tick_rows(svg: str) -> list[tuple[float, int]]:
    """Each y tick label of a Kaleido SVG with a category row each: its row's position (px) and its lines."""
    rows = []
    for tick in re.findall(r'<g class="ytick">(.*?)</g>', svg):
        at = re.search(r"translate\(0,([\d.]+)\)", tick)
        if at:
            rows.append((float(at.group(1)), max(1, tick.count('<tspan class="line"'))))
    return sorted(rows)


def test_every_print_copy_keeps_its_rows_apart(packs) -> None:
    """Issue 19: the stacked need charts squeezed two panels into one 500 px image and the 13 numbered reach-gap
    rows into one, so their labels overprinted. In every copy the pack draws (measured in Kaleido's own SVG),
    every category row keeps its label, and neighbouring labels are at least MIN_FONT_PX × 1.2 per line apart."""
    slides, _, _ = packs["commissioner"]
    checked = 0
    for slide in slides:
        for part in pack.print_figures(slide.figure):
            rows = category_labels(part)
            if rows is None:
                continue
            svg = figure_to_image(part, fmt="svg", width=pack.IMAGE_PX[0], height=pack.IMAGE_PX[1]).decode()
            ticks = _tick_rows(svg)
            low, high = sorted(part.layout.yaxis.range) if part.layout.yaxis.range else (-0.5, len(rows) - 0.5)
            assert len(ticks) == round(high - low), f"{slide.title}: Plotly left out crowded labels"
            for (above, lines_above), (below, lines_below) in pairwise(ticks):
                need = (lines_above + lines_below) / 2 * pack.MIN_FONT_PX * 1.2
                assert below - above >= need, f"{slide.title}: rows {below - above:.0f} px apart, need {need:.0f}"
            checked += 1
    assert checked >= 15  # the panels, the ladder, the gaps, the exceptions and the timeline's parts


def test_reflow_rewraps_what_the_wrapping_helper_made_and_keeps_deliberate_lines() -> None:
    from sendlib.charts import wrap

    assert reflow(wrap("SLCN: speech, language and communication needs"), PRINT_LABEL_CHARS) == (
        "SLCN: speech, language and communication needs"
    )
    # The figures under a group's name and an owner in italics are lines of their own.
    gap = wrap("MSI: multi-sensory impairment") + "<br>0.2% → 0.0% under-reached"
    assert reflow(gap, PRINT_LABEL_CHARS) == "MSI: multi-sensory impairment<br>0.2% → 0.0% under-reached"
    named = wrap("Hold services to account for feedback", 40) + "<br><i>Designated Clinical Officer</i>"
    assert reflow(named, PRINT_LABEL_CHARS) == named
    assert reflow(wrap("Tom &amp; <b>Jerry</b> parents and carers"), PRINT_LABEL_CHARS) == (
        "Tom &amp;amp; &lt;b&gt;Jerry&lt;/b&gt; parents and carers"
    )
