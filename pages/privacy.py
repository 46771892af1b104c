"""The privacy notice (sendlib.public_pages.privacy_notice):
open to everyone, signed in or not, and linked from every page's footer."""

from __future__ import annotations

import ui
from sendlib import public_pages

ui.page_guard()
ui.missing_settings_warning()
ui.show_document(public_pages.privacy_notice(ui.get_store(), ui.get_config()))
