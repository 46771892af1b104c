"""How your voice made a difference: for one engagement activity, an easy-read letter to everyone who took part.

Sunderland's strategy ends with *"an easy-read document detailing how their voices influenced change will be
circulated to all children and young people who took part"*. ``build_letter`` writes it from the data, as
``sendlib.easy_read`` writes the Easy read page (its ``Part``/``Point`` and pictures): what we did with them (the
activity, who we asked, how many took part), what they said there (the "you said" items linked to the activity,
``you_said.activity_id``) and what we did about each (its latest *published* response: a draft is never sent),
and the commitments those items changed (``you_said_links``) with where each stands now.

Rules: our own sentences follow Easy read's (Flesch reading ease ≥ 70, at most 15 words a sentence, checked by
``tests/test_voice.py`` with textstat); what people said and what officers wrote was done are quoted as written
(``Point.quoted``), and ``long_quotes`` names the ones over 15 words a sentence so the officer can shorten them.
The letter goes to the public, so it follows the forum's rules whoever makes it: a count from 1 to
``suppression.threshold`` is "a small number", and the only count is how many took part.

``letter_pdf`` prints it (A4 portrait, large type, a picture beside each point) with the meeting pack's text
helper (``pack.write_lines``).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from sendlib import palette, you_said
from sendlib.config import Config
from sendlib.easy_read import CHILDREN, DATE, DONE, EAR, PROMISE, TALK, WORKING, Part, Point, about
from sendlib.engagement import CYP, PARENT_CARERS
from sendlib.pack import write_lines
from sendlib.periods import day_words
from sendlib.store import Store

TITLE = "How your voice made a difference"
MAX_WORDS = 15  # a sentence of easy read
# How each method reads after "we held" / "we ran".
METHOD_WORDS: dict[str, str] = {
    "survey": "we ran a survey",
    "focus group": "we held a focus group",
    "one-to-one": "we talked with people one to one",
    "online session": "we held an online meeting",
    "forum meeting": "we held a forum meeting",
    "creative/arts": "we held an art and making session",
    "AAC-supported": "we used symbols and talking aids so everyone could take part",
    "event or drop-in": "we held a drop-in event",
    "review meeting": "we held review meetings",
    "other": "we asked for your views",
}
AUDIENCE_WORDS: dict[str, str] = {
    CYP: "We asked children and young people.",
    PARENT_CARERS: "We asked parent carers.",
    "both": "We asked children, young people and parent carers.",
}
# Where a commitment stands, in plain words (its latest update's status).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "complete": (DONE, "We have done this."),
    "in progress": (WORKING, "We are working on this now."),
    "not started": (DATE, "We will start this soon."),
    "paused": (WORKING, "We have paused this for now."),
    "dropped": (WORKING, "We have stopped this."),
}


@dataclass(frozen=True)
class Letter:
    """One activity's letter: its reference, the heading line under the title, its parts, and for the officer how
    many items linked to it are not yet published (left out)."""

    reference: str
    heading: str
    parts: list[Part] = field(default_factory=list)
    unpublished: int = 0

    @property
    def title(self) -> str:
        """The letter's title."""
        return TITLE


def query_activity_choices(store: Store) -> pd.DataFrame:
    """Every activity in force, newest first, for the officer's picker: activity_id, reference, activity_date,
    title, items (the "you said" items linked to it)."""
    return store.query_df(
        """SELECT a.activity_id, a.reference, a.activity_date, a.title,
                  (SELECT count(*) FROM you_said y WHERE y.activity_id = a.activity_id) AS items
           FROM engagement_current a ORDER BY a.activity_date DESC, a.activity_id DESC"""
    )


def choice_label(row: pd.Series) -> str:
    """An activity as the picker shows it: "MES-01 · 14 November 2025 · title (2 'you said' items)"."""
    items = int(row["items"])
    said = f"{items} 'you said' item{'' if items == 1 else 's'}" if items else "no 'you said' items yet"
    return f"{row['reference']} · {day_words(pd.Timestamp(row['activity_date']).date())} · {row['title']} ({said})"


def _people(store: Store, activity_id: int) -> int:
    """How many took part: the counts' totals, or distinct people in the participant records."""
    counted = store.query_value(
        "SELECT sum(people) FROM engagement_counts WHERE activity_id = ? AND dimension = 'total'", [activity_id]
    )
    if counted is not None:
        return int(counted)
    return int(
        store.query_value(
            "SELECT count(DISTINCT person_hash) FROM engagement_participants WHERE activity_id = ?", [activity_id]
        )
        or 0
    )


def people_words(people: int, threshold: int) -> str | None:
    """How many took part, as the letter says it: None for nobody recorded; "a small number" from 1 to
    ``threshold`` (the forum's rule); else ``easy_read.about``."""
    if people <= 0:
        return None
    if people <= threshold:
        return "A small number of people took part."
    return f"{about(people).capitalize()} people took part."


def _commitments(store: Store, item_ids: list[int], as_of: date) -> pd.DataFrame:
    """The commitments linked to ``item_ids``, each once, with their latest status by ``as_of``."""
    if not item_ids:
        return pd.DataFrame(columns=["reference", "title", "status"])
    marks = ", ".join("?" for _ in item_ids)
    return store.query_df(
        f"""WITH status AS (SELECT commitment_id, status FROM commitment_updates WHERE updated_on <= ?
                            QUALIFY row_number() OVER (PARTITION BY commitment_id
                                                       ORDER BY updated_on DESC, update_id DESC) = 1)
            SELECT DISTINCT c.reference, c.title, coalesce(s.status, 'not started') AS status
            FROM you_said_links l JOIN commitments c USING (commitment_id) LEFT JOIN status s USING (commitment_id)
            WHERE l.item_id IN ({marks}) ORDER BY c.reference""",
        [as_of, *item_ids],
    )


def build_letter(store: Store, config: Config, activity_id: int, as_of: date | None = None) -> Letter | None:
    """The letter for ``activity_id`` (None when it is not an activity in force), as of ``as_of`` (today)."""
    today = as_of or date.today()
    rows = store.query_df(
        "SELECT reference, activity_date, title, audience, method FROM engagement_current WHERE activity_id = ?",
        [activity_id],
    )
    if rows.empty:
        return None
    activity = rows.iloc[0]
    when = day_words(pd.Timestamp(activity["activity_date"]).date())
    method = METHOD_WORDS.get(str(activity["method"]), METHOD_WORDS["other"])
    heard = Part("What we did", [Point(DATE, f"On {when}, {method}.")])
    heard.points.append(Point(TALK, f"It was called: {activity['title']}", quoted=True))
    heard.points.append(Point(CHILDREN, AUDIENCE_WORDS.get(str(activity["audience"]), AUDIENCE_WORDS["both"])))
    if took_part := people_words(_people(store, activity_id), config.suppression.threshold):
        heard.points.append(Point(CHILDREN, took_part))
    heard.points.append(Point(EAR, "Thank you for telling us what you think."))

    everything = you_said.query_items(store, today)  # the You said page's items, the same latest answers
    items = everything[everything["activity_id"] == activity_id].sort_values(["said_on", "item_id"])
    published = items[items["published_on"].notna()]
    said = Part("What you told us and what we did")
    if published.empty:
        said.points.append(Point(TALK, "We are still working out what to do about what you told us."))
        said.points.append(Point(DATE, "We will write to you again when we know."))
    for _, item in published.iterrows():
        said.points.append(Point(TALK, f"You said: “{item['what_was_said']}”", quoted=True))
        lead, icon = ("We did this", DONE) if item["state"] == "closed" else ("We are doing this", WORKING)
        said.points.append(Point(icon, f"{lead}: {item['what_we_did']}", quoted=True))

    changed = _commitments(store, [int(i) for i in published["item_id"]], today)
    plans = Part("What changed in our plans")
    if changed.empty:
        plans.points.append(Point(PROMISE, "Our plans have not changed yet."))
    else:
        plans.points.append(
            Point(
                PROMISE,
                "What you said changed this part of our plans."
                if len(changed) == 1
                else f"What you said changed {len(changed)} parts of our plans.",
            )
        )
    for _, commitment in changed.iterrows():
        plans.points.append(Point(PROMISE, f"Our plan: {commitment['title']}", quoted=True))
        icon, words = STATUS_WORDS.get(str(commitment["status"]), STATUS_WORDS["in progress"])
        plans.points.append(Point(icon, words))

    contact = Part("Tell us what you think", [Point(TALK, "You can tell us on the Feedback page of our website.")])
    if config.public.contact_email:
        contact.points.append(Point(TALK, f"Or send an e-mail to {config.public.contact_email}", quoted=True))
    heading = f"{activity['title']} ({activity['reference']}, {when})"
    return Letter(str(activity["reference"]), heading, [heard, said, plans, contact], len(items) - len(published))


def own_words(letter: Letter) -> str:
    """The letter's own sentences (not the quoted ones), headings included, as one text for reading-ease checks."""
    lines = [TITLE + "."]
    for part in letter.parts:
        lines.append(part.title + ".")
        lines += [point.text for point in part.points if not point.quoted]
    return "\n".join(lines)


def all_words(letter: Letter) -> str:
    """Every word of the letter, quoted words included (for checks that nothing is left out or leaked)."""
    lines = [TITLE, letter.heading]
    for part in letter.parts:
        lines.append(part.title)
        lines += [point.text for point in part.points]
    return "\n".join(lines)


def long_quotes(letter: Letter) -> list[str]:
    """Quoted points with a sentence longer than easy read's 15 words: for the officer to shorten at the source."""
    return [
        point.text
        for part in letter.parts
        for point in part.points
        if point.quoted and any(len(s.split()) > MAX_WORDS for s in re.split(r"(?<=[.!?])\s+", point.text))
    ]


# -- the printable letter ------------------------------------------------------------------------------------------
def _picture(pdf: canvas.Canvas, icon: str, x: float, y: float, size: float = 18) -> None:
    """A simple printable picture for ``icon`` in a ``size``-point square with its lower left at (x, y), drawn
    with lines and shapes (no font to ship or for a viewer to lack). Decorative, as on screen."""
    s = size
    pdf.saveState()
    pdf.setStrokeColor(palette.ACCENT)
    pdf.setFillColor(palette.ACCENT)
    pdf.setLineWidth(2)
    pdf.setLineCap(1)
    pdf.setLineJoin(1)
    if icon == DONE:  # a tick in a ring
        pdf.circle(x + s / 2, y + s / 2, s / 2 - 1, stroke=1, fill=0)
        path = pdf.beginPath()
        path.moveTo(x + s * 0.27, y + s * 0.52)
        path.lineTo(x + s * 0.44, y + s * 0.33)
        path.lineTo(x + s * 0.75, y + s * 0.68)
        pdf.drawPath(path, stroke=1, fill=0)
    elif icon == TALK:  # a speech bubble
        pdf.roundRect(x, y + s * 0.3, s, s * 0.68, s * 0.2, stroke=1, fill=0)
        path = pdf.beginPath()
        path.moveTo(x + s * 0.25, y + s * 0.3)
        path.lineTo(x + s * 0.18, y)
        path.lineTo(x + s * 0.5, y + s * 0.3)
        pdf.drawPath(path, stroke=1, fill=0)
    elif icon == DATE:  # a calendar page
        pdf.rect(x + 1, y + 1, s - 2, s * 0.82, stroke=1, fill=0)
        pdf.rect(x + 1, y + s * 0.62, s - 2, s * 0.21, stroke=1, fill=1)
        pdf.line(x + s * 0.3, y + s * 0.75, x + s * 0.3, y + s)
        pdf.line(x + s * 0.7, y + s * 0.75, x + s * 0.7, y + s)
    elif icon == CHILDREN:  # two people
        for left, scale in ((x + s * 0.28, 1.0), (x + s * 0.72, 0.8)):
            pdf.circle(left, y + s * 0.72 * scale + s * 0.08, s * 0.13 * scale, stroke=0, fill=1)
            pdf.wedge(left - s * 0.22 * scale, y, left + s * 0.22 * scale, y + s * 0.9 * scale, 0, 180, fill=1)
    elif icon == PROMISE:  # a star
        path = pdf.beginPath()
        for k in range(10):
            radius = s / 2 if k % 2 == 0 else s / 5
            angle = math.pi / 2 + k * math.pi / 5
            point = (x + s / 2 + radius * math.cos(angle), y + s / 2 + radius * math.sin(angle))
            path.moveTo(*point) if k == 0 else path.lineTo(*point)
        path.close()
        pdf.drawPath(path, stroke=0, fill=1)
    elif icon == WORKING:  # an hourglass
        path = pdf.beginPath()
        path.moveTo(x + s * 0.2, y + s)
        path.lineTo(x + s * 0.8, y + s)
        path.lineTo(x + s * 0.2, y)
        path.lineTo(x + s * 0.8, y)
        path.close()
        pdf.drawPath(path, stroke=1, fill=0)
    else:  # EAR and any other: a heart
        path = pdf.beginPath()
        path.moveTo(x + s / 2, y + 1)
        path.curveTo(x - s * 0.3, y + s * 0.55, x + s * 0.2, y + s * 1.15, x + s / 2, y + s * 0.72)
        path.curveTo(x + s * 0.8, y + s * 1.15, x + s * 1.3, y + s * 0.55, x + s / 2, y + 1)
        pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()


POINT_PT = 16  # the letter's text: large print
HEADING_PT = 22


def letter_pdf(letter: Letter, config: Config) -> bytes:
    """The letter as an A4 portrait PDF: title, the activity, each part's heading and its points in 16 pt type
    with a picture beside each, and a footer naming the council."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{TITLE}: {letter.heading}")
    pdf.setAuthor(config.organisation)
    width, height = float(A4[0]), float(A4[1])
    margin = 2 * cm
    indent = 1.4 * cm
    text_width = width - 2 * margin - indent
    accent = palette.ACCENT

    def footer() -> None:
        pdf.setFillColor(palette.TEXT)
        write_lines(pdf, [f"{config.organisation} · {TITLE}"], margin, 1.2 * cm, width - 2 * margin, "Helvetica", 12)

    def new_page() -> float:
        footer()
        pdf.showPage()
        return float(height - 2 * cm)

    y = write_lines(pdf, [TITLE], margin, height - 2.5 * cm, width - 2 * margin, "Helvetica-Bold", 28) - 6
    y = write_lines(pdf, [letter.heading], margin, y, width - 2 * margin, "Helvetica", POINT_PT) - 10
    for part in letter.parts:
        if y < 6 * cm:
            y = new_page()
        pdf.setFillColor(accent)
        y = write_lines(pdf, [part.title], margin, y - 8, width - 2 * margin, "Helvetica-Bold", HEADING_PT) - 6
        for point in part.points:
            lines_needed = len(point.text) // 55 + 1
            if y - lines_needed * POINT_PT * 1.25 < 2.5 * cm:
                y = new_page()
            _picture(pdf, point.icon, margin, y - 4)
            pdf.setFillColor(palette.TEXT)
            font = "Helvetica-Oblique" if point.quoted else "Helvetica"
            y = write_lines(pdf, [point.text], margin + indent, y, text_width, font, POINT_PT) - 8
    footer()
    pdf.save()
    return buffer.getvalue()


def letter_pdf_for(store: Store, config: Config, activity_id: int, as_of: date | None = None) -> bytes:
    """``letter_pdf`` of ``build_letter`` (b'' when it is not an activity in force): one call the app can cache."""
    letter = build_letter(store, config, activity_id, as_of)
    return letter_pdf(letter, config) if letter is not None else b""
