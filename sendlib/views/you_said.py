"""The "You said, we did" page's view: what families and young people told us and what was done, as published."""

from __future__ import annotations

from typing import cast

import pandas as pd

from sendlib import you_said
from sendlib.config import Config
from sendlib.store import Store
from sendlib.views.base import Audience, Filters, View

ITEM_COLUMNS = ["Theme", "State", "You said", "What we did", "Details"]


def items(store: Store, config: Config, filters: Filters, audience: Audience) -> View:
    """The published items, one row each, grouped by theme (the theme with the newest item first, newest first
    within it): theme, state ('open' or 'closed'), what was said, what we did and the line under them, as the
    page's cards show them. Unpublished items are never in it (families do not see them)."""
    everything = you_said.query_items(store, filters.today())
    rows = []
    for theme, part in you_said.published_by_theme(everything):
        for row in part.to_dict("records"):
            # A record of query_items' columns (pandas types records loosely, as Hashable -> Any).
            said, did, footer = you_said.describe_item(cast(you_said.ItemRow, row))
            rows.append([theme, row["state"], said, did, footer])
    return View(
        "you_said.items",
        "You said, we did",
        you_said.summarise_items(everything),
        "Source: the You said, we did log kept in the dashboard.",
        table=pd.DataFrame(rows, columns=ITEM_COLUMNS),
        table_label="Everything published",
    )
