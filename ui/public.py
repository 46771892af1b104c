"""What every page carries for the public: the phase banner, the footer linking the pages a public service owes, and
a ``sendlib.documents.Document`` drawn as a page.

The skip-to-content link is Streamlit's own: 1.67 draws "Skip to main content" (``stSkipToContent``) as the first
stop in the tab order, shown when it has focus, moving the focus to the page's content (``#stMain``), before its
menu; a page's script cannot put anything before that menu, so we add none of our own
(``tests/test_public_pages_browser.py`` checks it works). The banner and footer are ordinary Streamlit elements at
the top and bottom of the main content (dashboard.py draws the footer before the page runs, under the page's own
container, so a page that stops early still has it).
"""

from __future__ import annotations

from contextlib import suppress
from urllib.parse import quote

import streamlit as st
from streamlit.errors import StreamlitAPIException

from sendlib import text
from sendlib.documents import Document, Link
from sendlib.public_pages import missing_settings
from sendlib.views import PAGES, PUBLIC_PAGES
from ui.identity import current_actor
from ui.state import get_config

FEEDBACK_PAGE = "pages/feedback.py"


def _page_link(page: str, label: str, icon: str | None = None) -> None:
    """A link to a page of the app when it is in this visitor's navigation (none while choosing a password)."""
    with suppress(StreamlitAPIException):
        st.page_link(page, label=label, icon=icon)


def phase_banner() -> None:
    """The phase banner at the top of every page: Beta, and a link to the Feedback page."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="phase_banner"):
        st.badge("Beta", color="primary")
        st.markdown("This is a new service. Your feedback will help us improve it.", width="content")
        _page_link(FEEDBACK_PAGE, "Give feedback", icon=":material/rate_review:")


def footer(organisation: str) -> None:
    """The footer of every page: a link to each page a public service owes, and who runs the service."""
    st.divider()
    with st.container(horizontal=True, gap="medium", key="public_footer"):
        for entry in PUBLIC_PAGES:
            _page_link(entry.path, entry.title, icon=entry.icon)
    st.caption(f"{text.markdown(organisation)} · SEND Commissioning Dashboard")


def _link(link: Link) -> None:
    """A document's link: a page of the app by its slug (its url_path), else an address (https, mailto, tel)."""
    page = next((entry for entry in PAGES if entry.url_path == link.target), None)
    if page is not None:
        _page_link(page.path, link.text, icon=":material/arrow_forward:")
        return
    # Never a Markdown link (a test holds every page to that): a web address is a page link (it opens in a new tab),
    # an e-mail address or phone number a link button (page links take web addresses only).
    address = quote(link.target, safe=":/?#@!$&'*+,;=%~-._")
    if address.startswith(("https://", "http://")):
        st.page_link(address, label=text.markdown(link.text), icon=":material/open_in_new:")
    else:
        icon = ":material/mail:" if address.startswith("mailto:") else ":material/call:"
        st.link_button(text.markdown(link.text), address, icon=icon, type="tertiary")


def show_document(document: Document) -> None:
    """A Document as a page: title, summary, the date line, then each section's heading, paragraphs, list and
    links; every word escaped as text (sendlib.text)."""
    st.title(text.markdown(document.title), anchor=False)
    st.markdown(text.markdown(document.summary))
    if document.updated:
        st.caption(text.markdown(document.updated))
    for section in document.sections:
        st.header(text.markdown(section.heading), anchor=False)
        for paragraph in section.paragraphs:
            st.markdown(text.markdown(paragraph))
        if section.items:
            st.markdown("\n".join(f"- {text.markdown(item)}" for item in section.items))
        for link in section.links:
            _link(link)


def missing_settings_warning() -> None:
    """For officers: which ``public.`` settings in config.yaml are still empty (the page says less without them)."""
    actor = current_actor()
    missing = missing_settings(get_config())
    if actor is not None and actor.may("edit") and missing:
        st.warning(
            "Officers only: config.yaml does not yet give "
            + ", ".join(f"`{name}`" for name in missing)
            + ", so this page leaves them out. README, *The public pages*, says what to fill in."
        )
