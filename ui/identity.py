"""Who is using the app: the signed-in person and role (or the public forum), and what they may do."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from sendlib.auth import FORUM, Actor, account_state, role_for_identity
from ui.state import get_config, get_store

ANONYMOUS_FORUM = Actor("visitor (not signed in)", FORUM)


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml sets up an OpenID Connect provider ([auth])."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def current_actor() -> Actor | None:
    """The signed-in person and their role; the public forum role when access.public allows; else None."""
    config = get_config()
    if oidc_configured():
        if st.user.get("is_logged_in", False):
            email = str(st.user.get("email") or "")
            return Actor(email, role_for_identity(email, config.access))
    elif (signed_in := st.session_state.get("actor")) is not None:
        state = account_state(get_store(), signed_in.name)
        signed_in_at = st.session_state.get("signed_in_at")  # set with "actor" by the sign-in form
        # The account was removed, or its password reset, while this tab was open: the session ends.
        if state is None or (signed_in_at is not None and state.password_set_at > signed_in_at):
            st.session_state.pop("actor", None)
            return ANONYMOUS_FORUM if config.access.public else None
        return Actor(signed_in.name, state.role)
    return ANONYMOUS_FORUM if config.access.public else None


def must_choose_password(actor: Actor) -> bool:
    """True when ``actor`` signed in with a one-time password (a reset or a new account) and must choose their own
    before anything else."""
    if oidc_configured() or actor == ANONYMOUS_FORUM:
        return False
    state = account_state(get_store(), actor.name)
    return state is not None and state.must_change_password


def client_address() -> str:
    """The visitor's network address, for slowing password guessing per client: the connection's own address,
    or behind a reverse proxy the last address in ``access.client_address_header`` (the one the proxy added;
    earlier ones are whatever the visitor sent)."""
    header = get_config().access.client_address_header
    if header:
        forwarded = st.context.headers.get(header)
        if isinstance(forwarded, str) and (last := forwarded.split(",")[-1].strip()):
            return last
    address = st.context.ip_address  # None (or, in AppTest, no real value) when there is no connection
    return address if isinstance(address, str) and address else "unknown"


def require_permission(action: str) -> Actor:
    """The current actor if they may do ``action``; otherwise a polite refusal and the page stops."""
    actor = current_actor()
    if actor is None or not actor.may(action):
        role = actor.role if actor else "not signed in"
        st.warning(f"This part of the dashboard is for officers. You are {'signed in as ' + role if actor else role}.")
        st.stop()
    return actor
