"""The need breakdown, prevalence, trend and comparison, checked against the Sunderland strategy."""

from __future__ import annotations

import pandas as pd
import pytest

from sendlib import needs
from sendlib.codes import EHC_PLAN, SEN_SUPPORT
from sendlib.config import Config
from sendlib.ingest import load_census
from sendlib.store import Store
from tests.conftest import TEST_OFFICER

SUNDERLAND = "394"
ENGLAND = "E92000001"


@pytest.fixture
def breakdown(demo_store: Store) -> pd.DataFrame:
    return needs.query_need_breakdown(demo_store, SUNDERLAND, "201920")


def test_sunderland_totals_match_the_strategy(breakdown: pd.DataFrame) -> None:
    assert needs.provision_totals(breakdown) == {SEN_SUPPORT: 5620, EHC_PLAN: 1222}


def test_shares_match_the_strategy_tables(breakdown: pd.DataFrame) -> None:
    row = breakdown.set_index(["provision", "primary_need"])
    assert row.loc[(SEN_SUPPORT, "SLCN"), "pupils"] == 1308
    assert round(row.loc[(SEN_SUPPORT, "SLCN"), "share_pct"], 2) == 23.27
    assert row.loc[(EHC_PLAN, "ASD"), "pupils"] == 552
    assert round(row.loc[(EHC_PLAN, "ASD"), "share_pct"], 2) == 45.17
    assert round(row.loc[(EHC_PLAN, "MSI"), "share_pct"], 2) == 0.25


def test_nsa_appears_only_under_sen_support(breakdown: pd.DataFrame) -> None:
    nsa = breakdown[breakdown["primary_need"] == "NSA"]
    assert nsa["provision"].tolist() == [SEN_SUPPORT]


def test_breakdown_is_sorted_by_size_within_each_provision(breakdown: pd.DataFrame) -> None:
    for provision in (SEN_SUPPORT, EHC_PLAN):
        counts = breakdown[breakdown["provision"] == provision]["pupils"].tolist()
        assert counts == sorted(counts, reverse=True)
    assert breakdown.iloc[0]["primary_need"] == "SLCN"


def test_strategy_short_labels_and_full_names(breakdown: pd.DataFrame) -> None:
    spld = breakdown[breakdown["primary_need"] == "SPLD"].iloc[0]
    assert spld["need"] == "SpLD"
    assert spld["need_name"] == "Specific learning difficulty"


def test_need_table_puts_provisions_side_by_side(breakdown: pd.DataFrame) -> None:
    table = needs.build_need_table(breakdown).set_index("Need")
    assert table.loc["ASD", "SEN support"] == 857
    assert table.loc["ASD", "EHC plan"] == 552
    assert table.loc["ASD", "Total with SEND"] == 1409
    assert table.loc["NSA", "EHC plan"] == 0
    assert table["Total with SEND"].sum() == 6842
    # The strategy: "Autistic Spectrum Disorder being the most common" (1,409 across both provisions).
    assert table.index[0] == "ASD"
    assert table["Total with SEND"].is_monotonic_decreasing


def test_need_chart_has_both_provisions_with_labels_and_full_names(breakdown: pd.DataFrame) -> None:
    fig = needs.build_need_chart(breakdown, area_name="Sunderland", period="201920", source="Source: test", height=500)
    assert [trace.name for trace in fig.data] == [SEN_SUPPORT, EHC_PLAN]
    sen_support = fig.data[0]
    assert list(sen_support.y)[-1] == "SLCN"  # largest drawn at the top of a horizontal bar chart
    assert "1,308 (23.3%)" in list(sen_support.text)
    assert any(custom[0] == "Speech, language and communication needs" for custom in sen_support.customdata)
    assert "2019/20" in fig.layout.title.text
    assert any(annotation.text == "Source: test" for annotation in fig.layout.annotations)
    assert {a.text for a in fig.layout.annotations} >= {"SEN support: 5,620", "EHC plan: 1,222"}


def test_summary_gives_the_totals_and_largest_needs(breakdown: pd.DataFrame) -> None:
    text = needs.summarise_needs(breakdown, area_name="Sunderland", period="201920")
    assert "5,620" in text and "1,222" in text
    assert "(SLCN, 23.3%)" in text and "(ASD, 45.2%)" in text


def test_prevalence_is_sixteen_point_one_percent_one_point_above_england(demo_store: Store) -> None:
    prevalence = needs.query_prevalence(demo_store, "201920", [SUNDERLAND, ENGLAND]).set_index("area_key")
    assert prevalence.loc[SUNDERLAND, "total_sen"] == 6842
    assert round(float(prevalence.loc[SUNDERLAND, "prevalence_pct"]), 1) == 16.1
    assert round(float(prevalence.loc[ENGLAND, "prevalence_pct"]), 1) == 15.1
    sentence = needs.summarise_prevalence(prevalence.reset_index(), SUNDERLAND, period="201920")
    assert "16.1% of all pupils" in sentence
    assert "1.0 percentage point above England" in sentence


def test_prevalence_is_blank_without_an_all_pupil_count(store: Store, config, write_csv) -> None:
    path = write_csv(
        "t.csv", "period,provision,primary_need,pupils\n202324,SEN support,ASD,10\n202324,EHC plan,ASD,5\n"
    )
    load_census(store, path, config=config, actor=TEST_OFFICER)
    prevalence = needs.query_prevalence(store, "202324", [SUNDERLAND])
    assert prevalence["total_sen"].iloc[0] == 15
    assert pd.isna(prevalence["prevalence_pct"].iloc[0])


def test_periods_are_newest_first_and_trend_spans_them(demo_store: Store, config, write_csv) -> None:
    path = write_csv(
        "t.csv", "period,provision,primary_need,pupils\n2020/21,SEN support,ASD,900\n2020/21,EHC plan,ASD,600\n"
    )
    load_census(demo_store, path, config=config, actor=TEST_OFFICER)
    assert needs.query_periods(demo_store, SUNDERLAND) == ["202021", "201920"]
    trend = needs.query_trend(demo_store, SUNDERLAND)
    assert trend.set_index(["period", "provision"]).loc[("202021", EHC_PLAN), "pupils"] == 600
    text = needs.summarise_trend(trend, area_name="Sunderland")
    assert "EHC plan went from 1,222 to 600" in text
    fig = needs.build_trend_chart(trend, area_name="Sunderland", source="s", height=400)
    assert list(fig.data[0].x) == ["2019/20", "2020/21"]


def test_share_comparison_sets_sunderland_beside_england(demo_store: Store) -> None:
    shares = needs.query_share_comparison(demo_store, "201920", [SUNDERLAND, ENGLAND])
    assert set(shares["area_name"]) == {"Sunderland", "England"}
    fig = needs.build_share_comparison_chart(shares, SUNDERLAND, period="201920", source="s", height=500)
    assert {trace.name for trace in fig.data} == {"Sunderland", "England"}
    assert "ASD" in needs.summarise_share_comparison(shares, SUNDERLAND)
    # One query serves every area: each area's shares of a provision add up to 100%, named as stored.
    sums = shares.groupby(["area_name", "provision"])["share_pct"].sum()
    assert sums.round(6).eq(100).all() and len(sums) == 4
    # The shared legend sits above both subplot titles, not on top of them: a title's line (16 px text) clear.
    titles = [a for a in fig.layout.annotations if str(a.text).startswith("Share of")]
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert len(titles) == 2 and (fig.layout.legend.y - max(a.y for a in titles)) * plot >= 20


def test_source_line_names_the_files_and_period(demo_store: Store) -> None:
    line = needs.query_source_line(demo_store, "201920", [SUNDERLAND, ENGLAND])
    assert "sunderland-2019-20.csv" in line and "england-2019-20.csv" in line
    assert "2019/20" in line and "data as at" in line


def test_comparators_come_from_config_without_the_local_area(config) -> None:
    assert needs.local_area_key(config) == "394"
    assert needs.comparator_keys(config) == ["E92000001", "E12000001"]
    assert needs.area_key_for("E08000016") == needs.area_key_for("E08000038") == "370"  # Barnsley's code change


def test_forum_breakdown_hides_small_counts_and_their_complements(breakdown: pd.DataFrame) -> None:
    shown = needs.suppress_breakdown(breakdown, threshold=5)
    hidden = set(zip(shown.loc[shown["hidden"], "provision"], shown.loc[shown["hidden"], "primary_need"]))
    # MSI 11 / 3 and VI 51 / 3: the two EHC plan counts of 3 are small; the SEN support cells in the same
    # rows go too, or the need totals would give the 3s away.
    assert {(EHC_PLAN, "MSI"), (EHC_PLAN, "VI")} <= hidden
    assert (SEN_SUPPORT, "PMLD") not in hidden  # 6 is above the threshold of 5
    assert shown.loc[shown["hidden"], "pupils"].isna().all() and shown.loc[shown["hidden"], "share_pct"].isna().all()
    assert shown.attrs["totals"] == {SEN_SUPPORT: 5620, EHC_PLAN: 1222}
    assert "c = fewer than 6 children" in shown.attrs["note"]
    table = needs.build_need_table(shown).set_index("Need")
    # The need's total is shown as the suppression decided (Reach gaps shows it as the cohort): 11 + 3.
    assert table.loc["MSI", "EHC plan"] == "c" and table.loc["MSI", "Total with SEND"] == 14
    assert table.index[-2:].tolist() == ["MSI", "VI"]  # hidden rows last, by code: their order ranks nothing
    fig = needs.build_need_chart(shown, area_name="Sunderland", period="201920", source="s", height=500)
    ehc = fig.data[1]
    assert dict(zip(ehc.y, ehc.text))["MSI"] == "c"
    assert all("3 (" not in text for text in ehc.text)


def test_suppression_off_for_threshold_zero(breakdown: pd.DataFrame) -> None:
    shown = needs.suppress_breakdown(breakdown, threshold=0)
    assert not shown["hidden"].any()
    assert shown.attrs["note"] is None


def test_forum_comparators_prevalence_and_trend_never_show_small_counts(store: Store, config, write_csv) -> None:
    header = "period,area_code,area_name,provision,primary_need,pupils\n"
    small_la = write_csv(
        "la.csv",
        header
        + "".join(
            f"202324,E08000024,Sunderland,{p},{n},{c}\n"
            for p, n, c in [
                ("SEN support", "ASD", 50),
                ("SEN support", "SLD", 40),
                ("SEN support", "MLD", 30),
                ("EHC plan", "ASD", 3),
                ("EHC plan", "SLD", 2),
                ("No SEN", "Total", 900),
            ]
        ),
    )
    neighbour = write_csv(
        "n.csv",
        header
        + "".join(
            f"202324,E06000047,County Durham,{p},{n},{c}\n"
            for p, n, c in [
                ("SEN support", "ASD", 900),
                ("SEN support", "MSI", 2),
                ("EHC plan", "ASD", 400),
                ("EHC plan", "DS", 4),
                ("EHC plan", "SLD", 300),
                ("No SEN", "Total", 9000),
            ]
        ),
    )
    load_census(store, small_la, config=config, actor=TEST_OFFICER)
    load_census(store, neighbour, config=config, actor=TEST_OFFICER)
    shown = needs.suppress_breakdown(needs.query_need_breakdown(store, SUNDERLAND, "202324"), 5)
    assert shown.attrs["totals"][EHC_PLAN] == "c"
    assert shown[shown["provision"] == EHC_PLAN]["share_pct"].isna().all()  # no share of a hidden total
    keys = [SUNDERLAND, "840"]
    shares = needs.suppress_share_comparison(needs.query_share_comparison(store, "202324", keys), 5)
    assert not ((shares["pupils"] >= 1) & (shares["pupils"] <= 5)).any()
    assert {"MSI", "DS"}.isdisjoint(set(shares[shares["area_key"] == "840"]["primary_need"]))
    prevalence = needs.suppress_prevalence(needs.query_prevalence(store, "202324", keys), 5)
    assert prevalence["area_key"].tolist() == ["840"]  # Sunderland's EHC plan total of 5 would show
    assert needs.suppress_trend(needs.query_trend(store, SUNDERLAND), 5).empty


def test_need_codes_are_said_in_words_under_the_charts_that_show_them(demo_store: Store) -> None:
    from sendlib.codes import need_key
    from sendlib.views import Audience, Filters
    from sendlib.views import needs as need_views

    config = Config()
    audience = Audience.of("forum", config)
    key = need_key(["SLCN", "NSA", "England"])
    assert key == (
        "What the need codes mean: SLCN = speech, language and communication needs; "
        "NSA = SEN support but no specialist assessment of type of need."
    )
    by_need = need_views.by_need(demo_store, config, Filters(), audience)
    assert by_need is not None and any(
        note.startswith("What the need codes mean: ASD = autistic") for note in by_need.notes
    )
