"""Easy read: made from the data, in short sentences and everyday words (checked with textstat), following
the public rules, and reachable from the forum's navigation, Reach gaps and You said, we did."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import textstat

from sendlib import easy_read, needs
from sendlib.auth import COMMISSIONER, FORUM, OFFICER
from sendlib.codes import EHC_PLAN, SEN_SUPPORT
from sendlib.ingest import load_census
from sendlib.store import Store
from sendlib.views import Audience
from tests.conftest import TEST_OFFICER
from tests.fixtures import ROLE_ACTORS, run_app

AS_OF = date(2026, 11, 23)
ROLES = {OFFICER: 0, COMMISSIONER: 0, FORUM: 5}


def _words_per_sentence(text: str) -> float:
    return textstat.lexicon_count(text) / textstat.sentence_count(text)


@pytest.mark.parametrize("role", list(ROLES))
def test_the_words_are_easy_to_read(demo_store: Store, config, role: str) -> None:
    parts = easy_read.build_easy_read(demo_store, config, Audience(role, ROLES[role]), AS_OF)
    text = easy_read.all_text(parts)
    assert textstat.flesch_reading_ease(text) >= 70, text
    assert _words_per_sentence(text) <= 15, text
    for part in parts:
        for point in part.points:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", point.text) if s]
            assert 1 <= len(sentences) <= 2, point.text  # one idea per line
            assert all(len(s.split()) <= 15 for s in sentences), point.text
            assert point.icon.strip(), point.text  # a picture beside every point


def test_it_covers_the_three_things_from_the_data(demo_store: Store, config) -> None:
    parts = easy_read.build_easy_read(demo_store, config, Audience(OFFICER, 0), AS_OF)
    assert [p.title for p in parts] == [
        "Children and young people with SEND",
        "EHC plans",
        "Who we are hearing from",
        "What we promised and what we did",
    ]
    local = needs.local_area_key(config)
    totals = needs.provision_totals(
        needs.query_need_breakdown(demo_store, local, needs.query_periods(demo_store, local)[0])
    )
    text = easy_read.all_text(parts)
    assert f"{easy_read.about(totals[SEN_SUPPORT] + totals[EHC_PLAN])} children and young people have SEND" in text
    assert "The most common need is autism." in text  # ASD is the largest need in the seed census
    assert "We do not hear enough from families of children who get extra help at school." in text
    assert "We made 30 promises in our plans." in text and "You told us 5 things." in text


def test_new_figures_change_the_words(demo_store: Store, config, write_csv) -> None:
    before = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(OFFICER, 0), AS_OF))
    path = write_csv(
        "next.csv",
        "period,provision,primary_need,pupils\n202425,SEN support,SLCN,4000\n"
        "202425,SEN support,ASD,1000\n202425,EHC plan,SLCN,900\n",
    )
    load_census(demo_store, path, config=config, actor=TEST_OFFICER)
    after = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(OFFICER, 0), AS_OF))
    assert "about 5,900 children and young people have SEND" in after and after != before
    assert "The most common need is speech and language needs." in after
    assert "from the school year 2024 to 2025" in after


def test_an_empty_store_says_so_plainly(store: Store, config) -> None:
    text = easy_read.all_text(easy_read.build_easy_read(store, config, Audience(FORUM, 5), AS_OF))
    assert "We do not have the numbers yet." in text and "We have no records yet of who we heard from." in text
    assert "We do not have the EHC plan numbers yet." in text


def test_the_forum_sees_no_commitment_figures(demo_store: Store, config) -> None:
    text = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(FORUM, 5), AS_OF))
    assert "promises" not in text and "You told us" in text


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (7, "7"),
        (100, "100"),
        (155, "about 160"),
        (1222, "about 1,200"),
        (6842, "about 6,800"),
        (12_345, "about 12,000"),
    ],
)
def test_about_rounds_big_numbers_to_two_figures(count: int, words: str) -> None:
    assert easy_read.about(count) == words


def test_forum_navigation_and_links_reach_easy_read(demo_db: Path) -> None:
    at = run_app("pages/easy_read.py", ROLE_ACTORS[FORUM])
    assert not at.exception and at.title[0].value == "Easy read"
    shown = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "children and young people have SEND" in shown and 'aria-hidden="true"' in shown
    for page in ("pages/reach_gaps.py", "pages/you_said.py"):
        links = run_app(page, ROLE_ACTORS[FORUM]).get("page_link")
        assert any(link.proto.label == "Read this in easy read" for link in links), page


def test_hidden_counts_are_a_small_number_never_a_figure(demo_store: Store, config) -> None:
    # A threshold above every count here hides them all, as the forum's rules would for a tiny area.
    text = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(FORUM, 100_000), AS_OF))
    assert "In Sunderland, some children and young people have SEND." in text
    assert "A small number get extra help at school." in text and "A small number have a plan" in text
    assert not re.search(r"\d,\d{3}", text.split("Who we are hearing from")[0])  # no count over 999 shown
    assert "The most common need" not in text  # rankings of hidden cells


def test_only_published_answers_count(demo_store: Store, config) -> None:
    from sendlib import you_said

    before = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(FORUM, 5), AS_OF))
    for n in range(3):
        you_said.add_item(
            demo_store,
            TEST_OFFICER,
            said_on=date(2026, 10, 1),
            said_by="parent carers",
            what_was_said=f"Not yet answered {n}",
            theme="Unpublished theme",
        )
    after = easy_read.all_text(easy_read.build_easy_read(demo_store, config, Audience(FORUM, 5), AS_OF))
    assert after == before and "unpublished theme" not in after


def test_one_item_is_one_thing(store: Store, config) -> None:
    from sendlib import you_said

    item = you_said.add_item(
        store,
        TEST_OFFICER,
        said_on=date(2026, 10, 1),
        said_by="children and young people",
        what_was_said="Buses are late",
        theme="Transport",
    )
    you_said.respond(
        store,
        TEST_OFFICER,
        item_id=item,
        what_we_did="We spoke to the bus firm",
        state="closed",
        published_on=date(2026, 10, 20),
        today=AS_OF,
    )
    text = easy_read.all_text(easy_read.build_easy_read(store, config, Audience(FORUM, 5), AS_OF))
    assert "You told us 1 thing." in text and "Most were about transport." in text
