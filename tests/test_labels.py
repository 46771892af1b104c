"""Every census label DfE has published since 2010 reads, by year (tests/fixtures/dfe-label-variants.csv: the
year, the kind, the label as DfE printed it, the code it means, and where it was printed), and a label that
is not DfE's is still refused with the nearest known one suggested.

The corpus is checked three ways: the Python alias maps, DuckDB's twin of ``label_key`` (the load looks labels
up in SQL), and one file holding every label loaded end to end. A 2019/20 file in DfE's own layout, with DfE's
wording of that year, loads with exactly its figures; parts of one code add up and synonyms are one figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from sendlib.codes import NEEDS
from sendlib.config import Config
from sendlib.ingest import IngestRejected, LoadReport, load_census
from sendlib.ingest.census import FORMAT_EES, _map_columns
from sendlib.ingest.labels import (
    COMPONENT_LABELS,
    COMPONENT_PARTS,
    LABEL_KEY_SQL,
    NEED_ALIASES,
    PROVISION_ALIASES,
    _alias_map,
    label_key,
    suggest,
)
from sendlib.store import Store
from tests.conftest import FIXTURES, TEST_OFFICER

VARIANTS = FIXTURES / "dfe-label-variants.csv"
REFERENCE = FIXTURES / "dfe-reference"
NCYEAR_201920 = FIXTURES / "census" / "ees_sen_ncyear_201920.csv"
STORED_PROVISIONS = ("SEN support", "EHC plan", "No SEN")
NOT_STORED = ("ALL", "ANY", "TOTAL", "SKIP")  # totals and unknown provision: checks, never stored detail


def variants(kind: str) -> list[dict[str, str]]:
    with VARIANTS.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"] == kind]


LABELS = variants("provision") + variants("need")


def aliases(kind: str) -> dict[str, str]:
    return PROVISION_ALIASES if kind == "provision" else NEED_ALIASES


def load(store: Store, path: Path) -> LoadReport:
    return load_census(store, path, config=Config(), actor=TEST_OFFICER)


def template(rows: list[tuple[str, str, str, int | str]]) -> str:
    """A local-template file of (phase, provision, need, pupils) rows for 2024/25, quoted as Excel quotes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "phase", "provision", "primary_need", "pupils"])
    writer.writerows(("2024/25", *row) for row in rows)
    return out.getvalue()


# -- the corpus --------------------------------------------------------------------------------------
def test_the_corpus_covers_every_year_since_2010_and_every_code() -> None:
    years = {row["year"] for row in LABELS}
    assert {"2010-2014", "2015-2018", "2016-2020", "2021/22-2024/25", "2025/26"} <= years
    assert {row["code"] for row in variants("need")} >= {need.code for need in NEEDS} | {"TOTAL"}
    assert {row["code"] for row in variants("provision")} == {*STORED_PROVISIONS, *NOT_STORED} - {"TOTAL"}
    assert all(row["source"].strip() for row in LABELS)  # every wording says where it was printed
    assert len(LABELS) >= 140


def test_every_dfe_label_of_every_year_maps_to_its_code() -> None:
    wrong = [
        (row["year"], row["label"], row["code"], aliases(row["kind"]).get(label_key(row["label"])))
        for row in LABELS
        if aliases(row["kind"]).get(label_key(row["label"])) != row["code"]
    ]
    assert wrong == []


def test_duckdb_keys_every_label_exactly_as_python_does(store: Store) -> None:
    labels = sorted({row["label"] for row in LABELS})
    sql = LABEL_KEY_SQL.format(col="label")
    keyed = store.query_rows(
        f"SELECT label, {sql} FROM (SELECT unnest(?::VARCHAR[]) AS label) ORDER BY label", [labels]
    )
    assert keyed == [(label, label_key(label)) for label in labels]


def test_every_filter_item_in_dfes_reference_files_maps() -> None:
    """DfE's current filter items and data dictionary, as downloaded: every provision, status and need item."""
    items: set[tuple[str, str]] = set()
    for name, column in (("dfe-sen-filter-items.csv", "filter_item"), ("dfe-data-dictionary-sen.csv", "filter_item")):
        with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["col_name"] in ("sen_status", "sen_provision"):
                    items.add(("provision", row[column]))
                elif row["col_name"] == "sen_primary_need":
                    items.add(("need", row[column]))
    assert len(items) == 29  # 19 needs, 10 provisions and statuses
    assert sorted(item for item in items if label_key(item[1]) not in aliases(item[0])) == []
    # and each is in the corpus, with its year
    corpus = {(row["kind"], row["label"]) for row in LABELS if row["year"] == "2025/26"}
    assert items <= corpus


@pytest.mark.parametrize("row", variants("column"), ids=lambda row: f"{row['year']}-{row['label']}")
def test_each_years_column_names_are_read_for_their_role(row: dict[str, str]) -> None:
    columns = {
        "period": "time_period",
        "level": "geographic_level",
        "provision": "sen_provision",
        "need": "sen_primary_need",
        "count": "pupil_count",
    }
    columns[row["code"]] = row["label"]  # the year's name for its role (a phase column is added)
    header = list(columns.values())
    mapping, ignored = _map_columns(header, FORMAT_EES, "f.csv", has_period=False)
    assert header[mapping[row["code"]]] == row["label"] and ignored == []


def test_every_label_loads_end_to_end_as_its_code(store: Store, write_csv: Callable[..., Path]) -> None:
    """One file holding every stored label of the corpus, each in a figure of its own (a phase per row)."""
    rows: list[tuple[str, str, str, int]] = []
    expected: list[tuple[str, str, str]] = []
    for number, row in enumerate(LABELS):
        phase = f"P{number:03d}"
        if row["kind"] == "provision" and row["code"] in STORED_PROVISIONS:
            need = "Missing" if row["code"] == "No SEN" else "ASD"  # no SEN, no need ('N' has none either)
            rows.append((phase, row["label"], need, number + 1))
            expected.append((phase, row["code"], "UNK" if row["code"] == "No SEN" else "ASD"))
        elif row["kind"] == "need" and row["code"] not in NOT_STORED:
            rows.append((phase, "SEN support", row["label"], number + 1))
            expected.append((phase, "SEN support", row["code"]))
    load(store, write_csv("every-label.csv", template(rows)))
    assert store.query_rows("SELECT phase, provision, primary_need FROM census_current ORDER BY phase") == expected


# -- a real 2019/20 file ------------------------------------------------------------------------------
SUNDERLAND_201920 = {  # DfE's 2019/20 wording → (SEN support, EHC plan) in the fixture
    "ASD": (857, 590),
    "HI": (80, 30),
    "MLD": (1282, 150),
    "MSI": (12, 5),
    "OTH": (120, 20),
    "PD": (95, 60),
    "PMLD": (3, 85),
    "NSA": (210, None),  # no EHC plan row: NSA is a SEN support code
    "SLD": (25, 240),
    "SEMH": (1229, 310),
    "SPLD": (410, 12),
    "SLCN": (1308, 220),
    "VI": (45, 15),
    "UNK": (4, 2),
}


def test_a_2019_20_sen_ncyear_file_in_dfes_wording_loads_with_its_figures(store: Store) -> None:
    """DfE's 2019/20 layout (pupil_sen_status, primary_need, number_of_pupils; nc_year columns ignored) with
    that year's labels: 'SEN No Statement or EHC', 'Statement or EHC', 'Speech, Language and Communications
    needs', 'Multi- Sensory Impairment', 'Profound & Multiple Learning Difficulty', 'Other Difficulty/Disability',
    'Missing', 'Total'."""
    report = load(store, NCYEAR_201920)
    assert (report.format, report.periods, report.areas) == ("ees", ["201920"], ["North East", "England", "Sunderland"])
    assert report.rows_read == 96
    assert report.warnings == ["These columns are not used and were ignored: nc_year_1, nc_year_1_percent."]
    expected = sorted(
        [("EHC plan", need, ehc) for need, (_, ehc) in SUNDERLAND_201920.items() if ehc is not None]
        + [("SEN support", need, support) for need, (support, _) in SUNDERLAND_201920.items()]
        + [("No SEN", "UNK", 35_100)]
    )
    assert (
        store.query_rows(
            "SELECT provision, primary_need, pupils FROM census_current "
            "WHERE period = '201920' AND area_key = '394' AND phase = 'Total' ORDER BY ALL"
        )
        == expected
    )
    assert store.query_rows(
        "SELECT area_code, area_name, old_la_code FROM census_current WHERE area_key = '394' GROUP BY ALL"
    ) == [("E08000024", "Sunderland", "394")]
    # England's SLCN under its 2019/20 name, and every area's totals as the file gives them
    assert store.query_rows(
        "SELECT provision, pupils FROM census_current WHERE area_key = 'E92000001' AND primary_need = 'SLCN' "
        "ORDER BY provision"
    ) == [("EHC plan", 38_460), ("SEN support", 252_211)]
    totals = report.totals.set_index(["area_name", "provision"])["pupils"].to_dict()
    assert totals[("Sunderland", "SEN support")] == sum(support for support, _ in SUNDERLAND_201920.values())
    assert totals[("Sunderland", "EHC plan")] == sum(ehc or 0 for _, ehc in SUNDERLAND_201920.values())


# -- parts and synonyms ---------------------------------------------------------------------------------------
def test_every_part_of_a_code_is_an_alias_of_that_code_and_its_spellings_are_one_part() -> None:
    for part, spellings in COMPONENT_LABELS.items():
        # a part of a provision, of a need, or (Unknown, Unclassified) of each: one code in each map it is in
        for map_ in (PROVISION_ALIASES, NEED_ALIASES):
            codes = {map_.get(label_key(spelling)) for spelling in spellings}
            assert len(codes - {None}) <= 1, part
        assert any(
            None not in {map_.get(label_key(s)) for s in spellings} for map_ in (PROVISION_ALIASES, NEED_ALIASES)
        )
        assert {COMPONENT_PARTS[label_key(s)] for s in spellings} == {part}


def test_parts_add_up_and_synonyms_are_one_figure(store: Store, write_csv: Callable[..., Path]) -> None:
    rows: list[tuple[str, str, str, int | str]] = [
        ("A", "School Action", "MLD", 10),  # 2010–2015: the two parts of SEN support add up
        ("A", "School Action Plus", "MLD", 5),
        ("B", "Statement", "ASD", 3),  # 2015–2018: a statement or an EHC plan, never both
        ("B", "EHC plan", "ASD", 7),
        ("C", "Statement or EHC plan", "SLCN", 7),  # synonyms: one figure given twice
        ("C", "Statement or EHC", "SLCN", 7),
        ("D", "Statement", "SEMH", 4),  # two spellings of one part: one figure given twice
        ("D", "Statement of SEN", "SEMH", 4),
        ("E", "SEN support", "Missing", 2),  # parts of UNK add up
        ("E", "SEN support", "Not reported", 3),
        ("F", "SEN support", "Behaviour, Emotional and Social Difficulty", 6),  # synonyms of SEMH
        ("F", "SEN support", "Social, emotional and mental health", 6),
    ]
    load(store, write_csv("parts.csv", template(rows)))
    assert store.query_rows("SELECT phase, provision, primary_need, pupils FROM census_current ORDER BY ALL") == [
        ("A", "SEN support", "MLD", 15),
        ("B", "EHC plan", "ASD", 10),
        ("C", "EHC plan", "SLCN", 7),
        ("D", "EHC plan", "SEMH", 4),
        ("E", "SEN support", "UNK", 5),
        ("F", "SEN support", "SEMH", 6),
    ]


def test_two_spellings_of_one_part_that_disagree_are_refused(store: Store, write_csv: Callable[..., Path]) -> None:
    path = write_csv("disagree.csv", template([("D", "Statement", "SEMH", 4), ("D", "Statements", "SEMH", 5)]))
    with pytest.raises(IngestRejected, match="two rows give different counts for the same figure"):
        load(store, path)


def test_a_label_given_to_two_codes_is_a_mistake_in_the_map() -> None:
    with pytest.raises(ValueError, match="given to both"):
        _alias_map({"SEN support": ("Statement",), "EHC plan": ("statement ",)})


# -- labels that are not DfE's -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "label", "nearest"),
    [
        ("need", "Speach, Langauge and Comunications needs", "Speech, language and communication needs"),
        ("need", "Behavior emotional and social dificulty", "Social, emotional and mental health"),
        ("need", "Not reportd", "Not reported"),  # a part is suggested as that part, not the whole of UNK
        ("need", "Autistic spectrum disordr", "Autistic spectrum disorder"),
        ("provision", "School Acton Plus", "School Action Plus"),
        ("provision", "Statment or EHC plan", "EHC plan"),
        ("provision", "SEN suport", "SEN support"),
    ],
)
def test_a_near_miss_suggests_the_code_it_nearly_is(kind: str, label: str, nearest: str) -> None:
    assert label_key(label) not in aliases(kind)
    assert suggest(label, kind) == nearest


def test_a_label_that_is_not_dfes_is_refused_with_its_suggestion(store: Store, write_csv: Callable[..., Path]) -> None:
    rows: list[tuple[str, str, str, int | str]] = [
        ("Total", "SEN support", "Speech, Language and Communications needs", 10),  # DfE's 2019/20 wording: fine
        ("Total", "SEN support", "Speach and language needs", 4),  # not DfE's
        ("Total", "Statment", "ASD", 3),
        ("Total", "SEN support", "Dyslexia", 2),  # no DfE need is near it
    ]
    with pytest.raises(IngestRejected) as refused:
        load(store, write_csv("not-dfe.csv", template(rows)))
    problems = [str(problem) for problem in refused.value.problems]
    assert problems == [
        "Line 4, column 'provision': 'Statment' is not a provision we recognise. Did you mean 'Statement'?",
        "Line 3, column 'primary_need': 'Speach and language needs' is not a primary need we recognise. "
        "Did you mean 'Speech, language and communication needs'?",
        "Line 5, column 'primary_need': 'Dyslexia' is not a primary need we recognise.",
    ]
    assert store.query_value("SELECT count(*) FROM census") == 0
