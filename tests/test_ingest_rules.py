"""Load rules settled in review: parts of a code add up, a replaced slice says what it loses, unknown areas
(refused, named or not: issue 17)."""

from __future__ import annotations

import pytest

from sendlib.ingest import IngestRejected, load_census, preview_census
from sendlib.store import Store
from tests.conftest import TEST_OFFICER, census_snapshot

T = "period,provision,primary_need,pupils\n"


def test_parts_of_one_code_add_up_but_synonyms_are_one_figure(store: Store, config, write_csv) -> None:
    path = write_csv(
        "old.csv",
        T + "200910,School Action,ASD,100\n200910,School Action Plus,ASD,100\n"
        "200910,Statement,ASD,50\n200910,EHC plan,Missing,7\n200910,EHC plan,Not reported,7\n",
    )
    load_census(store, path, config=config, actor=TEST_OFFICER)
    cells = {(p, n): c for p, n, c in store.query_rows("SELECT provision, primary_need, pupils FROM census_current")}
    assert cells == {("SEN support", "ASD"): 200, ("EHC plan", "ASD"): 50, ("EHC plan", "UNK"): 14}
    synonyms = write_csv("syn.csv", T + "202425,SEN support,ASD,10\n202425,SEN support,Autism,11\n")
    with pytest.raises(IngestRejected, match="two rows give different counts for the same figure"):
        load_census(store, synonyms, config=config, actor=TEST_OFFICER)


def test_a_load_that_drops_stored_figures_says_so_before_and_when_loading(demo_store: Store, config, write_csv) -> None:
    path = write_csv("partial.csv", T + "2019/20,SEN support,ASD,857\n2019/20,EHC plan,ASD,552\n")
    preview = preview_census(demo_store, path, config=config)
    assert any(
        "Sunderland, 2019/20: 24 figures stored now" in w and "will no longer be shown" in w for w in preview.warnings
    )
    removed = preview.changes[preview.changes["after"].isna()]
    assert len(removed) == 24 and set(removed["area_name"]) == {"Sunderland"}
    report = load_census(demo_store, path, config=config, actor=TEST_OFFICER)
    assert any("24 figures stored now" in w for w in report.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "period,provision,primary_need,pupils,area_code\n202425,SEN support,ASD,10,E08009999\n",
        # A name does not make a code real (issue 17): it would load as a phantom area.
        "period,provision,primary_need,pupils,area_code,area_name\n202425,SEN support,ASD,10,E08009999,Somewhere\n",
    ],
)
def test_an_unknown_area_code_is_refused_with_or_without_a_name(text: str, store: Store, config, write_csv) -> None:
    before = census_snapshot(store)
    path = write_csv("unknown.csv", text)
    with pytest.raises(
        IngestRejected, match="Line 2, column 'area_code': 'E08009999' is not an area code in DfE's lists"
    ):
        load_census(store, path, config=config, actor=TEST_OFFICER)
    assert census_snapshot(store) == before
