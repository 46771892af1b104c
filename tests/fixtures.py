"""Helpers shared by several test modules (fixtures themselves are in conftest.py): the app in AppTest as each
role and the CLI as a real process. Test modules import from here, never from one another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from sendlib.auth import COMMISSIONER, FORUM, OFFICER, Actor
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
RESTRICTED = {
    "pages/upload.py": ("upload", {OFFICER}),
    "pages/accounts.py": ("accounts", {OFFICER}),
    "pages/participation.py": ("participation", {OFFICER, COMMISSIONER}),
    "pages/commitments.py": ("commitments", {OFFICER, COMMISSIONER}),
}


# -- the CLI as a real process ---------------------------------------------------------------------------
def run_cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sendlib"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
