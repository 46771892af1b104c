"""What every typed-in entry shares: one error type for a refused entry, and how free text is cleaned.

Each kind of entry (stakeholders, engagement, commitments) raises its own subclass of ``EntryError`` (the entry kind
of sendlib.errors, importable from here as always) so the app shell can show any refusal plainly with one ``except``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sendlib.errors import EntryError as EntryError  # the entry kind; imported from here as it always was

# The longest text each kind of field takes (a person's words fit; a pasted document does not). Every form and
# import refuses longer text with a message naming the limit, and the pages' boxes stop typing at it.
MAX_TEXT = 2000  # free text: full text, progress commentary, notes, descriptions, what was said or done
MAX_TITLE = 200  # a title, or the name of a strategy, section, theme or lead organisation
MAX_REASON = 500  # a reason, or an evidence link or line
MAX_PERSON = 120  # who: an owner, who updated or who assessed
MAX_THEME = 100  # a "you said" theme
MAX_REFERENCE = 60  # an engagement activity's reference
MAX_COMMITMENT_REFERENCE = 40  # a commitment's reference
MAX_LINKED = 50  # commitments one "you said" item may be linked to


def clean_text(
    value: str | None, field: str, *, required: bool, limit: int = MAX_TEXT, error: type[EntryError] = EntryError
) -> str:
    """Trimmed text without control characters; refuses (with ``error``) blank required text and over-long text.

    Markup such as ``<script>`` is kept exactly as typed: it is always displayed as text, never run.
    """
    text = "".join(ch for ch in (value or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if required and not text:
        raise error(f"{field} is required.")
    if len(text) > limit:
        raise error(f"{field} is {len(text):,} characters; keep it to {limit:,}.")
    return text


def choose(value: str | None, allowed: Iterable[str], what: str, *, error: type[EntryError] = EntryError) -> str:
    """``value`` matched case-insensitively to one of ``allowed`` (in its canonical spelling); otherwise
    ``error`` saying what was given and listing the choices."""
    options = tuple(allowed)
    text = (value or "").strip()
    for option in options:
        if text.casefold() == option.casefold():
            return option
    shown = f"'{text[:40]}'" if text else "a blank"
    raise error(f"{shown} is not a {what}; use one of: {', '.join(options)}.")
