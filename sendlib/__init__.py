"""sendlib: the domain library behind the SEND Commissioning Dashboard.

Plain Python (DuckDB, pandas, Plotly); it never imports streamlit, so every function here can be
tested and scripted without a running app. ``python -m sendlib`` is its command line.
"""

from __future__ import annotations

__version__ = "0.1.0"
