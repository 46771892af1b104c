"""Helpers shared by several test modules (fixtures themselves are in conftest.py): the app in AppTest as each
role, the CLI as a real process, and the ways a census can be staged. Test modules import from here, never
from one another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendlib.auth import COMMISSIONER, FORUM, OFFICER, Actor
from sendlib.ingest import census as census_module
from tests.conftest import PROJECT_ROOT


# -- the app in AppTest ------------------------------------------------------------------------------------
PAGES = sorted(str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "pages").glob("*.py"))


ROLE_ACTORS = {role: Actor(f"{role}@example.invalid", role) for role in (OFFICER, COMMISSIONER, FORUM)}


def run_app(page: str | None = None, actor: Actor | None = ROLE_ACTORS[OFFICER]) -> AppTest:
    """The app as ``actor`` (signed in with a local account; None: not signed in), on ``page``."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if page:
        at.switch_page(page).run()
    return at


# Pages only some roles may open (every other page is for every role): file → (url path, roles).
RESTRICTED = {"pages/upload.py": ("upload", {OFFICER}), "pages/accounts.py": ("accounts", {OFFICER}),
              "pages/participation.py": ("participation", {OFFICER, COMMISSIONER}),
              "pages/commitments.py": ("commitments", {OFFICER, COMMISSIONER})}


# -- the CLI as a real process ---------------------------------------------------------------------------
def run_cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sendlib"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


# -- the ways a census can be staged -----------------------------------------------------------------------
WAYS = ("direct", "sampled", "grouped", "full")
STAGE_DIRECT = census_module._stage_direct  # the real ones, whatever a test has patched in since
SAMPLE_FROM_BYTES = census_module.SAMPLE_FROM_BYTES


def _take_way(monkeypatch: pytest.MonkeyPatch, way: str, outcomes: list | None = None) -> list:
    """Send every census staged from now on ``way``, recording what the direct path said of each (its outcome).

    direct: as the product does (written straight in, grouped when a figure repeats, full way on a problem);
    sampled: the same, taking labels from a sample of the file first as it does for a large file;
    grouped: as if every file repeated a figure; full: as if every file had a problem.
    """
    outcomes = [] if outcomes is None else outcomes
    monkeypatch.setattr(census_module, "SAMPLE_FROM_BYTES", 1 if way == "sampled" else SAMPLE_FROM_BYTES)

    def staged(*args, **kwargs):
        if way in ("direct", "sampled"):
            outcome = STAGE_DIRECT(*args, **kwargs)
        else:
            outcome = census_module.REPEATED_CELLS if way == "grouped" else None
        outcomes.append(outcome)
        return outcome

    monkeypatch.setattr(census_module, "_stage_direct", staged)
    return outcomes
