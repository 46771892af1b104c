"""The meeting pack, built from the process's store for a role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sendlib import pack
from sendlib.views import Audience
from ui.state import get_config, get_store


def make_meeting_pack(role: str, progress: Callable[[float, str], None]) -> tuple[bytes, bytes]:
    """The meeting pack (deck, PDF) for ``role`` as of today, from the process's store."""
    config = get_config()
    _, deck, pdf = pack.make_pack(get_store(), config, Audience.of(role, config), date.today(), progress)
    return deck, pdf
