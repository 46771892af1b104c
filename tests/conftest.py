"""Shared fixtures: tiny stores built in tmp_path, never the live file in data/."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sendlib.auth import OFFICER, Actor
from sendlib.config import Config
from sendlib.demo import load_demo
from sendlib.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_OFFICER = Actor("test officer", OFFICER)


@pytest.fixture
def config() -> Config:
    """The default settings (Sunderland)."""
    return Config()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store in a temporary DuckDB file."""
    opened = Store.open(tmp_path / "test.duckdb")
    yield opened
    opened.close()


@pytest.fixture
def demo_store(store: Store, config: Config) -> Store:
    """A store holding the shipped demo data, loaded through the normal load path."""
    load_demo(store, config)
    return store


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """Another process holds the store ``path`` open for writing (as the running dashboard would)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from sendlib.store import Store; s = Store.open({str(path)!r}); print('ready', flush=True); input()"],
        cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.communicate("\n", timeout=30)


def census_snapshot(store: Store) -> list[tuple]:
    """Everything in force in the census, sorted: compare before/after to prove nothing changed."""
    return store.query_rows("SELECT * EXCLUDE (load_id) FROM census_current ORDER BY ALL")


def as_read(markdown: str) -> str:
    """Markdown made by ``sendlib.text.markdown`` as a reader sees it: escapes resolved, word joiners dropped."""
    from sendlib.text import WORD_JOINER

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")
