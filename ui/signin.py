"""The sign-in and account pages: signing in, choosing a password, refusals, and the sidebar's identity."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from sendlib import text
from sendlib.auth import Actor, set_own_password, sign_in
from sendlib.errors import SendlibError
from ui.identity import (
    ANONYMOUS_FORUM,
    client_address,
    current_actor,
    oidc_configured,
    remember_sign_in,
    sign_out,
)
from ui.state import get_config, get_store


def sign_in_page() -> None:
    """The sign-in page: the council's identity provider when configured, else local accounts."""
    config = get_config()
    st.title(f"{text.markdown(config.area.name)} SEND Commissioning Dashboard")
    if oidc_configured():
        st.markdown("Sign in with your council account to continue.")
        if st.button("Sign in", type="primary", key="oidc_sign_in"):
            st.login()
        return
    st.markdown("Sign in with the account an officer set up for you.")
    with st.form("sign_in"):
        email = st.text_input("E-mail address", key="sign_in_email", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            remember_sign_in(sign_in(get_store(), email, password, config.access, client=client_address()))
            st.rerun()  # the same address now opens the page it names, with its filters
        except SendlibError as exc:  # a refused sign-in (or the store) reads plainly
            st.error(text.markdown(str(exc)))


def sign_in_page_at(title: str) -> Callable[[], None]:
    """The sign-in form standing at a page's own address (one function per page: Streamlit tells pages apart by
    them); once signed in, the same address opens the page."""

    def sign_in_first() -> None:
        sign_in_page()

    sign_in_first.__name__ = f"sign_in_for_{title}"
    return sign_in_first


def choose_password_page() -> None:
    """After signing in with a one-time password: choose your own before anything else is shown."""
    actor = current_actor()
    st.title("Choose a new password")
    st.markdown(
        "You signed in with a one-time password. Choose your own password (at least 10 characters) to "
        "continue; the one-time password stops working."
    )
    with st.form("choose_password"):
        first = st.text_input("New password", type="password", key="new_password", autocomplete="new-password")
        second = st.text_input(
            "New password again", type="password", key="new_password_again", autocomplete="new-password"
        )
        submitted = st.form_submit_button("Set my password", type="primary")
    if submitted and actor is not None:
        if first != second:
            st.error("The two passwords differ; type the same password twice.")
            return
        try:
            set_own_password(get_store(), actor, first)
        except SendlibError as exc:  # a refused password (or the store) reads plainly
            st.error(text.markdown(str(exc)))
            return
        remember_sign_in(actor)  # the password change ended every session: this one, which chose it, goes on
        st.rerun()


def refusal_page(title: str, roles: tuple[str, ...]) -> Callable[[], None]:
    """A page that stands at another role's URL and says, politely, that it is not for this role."""

    def refuse() -> None:
        actor = current_actor()
        st.title(title)
        signed_in = actor and actor != ANONYMOUS_FORUM
        who = f"You are signed in as **{actor.role}**" if signed_in else "You are not signed in"
        st.info(
            f"This page is for {' and '.join(roles)} accounts. {who}, so it is not available to you. "
            "Use the menu to see the pages that are."
        )

    refuse.__name__ = f"refuse_{title.lower().replace(' ', '_')}"
    return refuse


def sidebar_identity(actor: Actor) -> None:
    """Who is signed in, their role, and sign-out."""
    with st.sidebar:
        if actor == ANONYMOUS_FORUM:
            st.caption("Public view: small numbers are hidden. Officers and commissioners: use Sign in.")
            return
        st.markdown(f"Signed in as **{text.markdown(actor.name)}**  \nRole: **{actor.role}**")
        if st.button("Sign out", key="sign_out"):
            if oidc_configured():
                st.logout()
            else:
                sign_out(actor)
            st.rerun()
