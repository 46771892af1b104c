"""Tables of figures as a page shows them: a column mixing hidden counts (``c``) with numbers keeps its number
formatting, right-aligned, and is something Arrow can hold (no ArrowInvalid in the server log)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from sendlib.config import Config
from sendlib.store import Store
from sendlib.views import Audience, Filters
from sendlib.views import needs as need_views
from ui.tables import table_for_display


def test_the_forum_need_table_shows_counts_and_percentages_formatted_beside_c(demo_store: Store) -> None:
    config = Config()
    view = need_views.by_need(demo_store, config, Filters(), Audience.of("forum", config))
    assert view is not None and view.table is not None
    percent = {c: {"type_config": {"type": "number", "format": "%.1f%%"}} for c in view.percent_columns}
    shown, columns = table_for_display(view.table, percent)
    pa.Table.from_pandas(shown)  # raises ArrowInvalid for a column mixing text and numbers
    assert "1,229" in shown["SEN support"].tolist() and "c" in shown["SEN support"].tolist()
    assert "15.2%" in shown["SEN support %"].tolist()
    assert columns["SEN support"]["alignment"] == "right" and columns["SEN support %"]["alignment"] == "right"
    assert view.table["SEN support"].tolist()[1] == 1229  # the view (and its downloads) keep the numbers


def test_number_columns_keep_their_own_format_and_plain_tables_are_untouched() -> None:
    table = pd.DataFrame({"Group": ["a", "b"], "People": [1500, 20], "Share": [12.5, 3.0]})
    shown, columns = table_for_display(table)
    assert shown is table  # nothing to write out as text
    assert columns["People"]["type_config"]["format"] == "localized" and "Share" not in columns
