"""The app shell: the Streamlit helpers pages and the frame call, one module per concern.

Pages and dashboard.py use only the names re-exported here (``import ui; ui.show_chart(...)``), never a
module's private names; the modules import each other (never this package's namespace), so there is no cycle.

- ``frame``      running a page inside the frame (run_in_frame, page_guard) and linking to another (page_link)
- ``state``      the settings, the one Store and its backup thread, the query cache keyed by data version
                 (get_config, get_store, query); every Streamlit-cached function is defined here, once
- ``views``      who is looking and one view for them, rendered (audience, view, show_view, show_metrics)
- ``charts``     a chart with its summary, table and downloads (show_chart, download_row)
- ``present``    presentation mode: one chart per screen (slides, Next/Previous, arrow keys), projector layout
                 and scaling, the way in and out
- ``projector``  charts for a projector: every text at least 18 px (scaled_for_projector)
- ``styles``     the WCAG fixes every page gets (apply_accessible_styles)
- ``params``     filter values kept in the address (url_param)
- ``identity``   who is using the app and what they may do (current_actor, require_permission, …)
- ``signin``     the sign-in, choose-password and refusal pages, the sidebar's identity
- ``edits``      running an officer's edit (run_edit)
- ``tables``     table columns as people read them, tables of figures (show_table), the source line
- ``choices``    a filter's selector, or plain text when it has one option (choose)
- ``easy_read``  Easy read rendering (show_easy_read)
- ``pack``       the meeting pack button's work (make_meeting_pack)
- ``public``     the phase banner and footer every page carries; a Document drawn as a page
                 (phase_banner, footer, show_document, missing_settings_warning)
"""

from __future__ import annotations

from ui.charts import download_row, show_chart
from ui.choices import benchmark_scope, choose
from ui.easy_read import show_easy_read
from ui.edits import run_edit
from ui.frame import open_page, page_guard, page_link, run_in_frame
from ui.identity import (
    ANONYMOUS_FORUM,
    client_address,
    current_actor,
    must_choose_password,
    oidc_configured,
    require_permission,
    write_session_cookie,
)
from ui.pack import make_meeting_pack
from ui.params import url_param
from ui.present import (
    PRESENT_PARAM,
    apply_presentation_mode,
    presentation_controls,
    presenting,
    slide_navigation,
    start_deck,
)
from ui.projector import scaled_for_projector
from ui.public import footer, missing_settings_warning, phase_banner, show_document
from ui.publish import publish_section
from ui.signin import (
    choose_password_page,
    refusal_page,
    sidebar_identity,
    sign_in_page,
    sign_in_page_at,
)
from ui.state import get_config, get_store, query
from ui.styles import apply_accessible_styles
from ui.tables import label_columns, show_table, source_caption
from ui.views import audience, show_deck, show_metrics, show_view, view

__all__ = [
    "ANONYMOUS_FORUM",
    "PRESENT_PARAM",
    "apply_accessible_styles",
    "apply_presentation_mode",
    "audience",
    "benchmark_scope",
    "choose",
    "choose_password_page",
    "client_address",
    "current_actor",
    "download_row",
    "footer",
    "get_config",
    "get_store",
    "label_columns",
    "make_meeting_pack",
    "missing_settings_warning",
    "must_choose_password",
    "oidc_configured",
    "open_page",
    "page_guard",
    "page_link",
    "phase_banner",
    "presentation_controls",
    "presenting",
    "publish_section",
    "query",
    "refusal_page",
    "require_permission",
    "run_edit",
    "run_in_frame",
    "scaled_for_projector",
    "show_chart",
    "show_deck",
    "show_document",
    "show_easy_read",
    "show_metrics",
    "show_table",
    "show_view",
    "sidebar_identity",
    "sign_in_page",
    "sign_in_page_at",
    "slide_navigation",
    "source_caption",
    "start_deck",
    "url_param",
    "view",
    "write_session_cookie",
]
