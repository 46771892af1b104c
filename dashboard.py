"""SEND Commissioning Dashboard: the frame. Page config, sign-in, role-based navigation, the shared store.

Run with ``make run`` (README). The navigation holds only the pages the signed-in role may use; the URL of
any other role's page shows a polite refusal instead of the page.
"""

from __future__ import annotations

import streamlit as st

import ui
from sendlib.views import PAGES, PUBLIC_PAGES  # the pages, their roles and their views: one registry

st.set_page_config(
    page_title="SEND Commissioning Dashboard",
    page_icon=":material/diversity_3:",
    layout="wide",
    initial_sidebar_state="auto",  # open on a desktop, folded away on a phone
)

config = ui.get_config()
ui.get_store()  # open (and on first run seed) the store before any page asks for it
actor = ui.current_actor()

# In presentation mode, the pages Previous and Next lead on to from a page's first and last slide.
neighbours: dict[str, tuple[st.Page | None, st.Page | None]] = {}
if actor is None:
    # Every page's address shows the sign-in form, so a link from an agenda opened signed out asks for sign-in
    # and then opens the page it names, filters and presentation mode kept.
    sign_in_at = [st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:", url_path="sign_in", default=True)]
    sign_in_at += [
        st.Page(ui.sign_in_page_at(spec.title), title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
        if not spec.public
    ]
    # The pages a public service owes open without signing in (the footer links them).
    sign_in_at += [
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path) for spec in PUBLIC_PAGES
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
    # The public pages are in every page's footer, not the menu.
    pages = [
        st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            visibility="hidden" if spec.public else "visible",
        )
        for spec in allowed
    ]
    # The app's root opens the first page at its own address: Streamlit serves a default page at "/" only, so
    # an agenda link to /overview would find no page if the Overview were the default.
    pages.append(
        st.Page(ui.open_page(pages[0]), title=allowed[0].title, url_path="home", default=True, visibility="hidden")
    )
    # Another role's page keeps its URL but shows a refusal, never the page itself.
    pages += [
        st.Page(ui.refusal_page(spec.title, spec.roles), title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
        if spec not in allowed
    ]
    if actor == ui.ANONYMOUS_FORUM:
        pages.append(st.Page(ui.sign_in_page, title="Sign in", icon=":material/login:", url_path="sign_in"))
    # Presenting, Next on a page's last chart opens the next page with charts (the Overview presents them all).
    with_slides = [page for spec, page in zip(allowed, pages) if spec.views]
    neighbours = {
        page.title: (with_slides[i - 1] if i else None, with_slides[i + 1] if i + 1 < len(with_slides) else None)
        for i, page in enumerate(with_slides)
    }
    neighbours[PAGES[0].title] = (None, None)  # the Overview: the whole deck
    navigation = st.navigation(pages)
    ui.sidebar_identity(actor)

ui.apply_accessible_styles()
ui.write_session_cookie()  # after a sign-in or sign-out: the cookie that keeps a sign-in across reloads and tabs
if actor is not None:  # signed out, the sign-in form must show even from a presentation link (?present=1)
    ui.apply_presentation_mode()
    ui.presentation_controls()
with st.sidebar:
    st.markdown(f"**{config.area.name}** SEND Commissioning Dashboard")
    st.caption("Census figures for the strategic SEND commissioning group, officers and the parent carer forum.")

ui.start_deck()
presenting_slides = ui.presenting() and navigation.title in neighbours
if presenting_slides and navigation.title == PAGES[0].title:
    ui.show_deck()  # the Overview presents the meeting's deck: every chart the audience may see
else:
    if ui.presenting():
        ui.run_in_frame(navigation)
    else:
        ui.phase_banner()
        # The footer is drawn under the page's own container before the page runs, so a page that stops early
        # (st.stop: a role's part ends, nothing to show yet) still has it.
        page_content = st.container()
        ui.footer(config.organisation)
        with page_content:
            ui.run_in_frame(navigation)
if presenting_slides:
    ui.slide_navigation(navigation.title, *neighbours[navigation.title])
