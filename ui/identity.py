"""Who is using the app: the signed-in person and role (or the public forum), and what they may do."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from sendlib.auth import (
    FORUM,
    SESSION_COOKIE,
    Actor,
    account_state,
    actor_for_session_token,
    end_sessions,
    issue_session_token,
    role_for_identity,
)
from ui.state import get_config, get_store

ANONYMOUS_FORUM = Actor("visitor (not signed in)", FORUM)


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml sets up an OpenID Connect provider ([auth])."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return False


def current_actor() -> Actor | None:
    """The signed-in person and their role; the public forum role when access.public allows; else None.

    A local sign-in lives in the tab's session and, for ``access.session_hours``, in a signed session cookie,
    so a reload or a new tab (an agenda link) is still signed in. Either way it is checked on every page run
    against the account's session epoch: sign-out anywhere, a role change, a password change or removing the
    account ends it here too.
    """
    config = get_config()
    if oidc_configured():
        if st.user.get("is_logged_in", False):
            email = str(st.user.get("email") or "")
            return Actor(email, role_for_identity(email, config.access))
        return ANONYMOUS_FORUM if config.access.public else None
    store = get_store()
    signed_in: Actor | None = st.session_state.get("actor")
    if signed_in is None:
        signed_in = _restore_from_cookie()
    if signed_in is not None:
        state = account_state(store, signed_in.name)
        if state is not None and EPOCH_KEY not in st.session_state:  # set at sign-in (tests set only the actor)
            st.session_state[EPOCH_KEY] = state.session_epoch
        if state is None or state.session_epoch != st.session_state[EPOCH_KEY]:
            _forget_sign_in()
            return ANONYMOUS_FORUM if config.access.public else None
        return Actor(signed_in.name, state.role)
    return ANONYMOUS_FORUM if config.access.public else None


EPOCH_KEY = "session_epoch"  # the account's session epoch this tab signed in at
_TOKEN_KEY = "session_token"  # the token this tab signed in with (or restored from the cookie)
_COOKIE_TO_WRITE = "session_cookie_to_write"  # on the next run: ("clear", token) if still there
_COOKIE_SET = "session_cookie_set"  # after a sign-in here: the script that sets the cookie, drawn on every run


def _restore_from_cookie() -> Actor | None:
    """The account the session cookie names, when its token is genuine, in date and not ended (the tab's session
    then holds it); a refused cookie is cleared."""
    token = st.context.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = actor_for_session_token(get_store(), token, get_config().access)
    if found is None:
        # The cookie was refused. It is cleared once per tab: after a sign-out here the page's first request
        # still carries the old cookie (Streamlit reads cookies when the tab connects), so it comes back refused.
        if st.session_state.get("refused_cookie") != token:
            st.session_state.refused_cookie = token
            st.session_state[_COOKIE_TO_WRITE] = ("clear", token)
        return None
    actor, epoch = found
    st.session_state.actor = actor
    st.session_state[EPOCH_KEY] = epoch
    st.session_state[_TOKEN_KEY] = token
    return actor


def remember_sign_in(actor: Actor) -> None:
    """``actor`` has just signed in (or chosen a password) in this tab: keep them signed in here, and in the
    session cookie so reloads and new tabs are too."""
    store = get_store()
    state = account_state(store, actor.name)
    st.session_state.actor = actor
    st.session_state[EPOCH_KEY] = state.session_epoch if state is not None else 0
    token = issue_session_token(store, actor)
    st.session_state[_TOKEN_KEY] = token
    st.session_state[_COOKIE_SET] = _set_cookie_script(token)


def sign_out(actor: Actor) -> None:
    """End ``actor``'s local sign-in everywhere: every tab and device (the account's epoch moves on) and this
    browser's cookie."""
    end_sessions(get_store(), actor.name)
    _forget_sign_in()


def _forget_sign_in() -> None:
    """This tab is signed out; its token leaves the cookie (unless another tab has signed in anew since)."""
    for key in ("actor", EPOCH_KEY, _COOKIE_SET):
        st.session_state.pop(key, None)
    if token := st.session_state.pop(_TOKEN_KEY, None):
        st.session_state[_COOKIE_TO_WRITE] = ("clear", token)


def _set_cookie_script(token: str) -> str:
    """The script that puts ``token`` in the session cookie, to expire when the token does (a fixed date, so the
    script is the same on every run)."""
    # The token is URL-safe base64 and dots (itsdangerous); json.dumps quotes it for the script all the same.
    pair = json.dumps(f"{SESSION_COOKIE}={token}")
    expires = datetime.now(UTC) + timedelta(hours=get_config().access.session_hours)
    attributes = json.dumps(f"; Path=/; Expires={expires:%a, %d %b %Y %H:%M:%S GMT}; SameSite=Strict")
    return f"document.cookie = {pair} + {attributes} + (location.protocol === 'https:' ? '; Secure' : '');"


def write_session_cookie() -> None:
    """Keep the browser's session cookie in step with this tab: after a sign-in here, set it; after a sign-out,
    clear it (once, on the run after).

    Streamlit reads cookies (``st.context.cookies``) but has no way to set one from a script, so a few lines of
    our own script set it in the browser (``document.cookie``): the cookie cannot be HttpOnly (README, Security).
    SameSite=Strict keeps it off requests from other sites; Secure over HTTPS. The setting script is drawn on
    every run of a tab signed in here, not once: a run cut short by the next click (a busy server) never drew
    it, and the sign-in then did not outlast a reload. Unchanged, the browser does not run it again.
    """
    change = st.session_state.pop(_COOKIE_TO_WRITE, None)
    if change is not None:
        _, token = change
        pair = json.dumps(f"{SESSION_COOKIE}={token}")
        gone = json.dumps(f"{SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict")
        st.html(
            f"<script>if (document.cookie.split('; ').includes({pair})) document.cookie = {gone};</script>",
            unsafe_allow_javascript=True,
        )
    if script := st.session_state.get(_COOKIE_SET):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


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
