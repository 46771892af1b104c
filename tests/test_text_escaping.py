"""Stored text is shown as text: no HTML, no Markdown links, no auto-linked addresses, in every page, chart,
export and the meeting pack (issue 17, requirement 16)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from sendlib import pack, text
from sendlib.auth import FORUM, OFFICER, Actor, add_user
from sendlib.charts import base_layout
from sendlib.config import Config
from sendlib.export import figure_to_image, table_to_csv, table_to_xlsx
from sendlib.store import Store
from sendlib.views import Audience
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, copy_store
from tests.hostile_text import HOSTILE_FILE_NAME, PAYLOAD, figure_problems, markdown_problems, plant_hostile_text

PAGES = sorted(str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "pages").glob("*.py"))
FORUM_CANNOT_OPEN = {
    "pages/upload.py",
    "pages/participation.py",
    "pages/commitments.py",
    "pages/accounts.py",
}  # refused: tests/test_app.py
ROLES = {FORUM: Actor("forum@example.invalid", FORUM), OFFICER: Actor("officer@example.invalid", OFFICER)}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, built_demo: Path) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    store = Store.open(copy_store(built_demo, work / "hostile.duckdb"))
    plant_hostile_text(store, Config(), work)
    for actor in ROLES.values():
        add_user(store, actor.name, actor.role, "a test password", by=TEST_OFFICER)
    store.close()
    return work / "hostile.duckdb"


# -- the helper itself -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "hostile",
    [
        *PAYLOAD.split(" "),
        PAYLOAD,
        HOSTILE_FILE_NAME,
        "WWW.EVIL.EXAMPLE",
        "mailto:bob@evil.example",
        ":red[coloured] :material/home:",
        "$x^2$",
        "1. not a list",
        "# not a heading",
    ],
)
def test_markdown_text_renders_nothing_but_its_characters(hostile: str) -> None:
    shown = text.markdown(hostile)
    assert not markdown_problems(shown)
    # What a reader sees (escapes resolved, invisible joiners dropped) is exactly the stored text.
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown).replace(text.WORD_JOINER, "") == hostile


def test_an_ordinary_sentence_is_unchanged_for_a_reader() -> None:
    sentence = "Parents said the letters came late; 3 of 4 schools (most) agreed."
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.markdown(sentence)) == sentence


def test_plotly_text_escapes_only_what_plotly_reads_as_markup() -> None:
    assert text.plotly("<b>bold</b> & \"q\" 'a'") == "&lt;b&gt;bold&lt;/b&gt; &amp; \"q\" 'a'"
    assert text.plotly(None) == "" and text.plotly(float("nan")) == ""
    assert text.plotly_lines("<b>a</b> " * 6, 12).split("<br>")[0] == "&lt;b&gt;a&lt;/b&gt;"


def test_a_chart_title_and_source_line_are_text() -> None:
    import plotly.graph_objects as go

    fig = base_layout(go.Figure(), title=PAYLOAD, height=300, source=f"Source: {HOSTILE_FILE_NAME}")
    assert not figure_problems(fig.to_json())
    assert "&lt;b&gt;bold&lt;/b&gt;" in fig.layout.title.text


# -- every page, as the forum and as an officer -----------------------------------------------------------------
_MARKDOWN_NODES = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "info",
    "success",
    "exception",
    "toast",
    "metric",
    "expandable",
    "tab",
}


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def rendered_strings(at: AppTest) -> tuple[list[str], list[str], list[str]]:
    """(Markdown sources, Plotly figure JSON, st.html bodies) of everything on the page and in the sidebar."""
    markdown, figures, html_bodies = [], [], []
    for node in _nodes(at._tree):
        kind, proto = getattr(node, "type", None), getattr(node, "proto", None)
        if proto is None:
            continue
        if kind == "plotly_chart":
            figures.append(proto.spec)
        elif kind == "html":
            html_bodies.append(proto.body)
        elif kind in ("expandable", "tab"):
            markdown.append(node.label)
        elif kind in _MARKDOWN_NODES:
            markdown.extend(getattr(proto, field) for field in ("body", "label") if getattr(proto, field, ""))
        elif hasattr(proto, "label") and isinstance(proto.label, str):  # every widget label is Markdown
            markdown.append(proto.label)
            if kind == "radio":  # radio options are Markdown too (selectbox options are plain text)
                markdown.extend(proto.options)
    return markdown, figures, html_bodies


@pytest.mark.parametrize("role", [FORUM, OFFICER])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_planted_text_as_text(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, role: str
) -> None:
    if role == FORUM and page in FORUM_CANNOT_OPEN:
        pytest.skip("the forum is refused this page")
    monkeypatch.setenv("SENDLIB_DB", str(hostile_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["actor"] = ROLES[role]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    markdown, figures, html_bodies = rendered_strings(at)
    assert markdown
    bad = {source: markdown_problems(source) for source in markdown if markdown_problems(source)}
    assert not bad
    for figure in figures:
        assert not figure_problems(figure)
    for body in html_bodies:  # the app's own fixed scripts (the phone menu's, presentation's keys) are allowed
        assert not re.search(r"(?i)<a\b|<b>bold|<script>alert", body), body


def test_the_planted_text_does_reach_the_pages(hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above means something: the planted text is on the pages, escaped."""
    monkeypatch.setenv("SENDLIB_DB", str(hostile_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["actor"] = ROLES[FORUM]
    at.run()
    at.switch_page("pages/primary_needs.py").run()
    markdown, figures, _ = rendered_strings(at)
    assert any("Click here for the full data" in source for source in markdown)  # the source caption
    # The charts quote area names (the page's charts leave the source line to the caption; downloads keep it).
    assert any("evil.example" in figure for figure in figures)
    at.switch_page("pages/you_said.py").run()
    markdown, _, _ = rendered_strings(at)
    assert any("Said" in source and "evil" in source for source in markdown)


# -- the meeting pack and the downloads -------------------------------------------------------------------------
@pytest.mark.parametrize("role", [FORUM, OFFICER])
def test_the_pack_shows_planted_text_literally_and_links_nothing(hostile_db: Path, role: str) -> None:
    store = Store.open(hostile_db)
    try:
        slides, deck, pdf = pack.make_pack(store, Config(), Audience.of(role, Config()), date.today())
        assert slides
        for slide in slides:
            assert not figure_problems(slide.figure.to_json()), slide.title
    finally:
        store.close()
    with zipfile.ZipFile(io.BytesIO(deck)) as parts:
        xml = " ".join(
            parts.read(name).decode("utf-8", "replace") for name in parts.namelist() if name.endswith((".xml", ".rels"))
        )
    assert "hlinkClick" not in xml
    assert not re.search(r'Target="[^"]*evil', xml)  # no relationship (hyperlink) points at the planted site
    assert "Click here for the full data" in xml  # the source line in the speaker notes, as text
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/Link"
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "<b>bold</b>" in pdf_text  # the planted name in a summary, drawn as the characters typed


def test_an_exported_svg_holds_no_link(hostile_db: Path) -> None:
    store = Store.open(hostile_db)
    try:
        figure = pack.collect_slides(store, Config(), Audience.of(FORUM, Config()), date.today())[0].figure
    finally:
        store.close()
    svg = figure_to_image(figure, fmt="svg").decode("utf-8")
    assert "Click here for the full data" in svg
    assert not re.search(r"<a\b", svg)
    assert "<b>" not in svg


def test_table_downloads_hold_text_not_links_or_formulas() -> None:
    frame = pd.DataFrame({"name": [PAYLOAD, '=HYPERLINK("https://evil.example","Click")', "www.evil.example"]})
    book = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(frame)))
    sheet = book.active
    assert not sheet._hyperlinks
    assert [cell.value for cell in sheet["A"]][1:] == [
        PAYLOAD,
        '\'=HYPERLINK("https://evil.example","Click")',
        "www.evil.example",
    ]
    assert all(cell.data_type == "s" for cell in sheet["A"])
    assert "'=HYPERLINK" in table_to_csv(frame).decode("utf-8-sig")


# -- the Upload page, where file names first appear -------------------------------------------------------------
GOOD_CENSUS = b"period,provision,primary_need,pupils\n2024/25,SEN support,SLCN,1500\n2024/25,EHCP,ASD,700\n"
BAD_CENSUS = b"period,provision,primary_need,pupils\n202425,SEN suport,SLCN,15\n"


def _assert_page_is_text(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    markdown, figures, _ = rendered_strings(at)
    assert not {source: markdown_problems(source) for source in markdown if markdown_problems(source)}
    assert not [problem for figure in figures for problem in figure_problems(figure)]


def test_a_hostile_file_name_is_text_through_check_load_and_undo(
    hostile_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "upload.duckdb"
    db.write_bytes(hostile_db.read_bytes())
    monkeypatch.setenv("SENDLIB_DB", str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
    at.session_state["actor"] = ROLES[OFFICER]
    at.run().switch_page("pages/upload.py").run()
    at.file_uploader[0].set_value((HOSTILE_FILE_NAME, BAD_CENSUS, "text/csv"))
    at.button(key="check_file").click().run()
    assert "Click here for the full data" in at.error[0].value  # refused, naming the file as text
    _assert_page_is_text(at)
    at.file_uploader[0].set_value((HOSTILE_FILE_NAME, GOOD_CENSUS, "text/csv"))
    at.button(key="check_file").click().run()
    assert "Click here for the full data" in at.subheader[0].value  # "Check before loading: …"
    _assert_page_is_text(at)
    at.button(key="confirm_load").click().run()
    assert "Click here for the full data" in at.success[0].value
    _assert_page_is_text(at)
    store = Store.open(db)  # the app's own connection is in this process too
    try:
        newest = store.query_value("SELECT max(load_id) FROM loads WHERE outcome = 'loaded'")
    finally:
        store.close()
    at.selectbox(key="undo_choice").set_value(newest)
    at.checkbox(key="undo_sure").check()
    at.button(key="undo_button").click().run()
    assert "Click here for the full data" in at.success[0].value  # "Undid load N (…)"
    _assert_page_is_text(at)
