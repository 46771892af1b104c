"""Every page runs in Streamlit's AppTest against a tmp store, with no exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT

PAGES = sorted(str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "pages").glob("*.py"))


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.duckdb"
    store = Store.open(path)
    load_demo(store, Config())
    store.close()
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(demo_db: Path, page: str) -> None:
    at = run_app(page)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error


def test_primary_needs_shows_the_seed_figures(demo_db: Path) -> None:
    at = run_app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["SEN support"] == "5,620"
    assert metrics["EHC plans"] == "1,222"
    assert metrics["Children and young people with SEND"] == "6,842"
    assert metrics["Share of all pupils"] == "16.1%"
    charts = at.get("plotly_chart")
    assert len(charts) >= 3  # needs, prevalence, comparison (one period: no trend)
    spec = json.loads(charts[0].proto.spec)
    assert [trace["name"] for trace in spec["data"]] == ["SEN support", "EHC plan"]
    text = " ".join(m.value for m in at.markdown)
    assert "1.0 percentage point above England" in text
    assert any("Source:" in c.value for c in at.caption)


def test_empty_store_says_what_to_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_path = tmp_path / "c.yaml"
    config_path.write_text("store:\n  demo_on_first_run: false\n")
    monkeypatch.setenv("SENDLIB_CONFIG", str(config_path))
    monkeypatch.setenv("SENDLIB_DB", str(tmp_path / "empty.duckdb"))
    at = run_app()
    assert not at.exception
    assert "No census figures are loaded" in at.info[0].value
