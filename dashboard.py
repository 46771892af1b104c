"""SEND Commissioning Dashboard: the frame. Page config, sign-in, role-based navigation, the shared store.

Run with ``make run`` (README). The navigation holds only the pages the signed-in role may use; the URL of
any other role's page shows a polite refusal instead of the page.
"""

from __future__ import annotations

import streamlit as st

import ui
from sendlib.views import PAGES  # the pages, their roles and their views: one registry

st.set_page_config(
    page_title="SEND Commissioning Dashboard",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="auto",  # open on a desktop, folded away on a phone
)

config = ui.get_config()
ui.get_store()  # open (and on first run seed) the store before any page asks for it
actor = ui.current_actor()

if actor is None:
    # Every page's address shows the sign-in form, so a link from an agenda opened in a new tab (a local sign-in
    # lasts for the tab) asks for sign-in and then opens the page it names, filters and presentation mode kept.
    sign_in_at = [st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:", url_path="sign_in", default=True)]
    sign_in_at += [
        st.Page(ui.sign_in_page_at(spec.title), title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
    ]
    navigation = st.navigation(sign_in_at, position="hidden")
elif ui.must_choose_password(actor):  # signed in with a one-time password: nothing else until they choose one
    navigation = st.navigation(
        [
            st.Page(
                ui.choose_password_page,
                title="Choose a new password",
                icon=":material/key:",
                url_path="choose_password",
                default=True,
            )
        ],
        position="hidden",
    )
    ui.sidebar_identity(actor)
else:
    allowed = [spec for spec in PAGES if actor.role in spec.roles]
    pages = [
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=index == 0)
        for index, spec in enumerate(allowed)
    ]
    # Another role's page keeps its URL but shows a refusal, never the page itself.
    pages += [
        st.Page(ui.refusal_page(spec.title, spec.roles), title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
        if spec not in allowed
    ]
    if actor == ui.ANONYMOUS_FORUM:
        pages.append(st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:", url_path="sign_in"))
    navigation = st.navigation(pages)
    ui.sidebar_identity(actor)

ui.apply_accessible_styles()
if actor is not None:  # signed out, the sign-in form must show even from a presentation link (?present=1)
    ui.apply_presentation_mode()
    ui.presentation_controls()
with st.sidebar:
    st.markdown(f"**{config.area.name}** SEND Commissioning Dashboard")
    st.caption("Census figures for the strategic SEND commissioning group, officers and the parent carer forum.")

ui.run_in_frame(navigation)
