"""The meeting pack, built from the process's store for a role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sendlib import pack
from ui.state import get_config, get_store


def make_meeting_pack(role: str, progress: Callable[[float, str], None]) -> tuple[bytes, bytes]:
    """The meeting pack (deck, PDF) for ``role`` as of today, from the process's store."""
    store, config = get_store(), get_config()
    slides = pack.collect_slides(store, config, role, date.today())
    return pack.build_pack(
        slides,
        area=config.area.name,
        role=role,
        as_of=date.today(),
        data_date=pack.data_as_at(store),
        threshold=config.suppression.threshold,
        progress=progress,
    )
