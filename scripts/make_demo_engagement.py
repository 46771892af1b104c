"""Write the illustrative demo engagement file: data/demo/engagement/activities-2025-26.csv.

A plausible year of engagement for the demo area (September 2025 to August 2026), made up for the demo
and marked illustrative in the README. It is shaped the way real engagement often is, so the reach views
have real gaps to show: children on SEN support and their families are heard from far less than their
share of children with SEND, and children who may not communicate verbally (SLCN, SLD, PMLD, MSI) are
under-reached. Deterministic: running it again writes the same file.

    .venv/bin/python scripts/make_demo_engagement.py
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "demo" / "engagement" / "activities-2025-26.csv"
CENSUS = ROOT / "data" / "demo" / "sunderland-2019-20.csv"
COLUMNS = [
    "reference",
    "date",
    "title",
    "level",
    "audience",
    "method",
    "lead_organisation",
    "notes",
    "hart_rung",
    "kirby_level",
    "lundy_space",
    "lundy_space_evidence",
    "lundy_voice",
    "lundy_voice_evidence",
    "lundy_audience",
    "lundy_audience_evidence",
    "lundy_influence",
    "lundy_influence_evidence",
    "feedback_given",
    "participant",
    "dimension",
    "category",
    "count",
    "participant_ref",
    "provision",
    "primary_need",
    "age_band",
    "setting",
]
CYP, PARENTS = "children and young people", "parent carers"
# How much more or less than their share each need is heard from: non-verbal communication needs least.
REACH_FACTOR = {"SLCN": 0.45, "SLD": 0.5, "PMLD": 0.25, "MSI": 0.3, "HI": 0.7, "VI": 0.8, "ASD": 1.3, "SEMH": 1.2}


def need_mix(provision: str) -> dict[str, float]:
    """Each need's share of the demo census for a provision, weighted by how readily it is reached."""
    with open(CENSUS, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["provision"] == provision and r["pupils"].isdigit()]
    weights = {r["primary_need"]: int(r["pupils"]) * REACH_FACTOR.get(r["primary_need"], 1.0) for r in rows}
    total = sum(weights.values())
    return {need: weight / total for need, weight in weights.items()}


def split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """``total`` shared out by ``shares`` with whole numbers that add up (largest remainder)."""
    raw = {key: total * share for key, share in shares.items()}
    whole = {key: int(value) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - whole[k], reverse=True)[: total - sum(whole.values())]:
        whole[key] += 1
    return {key: value for key, value in whole.items() if value}


AGES_CYP = {"5-10": 0.38, "11-15": 0.4, "16-19": 0.17, "20-25": 0.05}
SETTINGS_CYP = {"mainstream school": 0.55, "special school": 0.33, "college or sixth form": 0.12}
LUNDY_GOOD = {
    "space": "Held where and when families chose",
    "voice": "Easy-read and visual materials offered",
    "audience": "Heard by the commissioner responsible",
    "influence": "Changes reported back in writing",
}


def activity(ref, day, title, level, audience, method, lead, hart, kirby, lundy, feedback, notes=""):
    base = {
        "reference": ref,
        "date": day,
        "title": title,
        "level": level,
        "audience": audience,
        "method": method,
        "lead_organisation": lead,
        "notes": notes,
        "hart_rung": hart,
        "kirby_level": kirby,
        "feedback_given": "yes" if feedback else "no",
    }
    for element in ("space", "voice", "audience", "influence"):
        met = element in lundy
        base[f"lundy_{element}"] = "yes" if met else "no"
        base[f"lundy_{element}_evidence"] = LUNDY_GOOD[element] if met else ""
    return base


def count_rows(base, kind, total, provisions=None, ages=None, settings=None):
    rows = [dict(base, participant=kind, dimension="total", category="", count=total)]
    needs: dict[str, int] = {}
    for provision, people in (provisions or {}).items():
        rows.append(dict(base, participant=kind, dimension="provision", category=provision, count=people))
        for need, n in split(people, need_mix(provision)).items():
            needs[need] = needs.get(need, 0) + n
    rows += [
        dict(base, participant=kind, dimension="primary need", category=need, count=n) for need, n in needs.items()
    ]
    if ages:
        rows += [
            dict(base, participant=kind, dimension="age band", category=a, count=n)
            for a, n in split(total, ages).items()
        ]
    if settings:
        rows += [
            dict(base, participant=kind, dimension="setting", category=s, count=n)
            for s, n in split(total, settings).items()
        ]
    return rows


def main() -> None:
    rows: list[dict] = []
    # Micro: annual reviews of EHC plans, SEN support reviews, needs assessments.
    for n, (day, cyp, parents) in enumerate(
        [("2025-11-28", 205, 238), ("2026-02-27", 214, 246), ("2026-05-29", 188, 221), ("2026-07-17", 196, 229)], 1
    ):
        base = activity(
            f"MIC-AR-{n}",
            day,
            f"EHC plan annual reviews, term {n}: the child's views recorded",
            "micro",
            "both",
            "review meeting",
            "SEND Casework Team",
            5,
            "views taken into account by adults",
            ("space", "voice", "audience"),
            True,
        )
        rows += count_rows(
            base, CYP, cyp, {"EHC plan": cyp}, AGES_CYP, {"mainstream school": 0.45, "special school": 0.55}
        )
        rows += count_rows(base, PARENTS, parents, {"EHC plan": parents})
    for n, (day, cyp, parents) in enumerate(
        [("2025-12-12", 58, 121), ("2026-04-01", 64, 117), ("2026-07-10", 55, 109)], 1
    ):
        base = activity(
            f"MIC-SS-{n}",
            day,
            f"SEN support plan reviews in schools, term {n}",
            "micro",
            "both",
            "review meeting",
            "Schools with the SENCO network",
            4,
            "views taken into account by adults",
            ("space", "audience"),
            False,
        )
        rows += count_rows(base, CYP, cyp, {"SEN support": cyp}, AGES_CYP, {"mainstream school": 1.0})
        rows += count_rows(base, PARENTS, parents, {"SEN support": parents})
    for n, (day, parents) in enumerate([("2025-12-19", 52), ("2026-03-27", 61), ("2026-06-26", 57)], 1):
        base = activity(
            f"MIC-NA-{n}",
            day,
            f"EHC needs assessments: parent carers' views, term {n}",
            "micro",
            "parent carers",
            "one-to-one",
            "SEND Casework Team",
            5,
            "",
            ("space", "voice", "audience"),
            True,
        )
        rows += count_rows(base, PARENTS, parents, {"SEN support": parents})
    # Meso: services.
    base = activity(
        "MES-01",
        "2025-11-14",
        "Local Offer survey for parent carers",
        "meso",
        "parent carers",
        "survey",
        "Integrated Commissioning Service",
        5,
        "",
        ("space", "voice", "audience", "influence"),
        True,
    )
    rows += count_rows(base, PARENTS, 418, {"EHC plan": 196, "SEN support": 142})
    base = activity(
        "MES-02",
        "2026-01-23",
        "Post-16 transition survey",
        "meso",
        CYP,
        "online session",
        "Together for Children Sunderland",
        5,
        "views taken into account by adults",
        ("space", "voice", "audience"),
        False,
    )
    rows += count_rows(
        base,
        CYP,
        64,
        {"EHC plan": 36, "SEN support": 20},
        {"16-19": 0.8, "20-25": 0.2},
        {"college or sixth form": 0.7, "special school": 0.3},
    )
    base = activity(
        "MES-03",
        "2026-02-06",
        "Short breaks focus group",
        "meso",
        "both",
        "focus group",
        "Sunderland Parent Carer Forum",
        6,
        "involved in decision-making with adults",
        ("space", "voice", "audience", "influence"),
        True,
    )
    rows += count_rows(base, PARENTS, 14, {"EHC plan": 11, "SEN support": 3})
    rows += count_rows(base, CYP, 9, {"EHC plan": 9}, {"5-10": 0.4, "11-15": 0.6}, {"special school": 1.0})
    base = activity(
        "MES-04",
        "2026-03-13",
        "Speech and language therapy: what children like and don't like",
        "meso",
        CYP,
        "AAC-supported",
        "Speech and Language Therapy Service",
        5,
        "views taken into account by adults",
        ("space", "voice", "audience"),
        True,
        "Talking Mats and symbol boards for children who use AAC",
    )
    rows += count_rows(
        base, CYP, 31, {"EHC plan": 24, "SEN support": 7}, AGES_CYP, {"special school": 0.7, "mainstream school": 0.3}
    )
    base = activity(
        "MES-05",
        "2026-05-15",
        "Emotional wellbeing service: art-based feedback",
        "meso",
        CYP,
        "creative/arts",
        "Emotional wellbeing service provider",
        4,
        "views taken into account by adults",
        ("space", "voice"),
        False,
    )
    rows += count_rows(base, CYP, 22, {"SEN support": 12, "EHC plan": 10}, {"11-15": 0.7, "16-19": 0.3})
    base = activity(
        "MES-06",
        "2026-06-19",
        "Contract monitoring: children's feedback on the transport service",
        "meso",
        CYP,
        "survey",
        "Integrated Commissioning Service",
        3,
        "",
        ("space",),
        False,
        "Collected by the provider; not yet discussed with the children",
    )
    rows += count_rows(base, CYP, 47, {"EHC plan": 47}, AGES_CYP, {"special school": 1.0})
    # Macro: strategic, with Young Commissioners as participant records (pseudonymous references only).
    for n, day in enumerate(["2025-10-15", "2026-01-14", "2026-03-11", "2026-05-13"], 1):
        base = activity(
            f"MAC-PCF-{n}",
            day,
            f"Parent Carer Forum strategic meeting {n}",
            "macro",
            "parent carers",
            "forum meeting",
            "Sunderland Parent Carer Forum",
            7,
            "",
            ("space", "voice", "audience", "influence"),
            True,
        )
        rows += count_rows(
            base,
            PARENTS,
            [24, 27, 22, 26][n - 1],
            {"EHC plan": [18, 20, 17, 19][n - 1], "SEN support": [4, 5, 3, 5][n - 1]},
        )
    young_commissioners = [
        ("YC-01", "EHC plan", "ASD", "16-19", "college or sixth form"),
        ("YC-02", "EHC plan", "ASD", "11-15", "special school"),
        ("YC-03", "EHC plan", "SEMH", "11-15", "alternative provision"),
        ("YC-04", "SEN support", "SPLD", "11-15", "mainstream school"),
        ("YC-05", "EHC plan", "PD", "16-19", "college or sixth form"),
        ("YC-06", "EHC plan", "ASD", "16-19", "special school"),
        ("YC-07", "SEN support", "SEMH", "16-19", "mainstream school"),
        ("YC-08", "EHC plan", "HI", "11-15", "mainstream school"),
        ("YC-09", "EHC plan", "MLD", "11-15", "special school"),
        ("YC-10", "EHC plan", "ASD", "20-25", "college or sixth form"),
        ("YC-11", "EHC plan", "VI", "16-19", "mainstream school"),
        ("YC-12", "SEN support", "ASD", "11-15", "mainstream school"),
    ]
    attendance = [range(8), range(10), range(2, 12), range(1, 11), range(12)]
    days = ["2025-10-22", "2025-12-03", "2026-02-25", "2026-04-29", "2026-06-24"]
    for n, (day, who) in enumerate(zip(days, attendance), 1):
        base = activity(
            f"MAC-YC-{n}",
            day,
            f"Young Commissioners session {n}",
            "macro",
            CYP,
            "focus group",
            "Together for Children Sunderland",
            8 if n >= 4 else 6,
            "share power and responsibility with adults",
            ("space", "voice", "audience", "influence"),
            True,
        )
        for ref, provision, need, age, setting in (young_commissioners[i] for i in who):
            rows.append(
                dict(
                    base,
                    participant=CYP,
                    participant_ref=ref,
                    provision=provision,
                    primary_need=need,
                    age_band=age,
                    setting=setting,
                )
            )
    base = activity(
        "MAC-STRAT",
        "2026-03-25",
        "Co-producing the participation strategy refresh",
        "macro",
        "both",
        "event or drop-in",
        "Integrated Commissioning Service",
        6,
        "involved in decision-making with adults",
        ("space", "voice", "audience", "influence"),
        True,
    )
    rows += count_rows(base, PARENTS, 31, {"EHC plan": 22, "SEN support": 7})
    rows += count_rows(base, CYP, 11, {"EHC plan": 9, "SEN support": 2}, {"11-15": 0.5, "16-19": 0.5})
    # The activity's own columns are written on its first line only, as an officer would.
    seen: set[str] = set()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            if row["reference"] in seen:
                row = {
                    k: (
                        v
                        if k
                        in (
                            "reference",
                            "participant",
                            "dimension",
                            "category",
                            "count",
                            "participant_ref",
                            "provision",
                            "primary_need",
                            "age_band",
                            "setting",
                        )
                        else ""
                    )
                    for k, v in row.items()
                }
            seen.add(row["reference"])
            writer.writerow(row)


if __name__ == "__main__":
    main()
