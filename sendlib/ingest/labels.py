"""Alias maps: every wording of a provision or primary need that DfE has published since 2010, and the forms
officers type, → one code.

Labels are compared by ``label_key``: lower case, ``&`` read as "and", everything but letters and digits
dropped, so "Multi- Sensory Impairment", "Multi-sensory impairment" and "multi sensory impairment " are one
key. The SQL in ``LABEL_KEY_SQL`` computes exactly the same key inside DuckDB. Anything the key does not make
equal (singular and plural, "communication" and "communications", "Behaviour" and "Behavioural", "Visual" and
"Vision") is written out below as its own alias, never matched by a fuzzy rule: a label is either one DfE
printed (or an officer's plain form of one) or it is refused with the nearest known label suggested.

Where each wording comes from (the year is the census January; tests/fixtures/dfe-label-variants.csv lists
every label below with the year and file it was printed in, and a test loads each):

- **2010–2014**, the statistical first releases "Special educational needs in England: January 20xx" on
  GOV.UK (SFR26/2014 and earlier), whose tables have *School Action*, *School Action Plus*, *Statement* and
  *SEN without a statement*, and the needs in their census wording: *Behaviour, Emotional and Social
  Difficulty*, *Speech, Language and Communications Needs*, *Autistic Spectrum Disorder*, *Multi- Sensory
  Impairment*, *Profound & Multiple Learning Difficulty*, *Other Difficulty/Disability*, *Visual Impairment*,
  *Specific Learning Difficulty* (as also copied by MastodonC's witan.sen2 and LSRP code, and by DfE's answer
  to a 2014 parliamentary question: "Behaviour, Emotional and Social Difficulties").
- **2015–2018**, SFR25/2015 to the January 2018 release and its technical document: *SEN support*,
  *Statement or EHC plan*, *SEN without a statement or EHC plan*; *Social, Emotional and Mental Health*
  replaces BESD, and *SEN support but no specialist assessment of type of need* is new (2014/15). In the
  transition (January 2015 to 2018) a pupil had a statement *or* an EHC plan, and in January 2015 some pupils
  were still at School Action or School Action Plus beside SEN support: those are parts of one figure.
- **2016–2020**, Explore Education Statistics' first SEN files (the 2019/20 release's data guidance and data
  catalogue: ``sen_age_gender.csv``, ``sen_ncyear.csv`` with ``pupil_sen_status``/``primary_need``):
  *No SEN*, *SEN No Statement or EHC*, *Statement or EHC*, *Total*; *Missing* for no recorded need;
  *Speech, Language and Communications needs* (the BBC Shared Data Unit filtered the 2019/20 ``sen_ncyear.csv``
  on exactly that).
- **EES characteristics of other publications** (absence and exclusions by pupil characteristic, as in the
  table tool's seed data in dfe-analytical-services/explore-education-statistics): *No identified SEN*,
  *Statement of SEN or EHC plan*, *SEN without statement*, *SEN unclassified*, *No specialist assessment*,
  *Speech language and communications needs*.
- **2021/22–2024/25**, EES (``sen_status``/``sen_primary_need`` in ``sen_ncyear.csv`` 2024/25): *SEN support /
  SEN without an EHC plan*, *No identified SEN*, *Education, Health and Care plans*, *Downs Syndrome*.
- **2025/26**, DfE's current filter items and data dictionary (``dfe-sen-filter-items.csv``,
  ``dfe-data-dictionary-sen.csv`` in the team's reference folder): *Education, health and care plan*, *No SEN
  provision*, *All SEN provision*, *Unknown SEN provision*, *All primary need*, *Not reported*, *No primary
  need*, *Vision impairment*, *Other difficulty or disability*, *Down syndrome* …
"""

from __future__ import annotations

import difflib
import re

from sendlib.codes import EHC_PLAN, NEED_BY_CODE, NEEDS, NO_SEN, SEN_SUPPORT

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

# Each code's labels; the first is the wording a suggestion shows. Case, spaces, punctuation and '&' need no
# entry of their own (label_key makes them equal); every other variant does.
_PROVISION_LABELS: dict[str, tuple[str, ...]] = {
    SEN_SUPPORT: (
        "SEN support",  # 2015 on
        "K",  # the school census code
        "SENS",
        "SEN support / SEN without an EHC plan",  # EES 2021/22 on, and DfE's filter items
        "SEN without an EHC plan",
        "SEN No Statement or EHC",  # EES 2016–2020 (pupil_sen_status)
        "SEN without a statement or EHC plan",  # SFR 2015–2018
        "SEN without a statement or an EHC plan",
        "SEN without a statement",  # SFR 2010–2014: School Action and School Action Plus together
        "SEN without statement",  # EES characteristics of other publications
        "SEN support only",
        "School Action",  # 2010–2015, a part of SEN support (COMPONENT_LABELS)
        "School Action Plus",  # 2010–2015, a part of SEN support (COMPONENT_LABELS)
    ),
    EHC_PLAN: (
        "EHC plan",
        "EHCP",
        "EHC",
        "E",  # the school census code
        "Education, health and care plan",  # 2025/26 filter items
        "Education, health and care plans",  # EES 2024/25 sen_ncyear (sen_status)
        "EHC plans",
        "Statement or EHC",  # EES 2016–2020 (pupil_sen_status)
        "Statement or EHC plan",  # SFR 2015–2018
        "Statement or EHCP",
        "Statements or EHC plans",
        "Statement/EHC plan",
        "Statement of SEN or EHC plan",  # EES characteristics of other publications
        "Statement of SEN or an EHC plan",
        # 2010–2014 (before EHC plans), and a part of "Statement or EHC plan" in 2015–2018 (COMPONENT_LABELS)
        "Statement",
        "Statements",
        "Statement of SEN",
        "Statement of special educational needs",
        "SEN statement",
    ),
    NO_SEN: (
        "No SEN",  # EES 2016–2024 (pupil_sen_status)
        "N",  # the school census code
        "No SEN provision",  # 2025/26 filter items
        "No identified special educational need",  # 2025/26 sen_status filter item
        "No identified special educational needs",
        "No identified SEN",  # EES 2024/25 sen_ncyear, and characteristics of other publications
        "No special educational need",
        "No special educational needs",
        "Non-SEN",
    ),
    ALL_PUPILS: ("Total", "All pupils", "All"),
    ANY_SEN: (
        "All SEN provision",  # 2025/26 filter items
        "Any special educational need",  # 2025/26 sen_status filter item
        "Any special educational needs",
        "SEN",
        "All SEN",
        "Any SEN",
        "SEN total",
        "Total SEN",
        "Pupils with SEN",
        "All pupils with SEN",
    ),
    UNKNOWN_PROVISION: (
        "Unknown SEN provision",  # 2025/26 filter items
        "Unknown",
        "Unclassified special educational need",  # 2025/26 sen_status filter item
        "SEN unclassified",  # EES characteristics of other publications
        "Unclassified",
    ),
}

_NEED_LABELS: dict[str, tuple[str, ...]] = {
    "ASD": (
        "Autistic spectrum disorder",  # every year (2010–2024 with capitals: Autistic Spectrum Disorder)
        "Autistic spectrum disorders",
        "Autism",
        "Autistic spectrum condition",
        "Autism spectrum disorder",
    ),
    "SLCN": (
        "Speech, language and communication needs",  # 2021/22 on
        "Speech, language and communication need",
        # 2010–2020: "Speech, Language and Communications Needs" (SFR), "… needs" (EES 2016–2020)
        "Speech, language and communications needs",
        "Speech, language and communications need",
    ),
    "MLD": ("Moderate learning difficulty", "Moderate learning difficulties", "Moderate Learning Disability"),
    "SEMH": (
        "Social, emotional and mental health",  # 2015 on
        "Social, emotional and mental health needs",
        "Social, emotional and mental health difficulty",
        "Social, emotional and mental health difficulties",
        # 2010–2014, replaced by SEMH in 2015 (never in the same year, so one code)
        "Behaviour, emotional and social difficulty",
        "Behaviour, emotional and social difficulties",
        "Behavioural, emotional and social difficulty",
        "Behavioural, emotional and social difficulties",
        "BESD",
    ),
    "SPLD": ("Specific learning difficulty", "Specific learning difficulties", "SpLD"),
    "OTH": (
        "Other difficulty or disability",  # 2021/22 on
        "Other difficulty/disability",  # 2010–2020
        "Other difficulties/disabilities",
        "Other difficulties or disabilities",
        "Other",
    ),
    "PD": ("Physical disability", "Physical disabilities"),
    "HI": ("Hearing impairment", "Hearing impairments"),
    "NSA": (
        "SEN support but no specialist assessment of type of need",  # 2014/15 on
        "SEN support but no specialist assessment of the type of need",
        "No specialist assessment",  # EES characteristics of other publications
        "No specialist assessment of type of need",
        "SEN support but no specialist assessment",
    ),
    "VI": ("Vision impairment", "Visual impairment", "Visual impairments", "Vision impairments"),
    "SLD": ("Severe learning difficulty", "Severe learning difficulties"),
    # "Multi- Sensory Impairment" (2010–2020, with DfE's space) is the same key as "Multi-sensory impairment".
    "MSI": ("Multi-sensory impairment", "Multi-sensory impairments"),
    # "Profound & Multiple Learning Difficulty" (2010–2020) is the same key as "Profound and …".
    "PMLD": ("Profound and multiple learning difficulty", "Profound and multiple learning difficulties"),
    "DS": ("Down syndrome", "Down's syndrome", "Downs syndrome"),  # 2023/24 on; "Downs Syndrome" in 2024/25
    "UNK": (
        "Unknown",  # 2025/26 filter items
        "Missing",  # EES 2016–2024
        "Not reported",  # 2025/26 filter items
        "No primary need",  # 2025/26 filter items
        "Not recorded",
        "Not known",
        "Unclassified",  # EES characteristics of other publications ("Primary need Unclassified")
        "Primary need unclassified",
    ),
    TOTAL_NEED: ("Total", "All primary need", "All primary needs", "All needs", "All"),
}


# Labels that name a *part* of a code rather than another word for it: rows with different parts add up
# (School Action + School Action Plus = SEN support; a statement + an EHC plan in 2015–2018; Missing + Not
# reported + Unknown = UNK), while two rows with synonyms (ASD, Autism) are the same figure given twice.
# Each part's spellings are one part: "Statement" and "Statement of SEN" in one file are one figure twice.
COMPONENT_LABELS: dict[str, tuple[str, ...]] = {
    "School Action": ("School Action",),
    "School Action Plus": ("School Action Plus",),
    "Statement": (
        "Statement",
        "Statements",
        "Statement of SEN",
        "Statement of special educational needs",
        "SEN statement",
    ),
    "Missing": ("Missing",),
    "Not reported": ("Not reported",),
    "Unknown": ("Unknown",),
    "No primary need": ("No primary need",),
    "Not recorded": ("Not recorded",),
    "Not known": ("Not known",),
    "Unclassified": ("Unclassified", "Primary need unclassified"),
}
# label key → the part it names (its first spelling above), for the load's component_label lookup.
COMPONENT_PARTS: dict[str, str] = {
    label_key(spelling): part for part, spellings in COMPONENT_LABELS.items() for spelling in spellings
}


def _alias_map(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """label key → code for every code and each of its labels; a key given to two codes is a mistake here."""
    aliases: dict[str, str] = {}
    for code, names in labels.items():
        for name in (code, *names):
            key = label_key(name)
            if aliases.setdefault(key, code) != code:
                raise ValueError(f"the label {name!r} is given to both {aliases[key]} and {code}")
    return aliases


PROVISION_ALIASES: dict[str, str] = _alias_map(_PROVISION_LABELS)
NEED_ALIASES: dict[str, str] = _alias_map(_NEED_LABELS)
# Every need's DfE name and strategy short label is an alias too.
for _need in NEEDS:
    NEED_ALIASES.setdefault(label_key(_need.name), _need.code)
    NEED_ALIASES.setdefault(label_key(_need.short), _need.code)


def _shown_as(code: str, kind: str) -> str:
    """The wording a suggestion gives for a code: DfE's name of a need, a provision's first label."""
    if kind != "provision" and code in NEED_BY_CODE:
        return NEED_BY_CODE[code].name
    return (_PROVISION_LABELS if kind == "provision" else _NEED_LABELS)[code][0]


def suggest(label: str, kind: str) -> str | None:
    """The known label nearest to an unknown one (for "did you mean …?"), or None if nothing is close.

    Every alias is a candidate; what is shown is its code's own wording (a near miss of "Speech, Language
    and Communications needs" suggests "Speech, language and communication needs"), except for a part of a
    code, which is shown as that part ("Not reportd" suggests "Not reported", not the whole of UNK)."""
    aliases = PROVISION_ALIASES if kind == "provision" else NEED_ALIASES
    close = difflib.get_close_matches(label_key(label), list(aliases), n=1, cutoff=0.6)
    if not close:
        return None
    return COMPONENT_PARTS.get(close[0]) or _shown_as(aliases[close[0]], kind)
