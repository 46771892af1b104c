"""Readers that turn files into the canonical tables, with validation (ARCHITECTURE.md, "The census table and the
roles", "The journey of an EHC plan row").

``load_census`` is the one census load path and ``load_ehcp`` the one path for DfE's EHC plan release: the demo
data, the command line and the Upload page all use them. The Upload page alone passes a size limit
(``max_bytes=upload_limit(config)``); a file named on the command line loads whatever its size.
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
from sendlib.ingest.ehcp import EhcpPreview, EhcpReport, check_ehcp, load_ehcp
from sendlib.ingest.source import upload_limit

__all__ = [
    "CensusPreview",
    "EhcpPreview",
    "EhcpReport",
    "IngestRejected",
    "LoadReport",
    "Problem",
    "check_ehcp",
    "load_census",
    "load_ehcp",
    "preview_census",
    "upload_limit",
]
