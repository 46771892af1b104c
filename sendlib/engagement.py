"""Engagement activities: what was done with whom, at which level, how well, and who took part.

An activity is one piece of engagement (a survey, a focus group, a round of annual reviews, a forum
meeting) at one of the three commissioning levels the Sunderland strategy names:

* **micro**: about an individual child (needs assessment, EHC plan, annual review);
* **meso**: about a service (feedback, survey, focus group, contract monitoring, quality assurance);
* **macro**: strategic (forum, Young Commissioners, co-producing a strategy).

Its participation quality is recorded with the three models the strategies use: Hart's ladder rung
(1–8, where 1–3 are non-participation), Kirby et al.'s level (four, not ranked), and Lundy's four
elements (Space, Voice, Audience, Influence: each met or not, with a line of evidence), plus whether
feedback was given back to the participants.

Who took part is known in one of two ways, never both for one activity:

* **counts**: how many children and young people / parent carers, in total and, as far as known, by
  provision, primary need, age band and setting. What a breakdown does not account for is stored as
  ``Not known`` so every breakdown adds up to its total. Counts are attendances: one person at two
  activities counts twice.
* **participant records**: one row per person with a pseudonymous reference, so distinct people can be
  counted across activities. The reference is stored only as a keyed hash (HMAC-SHA256 with a random key
  made for each store), never as given.

Writes are for officers (``require(actor, "edit")``), each one transaction. Nothing is deleted: an
activity entered by mistake is *withdrawn* (kept, marked, left out of every measure), and an activity
file is undone through the load log like a census load.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from sendlib import entries
from sendlib.auth import Actor, require
from sendlib.codes import EHC_PLAN, NEEDS, SEN_SUPPORT
from sendlib.entries import EntryError
from sendlib.store import Store, Transaction

LEVELS: tuple[str, ...] = ("micro", "meso", "macro")
LEVEL_MEANINGS: dict[str, str] = {
    "micro": "about an individual child: needs assessments, EHC plans, annual reviews",
    "meso": "about a service: feedback, surveys, focus groups, contract monitoring, quality assurance",
    "macro": "strategic: forums, Young Commissioners, co-producing a strategy",
}
CYP = "children and young people"
PARENT_CARERS = "parent carers"
PARTICIPANT_KINDS: tuple[str, ...] = (CYP, PARENT_CARERS)
AUDIENCES: tuple[str, ...] = (CYP, PARENT_CARERS, "both")
METHODS: tuple[str, ...] = (
    "survey",
    "focus group",
    "one-to-one",
    "online session",
    "forum meeting",
    "creative/arts",
    "AAC-supported",
    "event or drop-in",
    "review meeting",
    "other",
)
HART_RUNGS: dict[int, str] = {
    1: "Manipulation",
    2: "Decoration",
    3: "Tokenism",
    4: "Assigned but informed",
    5: "Consulted and informed",
    6: "Adult-initiated, shared decisions",
    7: "Young people-initiated and directed",
    8: "Young people-initiated, shared decisions with adults",
}
NON_PARTICIPATION_RUNGS = (1, 2, 3)  # Hart: the bottom three rungs are not participation at all
# Kirby et al. (2003): four levels, not a ladder; the right one depends on the child and the decision.
KIRBY_LEVELS: tuple[str, ...] = (
    "views taken into account by adults",
    "involved in decision-making with adults",
    "share power and responsibility with adults",
    "make autonomous decisions",
)
LUNDY_ELEMENTS: tuple[str, ...] = ("space", "voice", "audience", "influence")

TOTAL = "total"
ALL = "All"
NOT_KNOWN = "Not known"
PROVISION = "provision"
NEED = "primary need"
AGE_BAND = "age band"
SETTING = "setting"
DIMENSIONS: tuple[str, ...] = (PROVISION, NEED, AGE_BAND, SETTING)
AGE_BANDS: tuple[str, ...] = ("0-4", "5-10", "11-15", "16-19", "20-25")
SETTINGS: tuple[str, ...] = (
    "early years",
    "mainstream school",
    "special school",
    "alternative provision",
    "college or sixth form",
    "not in education or training",
    "home educated",
    "other",
)
CATEGORIES: dict[str, tuple[str, ...]] = {
    PROVISION: (SEN_SUPPORT, EHC_PLAN),
    NEED: tuple(need.code for need in NEEDS),
    AGE_BAND: AGE_BANDS,
    SETTING: SETTINGS,
}
MAX_TITLE = entries.MAX_TITLE
MAX_PEOPLE = 1_000_000  # more people than any local area has: a count this big is a typing mistake
EARLIEST = date(2000, 1, 1)


class EngagementError(EntryError):
    """An engagement entry was refused; the message says what to correct."""


def _clean(value: str | None, field: str, *, required: bool, limit: int = entries.MAX_TEXT) -> str:
    return entries.clean_text(value, field, required=required, limit=limit, error=EngagementError)


@dataclass
class Participant:
    """One person who took part, as far as known. ``person_hash`` is the keyed hash of their reference."""

    kind: str
    person_hash: str
    provision: str = NOT_KNOWN
    primary_need: str = NOT_KNOWN
    age_band: str = NOT_KNOWN
    setting: str = NOT_KNOWN


@dataclass
class Activity:
    """One engagement activity with its quality and who took part (counts *or* participant records).

    ``counts`` maps (participant kind, dimension, category) to people; each kind present needs a
    (kind, "total", "All") entry. ``lundy`` maps each element to (met, evidence).
    """

    reference: str
    activity_date: date
    title: str
    level: str
    audience: str
    method: str
    hart_rung: int
    feedback_given: bool
    lead_organisation: str = ""
    notes: str = ""
    kirby_level: str | None = None
    lundy: dict[str, tuple[bool, str]] = field(default_factory=dict)
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    participants: list[Participant] = field(default_factory=list)


# -- vocabulary: one place that reads what people type ---------------------------------------------------
_NEED_BY_TEXT: dict[str, str] = {}
for _need in NEEDS:
    for _text in (_need.code, _need.short, _need.name):
        _NEED_BY_TEXT[_text.casefold()] = _need.code
_PROVISION_BY_TEXT = {
    "sen support": SEN_SUPPORT,
    "k": SEN_SUPPORT,
    "ehc plan": EHC_PLAN,
    "e": EHC_PLAN,
    "ehcp": EHC_PLAN,
    "education, health and care plan": EHC_PLAN,
}
_KIND_BY_TEXT = {
    CYP: CYP,
    "children": CYP,
    "young people": CYP,
    "child or young person": CYP,
    "cyp": CYP,
    PARENT_CARERS: PARENT_CARERS,
    "parent carer": PARENT_CARERS,
    "parents": PARENT_CARERS,
    "parent/carer": PARENT_CARERS,
    "parent carers and families": PARENT_CARERS,
}
_TRUE = {"yes", "y", "true", "1", "met"}
_FALSE = {"no", "n", "false", "0", "not met", ""}


def _choose(value: str, allowed: Iterable[str], what: str) -> str:
    return entries.choose(value, allowed, what, error=EngagementError)


def read_level(value: str) -> str:
    """A commissioning level: micro, meso or macro."""
    return _choose(value, LEVELS, "level")


def read_audience(value: str) -> str:
    """Who the activity was for."""
    return _choose(value, AUDIENCES, "audience")


def read_method(value: str) -> str:
    """How the activity was run."""
    return _choose(value, METHODS, "method")


def read_kind(value: str) -> str:
    """Who a participant is: a child or young person, or a parent carer."""
    text = (value or "").strip().casefold()
    if text in _KIND_BY_TEXT:
        return _KIND_BY_TEXT[text]
    raise EngagementError(f"'{(value or '').strip()[:40]}' is not who took part; use '{CYP}' or '{PARENT_CARERS}'.")


def read_dimension(value: str) -> str:
    """What a count is broken down by (or ``total``)."""
    return _choose(value, (TOTAL, *DIMENSIONS), "breakdown")


def read_category(dimension: str, value: str) -> str:
    """A category of ``dimension`` in its canonical spelling (need codes for needs); blank means Not known."""
    text = (value or "").strip()
    if not text or text.casefold() in {NOT_KNOWN.casefold(), "unknown", "not recorded"}:
        return NOT_KNOWN
    if dimension == TOTAL:
        return ALL
    if dimension == NEED:
        if text.casefold() in _NEED_BY_TEXT:
            return _NEED_BY_TEXT[text.casefold()]
        raise EngagementError(f"'{text[:40]}' is not a primary need; use a DfE code such as ASD, SLCN or SEMH.")
    if dimension == PROVISION:
        if text.casefold() in _PROVISION_BY_TEXT:
            return _PROVISION_BY_TEXT[text.casefold()]
        raise EngagementError(f"'{text[:40]}' is not a provision; use SEN support, EHC plan or Not known.")
    return _choose(text, CATEGORIES[dimension], dimension)


def read_hart_rung(value: object) -> int:
    """A rung of Hart's ladder, 1 to 8."""
    try:
        rung = int(str(value).strip())
    except (TypeError, ValueError):
        raise EngagementError(
            f"Hart's ladder rung must be a whole number from 1 to 8, not '{str(value)[:20]}'."
        ) from None
    if rung not in HART_RUNGS:
        raise EngagementError(f"Hart's ladder rung must be from 1 to 8 (got {rung}).")
    return rung


def read_kirby_level(value: str | None) -> str | None:
    """One of Kirby's four levels, or None when not recorded."""
    if value is None or not str(value).strip():
        return None
    return _choose(str(value), KIRBY_LEVELS, "Kirby level")


def read_yes_no(value: object, what: str) -> bool:
    """yes/no, true/false, 1/0 or met/not met; blank is no."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise EngagementError(f"{what} must be yes or no, not '{str(value)[:20]}'.")


def read_people(value: object, what: str = "The number of people") -> int:
    """A count of people: a whole number from 0."""
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        number = int(text)
    except ValueError:
        raise EngagementError(f"{what} must be a whole number, not '{text[:20]}'.") from None
    if not 0 <= number <= MAX_PEOPLE:
        raise EngagementError(f"{what} must be from 0 to {MAX_PEOPLE:,} (got {number:,}).")
    return number


def read_activity_date(value: date, today: date | None = None) -> date:
    """An activity date from 2000 up to today: engagement is recorded once it has happened."""
    latest = today or date.today()
    if not EARLIEST <= value <= latest:
        raise EngagementError(f"The activity date must be between {EARLIEST:%d %B %Y} and today ({latest:%d %B %Y}).")
    return value


# -- the pseudonymous reference --------------------------------------------------------------------------
def participant_key(store: Store) -> bytes:
    """This store's secret key for hashing participant references (made at random with the store)."""
    return bytes.fromhex(store.query_value("SELECT value FROM store_secrets WHERE name = 'participant_key'"))


def hash_reference(key: bytes, reference: str) -> str:
    """The keyed hash stored instead of a participant reference; the same person hashes the same.

    References are compared without case or surrounding spaces ('YC-01' and ' yc-01' are one person).
    """
    text = (reference or "").strip().casefold()
    if not text:
        raise EngagementError("A participant reference is blank.")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# -- checking a whole activity ---------------------------------------------------------------------------
def check_activity(activity: Activity, today: date | None = None) -> Activity:
    """Validate every field of ``activity`` and fill in Not known rows; returns it cleaned.

    Raises EngagementError with the first thing to correct.
    """
    activity.reference = _clean(
        activity.reference, "The activity reference", required=True, limit=entries.MAX_REFERENCE
    )
    activity.title = _clean(activity.title, "The title", required=True, limit=MAX_TITLE)
    activity.lead_organisation = _clean(
        activity.lead_organisation, "The lead organisation", required=False, limit=MAX_TITLE
    )
    activity.notes = _clean(activity.notes, "The notes", required=False)
    activity.activity_date = read_activity_date(activity.activity_date, today)
    activity.level = read_level(activity.level)
    activity.audience = read_audience(activity.audience)
    activity.method = read_method(activity.method)
    activity.hart_rung = read_hart_rung(activity.hart_rung)
    activity.kirby_level = read_kirby_level(activity.kirby_level)
    lundy = {}
    for element in LUNDY_ELEMENTS:
        met, evidence = activity.lundy.get(element, (False, ""))
        evidence = _clean(
            evidence, f"The evidence for Lundy's {element.title()}", required=False, limit=entries.MAX_REASON
        )
        if met and not evidence:
            raise EngagementError(f"Lundy's {element.title()} is marked as met: say in a line what shows it.")
        lundy[element] = (bool(met), evidence)
    activity.lundy = lundy
    if activity.counts and activity.participants:
        raise EngagementError("Give who took part either as counts or as participant records, not both.")
    if not activity.counts and not activity.participants:
        raise EngagementError("Say who took part: at least a total number of people.")
    activity.counts = _complete_counts(activity.counts)
    _check_audience(activity)
    return activity


def _complete_counts(counts: dict[tuple[str, str, str], int]) -> dict[tuple[str, str, str], int]:
    """Check each breakdown fits inside its total and add the Not known remainder."""
    kinds = {kind for kind, _, _ in counts}
    complete = {key: people for key, people in counts.items() if people or key[1] == TOTAL}
    for kind in sorted(kinds):
        total = counts.get((kind, TOTAL, ALL))
        if total is None:
            raise EngagementError(f"Give the total number of {kind} who took part, as well as any breakdown.")
        for dimension in DIMENSIONS:
            known = sum(p for (k, d, c), p in counts.items() if k == kind and d == dimension and c != NOT_KNOWN)
            if known > total:
                raise EngagementError(
                    f"The {dimension} breakdown of {kind} adds up to {known:,}, more than the {total:,} who took part."
                )
            if total - known:
                complete[(kind, dimension, NOT_KNOWN)] = total - known
    return complete


def _check_audience(activity: Activity) -> None:
    kinds = {kind for kind, _, _ in activity.counts} | {p.kind for p in activity.participants}
    if activity.audience != "both" and kinds - {activity.audience}:
        raise EngagementError(
            f"The activity was for {activity.audience}, but "
            f"{', '.join(sorted(kinds - {activity.audience}))} "
            "are counted as taking part; set the audience to 'both'."
        )


def counts_for(
    kind: str, total: int, breakdowns: dict[str, dict[str, int]] | None = None
) -> dict[tuple[str, str, str], int]:
    """The counts of one kind of participant as an Activity holds them: the total and any breakdowns
    (dimension → category → people; zero entries are left out). An empty dict when ``total`` is 0."""
    total = read_people(total, f"The number of {kind}")
    if not total:
        return {}
    counts = {(kind, TOTAL, ALL): total}
    for dimension, categories in (breakdowns or {}).items():
        for category, people in categories.items():
            if people:
                counts[(kind, dimension, read_category(dimension, category))] = read_people(
                    people, f"The number of {kind} in '{category}'"
                )
    return counts


# -- writes (officers only) -------------------------------------------------------------------------------
def insert_activity(tx: Transaction, activity: Activity, *, actor: Actor, load_id: int | None) -> int:
    """Write one checked activity and who took part inside an open transaction; returns its id."""
    activity_id = int(tx.fetch_value("SELECT nextval('engagement_id_seq')"))
    row = {
        "activity_id": activity_id,
        "load_id": load_id,
        "reference": activity.reference,
        "activity_date": activity.activity_date,
        "title": activity.title,
        "level": activity.level,
        "audience": activity.audience,
        "method": activity.method,
        "lead_organisation": activity.lead_organisation,
        "notes": activity.notes,
        "hart_rung": activity.hart_rung,
        "kirby_level": activity.kirby_level,
        **{f"lundy_{element}": activity.lundy[element][0] for element in LUNDY_ELEMENTS},
        **{f"lundy_{element}_evidence": activity.lundy[element][1] for element in LUNDY_ELEMENTS},
        "feedback_given": activity.feedback_given,
        "participant_records": bool(activity.participants),
        "recorded_at": datetime.now(),
        "recorded_by": actor.name,
    }
    tx.execute(
        f"INSERT INTO engagement_activities ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    if activity.counts:
        tx.execute(
            "INSERT INTO engagement_counts SELECT * FROM (VALUES "
            + ", ".join(["(?, ?, ?, ?, ?)"] * len(activity.counts))
            + ")",
            [
                value
                for (kind, dimension, category), people in activity.counts.items()
                for value in (activity_id, kind, dimension, category, people)
            ],
        )
    if activity.participants:
        frame = pd.DataFrame(
            [
                {
                    "activity_id": activity_id,
                    "participant": p.kind,
                    "person_hash": p.person_hash,
                    "provision": p.provision,
                    "primary_need": p.primary_need,
                    "age_band": p.age_band,
                    "setting": p.setting,
                }
                for p in activity.participants
            ]
        )
        tx.insert_frame("engagement_participants", frame)
    return activity_id


def reference_in_use(tx: Transaction, reference: str) -> bool:
    """True when an activity in force already has this reference (case-insensitively)."""
    return bool(
        tx.fetch_value("SELECT count(*) FROM engagement_current WHERE lower(reference) = lower(?)", [reference])
    )


def record_activity(store: Store, actor: Actor, activity: Activity, today: date | None = None) -> int:
    """Record one activity entered in the officers' form; returns its id. EngagementError when refused."""
    require(actor, "edit")
    activity = check_activity(activity, today)
    with store.transaction() as tx:
        if reference_in_use(tx, activity.reference):
            raise EngagementError(f"There is already an activity with the reference '{activity.reference}'.")
        return insert_activity(tx, activity, actor=actor, load_id=None)


def next_reference(store: Store, activity_date: date) -> str:
    """A fresh reference for a form entry: ``ENG-<year>-<n>``."""
    count = store.query_value(
        "SELECT count(*) FROM engagement_activities WHERE year(activity_date) = ?", [activity_date.year]
    )
    return f"ENG-{activity_date.year}-{int(count) + 1:03d}"


def withdraw_activity(store: Store, actor: Actor, activity_id: int) -> str:
    """Take an activity out of every measure (it stays in the store, marked withdrawn); returns a message."""
    require(actor, "edit")
    with store.transaction() as tx:
        rows = tx.fetchall("SELECT title FROM engagement_current WHERE activity_id = ?", [int(activity_id)])
        if not rows:
            raise EngagementError(f"There is no activity {activity_id} in force to withdraw.")
        tx.execute(
            "UPDATE engagement_activities SET withdrawn_at = ?, withdrawn_by = ? WHERE activity_id = ?",
            [datetime.now(), actor.name, int(activity_id)],
        )
    return f"Withdrew '{rows[0][0]}'; it no longer counts in any measure."


# -- reads ---------------------------------------------------------------------------------------------------
def query_activities(store: Store, start: date, end: date) -> pd.DataFrame:
    """Every activity in force dated from ``start`` to ``end`` (inclusive), newest first, with the number
    of people (or attendances) who took part: activity_id, reference, activity_date, title, level, audience,
    method, lead_organisation, hart_rung, kirby_level, lundy_* (met), lundy_all, feedback_given,
    participant_records, people, source ('form' or the file name)."""
    return store.query_df(
        """WITH people AS (
               SELECT activity_id, sum(people) AS people FROM engagement_counts WHERE dimension = 'total'
               GROUP BY activity_id
               UNION ALL
               SELECT activity_id, count(DISTINCT person_hash) FROM engagement_participants GROUP BY activity_id
           )
           SELECT a.activity_id, a.reference, a.activity_date, a.title, a.level, a.audience, a.method,
                  a.lead_organisation, a.hart_rung, a.kirby_level, a.lundy_space, a.lundy_voice, a.lundy_audience,
                  a.lundy_influence, (a.lundy_space AND a.lundy_voice AND a.lundy_audience AND a.lundy_influence)
                  AS lundy_all, a.feedback_given, a.participant_records, coalesce(p.people, 0) AS people,
                  coalesce(l.file_name, 'form') AS source
           FROM engagement_current a LEFT JOIN people p USING (activity_id) LEFT JOIN loads l USING (load_id)
           WHERE a.activity_date BETWEEN ? AND ?
           ORDER BY a.activity_date DESC, a.activity_id DESC""",
        [start, end],
    )
