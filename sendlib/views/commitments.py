"""The views of the Commitments page (staff only): RAG summary, exceptions, the tracker, timeline, burn-up and one
commitment's progress; and the Overview's commitments headline.

Each view is ``(store, config, filters, audience) -> View | None`` composed from ``sendlib.commitments``, read on
``filters.today()``; the tracker's filters and sort come from ``filters.commitments``. Commitments carry no
counts of children, so nothing here is suppressed: the forum does not see these views (the page is for staff).
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from sendlib import commitments, periods
from sendlib.config import Config
from sendlib.store import Store
from sendlib.views.base import Audience, CommitmentChoice, Filters, Metric, View

# The tracker's sorts, as offered on the page: each name → the columns sorted by.
SORTS: dict[str, list[str]] = {
    "Due date": ["due_date"],
    "RAG": ["rag", "due_date"],
    "Owner": ["owner", "due_date"],
    "Reference": ["reference"],
    "% complete": ["percent"],
}
EXCEPTION_COLUMNS: dict[str, str] = {  # "Reference", not the tracker's "Ref": the page shows both tables
    "rag_label": "RAG",
    "reference": "Reference",
    "title": "Commitment",
    "owner": "Owner",
    "due_date": "Due",
    "days_overdue": "Days overdue",
    "percent": "% complete",
    "updated_on": "Last update",
    "commentary": "Latest commentary",
    "override_reason": "Why RAG was set",
}
BURN_UP_HEIGHT = 420
PROGRESS_HEIGHT = 380


def query_tracker(store: Store, config: Config, filters: Filters) -> pd.DataFrame:
    """Every commitment as it stood on ``filters.today()``, with its RAG (the configured thresholds)."""
    return commitments.query_tracker(
        store, filters.today(), config.commitments.green_ratio, config.commitments.red_ratio
    )


def shown_commitments(tracker: pd.DataFrame, choice: CommitmentChoice) -> pd.DataFrame:
    """The commitments matching every chosen filter, in the chosen order (an unknown sort: by due date)."""
    chosen = commitments.filter_tracker(
        tracker,
        strategies=list(choice.strategies),
        themes=list(choice.themes),
        levels=list(choice.levels),
        owners=list(choice.owners),
        rags=list(choice.rags),
    )
    return chosen.sort_values(SORTS.get(choice.sort, SORTS["Due date"]))


def _source(store: Store, filters: Filters) -> str:
    return commitments.source_line(store, filters.today())


def rag_summary(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """How many commitments have each rating (every rating, zeros included) and one sentence; the table holds
    the commitments by status."""
    tracker = query_tracker(store, config, filters)
    counts = commitments.rag_counts(tracker)
    status = commitments.status_counts(tracker).rename(columns={"status": "Status", "commitments": "Commitments"})
    return View(
        key="commitments.rag",
        title="Commitments by RAG",
        summary=commitments.summarise_rag(tracker, filters.today()),
        source=_source(store, filters),
        metrics=tuple(Metric(str(row.label), str(row.commitments)) for row in counts.itertuples()),
        table=status,
        table_label="The commitments by status",
        periods=(periods.commitments(filters.today()),),
    )


def exception_list(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """Every red or overdue commitment (most overdue first, then by due date) as a table, and the timeline of
    them; no figure when there is none."""
    tracker = query_tracker(store, config, filters)
    as_of = filters.today()
    source = _source(store, filters)
    late = commitments.exceptions(tracker)
    table = late[list(EXCEPTION_COLUMNS)].rename(columns=EXCEPTION_COLUMNS)
    title = "Exceptions: red or overdue"
    if late.empty:
        return View(
            key="commitments.exceptions",
            title=title,
            summary="No commitment is red or overdue.",
            source=source,
            table=table,
            periods=(periods.commitments(filters.today()),),
        )
    chosen = tracker[tracker["reference"].isin(late["reference"])]
    figure = commitments.build_timeline_chart(chosen, as_of=as_of, source=source, named=True)
    return View(
        key="commitments.exceptions",
        title=title,
        figure=figure,
        table=table,
        summary=f"{len(late)} commitment{'s are' if len(late) != 1 else ' is'} red or overdue; owners and "
        "latest commentary are in the tracker.",
        source=source,
        periods=(periods.commitments(filters.today()),),
    )


def tracker_table(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The tracker as people read it, filtered and sorted as chosen (a table only)."""
    tracker = query_tracker(store, config, filters)
    shown = shown_commitments(tracker, filters.commitments)
    return View(
        key="commitments.tracker",
        title="The tracker",
        source=_source(store, filters),
        summary=f"{len(shown)} of {len(tracker)} commitments shown.",
        table=commitments.build_tracker_table(shown),
        periods=(periods.commitments(filters.today()),),
    )


def timeline(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """The chosen commitments from start to due date, progress shaded in their RAG colour; None when none is."""
    tracker = query_tracker(store, config, filters)
    shown = shown_commitments(tracker, filters.commitments)
    if shown.empty:
        return None
    as_of, source = filters.today(), _source(store, filters)
    return View(
        key="commitments.timeline",
        title="Commitments from start to due date",
        summary=commitments.summarise_rag(shown, as_of),
        source=source,
        figure=commitments.build_timeline_chart(shown, as_of=as_of, source=source),
        table=commitments.build_tracker_table(shown),
        periods=(periods.commitments(filters.today()),),
    )


def burn_up(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """Commitments complete month by month against those due by then; None when there are none."""
    tracker = query_tracker(store, config, filters)
    as_of = filters.today()
    series = commitments.burn_up(tracker, commitments.query_updates(store), as_of)
    if series.empty:
        return None
    last = series.iloc[-1]
    source = _source(store, filters)
    return View(
        key="commitments.burn_up",
        title="Commitments: complete against due",
        summary=f"By {as_of:%d %B %Y}, {last['complete']} of {last['total']} commitments are complete and "
        f"{last['due']} were due.",
        source=source,
        figure=commitments.build_burn_up_chart(series, source=source, height=BURN_UP_HEIGHT),
        table=series.rename(columns=lambda c: str(c).replace("_", " ").capitalize()),
        periods=(periods.commitments(filters.today()),),
    )


def progress(store: Store, config: Config, filters: Filters, audience: Audience) -> View | None:
    """One commitment's progress over time against the pace that finishes it when due: the chosen one
    (``filters.commitments.reference``), else the first by reference; None when there are no commitments."""
    tracker = query_tracker(store, config, filters)
    if tracker.empty:
        return None
    chosen = tracker[tracker["reference"] == filters.commitments.reference]
    # A record of query_tracker's columns (pandas types records loosely, as Hashable -> Any).
    row = cast(commitments.TrackerRow, (chosen if not chosen.empty else tracker).iloc[0].to_dict())
    updates = commitments.query_updates(store)
    own = updates[updates["commitment_id"] == row["commitment_id"]]
    as_of, source = filters.today(), _source(store, filters)
    figure = commitments.build_progress_chart(updates, row, as_of=as_of, source=source, height=PROGRESS_HEIGHT)
    return View(
        key="commitments.progress",
        title=f"{row['reference']}: progress over time",
        source=source,
        summary=f"{row['reference']} is {row['percent']:.0f}% complete with {row['time_elapsed_pct']:.0f}% "
        f"of its time used: {row['rag']}.",
        figure=figure,
        table=own.drop(columns=["update_id", "commitment_id"]).rename(
            columns=lambda c: str(c).replace("_", " ").capitalize()
        ),
        periods=(periods.commitments(filters.today()),),
    )


def commitments_headline(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The Overview's "Commitments": a tile per rating held by any commitment, and one line on the exceptions
    (the first five named by title, with who leads each); ``missing`` says what to do when none is recorded."""
    tracker = query_tracker(store, config, filters)
    title = "Commitments"
    if tracker.empty:
        missing = "No commitments are recorded yet: officers add them on Commitments."
        return View(key="commitments.headline", title=title, summary=missing, source="", missing=missing)
    counts = commitments.rag_counts(tracker)
    held = counts[counts["commitments"] > 0]
    tiles = tuple(Metric(str(label), str(count)) for label, count in zip(held["label"], held["commitments"]))
    late = commitments.exceptions(tracker)
    line = (
        f"{len(late)} exception{'s' if len(late) != 1 else ''} (red or overdue) for the board: "
        + "; ".join(f"{r.title} (led by {r.owner})" for r in late.head(5).itertuples())
        + (" …" if len(late) > 5 else "")
        if len(late)
        else "No commitment is red or overdue."
    )
    return View(
        key="commitments.headline",
        title=title,
        summary=commitments.summarise_rag(tracker, filters.today()),
        source=_source(store, filters),
        metrics=tiles,
        sentences=(line,),
        periods=(periods.commitments(filters.today()),),
    )


__all__ = [
    "SORTS",
    "burn_up",
    "commitments_headline",
    "exception_list",
    "progress",
    "query_tracker",
    "rag_summary",
    "shown_commitments",
    "timeline",
    "tracker_table",
]
