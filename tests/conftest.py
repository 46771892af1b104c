"""Shared fixtures: tiny stores built in tmp_path, never the live file in data/; the test groups.

Groups (markers registered in pytest.ini, assigned here, never by hand): ``browser`` for a test that drives
Chromium or starts a Streamlit server, ``app`` for one that runs the app in Streamlit's AppTest, ``process`` for
one that starts another Python process (the CLI, a process killed mid-load, the benchmark), ``unit`` for the
rest (sendlib in this process on tiny stores), so ``pytest -m unit`` is quick.

The demo store is built once per session (per xdist worker) and each test gets its own copy of the file, so a
test that writes cannot disturb another and none rebuilds it.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sendlib.auth import OFFICER, Actor, add_user
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


def copy_store(built: Path, to: Path) -> Path:
    """A copy of the closed store ``built`` (its file and its ``uploads/`` beside it) at ``to``; returns ``to``.

    The work folder is not copied: every read-write open wipes it anyway."""
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, to)
    uploads = built.parent / "uploads"
    if uploads.is_dir():
        shutil.copytree(uploads, to.parent / "uploads", dirs_exist_ok=True)
    return to


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo data loaded once per session through the normal load path (closed: tests copy it)."""
    path = tmp_path_factory.mktemp("built-demo") / "demo.duckdb"
    built = Store.open(path)
    load_demo(built, Config())
    built.close()
    return path


@pytest.fixture(scope="session")
def built_demo_with_accounts(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store plus one local account per role (ROLE_ACTORS in tests/fixtures.py), built once."""
    from tests.fixtures import ROLE_ACTORS

    path = copy_store(built_demo, tmp_path_factory.mktemp("built-demo-accounts") / "demo.duckdb")
    built = Store.open(path)
    for actor in ROLE_ACTORS.values():  # the accounts the AppTest sessions are signed in with
        add_user(built, actor.name, actor.role, "a test password", by=TEST_OFFICER)
    built.close()
    return path


@pytest.fixture
def demo_store(built_demo: Path, tmp_path: Path) -> Iterator[Store]:
    """A store holding the shipped demo data: this test's own copy of the session's demo store."""
    opened = Store.open(copy_store(built_demo, tmp_path / "test.duckdb"))
    yield opened
    opened.close()


@pytest.fixture
def demo_db(built_demo_with_accounts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The path of this test's own copy of the demo store with the role accounts; the app (SENDLIB_DB) uses it."""
    path = copy_store(built_demo_with_accounts, tmp_path / "app.duckdb")
    monkeypatch.setenv("SENDLIB_DB", str(path))
    return path


# -- browser tests: one Chromium and one demo server per module -------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server_url(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server on a free port over a module's own demo store, with <role>@example.invalid accounts
    (password tests.browser.PASSWORD). Module-scoped: tests in a module may change its data."""
    from tests.browser import PASSWORD, running_server

    db = copy_store(built_demo, tmp_path_factory.mktemp("browser") / "demo.duckdb")
    opened = Store.open(db)
    for role in ("officer", "commissioner", "forum"):
        add_user(opened, f"{role}@example.invalid", role, PASSWORD, by=TEST_OFFICER)
    opened.close()
    with running_server(db) as url:
        yield url


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
        [
            sys.executable,
            "-c",
            f"from sendlib.store import Store; s = Store.open({str(path)!r}); print('ready', flush=True); input()",
        ],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
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


# -- the test groups: unit / app / browser ------------------------------------------------------------------
# A test is in a group by what it reaches: its own code, the tests/ helpers it calls and the fixtures it uses,
# followed through their code objects. Names that mean a browser or a server, and names that mean AppTest:
BROWSER_NAMES = frozenset({"sync_playwright", "running_server"})
APP_NAMES = frozenset({"AppTest"})
PROCESS_NAMES = frozenset({"subprocess", "multiprocessing"})  # another Python process: the CLI, a kill -9, the bench


def _names_reached(function: object, seen: set[int]) -> set[str]:
    """Every global or imported name the code of ``function`` uses, following the functions it names that are
    defined under tests/ (helpers, fixtures), nested functions and lambdas included."""
    function = getattr(getattr(function, "hypothesis", None), "inner_test", function)  # a @given test's own body
    function = inspect.unwrap(function)  # type: ignore[arg-type]
    code = getattr(function, "__code__", None)
    if code is None or id(code) in seen:
        return set()
    seen.add(id(code))
    names: set[str] = set()
    pending = [code]
    while pending:
        current = pending.pop()
        names.update(current.co_names)
        pending.extend(const for const in current.co_consts if inspect.iscode(const))
    module_globals = getattr(function, "__globals__", {})
    for name in list(names):
        value = module_globals.get(name)
        if callable(value) and getattr(value, "__module__", "").startswith("tests."):
            names |= _names_reached(value, seen)
    return names


def _group(item: pytest.Item) -> str:
    info = getattr(item, "_fixtureinfo", None)
    fixtures = set(info.names_closure) if info is not None else set()
    seen: set[int] = set()
    names = _names_reached(getattr(item, "obj", None), seen)
    for name in fixtures:
        for definition in info.name2fixturedefs.get(name, ()) if info is not None else ():
            if getattr(definition.func, "__module__", "").startswith("tests."):  # ours, not pytest's own
                names |= _names_reached(definition.func, seen)
    if names & BROWSER_NAMES or "browser" in fixtures:
        return "browser"
    if names & APP_NAMES:
        return "app"
    if names & PROCESS_NAMES:
        return "process"
    return "unit"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test unit, process, app or browser; keep a module's tests on one xdist worker when they share a
    module-scoped fixture (a server, a store built for the module), so it is built once, not once per worker."""
    for item in items:
        item.add_marker(getattr(pytest.mark, _group(item)))
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if any(
            definition.scope in ("module", "class", "package")
            for definitions in info.name2fixturedefs.values()
            for definition in definitions
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else item.nodeid))
