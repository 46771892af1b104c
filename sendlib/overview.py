"""The Overview: each page's headline view this audience may see, in page order, each linking to its page.

A page's headline is its registered view ``"<url_path>.headline"`` (``sendlib.views``): tiles (``metrics``),
lines (``sentences``), and what to load when its data is missing. ``build_overview`` turns them into plain
``Section`` values the Overview page lays out and tests read directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sendlib.config import Config
from sendlib.store import Store
from sendlib.views import PAGES, Audience, Filters, Metric, Page, View, headline_key

Tile = Metric  # the Overview's name for a headline figure (label, value, delta, help, arrow)


@dataclass
class Section:
    """One page's headline: tiles, lines of text under them, and what to do when there is no data."""

    title: str
    page: str  # the pages/ file it links to
    tiles: list[Metric] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missing: str | None = None  # set when the data is not there: says what to load
    period_line: str = ""  # the period of each source ("Census 2019/20 · engagement 2025/26")
    flags: list[str] = field(default_factory=list)  # sources years apart or out of date (View.age_notes)
    notes: list[str] = field(default_factory=list)  # what the lines' words mean (View.notes)


def section_of(entry: Page, view: View) -> Section:
    """The Overview's section for ``entry``'s headline ``view``."""
    return Section(
        view.title,
        entry.path,
        list(view.metrics),
        list(view.sentences),
        view.missing,
        view.period_line,
        list(view.age_notes),
        list(view.notes),
    )


def build_overview(store: Store, config: Config, audience: Audience, as_of: date | None = None) -> list[Section]:
    """Each page's headline view ``audience`` may see, in page order (figures as the audience's pages show
    them: suppressed for the forum)."""
    filters = Filters(as_of=as_of or date.today())
    sections: list[Section] = []
    for entry in PAGES:
        specs = {spec.key: spec for spec in entry.visible_views(audience)}
        spec = specs.get(headline_key(entry))
        if spec is not None:
            view = spec.build(store, config, filters, audience)
            if view is not None:
                sections.append(section_of(entry, view))
    return sections
