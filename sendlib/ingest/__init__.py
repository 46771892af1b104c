"""Readers that turn census files into the canonical census table, with validation (ARCHITECTURE.md, "The
census table and the roles").

``load_census`` is the one load path: the demo data, the command line and the Upload page all use it.
"""

from __future__ import annotations

from sendlib.ingest.census import (
    CensusPreview,
    IngestRejected,
    LoadReport,
    Problem,
    load_census,
    preview_census,
)

__all__ = ["CensusPreview", "IngestRejected", "LoadReport", "Problem", "load_census", "preview_census"]
