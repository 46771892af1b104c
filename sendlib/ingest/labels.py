"""Alias maps: every wording of a provision or primary need that DfE files and officers use → one code.

Labels are compared by ``label_key``: lower case, ``&`` read as "and", everything but letters and digits
dropped, so "Multi- Sensory Impairment" and "Multi-sensory impairment" are the same key. The SQL in
``LABEL_KEY_SQL`` computes exactly the same key inside DuckDB.
"""

from __future__ import annotations

import difflib
import re

from sendlib.codes import EHC_PLAN, NEEDS, NO_SEN, SEN_SUPPORT

# Category codes for rows that are not stored as detail.
ALL_PUPILS = "ALL"  # every pupil, SEN or not: a total used for prevalence and checks
ANY_SEN = "ANY"  # every pupil with SEN: a total used for checks
TOTAL_NEED = "TOTAL"  # all primary needs together: a total used for checks
UNKNOWN_PROVISION = "SKIP"  # DfE's "Unknown SEN provision": counted in totals, not in any provision

_NON_ALNUM = re.compile(r"[^a-z0-9]")


def label_key(label: str) -> str:
    """The comparison key of a label (see module docstring)."""
    return _NON_ALNUM.sub("", label.strip().lower().replace("&", "and"))


# DuckDB twin of label_key(); ``{col}`` is the column or expression to normalise.
LABEL_KEY_SQL = "regexp_replace(replace(lower(trim({col})), '&', 'and'), '[^a-z0-9]', '', 'g')"

_PROVISION_LABELS: dict[str, tuple[str, ...]] = {
    SEN_SUPPORT: (
        "SEN support",
        "SEN Support",
        "K",
        "SENS",
        "SEN support / SEN without an EHC plan",
        "SEN without an EHC plan",
        "SEN No Statement or EHC",
        "SEN without a statement or EHC plan",
        "School Action",
        "School Action Plus",
        "SEN support only",
    ),
    EHC_PLAN: (
        "EHC plan",
        "EHCP",
        "EHC",
        "E",
        "Education, health and care plan",
        "Education health and care plan",
        "Statement or EHC",
        "Statement or EHC plan",
        "Statement",
        "EHC plans",
        "Statement or EHCP",
    ),
    NO_SEN: (
        "No SEN",
        "N",
        "No SEN provision",
        "No identified special educational need",
        "No special educational need",
        "Non-SEN",
        "No special educational needs",
    ),
    ALL_PUPILS: ("Total", "All pupils", "All"),
    ANY_SEN: (
        "All SEN provision",
        "Any special educational need",
        "SEN",
        "All SEN",
        "SEN total",
        "Total SEN",
        "Pupils with SEN",
    ),
    UNKNOWN_PROVISION: ("Unknown SEN provision", "Unknown", "Unclassified special educational need"),
}

_NEED_LABELS: dict[str, tuple[str, ...]] = {
    "ASD": ("Autistic Spectrum Disorder", "Autism", "Autistic spectrum condition", "Autism spectrum disorder"),
    "SLCN": ("Speech, language and communication needs", "Speech language and communication need"),
    "MLD": ("Moderate learning difficulty", "Moderate learning difficulties", "Moderate Learning Disability"),
    "SEMH": (
        "Social, emotional and mental health",
        "Social, emotional and mental health needs",
        "Behaviour, emotional and social difficulty",
        "BESD",
    ),
    "SPLD": ("Specific learning difficulty", "Specific learning difficulties", "SpLD"),
    "OTH": ("Other difficulty or disability", "Other difficulty/disability", "Other"),
    "PD": ("Physical disability",),
    "HI": ("Hearing impairment",),
    "NSA": (
        "SEN support but no specialist assessment of type of need",
        "No specialist assessment",
        "No specialist assessment of type of need",
        "SEN support but no specialist assessment",
    ),
    "VI": ("Vision impairment", "Visual impairment"),
    "SLD": ("Severe learning difficulty", "Severe learning difficulties"),
    "MSI": ("Multi-sensory impairment", "Multi- Sensory Impairment", "Multisensory impairment"),
    "PMLD": (
        "Profound and multiple learning difficulty",
        "Profound & Multiple Learning Difficulty",
        "Profound and multiple learning difficulties",
    ),
    "DS": ("Down syndrome", "Down's syndrome", "Downs syndrome"),
    "UNK": ("Unknown", "Missing", "Not reported", "Not recorded", "No primary need", "Not known"),
    TOTAL_NEED: ("Total", "All primary need", "All primary needs", "All needs", "All"),
}


# Labels that name a *part* of a code rather than another word for it: rows with different parts add up
# (School Action + School Action Plus = SEN support; Missing + Not reported + Unknown = UNK), while two rows
# with synonyms (ASD, Autism) are the same figure given twice.
COMPONENT_LABELS: tuple[str, ...] = (
    "School Action",
    "School Action Plus",
    "Missing",
    "Not reported",
    "Unknown",
    "No primary need",
    "Not recorded",
    "Not known",
)


def _alias_map(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """label key → code for every code and each of its labels."""
    aliases: dict[str, str] = {}
    for code, names in labels.items():
        for name in (code, *names):
            aliases[label_key(name)] = code
    return aliases


PROVISION_ALIASES: dict[str, str] = _alias_map(_PROVISION_LABELS)
NEED_ALIASES: dict[str, str] = _alias_map(_NEED_LABELS)
# Every need's DfE name and strategy short label is an alias too.
for _need in NEEDS:
    NEED_ALIASES.setdefault(label_key(_need.name), _need.code)
    NEED_ALIASES.setdefault(label_key(_need.short), _need.code)

_DISPLAY_PROVISIONS = [label for labels in _PROVISION_LABELS.values() for label in labels]
_DISPLAY_NEEDS = [n.code for n in NEEDS] + [n.name for n in NEEDS] + list(_NEED_LABELS["UNK"])


def suggest(label: str, kind: str) -> str | None:
    """The known label nearest to an unknown one (for "did you mean …?"), or None if nothing is close."""
    choices = _DISPLAY_PROVISIONS if kind == "provision" else _DISPLAY_NEEDS
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(label_key(choice), choice)  # the first wording listed is the canonical one
    close = difflib.get_close_matches(label_key(label), list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None
