"""Accounts: officers add local accounts, change roles, reset passwords and remove accounts; every change logged."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import ui
from sendlib import auth, text
from sendlib.config import ROLES
from sendlib.errors import SendlibError

ui.page_guard()
store = ui.get_store()
actor = ui.require_permission("manage users")

st.title("Accounts")
if ui.oidc_configured():
    st.info(
        "People sign in with their council account, so there are no local accounts to manage here. Roles come "
        "from config.yaml: access.roles_by_email, then access.roles_by_domain, else access.default_role."
    )
    st.stop()
st.markdown(
    "Who may sign in, and with which role. A new account or a reset password gets a **one-time password**, "
    "shown here once: give it to its holder in person or by phone, never in the same message as the "
    "address. They must choose their own password when they sign in with it. Every change is in the log "
    "at the foot of the page."
)


def issue_one_time_password(change: Callable[[], tuple[str, str]]) -> None:
    """Run a change that returns (e-mail, one-time password); show the password once, after the rerun."""
    try:
        email, password = change()
    except SendlibError as exc:  # a refused account change (or the store) reads plainly
        st.error(text.markdown(str(exc)))
        return
    st.session_state.one_time_password = (email, password)
    st.rerun()


if issued := st.session_state.pop("one_time_password", None):
    email, password = issued
    st.success(
        f"One-time password for **{text.markdown(email)}**, shown only now (it is not stored and "
        "cannot be shown again). They must choose their own password when they sign in with it."
    )
    st.code(password, language=None)
if message := st.session_state.pop("edit_message", None):
    st.success(text.markdown(message))

accounts = auth.list_users(store)
st.dataframe(
    accounts.assign(must_change_password=accounts["must_change_password"].map({True: "yes", False: "no"})).rename(
        columns={
            "email": "E-mail address",
            "role": "Role",
            "created_at": "Added",
            "created_by": "Added by",
            "must_change_password": "Must choose a new password",
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={"Added": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
)
emails = accounts["email"].tolist()

add_tab, role_tab, reset_tab, remove_tab = st.tabs(
    ["Add an account", "Change a role", "Reset a password", "Remove an account"]
)
with add_tab, st.form("add_account", clear_on_submit=True):
    new_email = st.text_input("E-mail address", key="account_email", max_chars=254)
    new_role = st.selectbox("Role", ROLES, index=ROLES.index("forum"), key="account_role")  # the least, by default
    add_submitted = st.form_submit_button("Add the account", type="primary")
if add_submitted:
    issue_one_time_password(lambda: auth.invite_user(store, new_email, new_role, by=actor))

with role_tab:
    # Chosen outside the form so that the role starts at the account's own (sending it unchanged changes nothing).
    role_email = st.selectbox("Account", emails, key="role_email")
    role_now = dict(zip(accounts["email"], accounts["role"])).get(role_email, ROLES[0])
with role_tab, st.form("change_role"):
    role_choice = st.selectbox(
        "New role", ROLES, index=ROLES.index(role_now), key=f"role_choice_{role_email}_{role_now}"
    )
    role_submitted = st.form_submit_button("Change the role")
if role_submitted and role_email:
    ui.run_edit(lambda: auth.set_role(store, role_email, role_choice, by=actor), f"{role_email} is now {role_choice}.")

with reset_tab, st.form("reset_password"):
    reset_email = st.selectbox("Account", emails, key="reset_email")
    st.caption("Their old password stops working at once, and any session signed in with it ends.")
    reset_submitted = st.form_submit_button("Reset the password")
if reset_submitted and reset_email:
    issue_one_time_password(lambda: (reset_email, auth.reset_password(store, reset_email, by=actor)))

with remove_tab, st.form("remove_account"):
    remove_email = st.selectbox("Account", emails, key="remove_email")
    confirmed = st.checkbox("Yes, remove this account (sessions signed in with it end)", key="remove_confirmed")
    remove_submitted = st.form_submit_button("Remove the account")
if remove_submitted and remove_email:
    if confirmed:
        ui.run_edit(lambda: auth.remove_user(store, remove_email, by=actor), f"{remove_email} was removed.")
    else:
        st.error("Tick the box to confirm the removal; nothing was changed.")

st.subheader("Changes to accounts")
changes = auth.query_account_changes(store)
if changes.empty:
    st.caption("No account has been changed yet.")
else:
    st.dataframe(
        changes.rename(
            columns={
                "changed_at": "When",
                "changed_by": "Who",
                "account": "Account",
                "action": "Change",
                "detail": "Detail",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )
    st.caption("The newest 200 changes. Passwords are never recorded, here or anywhere.")
