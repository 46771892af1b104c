"""How your voice made a difference: one activity's easy-read letter, from the data (what was said there, what was
done, the plans it changed), in easy words, with the forum's small-number rule, and as a PDF that holds the words."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import textstat
from pypdf import PdfReader

from sendlib import engagement, voice, you_said
from sendlib.config import Config
from sendlib.engagement import CYP, Activity
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

AS_OF = date(2026, 11, 30)


def _activity_id(store: Store, reference: str) -> int:
    return int(store.query_value("SELECT activity_id FROM engagement_current WHERE reference = ?", [reference]))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def test_every_letter_is_easy_to_read(demo_store: Store, config: Config) -> None:
    choices = voice.query_activity_choices(demo_store)
    assert len(choices) > 20 and choices["items"].sum() == 5  # the demo's five items, each from an activity
    for activity_id in choices["activity_id"]:
        letter = voice.build_letter(demo_store, config, int(activity_id), AS_OF)
        assert letter is not None
        own = voice.own_words(letter)
        assert textstat.flesch_reading_ease(own) >= 70, own
        assert textstat.lexicon_count(own) / textstat.sentence_count(own) <= 15, own
        for part in letter.parts:
            for point in part.points:
                assert point.icon.strip(), point.text  # a picture beside every point
                if not point.quoted:
                    assert 1 <= len(_sentences(point.text)) <= 2, point.text
                    assert all(len(s.split()) <= voice.MAX_WORDS for s in _sentences(point.text)), point.text


def test_the_letter_says_what_was_said_done_and_changed(demo_store: Store, config: Config) -> None:
    letter = voice.build_letter(demo_store, config, _activity_id(demo_store, "MES-01"), AS_OF)
    assert letter is not None
    words = voice.all_words(letter)
    assert [part.title for part in letter.parts] == [
        "What we did",
        "What you told us and what we did",
        "What changed in our plans",
        "Tell us what you think",
    ]
    assert "On 14 November 2025, we ran a survey." in words and "We asked parent carers." in words
    assert "You said: “All voices need to be captured not just those who shout loudest.”" in words
    assert "We are doing this: We now hold evening online drop-ins" in words  # open: still being done
    assert "We did this: The Local Offer was rebuilt" in words  # closed: done
    assert "What you said changed 4 parts of our plans." in words
    assert "Our plan: A useful Local Offer" in words
    # Nothing from another activity's items.
    assert "Ask us in the way we talk." not in words and "Tell us what happened after" not in words
    # The two long answers are named for the officer to shorten.
    assert len(voice.long_quotes(letter)) == 2


def test_an_unpublished_answer_stays_out_of_the_letter(demo_store: Store, config: Config) -> None:
    item = you_said.add_item(
        demo_store,
        TEST_OFFICER,
        said_on=date(2025, 11, 14),
        said_by="parent carers",
        what_was_said="The drop-ins are at bad times.",
        theme="Being heard",
        activity_reference="MES-01",
    )
    you_said.respond(
        demo_store, TEST_OFFICER, item_id=item, what_we_did="A draft answer.", state="open", published_on=None
    )
    letter = voice.build_letter(demo_store, config, _activity_id(demo_store, "MES-01"), AS_OF)
    assert letter is not None and letter.unpublished == 1
    assert "bad times" not in voice.all_words(letter) and "A draft answer." not in voice.all_words(letter)


@pytest.mark.parametrize(
    ("people", "said"),
    [
        (3, "A small number of people took part."),
        (5, "A small number"),
        (6, "6 people took part."),
        (140, "About 140 people took part."),
    ],
)
def test_how_many_took_part_follows_the_forums_rule(store: Store, config: Config, people: int, said: str) -> None:
    activity_id = engagement.record_activity(
        store,
        TEST_OFFICER,
        Activity(
            reference="SMALL-1",
            activity_date=date(2026, 10, 1),
            title="Small group chat",
            level="meso",
            audience=CYP,
            method="focus group",
            hart_rung=5,
            feedback_given=True,
            counts=engagement.counts_for(CYP, people),
        ),
        today=AS_OF,
    )
    letter = voice.build_letter(store, config, activity_id, AS_OF)
    assert letter is not None
    words = voice.all_words(letter)
    assert said in words
    if people <= config.suppression.threshold:
        assert not re.search(rf"\b{people}\b", voice.own_words(letter))  # the small count never appears
    # An officer makes it, but it goes to the public: the same words whoever asks (no audience to pass).
    assert "We are still working out what to do about what you told us." in words
    assert "Our plans have not changed yet." in words


def test_an_activity_not_in_force_has_no_letter(store: Store, config: Config) -> None:
    assert voice.build_letter(store, config, 12345, AS_OF) is None
    assert voice.letter_pdf_for(store, config, 12345, AS_OF) == b""


def test_the_pdf_opens_and_holds_the_words(demo_store: Store, config: Config) -> None:
    letter = voice.build_letter(demo_store, config, _activity_id(demo_store, "MES-01"), AS_OF)
    assert letter is not None
    pdf = voice.letter_pdf(letter, config)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata.title.startswith(voice.TITLE)
    printed = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for words in (
        voice.TITLE,
        "What we did",
        "On 14 November 2025, we ran a survey.",
        "All voices need to be",
        "What changed in our plans",
        "A useful Local Offer",
        config.organisation,
    ):
        assert words in printed, words
