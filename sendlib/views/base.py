"""The views layer's types: who is looking (``Audience``), what they chose (``Filters``), and what a view
returns (``View``); the registry's entries (``Page``, ``ViewSpec``).

A *view* is one function ``(store, config, filters, audience) -> View | None`` that returns everything shown
about one chart or table: title, figure, one-sentence summary, table, notes, source line and suppression note.
Pages render views (``ui.show_view``); the Overview, the meeting pack, Easy read, the downloads and the
published site call the same functions, so a fix lands everywhere at once. ``None`` means the view has
nothing to show for these filters (no data loaded, or one period only for a trend).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from sendlib.auth import PERMISSIONS
from sendlib.config import Config
from sendlib.periods import Period, age_notes, period_line

if TYPE_CHECKING:
    from sendlib.store import Store


@dataclass(frozen=True)
class Audience:
    """Who is looking: their role, and the small-number threshold their views use.

    ``threshold`` is the one representation of suppression: counts from 1 to ``threshold`` are hidden;
    ``0`` means figures are shown as they are (a role that may see them, or suppression switched off).
    Build it with ``Audience.of`` — the one place the role → threshold rule is decided.
    """

    role: str
    threshold: int

    @classmethod
    def of(cls, role: str, config: Config) -> Audience:
        """The audience for ``role``: roles that may see unsuppressed figures get 0, others the configured
        threshold (itself 0 when suppression is switched off)."""
        unsuppressed = role in PERMISSIONS["see unsuppressed"]
        return cls(role, 0 if unsuppressed else config.suppression.threshold)

    @property
    def hides_small_numbers(self) -> bool:
        """True when this audience's views hide counts from 1 to ``threshold``."""
        return self.threshold > 0

    def may(self, action: str) -> bool:
        """True when this audience's role may do ``action`` (a key of ``sendlib.auth.PERMISSIONS``)."""
        return self.role in PERMISSIONS[action]


@dataclass(frozen=True)
class CommitmentChoice:
    """What the person chose on the Commitments page: the tracker's filters (an empty tuple keeps everything),
    its sort (one of ``sendlib.views.commitments.SORTS``) and the commitment whose progress is drawn (None: the
    first by reference)."""

    strategies: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    rags: tuple[str, ...] = ()
    sort: str = "Due date"
    reference: str | None = None


@dataclass(frozen=True)
class Filters:
    """What the person chose on the page; ``None`` means the default (the latest period, today).

    One value for every view, so the pack and the published site can build any view with ``Filters()``.
    Hashable, so a page can cache a view by its filters.
    """

    as_of: date | None = None  # the day the tracker, grid and reach periods are read on (None: today)
    census_period: str | None = None  # census academic year, e.g. '202425' (None: the latest loaded)
    engagement_year: str | None = None  # engagement year label as offered by reach.query_engagement_years
    heard_from: str | None = None  # who counts as heard from: a key of reach.AUDIENCE_CHOICES (None: everyone)
    group_dimension: str | None = None  # reach by group: 'provision' or 'primary need' (None: provision)
    commitments: CommitmentChoice = CommitmentChoice()  # the Commitments page's tracker filters, sort and choice
    benchmark_scope: str | None = None  # rank among: 'region' (the area's region's LAs), None (every LA in England)

    def today(self) -> date:
        """``as_of``, or today's date when not chosen."""
        return self.as_of or date.today()


@dataclass(frozen=True)
class Metric:
    """One headline figure shown as a tile: its label, value as text, and an optional comparison.

    ``help`` is the tile's tooltip; ``arrow`` is False when the delta is a comparison (a target), not a change up
    or down, so no arrow is drawn beside it.
    """

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    arrow: bool = True


@dataclass(frozen=True)
class View:
    """Everything shown about one chart or table, for one audience.

    ``summary`` is one sentence: shown under the chart and used as its accessible name. ``table`` is what the
    table expander and the CSV/Excel downloads hold (already suppressed). ``notes`` are shown as captions under
    the chart; ``suppression_note`` (when figures are hidden) is also written into exported images. ``source``
    is the line saying where the figures came from (in the pack, the speaker notes). ``missing`` is set, for
    a view that must still say something when its data is not loaded (a page's headline on the Overview), to
    the sentence saying what to load; such a view has no figures. ``periods`` names each source the view draws
    on and its period (census, engagement year, stakeholder assessments): the page, the Overview and the pack
    show ``period_line`` and flag ``age_notes``.
    """

    key: str
    title: str
    summary: str
    source: str
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    table_label: str = "Show the figures as a table"
    table_expanded: bool = False
    percent_columns: tuple[str, ...] = ()  # table columns that hold percentages (shown with the set decimals)
    metrics: tuple[Metric, ...] = ()
    notes: tuple[str, ...] = ()
    suppression_note: str | None = None
    sentences: tuple[str, ...] = field(default=())  # further sentences shown under the summary (e.g. gap flags)
    missing: str | None = None  # no data: what to load (headline views; others return None)
    periods: tuple[Period, ...] = ()  # each source drawn on and its period (sendlib.periods), in that order

    @property
    def period_line(self) -> str:
        """The period of each source in one line ("Census 2019/20 · engagement 2025/26"; '' for none)."""
        return period_line(self.periods)

    @property
    def age_notes(self) -> tuple[str, ...]:
        """Sources years apart, and each source older than the configured age (flagged wherever shown)."""
        return age_notes(self.periods)


ViewFunction = Callable[["Store", Config, Filters, Audience], "View | None"]


@dataclass(frozen=True)
class ViewSpec:
    """A registry entry: a view's stable key, its function, and who may see it beyond its page's roles.

    ``permission`` names an action in ``PERMISSIONS`` the audience must have (None: everyone who may open the
    page). ``in_pack`` is False for views that are page furniture rather than a chart (none yet).
    """

    key: str
    build: ViewFunction
    permission: str | None = None
    in_pack: bool = True


@dataclass(frozen=True)
class Page:
    """One page of the dashboard: its file under pages/, how it appears, which roles may open it, and its
    views in the order the page shows them. ``public``: the page a public service owes (accessibility, privacy,
    cookies, feedback), open to a visitor not signed in too and linked from every page's footer, not the menu."""

    path: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...]
    views: tuple[ViewSpec, ...] = ()
    public: bool = False

    def visible_views(self, audience: Audience) -> tuple[ViewSpec, ...]:
        """The views of this page ``audience`` may see (none when its role may not open the page)."""
        if audience.role not in self.roles:
            return ()
        return tuple(spec for spec in self.views if spec.permission is None or audience.may(spec.permission))
