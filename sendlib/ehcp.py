"""EHC plans: DfE's SEN2 release (table ``ehcp``, loaded by ``sendlib.ingest.ehcp``) as the EHC plans page,
the Overview, the meeting pack and Easy read show it.

Every figure is DfE's own, as published: counts as whole numbers, percentages as DfE rounded them (one decimal
place; never worked out again here), DfE's symbols (``x``, ``c``, ``z`` …) kept where DfE gives no figure. The
figures made here say what they are wherever they are shown: the statistical neighbours' average
(``benchmark.neighbours_average``: the mean of their published figures), a count's change on the year before,
and a percentage's difference from England's in points.

Areas are identified by their area key (the old three-digit LA code for a local authority, the code for England
and a region), as in the census, so Barnsley's figures stay one series across its code change.

Small numbers: for an audience with a threshold (the forum), a count from 1 to the threshold is ``c``
(``suppress_count``); a percentage is ``c`` when its count, its denominator or what is left of it is from 1 to
the threshold, or cannot be checked (``suppress_rate``); a breakdown that adds up to a shown total gets the census's
secondary suppression (``suppression.suppress_series``) and its percentages follow its counts
(``suppression.suppress_shares``). Every other local authority's figure in a ranking or distribution follows the
same rules, so a rank never places a hidden figure; the neighbours' average is taken over the figures the
audience may see.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeGuard, TypeVar

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sendlib import benchmark, geography
from sendlib.charts import base_layout, wrap, wrap_all
from sendlib.codes import ENGLAND_CODE as ENGLAND_CODE
from sendlib.codes import LOCAL_AUTHORITY, NEED_BY_CODE, PUBLISHED_SYMBOLS, need_key
from sendlib.config import Config
from sendlib.needs import area_key_for, local_area_key
from sendlib.palette import BLACK, BLUE, GREEN, GRID, PURPLE, VERMILLION
from sendlib.store import Store
from sendlib.suppression import SUPPRESSED, suppress_series, suppress_shares, suppression_note

PUBLICATION = "Education, health and care plans"
DECIMALS = 1  # DfE publishes its percentages to one decimal place: shown as published

# The release's files this product reads (``ehcp.dataset``), and each one's row for all children and young people.
CASELOAD = "caseload"
NEEDS = "sen_needs_all_plans"
NEW_PLANS = "newplans"
REQUESTS = "requests"
ASSESSMENTS = "assessments"
TIMELINESS = "timeliness_20_week"
ALL_ROWS: dict[str, str] = {
    CASELOAD: "All EHC plans",
    NEEDS: "All EHC plans",
    NEW_PLANS: "New EHC plans",
    REQUESTS: "All requests for EHC needs assessments",
    ASSESSMENTS: "All EHC needs assessments",
    TIMELINESS: "All EHC plans issued",
}

# The published measures (column names, lower case, as ``ehcp.measure`` holds them).
PLANS = "ehcplans"
NEED_TOTAL = "ehc_plans"
NEW = "new_ehc_plans"
RECEIVED = "requests_received_in_year"
TO_ASSESS = "requests_decided_to_assess"
TO_ASSESS_PC = "request_assess_pc"
ASSESSED = "assess_in_year"
ISSUED = "assess_issued"
ISSUED_PC = "assess_issued_pc"
WITHIN = "pc_plans_issued_within_20_weeks"
WITHIN_EX = "pc_plans_issued_20_weeks_ex"
# Each timeliness percentage with the counts it is worked from (numerator, denominator), as DfE publishes them.
TIMELINESS_COUNTS: dict[str, tuple[str, str]] = {
    WITHIN: ("plans_issued_within_20_weeks", "plans_issued_den"),
    WITHIN_EX: ("plans_issued_20_weeks_ex", "plans_issued_den_ex"),
}
WITH_EXCEPTIONS = "All plans"
WITHOUT_EXCEPTIONS = "Without exception cases"


@dataclass(frozen=True)
class Part:
    """One part of a breakdown that adds up to all plans: its key, label, published count and percentage."""

    key: str
    label: str
    count: str
    pct: str | None


# Where plans are held (caseload): DfE's own totals, which add up to all plans (data guidance, caseload.csv).
SETTINGS: tuple[Part, ...] = (
    Part("mainstream", "Mainstream schools", "mainstream_total", "mainstream_total_pc"),
    Part("special", "Special schools", "special_total", "special_total_pc"),
    Part("ap", "Alternative provision", "ap_pru_total", "ap_pru_total_pc"),
    Part("fe", "Further education and post 16", "fe_total", "fe_total_pc"),
    Part("elsewhere", "Educated elsewhere", "ed_elsewhere", "ed_elsewhere_pc"),
    Part("early_years", "Non-maintained early years", "nm_early_years", "nm_early_years_pc"),
    Part("unknown", "Placement not recorded", "placement_unknown", "placement_unknown_pc"),
)
# Published counts inside those totals (DfE gives no percentage for them): independent schools within mainstream
# and special schools, NEET within educated elsewhere.
SETTING_PARTS: tuple[tuple[Part, str], ...] = (
    (Part("independent_mainstream", "Independent mainstream schools", "mainstream_independent", None), "mainstream"),
    (Part("independent_special", "Independent special schools", "special_independent", None), "special"),
    (Part("neet", "Not in employment, education or training (NEET)", "neet", None), "elsewhere"),
)
# Primary needs (sen_needs_all_plans): DfE's codes, in its file's order; Down syndrome is within OTH there.
NEED_PARTS: tuple[Part, ...] = (
    *(
        Part(code, NEED_BY_CODE[code].short, f"number_{column}", f"{column}_pc")
        for code, column in (
            ("ASD", "asd"),
            ("HI", "hi"),
            ("MLD", "mld"),
            ("MSI", "msi"),
            ("OTH", "oth"),
            ("PD", "pd"),
            ("PMLD", "pmld"),
            ("SEMH", "semh"),
            ("SLCN", "slcn"),
            ("SLD", "sld"),
            ("SPLD", "spld"),
            ("VI", "vi"),
        )
    ),
    Part("UNK", "Not recorded", "number_need_unknown", "unknown_pc"),
)

# How each area compared is drawn: ours first (solid, circles), England, the region, the neighbours' average.
LOCAL, ENGLAND, REGION, NEIGHBOURS = "local", "England", "region", "neighbours"
NEIGHBOURS_NAME = benchmark.NEIGHBOURS_AVERAGE
ROLE_STYLE: dict[str, dict[str, str]] = {
    LOCAL: {"color": VERMILLION, "symbol": "circle", "dash": "solid"},
    ENGLAND: {"color": BLACK, "symbol": "square", "dash": "dash"},
    REGION: {"color": BLUE, "symbol": "diamond", "dash": "dot"},
    NEIGHBOURS: {"color": GREEN, "symbol": "triangle-up", "dash": "dashdot"},
}
STAGE_STYLE: dict[str, dict[str, str]] = {
    "Requests": {"color": BLUE, "symbol": "circle", "dash": "solid"},
    "Assessments": {"color": PURPLE, "symbol": "square", "dash": "dash"},
    "New plans": {"color": VERMILLION, "symbol": "diamond", "dash": "dot"},
}

Cell = float | str | None  # a published figure: a number, DfE's symbol (or "c" hidden here), or nothing published

PATH_NOTE = (
    "Requests, assessments and new plans are each counted in the calendar year they happened, so a plan may follow "
    "a request of the year before. Percentages are DfE's: of the requests, the share where the council decided to "
    "assess; of the assessments, the share where a plan was issued. The statistical neighbours' figures are the "
    "averages of their published percentages."
)
TIMELINESS_NOTE = (
    "New plans issued within the statutory 20 weeks of the request, as a share of the new plans issued in the year "
    "(DfE's percentages, as published); without exception cases leaves out the plans where one of the exceptions "
    "to the time limit applied. Higher is better. The statistical neighbours' figure is the average of their "
    "published percentages."
)


# -- areas --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Areas:
    """The local area and what it is compared with: England, its region and its DfE statistical neighbours."""

    local: str  # area key (old LA code)
    local_name: str
    region: str  # the region's code (its area key)
    region_name: str
    neighbours: tuple[str, ...]  # area keys, in DfE's rank order

    @property
    def compared(self) -> list[str]:
        """Every area key shown or averaged beside the local area's figures: it, England, the region, the
        neighbours."""
        return list(dict.fromkeys([self.local, ENGLAND_CODE, self.region, *self.neighbours]))

    def role_of(self, key: str) -> str | None:
        """LOCAL, ENGLAND or REGION for those areas' keys, else None."""
        return {self.local: LOCAL, ENGLAND_CODE: ENGLAND, self.region: REGION}.get(key)


def areas_for(config: Config) -> Areas:
    """The configured local area, England, its region and its statistical neighbours (May 2025 list)."""
    local = local_area_key(config)
    neighbours = tuple(area.old_la_code or area_key_for(area.code) for area in geography.statistical_neighbours(local))
    return Areas(local, config.area.name, config.area.region_code, config.area.region_name, neighbours)


def role_names(areas: Areas) -> dict[str, str]:
    """How each compared area is named: the local area's and the region's names, England, the neighbours."""
    return {LOCAL: areas.local_name, ENGLAND: "England", REGION: areas.region_name, NEIGHBOURS: NEIGHBOURS_NAME}


# -- periods ------------------------------------------------------------------------------------------------------
def period_words(period: str) -> str:
    """A period as the page says it: an academic year's caseload is counted in its January ('202425' →
    'January 2025'); a calendar year is itself ('2024')."""
    if re.fullmatch(r"\d{6}", period):
        return f"January {int(period[:4]) + 1}"
    return period


def query_periods(store: Store, dataset: str, area_key: str) -> list[str]:
    """The periods ``dataset`` holds for ``area_key`` (newest first)."""

    def read() -> list[str]:
        rows = store.query_rows(
            "SELECT DISTINCT period FROM ehcp_current WHERE dataset = ? AND area_key = ? AND breakdown = ? "
            "ORDER BY period DESC",
            [dataset, area_key, ALL_ROWS[dataset]],
        )
        return [row[0] for row in rows]

    return list(_remembered(store, ("periods", dataset, area_key), read))


# -- queries ------------------------------------------------------------------------------------------------------
FIGURE_COLUMNS = ["period", "geographic_level", "area_key", "area_name", "region_code", "measure", "cell"]


# What the views read, by (store file, data version, what, its arguments): a page's views, the Overview, the pack
# and Easy read read the same few sets, so each is read once per data version (the version changes with every
# committed write, so an entry is never stale). Frames are handed out as copies. Bounded: the oldest go first.
_READ: dict[tuple[object, ...], object] = {}
_READ_SIZE = 128
_READ_LOCK = threading.Lock()  # sessions run in threads of one process
T = TypeVar("T")


def _remembered(store: Store, key: tuple[object, ...], read: Callable[[], T]) -> T:
    """``read()``, or what it gave for ``key`` in this store at this data version."""
    full = (store.path, store.data_version(), *key)
    with _READ_LOCK:
        found = _READ.get(full)
    if found is None:
        found = read()
        with _READ_LOCK:
            while len(_READ) >= _READ_SIZE:
                del _READ[next(iter(_READ))]
            _READ[full] = found
    return found.copy() if isinstance(found, pd.DataFrame) else found  # type: ignore[return-value]


def query_figures(
    store: Store,
    dataset: str,
    measures: Sequence[str],
    *,
    period: str | None = None,
    area_keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``measures`` of ``dataset``'s row for all children and young people, every area (England, regions, LAs)
    or ``area_keys``, every period or ``period``: period, geographic_level, area_key, area_name, region_code,
    measure, cell (the published number, else DfE's symbol)."""
    keys = tuple(area_keys) if area_keys is not None else None
    return _remembered(
        store,
        ("figures", dataset, tuple(measures), period, keys),
        lambda: _query_figures(store, dataset, measures, period=period, area_keys=area_keys),
    )


def _query_figures(
    store: Store, dataset: str, measures: Sequence[str], *, period: str | None, area_keys: Sequence[str] | None
) -> pd.DataFrame:
    placeholders = ", ".join("?" for _ in measures)
    when = " AND period = ?" if period is not None else ""
    if area_keys is not None:
        when += f" AND area_key IN ({', '.join('?' for _ in area_keys)})"
    frame = store.query_df(
        f"""SELECT period, geographic_level, area_key, any_value(area_name) AS area_name,
                   any_value(region_code) AS region_code, measure, any_value(value) AS value,
                   any_value(symbol) AS symbol
            FROM ehcp_current
            WHERE dataset = ? AND breakdown_topic = ? AND breakdown = ? AND measure IN ({placeholders}){when}
            GROUP BY ALL ORDER BY period, area_key, measure""",
        [
            dataset,
            ALL_ROWS[dataset],
            ALL_ROWS[dataset],
            *measures,
            *([period] if period is not None else []),
            *(area_keys or []),
        ],
    )
    frame["cell"] = [
        float(value) if value is not None and not pd.isna(value) else (symbol or None)
        for value, symbol in zip(frame["value"], frame["symbol"])
    ]
    return frame[FIGURE_COLUMNS]


def cells(figures: pd.DataFrame) -> dict[tuple[str, str, str], Cell]:
    """The figures by (period, area key, measure)."""
    return {
        (period, key, measure): cell
        for period, key, measure, cell in zip(
            figures["period"], figures["area_key"], figures["measure"], figures["cell"]
        )
    }


def query_source_line(store: Store, datasets: Sequence[str], periods: Sequence[str]) -> str:
    """Where the figures came from: DfE's publication, the file(s) and load(s) that brought them, what they cover
    and when the data was last changed ("Source: DfE, Education, health and care plans 2025 (load 4, …)")."""
    sets = ", ".join("?" for _ in datasets)
    rows = _remembered(
        store,
        ("loads", tuple(datasets)),
        lambda: store.query_rows(
            f"""SELECT l.load_id, l.file_name, l.loaded_at, l.loaded_by FROM loads l
                WHERE l.load_id IN (SELECT DISTINCT load_id FROM ehcp_current WHERE dataset IN ({sets}))
                ORDER BY l.load_id""",
            list(datasets),
        ),
    )
    if not rows:
        return "No EHC plan figures are loaded."
    loads = "; ".join(
        f"{_release_of(name, periods)} ({name}, load {load_id}, {loaded_at:%d %b %Y} by {who})"
        for load_id, name, loaded_at, who in rows
    )
    covered = ", ".join(dict.fromkeys(period_words(p) for p in periods))
    latest = max(row[2] for row in rows)
    return f"Source: DfE, {loads}. {covered}; data as at {latest:%d %B %Y}."


def _release_of(file_name: str, periods: Sequence[str]) -> str:
    """DfE's publication and its year: from the release's file name ("…plans_2025.zip"), else the year after the
    newest period's figures (DfE publishes January's caseload and the previous calendar year in June)."""
    found = re.search(r"(20\d\d)(?!\d)", file_name)
    if found:
        return f"{PUBLICATION} {found.group(1)}"
    years = [int(p[:4]) + 1 for p in periods if p[:4].isdigit()]
    return f"{PUBLICATION} {max(years)}" if years else PUBLICATION


# -- small numbers ------------------------------------------------------------------------------------------------
def is_number(cell: object) -> TypeGuard[float]:
    """True for a published number (not a symbol, not missing)."""
    return isinstance(cell, (int, float)) and not isinstance(cell, bool) and not math.isnan(cell)


def number(cell: object) -> float | None:
    """A published number as a float; None for a symbol or nothing published."""
    return float(cell) if is_number(cell) else None


def suppress_count(cell: Cell, threshold: int) -> Cell:
    """A published count as an audience with ``threshold`` sees it: ``c`` from 1 to the threshold."""
    if threshold and is_number(cell) and 1 <= cell <= threshold:
        return SUPPRESSED
    return cell


def suppress_rate(rate: Cell, numerator: Cell, denominator: Cell, threshold: int) -> Cell:
    """A published percentage as an audience with ``threshold`` sees it: ``c`` when the count it is of, the
    count it is out of, or the rest (denominator − numerator) is from 1 to the threshold, or when those counts
    are not published (it cannot be checked); DfE's own symbol stays."""
    if not threshold or not is_number(rate):
        return rate
    part, whole = number(numerator), number(denominator)
    if part is None or whole is None:
        return SUPPRESSED
    counts = (part, whole, whole - part)
    return SUPPRESSED if any(1 <= count <= threshold for count in counts) else rate


def suppress_breakdown(
    counts: Sequence[Cell], pcts: Sequence[Cell], total: Cell, threshold: int
) -> tuple[list[Cell], list[Cell], Cell]:
    """A breakdown that adds up to DfE's ``total`` (shown beside it) as an audience with ``threshold`` sees it:
    counts suppressed with the census's rules (secondary suppression against the total), each percentage hidden
    with the count it is of, and every percentage and the total hidden with a small total."""
    if not threshold:
        return list(counts), list(pcts), total
    body = pd.Series([_as_count(c) for c in counts], dtype=object)
    shown = suppress_series(body, threshold=threshold, total_shown=True, total_label="Total")
    hidden_total = shown.iloc[-1] == SUPPRESSED or suppress_count(total, threshold) == SUPPRESSED
    shares = suppress_shares(pd.Series([float(p) if is_number(p) else math.nan for p in pcts]), shown.iloc[:-1])
    shown_pcts: list[Cell] = [
        pct if not is_number(pct) else (SUPPRESSED if hidden_total or isinstance(share, str) else pct)
        for pct, share in zip(pcts, shares)
    ]
    shown_counts: list[Cell] = [float(v) if isinstance(v, int) else v for v in shown.iloc[:-1]]
    return shown_counts, shown_pcts, (SUPPRESSED if hidden_total and is_number(total) else total)


def _as_count(cell: Cell) -> int | str | None:
    """A cell as suppression reads it: a whole number, a symbol, or missing."""
    if is_number(cell):
        return round(cell)
    return cell if isinstance(cell, str) else None


def symbols_note(values: Iterable[Cell], threshold: int) -> str | None:
    """What each symbol shown means (``c`` hidden here for the forum, DfE's own symbols as published)."""
    present = {value for value in values if isinstance(value, str)}
    if not present:
        return None
    known = {symbol for symbol in present if symbol in PUBLISHED_SYMBOLS}
    return suppression_note(threshold, known) or None


# -- figures beside England, the region and the neighbours --------------------------------------------------------
def neighbours_mean(values: dict[str, Cell], areas: Areas) -> float | None:
    """The statistical neighbours' average of ``values`` (area key → figure shown), None when none has one."""
    frame = pd.DataFrame(
        {
            "area_key": list(areas.neighbours),
            "value": [
                value if (value := number(values.get(key))) is not None else math.nan for key in areas.neighbours
            ],
        }
    )
    return benchmark.neighbours_average(frame, list(areas.neighbours))


# -- caseload each January ----------------------------------------------------------------------------------------
def query_caseload(store: Store, areas: Areas, threshold: int) -> pd.DataFrame:
    """EHC plans each January for the local area, England, the region and the neighbours' average, as the
    audience sees them: period, role, area_name, plans (a number, or a symbol). Periods where the local area has
    a figure, oldest first."""
    figures = query_figures(store, CASELOAD, [PLANS], area_keys=areas.compared)
    by = cells(figures)
    periods = sorted({p for (p, key, _m) in by if key == areas.local})
    names = role_names(areas)
    rows = []
    for period in periods:
        shown = {key: suppress_count(cell, threshold) for (p, key, _m), cell in by.items() if p == period}
        for role, key in ((LOCAL, areas.local), (ENGLAND, ENGLAND_CODE), (REGION, areas.region)):
            if key in shown:
                rows.append((period, role, names[role], shown[key]))
        average = neighbours_mean(shown, areas)
        if average is not None:
            rows.append((period, NEIGHBOURS, names[NEIGHBOURS], round(average)))
    return pd.DataFrame(rows, columns=["period", "role", "area_name", "plans"])


def local_series(trend: pd.DataFrame, column: str, role: str = LOCAL) -> dict[str, Cell]:
    """One compared area's figures by period from a trend frame."""
    part = trend[trend["role"] == role]
    return dict(zip(part["period"], part[column]))


def change_words(now: Cell, before: Cell) -> str | None:
    """A count's change on the year before, as a tile says it ("+210 on a year before"), when both are shown."""
    later, earlier = number(now), number(before)
    if later is None or earlier is None:
        return None
    return f"{round(later) - round(earlier):+,}"


def growth(now: Cell, before: Cell) -> float | None:
    """The rise from ``before`` to ``now`` in per cent (None unless both are shown and ``before`` is not 0)."""
    later, earlier = number(now), number(before)
    if later is None or not earlier:
        return None
    return 100 * (later - earlier) / earlier


LABEL_EVERY_POINT = 5  # points a trend's line may have and still carry each one's figure (a phone's width)


def text_every_other(index: int, points: int) -> str:
    """A trend point's label template: its figure on every point of a short line; on a longer one on the latest
    and every second point back from it (on a phone, seven years' figures ran into each other; every figure is
    in the hover and the table)."""
    shown = points <= LABEL_EVERY_POINT or (points - 1 - index) % 2 == 0
    return "%{text}" if shown else ""


def build_caseload_chart(trend: pd.DataFrame, *, area_name: str, source: str, height: int) -> go.Figure:
    """The local area's EHC plans each January: a line with each year's count written above its point (a year
    whose figure is hidden or not published has no point)."""
    local = trend[trend["role"] == LOCAL]
    x = [period_words(p) for p in local["period"]]
    y = [float(v) if is_number(v) else None for v in local["plans"]]
    style = ROLE_STYLE[LOCAL]
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            name=area_name,
            mode="lines+markers+text",
            line={"color": style["color"], "width": 3},
            marker={"symbol": style["symbol"], "size": 10},
            text=[f"{int(v):,}" if v is not None else str(c or "") for v, c in zip(y, local["plans"])],
            texttemplate=[text_every_other(i, len(y)) for i in range(len(y))],
            textposition="top center",
            cliponaxis=False,
            hovertemplate="%{x}: %{text} EHC plans<extra></extra>",
        )
    )
    top = max((v for v in y if v is not None), default=1.0)
    fig.update_yaxes(title_text="EHC plans", range=[0, top * 1.18], gridcolor=GRID, rangemode="tozero")
    fig.update_xaxes(title_text="January each year", type="category")
    fig.update_layout(showlegend=False)
    return base_layout(fig, title=f"EHC plans in {area_name} each January", height=height, source=source)


def summarise_caseload(trend: pd.DataFrame, areas: Areas) -> str:
    """One sentence: the latest January's plans, the change on the year before and England's rise beside it."""
    local = trend[trend["role"] == LOCAL]
    if local.empty:
        return f"No EHC plan caseload is loaded for {areas.local_name}."
    periods = list(local["period"])
    now, latest = local["plans"].iloc[-1], periods[-1]
    plans = number(now)
    if plans is None:
        return f"The number of EHC plans in {areas.local_name} in {period_words(latest)} is not shown ({now})."
    sentence = f"{areas.local_name} had {round(plans):,} EHC plans in {period_words(latest)}"
    if len(periods) > 1:
        before = local["plans"].iloc[-2]
        rise = growth(now, before)
        earlier = number(before)
        if rise is not None and earlier is not None:
            england = local_series(trend, "plans", ENGLAND)
            england_rise = growth(england.get(latest), england.get(periods[-2]))
            direction = "up" if rise >= 0 else "down"
            sentence += (
                f", {abs(round(plans) - round(earlier)):,} {'more' if rise >= 0 else 'fewer'} than a year "
                f"before ({direction} {abs(rise):.1f}%"
                + (
                    f"; England {'up' if england_rise >= 0 else 'down'} {abs(england_rise):.1f}%"
                    if england_rise is not None
                    else ""
                )
                + ")"
            )
    return sentence + "."


def build_caseload_table(trend: pd.DataFrame, areas: Areas) -> pd.DataFrame:
    """The caseload each January, one column per area compared."""
    names = role_names(areas)
    table = pd.DataFrame({"January": [period_words(p) for p in dict.fromkeys(trend["period"])]})
    for role in (LOCAL, ENGLAND, REGION, NEIGHBOURS):
        series = local_series(trend, "plans", role)
        if series:
            table[names[role]] = [_table_count(series.get(p)) for p in dict.fromkeys(trend["period"])]
    return table


def format_count(cell: Cell) -> str:
    """A count as a tile says it: "3,000", or the symbol shown instead."""
    if is_number(cell):
        return f"{round(cell):,}"
    return str(cell) if isinstance(cell, str) else "not published"


def _table_count(cell: Cell) -> int | str | None:
    """A count as a table cell: a whole number, or its symbol."""
    if is_number(cell):
        return round(cell)
    return cell if isinstance(cell, str) else None


def _table_pct(cell: Cell) -> float | str | None:
    """A percentage as a table cell: as published (one decimal place), or its symbol."""
    if is_number(cell):
        return round(cell, DECIMALS)
    return cell if isinstance(cell, str) else None


# -- a breakdown of all plans (by need, by setting) beside the areas compared --------------------------------------
def query_breakdown(
    store: Store,
    areas: Areas,
    dataset: str,
    parts: Sequence[Part],
    total_measure: str,
    threshold: int,
    *,
    period: str | None = None,
) -> tuple[str, pd.DataFrame] | None:
    """The latest period's breakdown (``parts``, adding up to ``total_measure``) for the local area, England and
    the region (counts and DfE's percentages, suppressed for the audience) and the neighbours' average percentage
    (over the neighbours' percentages the audience may see). Returns (period, frame with role, area_name, key,
    label, count, pct, total); None when the local area has no figures."""
    periods = query_periods(store, dataset, areas.local)
    if not periods:
        return None
    chosen = period if period in periods else periods[0]
    measures = [total_measure, *(p.count for p in parts), *(p.pct for p in parts if p.pct)]
    by = cells(query_figures(store, dataset, measures, period=chosen, area_keys=areas.compared))
    keys = {key for (_p, key, _m) in by}
    names = role_names(areas)
    rows = []
    pct_seen: dict[str, dict[str, Cell]] = {part.key: {} for part in parts}
    for key in sorted(keys):
        counts, pcts, total = suppress_breakdown(
            [by.get((chosen, key, p.count)) for p in parts],
            [by.get((chosen, key, p.pct)) if p.pct else None for p in parts],
            by.get((chosen, key, total_measure)),
            threshold,
        )
        for part, pct in zip(parts, pcts):
            pct_seen[part.key][key] = pct
        role = areas.role_of(key)
        if role is not None:
            rows += [
                (role, names[role], part.key, part.label, count, pct, total)
                for part, count, pct in zip(parts, counts, pcts)
            ]
    for part in parts:
        average = neighbours_mean(pct_seen[part.key], areas)
        if average is not None:
            rows.append((NEIGHBOURS, names[NEIGHBOURS], part.key, part.label, None, round(average, DECIMALS), None))
    frame = pd.DataFrame(rows, columns=["role", "area_name", "key", "label", "count", "pct", "total"])
    if frame.empty or not (frame["role"] == LOCAL).any():
        return None
    return chosen, frame


def query_setting_parts(store: Store, areas: Areas, period: str, threshold: int) -> pd.DataFrame:
    """The counts DfE publishes inside the settings' totals (independent schools, NEET) for the local area,
    England and the region, as the audience sees them: role, area_name, key, label, within, count."""
    by = cells(query_figures(store, CASELOAD, [part.count for part, _within in SETTING_PARTS], period=period))
    names = role_names(areas)
    rows = []
    for role, key in ((LOCAL, areas.local), (ENGLAND, ENGLAND_CODE), (REGION, areas.region)):
        for part, within in SETTING_PARTS:
            if (period, key, part.count) in by:
                rows.append(
                    (
                        role,
                        names[role],
                        part.key,
                        part.label,
                        within,
                        suppress_count(by[(period, key, part.count)], threshold),
                    )
                )
    return pd.DataFrame(rows, columns=["role", "area_name", "key", "label", "within", "count"])


def build_breakdown_chart(
    frame: pd.DataFrame, *, title: str, source: str, value_label: str, height: int, order: Sequence[str]
) -> go.Figure:
    """Each part's share of all plans, a row per part (``order``, top first), one mark per area compared (shape as
    well as colour); the local area's percentage is written in its row's label ("ASD: 33.6%"), where no other
    mark can cover it and a narrow screen cannot cut it. A hidden or unpublished share has no mark."""
    labels = dict(zip(frame["key"], frame["label"]))
    rows = [key for key in order if key in labels]
    local = frame[frame["role"] == LOCAL]
    ours: dict[str, Cell] = dict(zip(local["key"], local["pct"]))
    names = wrap_all(breakdown_label(labels[key], ours.get(key)) for key in rows)
    fig = go.Figure()
    for role in (LOCAL, ENGLAND, REGION, NEIGHBOURS):
        part = frame[frame["role"] == role].set_index("key")
        if part.empty:
            continue
        style = ROLE_STYLE[role]
        pcts: dict[str, Cell] = dict(zip(part.index, part["pct"]))
        values = [pcts.get(key) for key in rows]
        fig.add_trace(
            go.Scatter(
                x=[float(v) if is_number(v) else None for v in values],
                y=names,
                name=str(part["area_name"].iloc[0]),
                mode="markers",
                marker={
                    "symbol": style["symbol"],
                    "size": 14 if role == LOCAL else 11,
                    "color": style["color"],
                    "line": {"width": 1, "color": BLACK},
                },
                cliponaxis=False,
                customdata=[[labels[key], _pct_text(v)] for key, v in zip(rows, values)],
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>"
                + wrap(part["area_name"].iloc[0])
                + "</extra>",
            )
        )
    top = max((float(v) for v in frame["pct"] if is_number(v)), default=1.0)
    fig.update_xaxes(title_text=value_label, range=[0, top * 1.1], ticksuffix="%", gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14}, type="category")
    fig.update_layout(showlegend=True)
    return base_layout(fig, title=title, height=height, source=source)


def breakdown_label(label: str, ours: Cell) -> str:
    """A breakdown chart's row label: the part and the local area's share of it ("ASD: 33.6%", "MSI: c")."""
    return f"{label}: {_pct_text(ours)}" if ours is not None else label


def _pct_text(cell: Cell) -> str:
    if is_number(cell):
        return f"{cell:.{DECIMALS}f}%"
    return str(cell) if isinstance(cell, str) else "not published"


def breakdown_order(frame: pd.DataFrame) -> list[str]:
    """The parts, the local area's largest share first (unshown shares last, in published order)."""
    local = frame[frame["role"] == LOCAL]
    ranked = sorted(
        zip(local["key"], local["pct"]),
        key=lambda item: -item[1] if is_number(item[1]) else math.inf,
    )
    return [key for key, _pct in ranked]


def need_key_line(shown: Sequence[str]) -> str:
    """What the need codes on the chart mean (the parts ``shown``, by key)."""
    return need_key([part.label for part in NEED_PARTS if part.key in shown])


def summarise_breakdown(frame: pd.DataFrame, areas: Areas, *, period: str, what: str) -> str:
    """One sentence: the local area's largest part, with England's share of it beside."""
    local = frame[frame["role"] == LOCAL]
    shown = local[[is_number(p) for p in local["pct"]]]
    if shown.empty:
        return f"The shares of EHC plans by {what} in {areas.local_name} are not shown for {period_words(period)}."
    top = shown.iloc[int(shown["pct"].astype(float).to_numpy().argmax())]
    england = frame[(frame["role"] == ENGLAND) & (frame["key"] == top["key"])]["pct"]
    beside = (
        f" (England {float(england.iloc[0]):.{DECIMALS}f}%)" if not england.empty and is_number(england.iloc[0]) else ""
    )
    return (
        f"In {period_words(period)}, {float(top['pct']):.{DECIMALS}f}% of EHC plans in {areas.local_name} were "
        f"{_in_words(what, str(top['label']))}{beside}, the largest {what}."
    )


def _in_words(what: str, label: str) -> str:
    if what == "primary need":
        code = next((p.key for p in NEED_PARTS if p.label == label), label)
        name = NEED_BY_CODE[code].name.lower() if code in NEED_BY_CODE else label.lower()
        return f"for {name} ({label})"
    return f"in {label[:1].lower() + label[1:]}" if not label.isupper() else f"in {label}"


def build_breakdown_table(frame: pd.DataFrame, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per part and area: the count and DfE's percentage as published (the neighbours: their average
    percentage), then the published counts inside the totals (``extra``)."""
    rows = [
        (label, name, _table_count(count), _table_pct(pct))
        for label, name, count, pct in zip(frame["label"], frame["area_name"], frame["count"], frame["pct"])
    ]
    totals = frame.drop_duplicates("role")
    rows += [
        ("All EHC plans", name, _table_count(total), 100.0 if is_number(total) else None)
        for name, total in zip(totals["area_name"], totals["total"])
        if total is not None
    ]
    if extra is not None and not extra.empty:
        within = dict(zip(frame["key"], frame["label"]))
        rows += [
            (f"{label} (within {within.get(inside, inside).lower()})", name, _table_count(count), None)
            for label, name, inside, count in zip(extra["label"], extra["area_name"], extra["within"], extra["count"])
        ]
    return _object_frame(dict(zip(["Part", "Area", "EHC plans", "% of EHC plans"], map(list, zip(*rows)))))


def _object_frame(columns: dict[str, Sequence[object]]) -> pd.DataFrame:
    """A table whose cells stay as given: a column of whole numbers (and gaps) as whole numbers, one of
    percentages as floats, one with a symbol among its figures as those figures and symbols (never floats)."""
    return pd.DataFrame({name: _column(list(values)) for name, values in columns.items()})


def _column(values: list[object]) -> pd.Series:
    present = [value for value in values if value is not None and not (isinstance(value, float) and math.isnan(value))]
    if present and all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        return pd.Series(values, dtype="Int64")
    if present and all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in present):
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype=object)


# -- requests → assessments → new plans --------------------------------------------------------------------------
PATH_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("Requests", REQUESTS, RECEIVED),
    ("Assessments", ASSESSMENTS, ASSESSED),
    ("New plans", NEW_PLANS, NEW),
)


def query_path(store: Store, areas: Areas, threshold: int) -> pd.DataFrame:
    """Each calendar year's requests for an assessment, assessments and new plans, and DfE's two percentages
    between them (requests decided to assess; assessments that led to a plan), for the local area, England and
    the region as the audience sees them, with the neighbours' average of the percentages: year, role,
    area_name, requests, assessments, new_plans, assess_pc, issued_pc."""
    requests = cells(query_figures(store, REQUESTS, [RECEIVED, TO_ASSESS, TO_ASSESS_PC], area_keys=areas.compared))
    assessments = cells(query_figures(store, ASSESSMENTS, [ASSESSED, ISSUED, ISSUED_PC], area_keys=areas.compared))
    new_plans = cells(query_figures(store, NEW_PLANS, [NEW], area_keys=areas.compared))
    years = sorted({p for (p, key, _m) in {**requests, **assessments, **new_plans} if key == areas.local})
    names = role_names(areas)
    keys = {key for (_p, key, _m) in requests} | {key for (_p, key, _m) in new_plans}
    rows = []
    for year in years:
        assess_pc = {
            key: suppress_rate(
                requests.get((year, key, TO_ASSESS_PC)),
                requests.get((year, key, TO_ASSESS)),
                requests.get((year, key, RECEIVED)),
                threshold,
            )
            for key in keys
        }
        issued_pc = {
            key: suppress_rate(
                assessments.get((year, key, ISSUED_PC)),
                assessments.get((year, key, ISSUED)),
                assessments.get((year, key, ASSESSED)),
                threshold,
            )
            for key in keys
        }
        for role, key in ((LOCAL, areas.local), (ENGLAND, ENGLAND_CODE), (REGION, areas.region)):
            rows.append(
                (
                    year,
                    role,
                    names[role],
                    suppress_count(requests.get((year, key, RECEIVED)), threshold),
                    suppress_count(assessments.get((year, key, ASSESSED)), threshold),
                    suppress_count(new_plans.get((year, key, NEW)), threshold),
                    assess_pc.get(key),
                    issued_pc.get(key),
                )
            )
        assess_average, issued_average = (neighbours_mean(shares, areas) for shares in (assess_pc, issued_pc))
        if assess_average is not None or issued_average is not None:
            rows.append(
                (
                    year,
                    NEIGHBOURS,
                    names[NEIGHBOURS],
                    None,
                    None,
                    None,
                    round(assess_average, DECIMALS) if assess_average is not None else None,
                    round(issued_average, DECIMALS) if issued_average is not None else None,
                )
            )
    return pd.DataFrame(
        rows,
        columns=["year", "role", "area_name", "requests", "assessments", "new_plans", "assess_pc", "issued_pc"],
    )


def build_path_chart(path: pd.DataFrame, *, area_name: str, source: str, height: int) -> go.Figure:
    """The local area's requests, assessments and new plans each calendar year: a line each, told apart by
    marker and dash as well as colour, each point labelled with its count."""
    local = path[path["role"] == LOCAL]
    fig = go.Figure()
    top = 1.0
    for (stage, _dataset, _measure), column in zip(PATH_MEASURES, ("requests", "assessments", "new_plans")):
        y = [float(v) if is_number(v) else None for v in local[column]]
        top = max([top, *(v for v in y if v is not None)])
        style = STAGE_STYLE[stage]
        fig.add_trace(
            go.Scatter(
                x=list(local["year"]),
                y=y,
                name=stage,
                mode="lines+markers",
                line={"color": style["color"], "width": 3, "dash": style["dash"]},
                marker={"symbol": style["symbol"], "size": 10},
                customdata=[format_count(v) for v in local[column]],
                hovertemplate=f"{stage}, %{{x}}: %{{customdata}}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="Children and young people", range=[0, top * 1.1], gridcolor=GRID)
    fig.update_xaxes(title_text="Calendar year", type="category")
    return base_layout(
        fig,
        title=f"Requests for an assessment, assessments and new EHC plans in {area_name}",
        height=height,
        source=source,
    )


def summarise_path(path: pd.DataFrame, areas: Areas) -> str:
    """One sentence on the latest year's path, with DfE's share of requests that went to assessment beside
    England's."""
    local = path[path["role"] == LOCAL]
    if local.empty:
        return f"No requests, assessments or new plans are loaded for {areas.local_name}."
    latest = local.iloc[-1]
    year = str(latest["year"])
    figures = [
        f"{format_count(latest[column])} {words}"
        for column, words in (
            ("requests", "requests for an EHC needs assessment"),
            ("assessments", "assessments"),
            ("new_plans", "new EHC plans"),
        )
    ]
    sentence = f"In {year}, {areas.local_name} had {figures[0]}, {figures[1]} and {figures[2]}"
    if is_number(latest["assess_pc"]):
        england = path[(path["role"] == ENGLAND) & (path["year"] == year)]["assess_pc"]
        beside = (
            f" (England {float(england.iloc[0]):.{DECIMALS}f}%)"
            if not england.empty and is_number(england.iloc[0])
            else ""
        )
        sentence += f"; {float(latest['assess_pc']):.{DECIMALS}f}% of requests went on to an assessment{beside}"
    return sentence + "."


def build_path_table(path: pd.DataFrame) -> pd.DataFrame:
    """Each year and area: the counts and DfE's two percentages, as published (the neighbours: their averages)."""
    return _object_frame(
        {
            "Year": path["year"].to_list(),
            "Area": path["area_name"].to_list(),
            "Requests": [_table_count(v) for v in path["requests"]],
            "Decided to assess %": [_table_pct(v) for v in path["assess_pc"]],
            "Assessments": [_table_count(v) for v in path["assessments"]],
            "Plan issued %": [_table_pct(v) for v in path["issued_pc"]],
            "New plans": [_table_count(v) for v in path["new_plans"]],
        }
    )


# -- 20-week timeliness -------------------------------------------------------------------------------------------
def query_timeliness_all(
    store: Store, threshold: int, *, period: str | None = None, area_keys: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every area's 20-week timeliness (with and without exception cases) as the audience sees it: period,
    geographic_level, area_key, area_name, region_code, measure, cell."""
    measures = [WITHIN, WITHIN_EX, *(count for pair in TIMELINESS_COUNTS.values() for count in pair)]
    figures = query_figures(store, TIMELINESS, measures, period=period, area_keys=area_keys)
    by = cells(figures)
    rates = figures[figures["measure"].isin(list(TIMELINESS_COUNTS))].copy()
    rates["cell"] = [
        suppress_rate(
            cell,
            by.get((p, key, TIMELINESS_COUNTS[m][0])),
            by.get((p, key, TIMELINESS_COUNTS[m][1])),
            threshold,
        )
        for p, key, m, cell in zip(rates["period"], rates["area_key"], rates["measure"], rates["cell"])
    ]
    return rates.reset_index(drop=True)


def query_timeliness(store: Store, areas: Areas, threshold: int) -> pd.DataFrame:
    """Each year's timeliness for the local area, England, the region and the neighbours' average: year, role,
    area_name, measure, pct."""
    rates = query_timeliness_all(store, threshold, area_keys=areas.compared)
    by = cells(rates)
    years = sorted({p for (p, key, _m) in by if key == areas.local})
    names = role_names(areas)
    rows = []
    for year in years:
        for measure in (WITHIN, WITHIN_EX):
            shown = {key: cell for (p, key, m), cell in by.items() if p == year and m == measure}
            for role, key in ((LOCAL, areas.local), (ENGLAND, ENGLAND_CODE), (REGION, areas.region)):
                if key in shown:
                    rows.append((year, role, names[role], measure, shown[key]))
            average = neighbours_mean(shown, areas)
            if average is not None:
                rows.append((year, NEIGHBOURS, names[NEIGHBOURS], measure, round(average, DECIMALS)))
    return pd.DataFrame(rows, columns=["year", "role", "area_name", "measure", "pct"])


TIMELINESS_PANEL_GAP = 110


def build_timeliness_chart(trend: pd.DataFrame, *, area_name: str, source: str, height: int) -> go.Figure:
    """Two panels, all plans above and plans without exception cases below: the share of new plans issued
    within 20 weeks each year, a line per area compared (marker and dash differ as well as colour)."""
    panel = 230
    plot_height = 2 * panel + TIMELINESS_PANEL_GAP
    fig = make_subplots(
        rows=2,
        cols=1,
        subplot_titles=[f"{WITH_EXCEPTIONS}", f"{WITHOUT_EXCEPTIONS}"],
        vertical_spacing=TIMELINESS_PANEL_GAP / plot_height,
    )
    years = list(dict.fromkeys(trend["year"]))
    for row, measure in enumerate((WITHIN, WITHIN_EX), start=1):
        part = trend[trend["measure"] == measure]
        for role in (LOCAL, ENGLAND, REGION, NEIGHBOURS):
            series = part[part["role"] == role].set_index("year")["pct"]
            if series.empty:
                continue
            style = ROLE_STYLE[role]
            name = str(part[part["role"] == role]["area_name"].iloc[0])
            values = [series.get(y) for y in years]
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=[float(v) if is_number(v) else None for v in values],
                    name=name,
                    legendgroup=role,
                    showlegend=row == 1,
                    mode="lines+markers",
                    line={"color": style["color"], "width": 3 if role == LOCAL else 2, "dash": style["dash"]},
                    marker={"symbol": style["symbol"], "size": 10 if role == LOCAL else 8},
                    customdata=[_pct_text(v) for v in values],
                    hovertemplate=f"{wrap(name)}, %{{x}}: %{{customdata}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(title_text="% within 20 weeks", range=[0, 105], ticksuffix="%", gridcolor=GRID, row=row, col=1)
        fig.update_xaxes(type="category", row=row, col=1)
    fig.update_xaxes(title_text="Calendar year", row=2, col=1)
    return base_layout(
        fig,
        title=f"New EHC plans issued within 20 weeks in {area_name}",
        height=height,
        source=source,
        plot_height=plot_height,
    )


def summarise_timeliness(trend: pd.DataFrame, areas: Areas) -> str:
    """One sentence: the latest year's share within 20 weeks (and without exception cases), beside England's."""
    local = trend[trend["role"] == LOCAL]
    if local.empty:
        return f"No 20-week timeliness is loaded for {areas.local_name}."
    year = str(local["year"].iloc[-1])
    now = {m: p for y, m, p in zip(local["year"], local["measure"], local["pct"]) if y == year}
    england = {
        m: p
        for y, r, m, p in zip(trend["year"], trend["role"], trend["measure"], trend["pct"])
        if y == year and r == ENGLAND
    }
    if not is_number(now.get(WITHIN)):
        return f"The share of new EHC plans issued within 20 weeks in {areas.local_name} in {year} is not shown."
    sentence = f"In {year}, {_pct_text(now[WITHIN])} of new EHC plans in {areas.local_name} were issued within 20 weeks"
    if is_number(now.get(WITHIN_EX)):
        sentence += f" ({_pct_text(now[WITHIN_EX])} without exception cases)"
    if is_number(england.get(WITHIN)):
        sentence += f", against {_pct_text(england[WITHIN])} in England"
    return sentence + "."


def build_timeliness_table(trend: pd.DataFrame) -> pd.DataFrame:
    """Each year and area: DfE's two percentages as published (the neighbours: their averages)."""
    wide = trend.pivot_table(index=["year", "role", "area_name"], columns="measure", values="pct", aggfunc="first")
    order = {LOCAL: 0, ENGLAND: 1, REGION: 2, NEIGHBOURS: 3}
    wide = wide.reset_index().sort_values(["year", "role"], key=lambda c: c.map(order) if c.name == "role" else c)
    return _object_frame(
        {
            "Year": wide["year"].to_list(),
            "Area": wide["area_name"].to_list(),
            "Within 20 weeks %": [_table_pct(v) for v in wide.get(WITHIN, [None] * len(wide))],
            "Without exception cases %": [_table_pct(v) for v in wide.get(WITHIN_EX, [None] * len(wide))],
        }
    )


# -- every local authority: standing and distribution ------------------------------------------------------------
@dataclass(frozen=True)
class Ranking:
    """One measure across the local authorities the audience sees a figure for (within the region when chosen):
    the values (area_key, area_name, value; hidden ones NaN), where the local area stands, and the scope."""

    values: pd.DataFrame
    standing: benchmark.Standing | None
    scope: str
    hidden: int  # local authorities in the scope whose figure is hidden or not published


def ranking(
    figures: pd.DataFrame,
    areas: Areas,
    *,
    direction: benchmark.Direction,
    scope: str | None,
) -> Ranking:
    """Rank ``figures`` (one period, one measure, cells as the audience sees them) among the local authorities
    (``scope`` None), or the region's only (``benchmark.REGION_ONLY``: ``Filters.benchmark_scope``)."""
    las = figures[figures["geographic_level"] == LOCAL_AUTHORITY]
    scope_name = benchmark.ENGLAND_SCOPE
    if scope == benchmark.REGION_ONLY:
        las = las[las["region_code"] == areas.region]
        scope_name = areas.region_name
    values = pd.DataFrame(
        {
            "area_key": las["area_key"].to_list(),
            "area_name": las["area_name"].to_list(),
            "value": [float(c) if is_number(c) else math.nan for c in las["cell"]],
            "cell": las["cell"].to_list(),
        }
    )
    where = benchmark.standing(values, areas.local, direction=direction, scope=scope_name)
    return Ranking(values, where, scope_name, int(values["value"].isna().sum()))


def reference_lines(figures: pd.DataFrame, areas: Areas, *, totals: bool) -> list[tuple[str, float | None]]:
    """A distribution's reference lines (label, value): England's and the region's figure (not for counts, whose
    totals are not on an LA's scale: ``totals`` False), and the neighbours' average of the figures shown."""
    by = dict(zip(figures["area_key"], figures["cell"]))
    lines: list[tuple[str, float | None]] = []
    if not totals:
        lines += [("England", number(by.get(ENGLAND_CODE))), (areas.region_name, number(by.get(areas.region)))]
    lines.append((NEIGHBOURS_NAME, neighbours_mean(by, areas)))
    return lines


def query_caseload_all(store: Store, threshold: int, period: str) -> pd.DataFrame:
    """Every area's EHC plans in ``period`` as the audience sees them."""
    figures = query_figures(store, CASELOAD, [PLANS], period=period)
    figures["cell"] = [suppress_count(cell, threshold) for cell in figures["cell"]]
    return figures


def build_distribution_table(where: Ranking, *, value_label: str, percent: bool) -> pd.DataFrame:
    """Every local authority in the scope with its figure as shown (highest first; hidden last)."""
    values = where.values.sort_values("value", ascending=False, na_position="last")
    column = [_table_pct(cell) if percent else _table_count(cell) for cell in values["cell"]]
    return _object_frame({"Local authority": values["area_name"].to_list(), value_label: column})
