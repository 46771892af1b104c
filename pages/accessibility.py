"""The accessibility statement (sendlib.public_pages.accessibility_statement):
open to everyone, signed in or not, and linked from every page's footer."""

from __future__ import annotations

import ui
from sendlib import public_pages

ui.page_guard()
ui.missing_settings_warning()
ui.show_document(public_pages.accessibility_statement(ui.get_store(), ui.get_config()))
