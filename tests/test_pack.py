"""The meeting pack, chart and table exports: real files, opened with the libraries people's tools use."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pypdf import PdfReader

from sendlib import pack
from sendlib.charts import base_layout, with_note
from sendlib.config import Config
from sendlib.export import figure_to_image, table_to_csv, table_to_xlsx
from sendlib.store import Store
from sendlib.views import Audience, Filters, views_for
from tests.conftest import PROJECT_ROOT

AS_OF = date(2026, 11, 23)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR)."""
    assert data.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[pack.Slide], bytes, bytes]]:
    store = Store.open(tmp_path_factory.mktemp("pack") / "pack.duckdb")
    from sendlib.demo import load_demo

    load_demo(store, Config())
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
    # Every view with a chart, in page order (Primary needs, Stakeholders, Participation, Reach gaps, Commitments).
    assert titles == [
        "Sunderland SEND Commissioning: meeting pack",
        "By primary need",
        "Against all pupils",
        "Compared with England",
        "Stakeholder grid",
        "Reach by level against target, in 2025/26",
        "Reach by provision and level (% of each group)",
        "Activities on Hart's ladder of participation",
        "Lundy's elements and feedback to participants",
        "Participation quality by quarter",
        "Reach gaps: SEN support and EHC plans",
        "Reach gaps: Main need",
        "Exceptions: red or overdue",
        "Commitments from start to due date",
        "Commitments: complete against due",
    ]
    assert "23 November 2026" in presentation.slides[0].placeholders[1].text
    for slide, made in zip(list(presentation.slides)[1:], slides):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == 1 and png_size(pictures[0].image.blob) == (1600, 900)
        assert made.summary in " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert slide.notes_slide.notes_text_frame.text == made.source and made.source.startswith("Source:")


def test_the_pdf_has_the_same_pages(packs) -> None:
    slides, _, pdf = packs["commissioner"]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(slides) + 1
    assert "Sunderland SEND Commissioning: meeting pack" in reader.pages[0].extract_text()
    assert "Commitments: complete against due" in reader.pages[-1].extract_text()


def test_the_forum_pack_is_suppressed_and_leaves_out_what_the_forum_cannot_see(packs) -> None:
    slides, deck, pdf = packs["forum"]
    titles = [slide.title for slide in slides]
    assert not any(t.startswith(("Reach by level", "Commitments", "Exceptions")) for t in titles)
    needs_slide = slides[0].figure
    notes = [a.text for a in needs_slide.layout.annotations if a.name == "note"]
    assert notes and notes[0].startswith("c = fewer than 6 children")  # MSI with an EHC plan (3) is hidden
    bar_text = " ".join(str(t) for trace in needs_slide.data for t in (trace.text or []))
    assert " 3 " not in f" {bar_text} "
    assert "small numbers hidden" in Presentation(io.BytesIO(deck)).slides[0].placeholders[1].text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(slides) + 1


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
