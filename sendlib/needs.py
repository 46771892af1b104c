"""Primary needs: counts and shares by need and provision, prevalence, trends and comparisons.

Every query reads ``census_current`` (the loads in force) and returns a tidy DataFrame; every figure
builder takes one of those DataFrames. Areas are identified by their *area key* (the old three-digit
LA code for a local authority, the ONS code for England and regions) so that code changes do not split
an area's history.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sendlib import benchmark, charts, geography, text
from sendlib.benchmark import NEIGHBOURS_AVERAGE
from sendlib.charts import base_layout, wrap_all
from sendlib.codes import (
    EHC_PLAN,
    LOCAL_AUTHORITY,
    NO_SEN,
    SEN_PROVISIONS,
    SEN_SUPPORT,
    TOTAL_PHASE,
    format_period,
    need_name,
    need_short,
)
from sendlib.config import STATISTICAL_NEIGHBOURS, Config
from sendlib.geography import lookup_area
from sendlib.palette import BACKGROUND, BLACK, BLUE, GREEN, GREY, GRID, PROVISION, PROVISION_PATTERN, PURPLE
from sendlib.store import Store
from sendlib.suppression import SUPPRESSED, suppress_table

BREAKDOWN_COLUMNS = ["primary_need", "need", "need_name", "provision", "pupils", "share_pct"]
NEIGHBOURS_KEY = STATISTICAL_NEIGHBOURS  # the area key of the statistical neighbours' average in a comparison
NEIGHBOURS_LEVEL = "Statistical neighbours"  # its geographic_level in a prevalence table
RATE_COLUMNS = ("prevalence_pct", "sen_support_pct", "ehc_plan_pct")


def area_key_for(code: str) -> str:
    """The area key of an area code: its old LA code when DfE lists one, else the code itself."""
    area = lookup_area(code)
    if area is not None and area.level == LOCAL_AUTHORITY and area.old_la_code:
        return area.old_la_code
    return code


def local_area_key(config: Config) -> str:
    """The configured local area's key (its old LA code)."""
    return config.area.old_la_code or area_key_for(config.area.code)


def query_periods(store: Store, area_key: str) -> list[str]:
    """Census periods held for an area with SEND figures, newest first."""
    rows = store.query_rows(
        "SELECT DISTINCT period FROM census_current WHERE area_key = ? AND provision IN (?, ?) AND phase = ? "
        "ORDER BY period DESC",
        [area_key, SEN_SUPPORT, EHC_PLAN, TOTAL_PHASE],
    )
    return [row[0] for row in rows]


def query_need_breakdown(store: Store, area_key: str, period: str, phase: str = TOTAL_PHASE) -> pd.DataFrame:
    """Pupils by primary need within SEN support and within EHC plans, with each need's share.

    Columns: primary_need (code), need (short label), need_name, provision, pupils, share_pct (of the
    provision's total). Sorted by provision, then pupils descending. Needs with no count are left out.
    """
    counts = _query_need_counts(store, [area_key], period, phase)
    return census_breakdown(counts.drop(columns=["area_key", "area_name"]))


def query_has_symbols(store: Store, area_key: str, period: str, phase: str = TOTAL_PHASE) -> bool:
    """True when any SEN count of the area in ``period`` was published as a symbol (``c``, ``x`` …) rather
    than a number: its totals are then not known, and a figure worked from them would mislead or reveal."""
    return bool(
        store.query_value(
            "SELECT count(*) FROM census_current "
            "WHERE area_key = ? AND period = ? AND phase = ? AND provision IN (?, ?) "
            "AND pupils IS NULL",
            [area_key, period, phase, SEN_SUPPORT, EHC_PLAN],
        )
    )


def _query_need_counts(store: Store, area_keys: list[str], period: str, phase: str) -> pd.DataFrame:
    """One query for every area: area_key, area_name, primary_need, provision, pupils (SEND provisions only)."""
    placeholders = ", ".join("?" for _ in area_keys)
    return store.query_df(
        f"""SELECT area_key, any_value(area_name) AS area_name, primary_need, provision, sum(pupils) AS pupils
            FROM census_current
            WHERE area_key IN ({placeholders}) AND period = ? AND phase = ? AND provision IN (?, ?)
              AND pupils IS NOT NULL
            GROUP BY area_key, primary_need, provision""",
        [*area_keys, period, phase, SEN_SUPPORT, EHC_PLAN],
    )


def census_breakdown(counts: pd.DataFrame) -> pd.DataFrame:
    """``query_need_breakdown``'s frame from one area's counts (primary_need, provision, pupils)."""
    if counts.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    df = counts.copy()
    df["pupils"] = df["pupils"].astype("int64")
    df = df[df["pupils"] > 0].copy()
    df["share_pct"] = 100 * df["pupils"] / df.groupby("provision")["pupils"].transform("sum")
    df["need"] = df["primary_need"].map(need_short)
    df["need_name"] = df["primary_need"].map(need_name)
    df["provision"] = pd.Categorical(df["provision"], categories=list(SEN_PROVISIONS), ordered=True)
    df = df.sort_values(["provision", "pupils", "primary_need"], ascending=[True, False, True])
    df["provision"] = df["provision"].astype(str)
    return df[BREAKDOWN_COLUMNS].reset_index(drop=True)


def suppress_breakdown(breakdown: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The breakdown as a forum view shows it: small counts, and the cells that would give them away through
    the need totals, the provision totals or the grand total, are hidden (``hidden`` column True, ``pupils``
    and ``share_pct`` missing). Provision totals as shown go in ``attrs['totals']`` (a count, or "c"), each
    primary need's total with SEND in ``attrs['need_totals']`` and the grand total in
    ``attrs['grand_total']`` (when suppressing), and the note explaining "c" in ``attrs['note']`` (None when
    nothing is hidden). Threshold 0 hides nothing.

    Hidden rows sort after every shown row, by need code, so their order gives nothing away either.
    """
    result = breakdown.copy()
    result["hidden"] = False
    result.attrs = {"totals": provision_totals(breakdown), "note": None}
    if breakdown.empty or threshold <= 0:
        return result
    counts = breakdown.pivot_table(
        index="primary_need", columns="provision", values="pupils", aggfunc="sum", fill_value=0
    ).reindex(columns=list(SEN_PROVISIONS), fill_value=0)
    suppressed = suppress_table(
        counts.astype("int64"), threshold=threshold, row_totals=True, column_totals=True, grand_total=True
    )
    hidden = suppressed.hidden.stack()
    result["hidden"] = [
        bool(hidden.get((need, provision), False))
        for need, provision in zip(result["primary_need"], result["provision"])
    ]
    result["pupils"] = result["pupils"].astype("Int64").mask(result["hidden"])
    result["share_pct"] = result["share_pct"].astype("Float64").mask(result["hidden"])
    total_row = suppressed.table.loc[suppressed.total_label]
    totals = {p: total_row[p] for p in SEN_PROVISIONS}
    # Each need's total with SEND and the grand total, as the suppression decided: every view that shows
    # them (the need table here, the cohort on Reach gaps) shows these, so no page gives away another's "c".
    need_totals = {need: suppressed.table.at[need, suppressed.total_label] for need in counts.index}
    grand_total = suppressed.table.at[suppressed.total_label, suppressed.total_label]
    # A share of a hidden total would give the total away (count ÷ share): hide those shares too.
    hidden_totals = [p for p, value in totals.items() if isinstance(value, str)]
    result["share_pct"] = result["share_pct"].mask(result["provision"].isin(hidden_totals))
    result.attrs = {"totals": totals, "need_totals": need_totals, "grand_total": grand_total, "note": suppressed.note}
    order = result.assign(_hidden=result["hidden"].astype(int))
    order = order.sort_values(
        ["provision", "_hidden", "pupils", "primary_need"],
        ascending=[True, True, False, True],
        na_position="last",
        key=_provision_key,
    )
    return order.drop(columns="_hidden").reset_index(drop=True)


def _provision_key(column: pd.Series) -> pd.Series:
    if column.name == "provision":
        return column.map({p: i for i, p in enumerate(SEN_PROVISIONS)})
    return column


def format_count(value: int | str) -> str:
    """A count as shown: thousands separators, or the symbol when hidden."""
    return value if isinstance(value, str) else f"{int(value):,}"


def suppress_share_comparison(shares: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """A share comparison as a forum view shows it: every area (local and comparators alike) suppressed as
    ``suppress_breakdown`` does, hidden cells dropped, and no shares of a provision whose total is hidden."""
    if shares.empty or threshold <= 0:
        return shares
    kept = []
    for _, area in shares.groupby("area_key", sort=False):
        shown = suppress_breakdown(area[BREAKDOWN_COLUMNS].reset_index(drop=True), threshold)
        shown = shown[~shown["hidden"] & shown["share_pct"].notna()]
        kept.append(shown.assign(area_key=area["area_key"].iloc[0], area_name=area["area_name"].iloc[0]))
    return pd.concat(kept, ignore_index=True)[shares.columns] if kept else shares.iloc[0:0]


def suppress_prevalence(
    prevalence: pd.DataFrame, threshold: int, comparison: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Prevalence as a forum view shows it: an area any of whose counts is from 1 to ``threshold`` is left
    out whole (its rates and totals would let the small count be worked out). ``comparison``: every area's
    need breakdown (:func:`query_share_comparison`); an area whose need table hides a provision total (to
    protect the small counts under it) is left out too, or this table would show that total."""
    if prevalence.empty or threshold <= 0:
        return prevalence
    counts = prevalence[["sen_support", "ehc_plan", "all_pupils"]].astype("Float64")
    small = ((counts >= 1) & (counts <= threshold)).fillna(False).any(axis=1)
    if comparison is not None and not comparison.empty:
        hidden = {
            key
            for key, area in comparison.groupby("area_key")
            if totals_hidden(area[BREAKDOWN_COLUMNS].reset_index(drop=True), threshold)
        }
        small |= prevalence["area_key"].isin(hidden)
    return prevalence[~small].reset_index(drop=True)


def totals_hidden(breakdown: pd.DataFrame, threshold: int) -> bool:
    """True when the public need table of this breakdown hides a provision total."""
    totals = provision_totals(suppress_breakdown(breakdown, threshold))
    return any(isinstance(value, str) for value in totals.values())


def query_periods_with_hidden_totals(store: Store, area_key: str, threshold: int) -> list[str]:
    """Census periods whose public need table hides a provision total of the area (none when threshold is 0)."""
    if threshold <= 0:
        return []
    return [
        period
        for period in query_periods(store, area_key)
        if totals_hidden(query_need_breakdown(store, area_key, period), threshold)
    ]


def suppress_trend(trend: pd.DataFrame, threshold: int, hidden_periods: Iterable[str] = ()) -> pd.DataFrame:
    """A trend as a forum view shows it: periods with a provision total from 1 to ``threshold`` left out, and
    the ``hidden_periods`` whose need table hides a provision total (:func:`query_periods_with_hidden_totals`)."""
    if trend.empty or threshold <= 0:
        return trend
    small = trend.groupby("period")["pupils"].transform(lambda p: ((p >= 1) & (p <= threshold)).any())
    small = small.astype(bool) | trend["period"].isin(list(hidden_periods))
    return trend[~small].reset_index(drop=True)


def build_need_table(breakdown: pd.DataFrame) -> pd.DataFrame:
    """The breakdown as one row per need: SEN support and EHC plan counts and shares side by side, and
    the total with SEND; sorted by total descending."""
    columns = ["Need", "Primary need", "SEN support", "SEN support %", "EHC plan", "EHC plan %", "Total with SEND"]
    if breakdown.empty:
        return pd.DataFrame(columns=columns)
    if "hidden" in breakdown and breakdown["hidden"].any():
        return _build_suppressed_need_table(breakdown, columns)
    wide = breakdown.pivot_table(
        index=["need", "need_name"], columns="provision", values=["pupils", "share_pct"], aggfunc="sum"
    )
    table = pd.DataFrame(
        {
            "Need": [index[0] for index in wide.index],
            "Primary need": [index[1] for index in wide.index],
        }
    )
    for provision in SEN_PROVISIONS:
        counts = wide["pupils"][provision] if provision in wide["pupils"] else pd.Series(0, index=wide.index)
        shares = wide["share_pct"][provision] if provision in wide["share_pct"] else pd.Series(0.0, index=wide.index)
        table[provision] = counts.fillna(0).astype("int64").to_numpy()
        table[f"{provision} %"] = shares.fillna(0.0).to_numpy()
    table["Total with SEND"] = table[SEN_SUPPORT] + table[EHC_PLAN]
    return table.sort_values(["Total with SEND", "Need"], ascending=[False, True]).reset_index(drop=True)[columns]


def _build_suppressed_need_table(breakdown: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The side-by-side table for a suppressed breakdown: hidden cells, and totals over them, read "c"."""
    rows = []
    for (need, name), part in breakdown.groupby(["need", "need_name"], sort=False):
        row: dict[str, object] = {"Need": need, "Primary need": name}
        any_hidden = False
        total = 0
        for provision in SEN_PROVISIONS:
            cell = part[part["provision"] == provision]
            if cell.empty:
                row[provision], row[f"{provision} %"] = 0, 0.0
            elif bool(cell["hidden"].iloc[0]):
                row[provision], row[f"{provision} %"] = SUPPRESSED, SUPPRESSED
                any_hidden = True
            else:
                pupils = int(cell["pupils"].iloc[0])
                row[provision] = pupils
                row[f"{provision} %"] = round(float(cell["share_pct"].iloc[0]), 1)
                total += pupils
        shown_totals = breakdown.attrs.get("need_totals", {})
        code = part["primary_need"].iloc[0]
        row["Total with SEND"] = shown_totals.get(code, SUPPRESSED if any_hidden else total)
        row["_rank"] = 1 if any_hidden else -total
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*columns, "_rank"])
    # Shown rows by size first, rows with a hidden cell after them by code: the order must not rank them.
    table = table.sort_values(["_rank", "Need"]).drop(columns="_rank").reset_index(drop=True)
    return table.astype(dict.fromkeys(columns[2:], "object"))


def provision_totals(breakdown: pd.DataFrame) -> dict[str, int]:
    """Pupils on SEN support and with an EHC plan in a breakdown (as shown, for a suppressed one)."""
    if "totals" in breakdown.attrs:
        return dict(breakdown.attrs["totals"])
    sums = breakdown.groupby("provision")["pupils"].sum()
    return {provision: int(sums.get(provision, 0)) for provision in SEN_PROVISIONS}


def build_need_chart(
    breakdown: pd.DataFrame, *, area_name: str, period: str, source: str, height: int, decimals: int = 1
) -> go.Figure:
    """Two bar charts, SEN support above EHC plan (stacked, so each has the chart's full width on a phone and its
    labels never run into the other), each need sorted by size and labelled with its count and share; hover
    gives the full need name."""
    totals = provision_totals(breakdown)
    titles = [f"{provision}: {format_count(totals[provision])}" for provision in SEN_PROVISIONS]
    rows = max(breakdown.groupby("provision")["need"].nunique().max() if len(breakdown) else 1, 1)
    fig, plot_height = _stacked_panels(titles, int(rows))
    for column, provision in enumerate(SEN_PROVISIONS, start=1):
        part = breakdown[breakdown["provision"] == provision].iloc[::-1]  # largest drawn at the top
        hidden = part["hidden"] if "hidden" in part else pd.Series(False, index=part.index)
        fig.add_trace(
            go.Bar(
                x=part["pupils"].astype("Float64").fillna(0).astype(float),
                y=part["need"],
                orientation="h",
                name=provision,
                marker={"color": PROVISION[provision], "pattern": {"shape": PROVISION_PATTERN[provision]}},
                text=[
                    SUPPRESSED if h else f"{int(p):,} ({float(s):.{decimals}f}%)"
                    for p, s, h in zip(part["pupils"], part["share_pct"], hidden)
                ],
                textposition="outside",
                cliponaxis=False,
                customdata=[
                    (name, SUPPRESSED if h else f"{int(p):,}", SUPPRESSED if h else f"{float(s):.{decimals}f}%")
                    for name, p, s, h in zip(part["need_name"], part["pupils"], part["share_pct"], hidden)
                ],
                hovertemplate="<b>%{customdata[0]}</b> (%{y})<br>%{customdata[1]} pupils<br>"
                + f"%{{customdata[2]}} of {provision}<extra></extra>",
            ),
            row=column,
            col=1,
        )
        top = float(part["pupils"].astype("Float64").max()) if part["pupils"].notna().any() else 1.0
        fig.update_xaxes(range=[0, top * 1.4], showgrid=True, gridcolor=GRID, title_text="Pupils", row=column, col=1)
        fig.update_yaxes(tickfont={"size": 14}, row=column, col=1)
    fig.update_layout(showlegend=False, bargap=0.25)
    return base_layout(
        fig,
        title=f"Children and young people with SEND in {area_name} by primary need, {format_period(period)}",
        height=height,
        source=source,
        plot_height=plot_height,
    )


PANEL_GAP = 110  # px between two stacked panels: the upper one's axis and title, then the lower one's title


def _stacked_panels(titles: list[str], rows: int) -> tuple[go.Figure, int]:
    """Two panels, one above the other, each ``rows`` category rows high: the figure and its plot's height."""
    panel = charts.rows_height([1] * rows)
    plot_height = 2 * panel + PANEL_GAP
    fig = make_subplots(rows=2, cols=1, subplot_titles=titles, vertical_spacing=PANEL_GAP / plot_height)
    return fig, plot_height


def summarise_needs(breakdown: pd.DataFrame, *, area_name: str, period: str, decimals: int = 1) -> str:
    """One sentence saying what the need chart shows."""
    if breakdown.empty:
        return f"No primary-need figures are loaded for {area_name} in {format_period(period)}."
    totals = provision_totals(breakdown)
    parts = []
    for provision in SEN_PROVISIONS:
        part = breakdown[(breakdown["provision"] == provision) & ~breakdown.get("hidden", False)]
        if part.empty:
            continue
        top = part.iloc[0]
        parts.append(
            f"{top['need_name'].lower()} ({top['need']}, {top['share_pct']:.{decimals}f}%) is the largest "
            f"need under {provision}"
        )
    return (
        f"In {format_period(period)}, {format_count(totals[SEN_SUPPORT])} children and young people in {area_name} "
        f"received SEN support and {format_count(totals[EHC_PLAN])} had an EHC plan; " + " and ".join(parts) + "."
    )


def query_prevalence(store: Store, period: str, area_keys: list[str]) -> pd.DataFrame:
    """SEN support, EHC plans, all pupils and rates for each area that has figures in ``period``.

    Columns: area_key, area_name, geographic_level, sen_support, ehc_plan, total_sen, all_pupils,
    prevalence_pct, sen_support_pct, ehc_plan_pct. Rates are NULL where the area has no all-pupil count.
    Rows follow the order of ``area_keys``.
    """
    columns = [
        "area_key",
        "area_name",
        "geographic_level",
        "sen_support",
        "ehc_plan",
        "total_sen",
        "all_pupils",
        "prevalence_pct",
        "sen_support_pct",
        "ehc_plan_pct",
    ]
    if not area_keys:
        return pd.DataFrame(columns=columns)
    placeholders = ", ".join("?" for _ in area_keys)
    df = store.query_df(
        f"""SELECT area_key, any_value(area_name) AS area_name, any_value(geographic_level) AS geographic_level,
                   sum(pupils) FILTER (WHERE provision = ?) AS sen_support,
                   sum(pupils) FILTER (WHERE provision = ?) AS ehc_plan,
                   count(*) FILTER (WHERE provision = ?) AS no_sen_rows,
                   sum(pupils) AS all_known
            FROM census_current
            WHERE period = ? AND phase = ? AND area_key IN ({placeholders})
            GROUP BY area_key""",
        [SEN_SUPPORT, EHC_PLAN, NO_SEN, period, TOTAL_PHASE, *area_keys],
    )
    if df.empty:
        return pd.DataFrame(columns=columns)
    df["sen_support"] = df["sen_support"].fillna(0).astype("int64")
    df["ehc_plan"] = df["ehc_plan"].fillna(0).astype("int64")
    df["total_sen"] = df["sen_support"] + df["ehc_plan"]
    df["all_pupils"] = df["all_known"].where(df["no_sen_rows"] > 0).astype("Int64")
    for column, numerator in (
        ("prevalence_pct", "total_sen"),
        ("sen_support_pct", "sen_support"),
        ("ehc_plan_pct", "ehc_plan"),
    ):
        df[column] = (100 * df[numerator] / df["all_pupils"]).astype("Float64")
    order = {key: index for index, key in enumerate(area_keys)}
    df = df.sort_values("area_key", key=lambda keys: keys.map(order)).reset_index(drop=True)
    return df[columns]


def build_prevalence_chart(
    prevalence: pd.DataFrame, *, period: str, source: str, height: int, decimals: int = 1
) -> go.Figure:
    """Stacked bars: % of all pupils on SEN support and with an EHC plan, one bar per area; each area's label says
    its share with SEND (in the label, not beyond the bar, so it never runs off a narrow screen)."""
    known = prevalence.dropna(subset=["prevalence_pct"])
    labels = [
        f"{name}<br>{float(rate):.{decimals}f}% with SEND"
        for name, rate in zip(wrap_all(known["area_name"]), known["prevalence_pct"])
    ]
    fig = go.Figure()
    for provision, column in ((SEN_SUPPORT, "sen_support_pct"), (EHC_PLAN, "ehc_plan_pct")):
        count_column = "sen_support" if provision == SEN_SUPPORT else "ehc_plan"
        fig.add_trace(
            go.Bar(
                y=labels,
                x=known[column].astype(float),
                orientation="h",
                name=provision,
                marker={"color": PROVISION[provision], "pattern": {"shape": PROVISION_PATTERN[provision]}},
                # The count beside each rate; none for the neighbours' average (a mean of rates).
                customdata=["" if pd.isna(count) else f" ({int(count):,})" for count in known[count_column]],
                hovertemplate=f"%{{y}}<br>{provision}: %{{x:.{decimals}f}}%% of all pupils%{{customdata}}"
                "<extra></extra>".replace("%%", "%"),
            )
        )
    top = float(known["prevalence_pct"].max()) if not known.empty else 1.0
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title_text="% of all pupils", range=[0, top * 1.05], ticksuffix="%", gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14})
    return base_layout(
        fig, title=f"Share of all pupils with SEND, {format_period(period)}", height=height, source=source
    )


def summarise_prevalence(prevalence: pd.DataFrame, local_key: str, *, period: str, decimals: int = 1) -> str:
    """One sentence comparing the local area's rate with each comparator's."""
    known = prevalence.dropna(subset=["prevalence_pct"])
    local = known[known["area_key"] == local_key]
    if local.empty:
        return f"There is no all-pupil count for the local area in {format_period(period)}, so no rate can be shown."
    rate = float(local["prevalence_pct"].iloc[0])
    name = local["area_name"].iloc[0]
    comparisons = []
    others = known[known["area_key"] != local_key]
    for key, area_name, others_pct in zip(others["area_key"], others["area_name"], others["prevalence_pct"]):
        area_name = comparator_name(key, area_name)
        difference = round(rate - float(others_pct), decimals)
        if difference == 0:
            comparisons.append(f"the same as {area_name}")
        else:
            direction = "above" if difference > 0 else "below"
            points = abs(difference)
            comparisons.append(
                f"{points:.{decimals}f} percentage point{'s' if points != 1 else ''} {direction} "
                f"{area_name} ({float(others_pct):.{decimals}f}%)"
            )
    tail = f", {' and '.join(comparisons)}" if comparisons else ""
    return (
        f"In {format_period(period)}, {int(local['total_sen'].iloc[0]):,} children and young people in {name} "
        f"had SEND: {rate:.{decimals}f}% of all pupils{tail}."
    )


def comparator_name(area_key: str, area_name: str) -> str:
    """A comparator as a sentence names it: the area's name, or "the statistical neighbours' average"."""
    return "the statistical neighbours' average" if area_key == NEIGHBOURS_KEY else area_name


def query_trend(store: Store, area_key: str) -> pd.DataFrame:
    """Pupils on SEN support and with EHC plans in every period held: period, provision, pupils."""
    return store.query_df(
        """SELECT period, provision, CAST(sum(pupils) AS BIGINT) AS pupils FROM census_current
           WHERE area_key = ? AND phase = ? AND provision IN (?, ?)
           GROUP BY period, provision ORDER BY period, provision""",
        [area_key, TOTAL_PHASE, SEN_SUPPORT, EHC_PLAN],
    )


def build_trend_chart(trend: pd.DataFrame, *, area_name: str, source: str, height: int) -> go.Figure:
    """Lines of SEN support and EHC plan counts across census periods (marker shapes differ too)."""
    fig = go.Figure()
    for provision, symbol in zip(SEN_PROVISIONS, ("circle", "square")):
        part = trend[trend["provision"] == provision]
        fig.add_trace(
            go.Scatter(
                x=[format_period(p) for p in part["period"]],
                y=part["pupils"],
                name=provision,
                mode="lines+markers+text",
                line={"color": PROVISION[provision], "width": 3},
                marker={"symbol": symbol, "size": 10},
                text=[f"{v:,}" for v in part["pupils"]],
                textposition="top center",
                cliponaxis=False,
                hovertemplate=f"{provision}, %{{x}}: %{{y:,}}<extra></extra>",
            )
        )
    # Room above the highest point for its label (a range from zero would end at the point and cut it off).
    top = float(trend["pupils"].max()) if len(trend) and trend["pupils"].notna().any() else 1.0
    fig.update_yaxes(title_text="Pupils", range=[0, top * 1.15], gridcolor=GRID)
    fig.update_xaxes(title_text="Census", type="category")
    return base_layout(fig, title=f"SEN support and EHC plans in {area_name} over time", height=height, source=source)


def summarise_trend(trend: pd.DataFrame, *, area_name: str) -> str:
    """One sentence on how each provision changed from the first to the latest period."""
    periods = sorted(trend["period"].unique())
    if len(periods) < 2:
        return f"Only one census period is loaded for {area_name}, so there is no trend yet."
    first, last = periods[0], periods[-1]
    parts = []
    for provision in SEN_PROVISIONS:
        part = trend[trend["provision"] == provision].set_index("period")["pupils"]
        if first in part and last in part and part[first]:
            change = 100 * (part[last] - part[first]) / part[first]
            parts.append(f"{provision} went from {int(part[first]):,} to {int(part[last]):,} ({change:+.0f}%)")
    return f"Between {format_period(first)} and {format_period(last)} in {area_name}, " + " and ".join(parts) + "."


def query_share_comparison(store: Store, period: str, area_keys: list[str]) -> pd.DataFrame:
    """Each need's share of SEN support and of EHC plans in each area: area_key, area_name, provision,
    primary_need, need, pupils, share_pct. Rows follow ``area_keys`` order."""
    counts = _query_need_counts(store, area_keys, period, TOTAL_PHASE) if area_keys else pd.DataFrame()
    frames = []
    for key in area_keys:
        area = counts[counts["area_key"] == key]
        part = census_breakdown(area[["primary_need", "provision", "pupils"]])
        if part.empty:
            continue
        frames.append(part.assign(area_key=key, area_name=area["area_name"].iloc[0]))
    if not frames:
        return pd.DataFrame(columns=["area_key", "area_name", *BREAKDOWN_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def build_share_comparison_chart(
    shares: pd.DataFrame, local_key: str, *, period: str, source: str, height: int, decimals: int = 1
) -> go.Figure:
    """For each provision, each need's share in the local area beside its share in each comparator."""
    local = shares[shares["area_key"] == local_key]
    fig, plot_height = _stacked_panels(
        [f"Share of {p}" for p in SEN_PROVISIONS], max(int(shares["need"].nunique()) if len(shares) else 1, 1)
    )
    order = (
        local.groupby("need")["pupils"].sum().sort_values().index.tolist()
        if not local.empty
        else sorted(shares["need"].unique())
    )
    area_keys = [local_key] + [k for k in shares["area_key"].unique() if k != local_key]
    palette = [BLUE, GREY, GREEN, PURPLE, BLACK]
    symbols = ["circle", "diamond", "square", "triangle-up", "x"]
    for index, key in enumerate(area_keys):
        area = shares[shares["area_key"] == key]
        if area.empty:
            continue
        for column, provision in enumerate(SEN_PROVISIONS, start=1):
            part = area[area["provision"] == provision]
            fig.add_trace(
                go.Scatter(
                    x=part["share_pct"],
                    y=part["need"],
                    mode="markers",
                    # Each area a little apart in the need's row (scattermode "group"): close shares stay visible.
                    orientation="h",
                    offsetgroup=key,
                    name=text.plotly(area["area_name"].iloc[0]),
                    legendgroup=key,
                    showlegend=column == 1,
                    marker={
                        "color": palette[index % len(palette)],
                        "size": 13 if key == local_key else 11,
                        "symbol": symbols[index % len(symbols)],
                        "line": {"width": 1, "color": BACKGROUND},
                    },
                    # The count beside each share; none for the neighbours' average (a mean of shares).
                    customdata=[
                        (name, "" if pd.isna(pupils) else f" ({int(pupils):,})")
                        for name, pupils in zip(part["need_name"], part["pupils"])
                    ],
                    hovertemplate="%{fullData.name}<br><b>%{customdata[0]}</b><br>"
                    + f"%{{x:.{decimals}f}}% of {provision}%{{customdata[1]}}<extra></extra>",
                ),
                row=column,
                col=1,
            )
    for column in (1, 2):
        fig.update_yaxes(categoryorder="array", categoryarray=order, gridcolor=GRID, row=column, col=1)
        fig.update_xaxes(ticksuffix="%", rangemode="tozero", gridcolor=GRID, row=column, col=1)
    # Each area is a legend group (its two panels' traces): no gap between groups, so each entry is one line of
    # text high, as base_layout measures the legend (with a fourth area, the neighbours' average, the gaps ran the
    # legend into the title).
    fig.update_layout(scattermode="group", scattergap=0.3, legend={"tracegroupgap": 0})
    # base_layout lifts the shared legend above the upper panel's title.
    return base_layout(
        fig,
        title=f"Primary needs compared, {format_period(period)}",
        height=height,
        source=source,
        plot_height=plot_height,
    )


def summarise_share_comparison(shares: pd.DataFrame, local_key: str, *, decimals: int = 1) -> str:
    """One sentence naming the need whose EHC plan share differs most from the first comparator's."""
    local = shares[(shares["area_key"] == local_key) & (shares["provision"] == EHC_PLAN)].set_index("need")
    others = shares[(shares["area_key"] != local_key) & (shares["provision"] == EHC_PLAN)]
    if local.empty or others.empty:
        return "There is no comparator with primary-need figures for this period."
    comparator_key = others["area_key"].iloc[0]
    other = others[others["area_key"] == comparator_key].set_index("need")
    name = comparator_name(comparator_key, other["area_name"].iloc[0])
    gaps = (local["share_pct"] - other["share_pct"]).dropna()
    if gaps.empty:
        return f"No primary need has an EHC plan share both here and in {name} to compare."
    need = gaps.abs().idxmax()
    return (
        f"Among EHC plans, the biggest difference from {name} is {need}: "
        f"{local.loc[need, 'share_pct']:.{decimals}f}% here against {other.loc[need, 'share_pct']:.{decimals}f}%."
    )


def query_source_line(store: Store, period: str, area_keys: list[str]) -> str:
    """Where the figures for ``period`` and these areas came from: file(s), census, when and by whom loaded."""
    placeholders = ", ".join("?" for _ in area_keys)
    rows = store.query_rows(
        f"""SELECT DISTINCT l.load_id, l.file_name, l.loaded_at, l.loaded_by FROM census_current c
            JOIN loads l USING (load_id) WHERE c.period = ? AND c.area_key IN ({placeholders})
            ORDER BY l.load_id""",
        [period, *area_keys],
    )
    if not rows:
        return f"No census data loaded for {format_period(period)}."
    files = "; ".join(
        f"{name} (load {load_id}, {loaded_at:%d %b %Y} by {who})" for load_id, name, loaded_at, who in rows
    )
    latest = max(row[2] for row in rows)
    return f"Source: {files}. School census {format_period(period)}; data as at {latest:%d %B %Y}."


def comparator_keys(config: Config) -> list[str]:
    """Area keys of the configured comparators and the area's region, without the local area itself (the
    statistical neighbours are a group: ``neighbour_keys``)."""
    local = local_area_key(config)
    codes = [code for code in [*config.comparators, config.area.region_code] if code != STATISTICAL_NEIGHBOURS]
    keys = [area_key_for(code) for code in codes]
    return [key for key in dict.fromkeys(keys) if key != local]


def neighbour_keys(config: Config) -> list[str]:
    """The area keys (old LA codes) of the local area's DfE statistical neighbours, closest first, when
    ``comparators`` names ``statistical_neighbours``; else none."""
    if STATISTICAL_NEIGHBOURS not in config.comparators:
        return []
    local = local_area_key(config)
    return [
        area.old_la_code for area in geography.statistical_neighbours(local) if area.old_la_code not in (None, local)
    ]


def average_prevalence(prevalence: pd.DataFrame) -> pd.DataFrame:
    """The statistical neighbours' average as one prevalence row (each rate the mean of the neighbours' rates
    given, so every neighbour counts once whatever its size; no counts), or no row when none has a rate.
    ``prevalence``: the neighbours' rows as the audience sees them (:func:`suppress_prevalence`)."""
    known = prevalence.dropna(subset=["prevalence_pct"])
    if known.empty:
        return prevalence.iloc[0:0]
    row: dict[str, object] = dict.fromkeys(prevalence.columns, pd.NA)
    row.update(area_key=NEIGHBOURS_KEY, area_name=NEIGHBOURS_AVERAGE, geographic_level=NEIGHBOURS_LEVEL)
    keys = known["area_key"].tolist()
    for column in RATE_COLUMNS:
        row[column] = benchmark.neighbours_average(known.assign(value=known[column]), keys)
    counts = ("sen_support", "ehc_plan", "total_sen", "all_pupils")
    average = pd.DataFrame([row], columns=prevalence.columns)
    average = average.astype({**dict.fromkeys(counts, "Int64"), **dict.fromkeys(RATE_COLUMNS, "Float64")})
    average.attrs["neighbours"] = len(keys)
    return average


def average_shares(comparison: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The statistical neighbours' average need shares, in the share comparison's columns (area_key
    ``NEIGHBOURS_KEY``, no pupils): for each provision and need, the mean share over the neighbours whose
    provision is shown; a need a neighbour has no pupils with counts as 0% there, a hidden cell leaves that
    neighbour out of that need's mean. ``comparison``: the neighbours' breakdowns (:func:`query_share_comparison`);
    ``shown``: the same as the audience sees them (:func:`suppress_share_comparison`)."""
    if shown.empty:
        return shown.iloc[0:0]
    names = comparison.drop_duplicates("primary_need").set_index("primary_need")[["need", "need_name"]]
    rows = []
    for provision in SEN_PROVISIONS:
        shown_part = shown[shown["provision"] == provision]
        areas = list(dict.fromkeys(shown_part["area_key"]))
        if not areas:
            continue
        held = comparison[comparison["provision"] == provision]
        for need in names.index:
            values = []
            for area in areas:
                cell = shown_part[(shown_part["area_key"] == area) & (shown_part["primary_need"] == need)]
                if not cell.empty:
                    values.append(float(cell["share_pct"].iloc[0]))
                elif held[(held["area_key"] == area) & (held["primary_need"] == need)].empty:
                    values.append(0.0)  # no pupil with this need there: a true 0%
            if values and sum(values) > 0:
                rows.append(
                    {
                        "area_key": NEIGHBOURS_KEY,
                        "area_name": NEIGHBOURS_AVERAGE,
                        "primary_need": need,
                        "need": names.at[need, "need"],
                        "need_name": names.at[need, "need_name"],
                        "provision": provision,
                        "pupils": pd.NA,
                        "share_pct": sum(values) / len(values),
                    }
                )
    average = pd.DataFrame(rows, columns=shown.columns)
    average["pupils"] = average["pupils"].astype("Int64")
    return average.sort_values(["provision", "share_pct"], ascending=[True, False], key=_provision_key)


def query_areas_with_symbols(store: Store, period: str, area_keys: list[str]) -> set[str]:
    """The areas among ``area_keys`` any of whose SEN counts in ``period`` was published as a symbol: their
    totals, and any rate of them, are not known."""
    if not area_keys:
        return set()
    placeholders = ", ".join("?" for _ in area_keys)
    rows = store.query_rows(
        f"""SELECT DISTINCT area_key FROM census_current
            WHERE period = ? AND phase = ? AND provision IN (?, ?) AND pupils IS NULL
              AND area_key IN ({placeholders})""",
        [period, TOTAL_PHASE, SEN_SUPPORT, EHC_PLAN, *area_keys],
    )
    return {row[0] for row in rows}
