"""Hostile text planted in every stored text field of the demo store, and checks that it is shown as text.

Shared by the unit test over every view (tests/test_text_escaping.py) and the browser test. The text goes in
through the normal paths where there is one (a census file loaded under a hostile name, a you-said item and
its answer, a commitment update's commentary); the other free-text fields get it appended in the store
directly, as a store written by another tool or an older version could hold it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from sendlib import commitments, you_said
from sendlib.auth import OFFICER, Actor
from sendlib.config import Config
from sendlib.demo import DEMO_DIR
from sendlib.ingest import load_census
from sendlib.store import Store

HOSTILE_FILE_NAME = "<a href='https://evil.example/phish'>Click here for the full data</a>.csv"
# Every kind of markup a renderer here might act on: HTML links and bold, script, a Markdown link, bare
# addresses that Markdown auto-links, an e-mail address (auto-linked as mailto:), quotes and an ampersand.
PAYLOAD = (
    "<a href='https://evil.example/phish'>x</a> <b>bold</b> www.evil.example/path https://evil.example "
    '[link](https://evil.example) <script>alert(1)</script> "quoted" & bob@evil.example'
)
PLANTER = Actor("planter@example.invalid", OFFICER)

# Free-text columns a page, chart, export or the pack can show (codes and fixed categories are left alone).
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "census": ("area_name",),
    "loads": ("loaded_by",),
    "engagement_activities": ("title", "lead_organisation", "notes", "lundy_space_evidence"),
    "commitments": ("reference", "title", "full_text", "strategy", "section", "theme"),
    "commitment_plans": ("owner", "reason"),
    "commitment_updates": ("commentary",),
    "stakeholder_groups": ("name", "short_name", "description"),
    "stakeholder_assessments": ("assessed_by", "note"),
    "stakeholder_targets": ("reason",),
    "you_said": ("what_was_said", "theme"),
    "we_did": ("what_we_did",),
}


def plant_hostile_text(store: Store, config: Config, work_dir: Path) -> None:
    """In a demo store (a copy of the session's built_demo), put ``PAYLOAD`` (and ``HOSTILE_FILE_NAME``) into
    every stored text field."""
    # A census file loaded under the hostile name through the one load path (one count changed so it is a
    # new file): its name is what every census source line quotes.
    census = (DEMO_DIR / "sunderland-2019-20.csv").read_text().replace(",SLCN,1308", ",SLCN,1309")
    path = work_dir / "census.csv"
    path.write_text(census)
    load_census(store, path, config=config, actor=PLANTER, file_name=HOSTILE_FILE_NAME)
    item = you_said.add_item(
        store,
        PLANTER,
        said_on=date(2025, 11, 1),
        said_by=you_said.SAID_BY[0],
        what_was_said=f"Said: {PAYLOAD}",
        theme="Theme <b>bold</b> www.evil.example/t",
    )
    you_said.respond(
        store, PLANTER, item_id=item, what_we_did=f"Did: {PAYLOAD}", state="closed", published_on=date(2025, 11, 2)
    )
    reference = store.query_value("SELECT min(reference) FROM commitments")
    commitments.record_update(
        store,
        PLANTER,
        reference=reference,
        updated_on=date.today(),
        status="in progress",
        percent=10,
        commentary=f"Commentary {PAYLOAD}",
    )
    with store.transaction() as tx:
        for table, columns in TEXT_FIELDS.items():
            sets = ", ".join(f"{column} = {column} || ' ' || ?" for column in columns)
            tx.execute(
                f"UPDATE {table} SET {sets} WHERE position('evil.example' IN {columns[0]}) = 0",
                [PAYLOAD] * len(columns),
            )


# -- what would render as markup ---------------------------------------------------------------------------------
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown's literal auto-links, as Streamlit's renderer finds them in text *after* backslash
# escapes are resolved (checked in Chromium: 'www\.evil\.example' is still linked).
_AUTOLINK = re.compile(r"(?i)(https?://|www\.)[-.\w]|[-.\w+]+@[-\w]+\.[-\w]")


def markdown_problems(source: str) -> list[str]:
    """What in Markdown ``source`` would render as something other than text: raw HTML, a Markdown link, or an
    address Markdown auto-links. Empty: it renders as the text it says."""
    problems = []
    if re.search(r"(?<!\\)<[A-Za-z/!]", source):
        problems.append("raw HTML")
    if re.search(r"(?<!\\)\]\(", source):
        problems.append("a Markdown link")
    if _AUTOLINK.search(_ESCAPED_PUNCTUATION.sub(r"\1", source)):
        problems.append("an auto-linked address")
    return problems


def figure_problems(figure: dict | str) -> list[str]:
    """Every string in a Plotly figure (JSON or dict) holding planted markup Plotly would render: a link,
    bold, a script tag, or an entity Plotly does not decode (&quot; shows as those six characters)."""
    spec = json.loads(figure) if isinstance(figure, str) else figure
    found = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            if re.search(r"(?i)<a\b|<b>bold|<script|&quot;", value):
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(spec)
    return found
