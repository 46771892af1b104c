"""Who may do what: roles, local accounts (argon2-hashed), sign-in throttling, and the write check.

Three roles (DESIGN.md §1): ``officer`` loads and edits; ``commissioner`` sees every view unsuppressed and
exports; ``forum`` sees the views meant for families, always with small-number suppression. Every write
function in sendlib calls ``require(actor, action)`` itself, so hiding a button is never the only guard.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sendlib.config import ROLES, AccessConfig
from sendlib.store import Store

OFFICER, COMMISSIONER, FORUM = ROLES

# action → roles allowed to do it
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "load": (OFFICER,),
    "undo": (OFFICER,),
    "edit": (OFFICER,),
    "manage users": (OFFICER,),
    "export": (OFFICER, COMMISSIONER, FORUM),
    "see unsuppressed": (OFFICER, COMMISSIONER),
}

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when an address has no account, so that answering takes as long as for a real one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 10


class AuthError(ValueError):
    """A sign-in or account change was refused; the message says why, plainly."""


class PermissionDenied(PermissionError):
    """The signed-in role may not do this; the message says so politely."""


@dataclass(frozen=True)
class Actor:
    """Someone using the product: a name for the record and a role for the checks."""

    name: str
    role: str

    def may(self, action: str) -> bool:
        """True when this role may do ``action`` (a key of PERMISSIONS)."""
        return self.role in PERMISSIONS[action]


COMMAND_LINE = "command line"


def command_line_actor(user_name: str) -> Actor:
    """The command line runs with file access to the store, which only officers have: it acts as officer."""
    return Actor(f"{user_name} ({COMMAND_LINE})", OFFICER)


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action``."""
    if not actor.may(action):
        allowed = " or ".join(PERMISSIONS[action])
        raise PermissionDenied(f"Only {allowed} accounts can {action}; you are signed in as {actor.role}.")


def normalise_email(email: str) -> str:
    """Lower-case, trimmed e-mail; raises AuthError when it is not an e-mail address."""
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise AuthError(f"'{email.strip()[:80]}' is not an e-mail address.")
    return cleaned


def check_role(role: str) -> str:
    """The role, checked against ROLES."""
    if role not in ROLES:
        raise AuthError(f"'{role}' is not a role; use one of {', '.join(ROLES)}.")
    return role


def add_user(store: Store, email: str, role: str, password: str, *, created_by: str) -> str:
    """Create a local account; the password is stored only as an argon2id hash. Returns the e-mail."""
    address = normalise_email(email)
    check_role(role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    with store.transaction() as tx:
        if tx.fetch_value("SELECT count(*) FROM users WHERE email = ?", [address]):
            raise AuthError(f"There is already an account for {address}.")
        tx.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                   [address, role, _hasher.hash(password), datetime.now(), created_by])
    return address


def remove_user(store: Store, email: str) -> None:
    """Delete a local account."""
    address = normalise_email(email)
    with store.transaction() as tx:
        if not tx.fetch_value("SELECT count(*) FROM users WHERE email = ?", [address]):
            raise AuthError(f"There is no account for {address}.")
        tx.execute("DELETE FROM users WHERE email = ?", [address])


def set_role(store: Store, email: str, role: str) -> None:
    """Change a local account's role."""
    address = normalise_email(email)
    check_role(role)
    with store.transaction() as tx:
        if not tx.fetch_value("SELECT count(*) FROM users WHERE email = ?", [address]):
            raise AuthError(f"There is no account for {address}.")
        tx.execute("UPDATE users SET role = ? WHERE email = ?", [role, address])


def list_users(store: Store) -> pd.DataFrame:
    """Every local account: email, role, created_at, created_by. Never the hash."""
    return store.query_df("SELECT email, role, created_at, created_by FROM users ORDER BY email")


def sign_in(store: Store, email: str, password: str, access: AccessConfig, now: datetime | None = None) -> Actor:
    """Check a local account's password; returns the Actor or raises AuthError.

    After ``access.max_failed_sign_ins`` failures within ``access.lockout_minutes`` the account refuses
    every attempt, right or wrong, until the window has passed: guessing is slowed to a crawl. Unknown
    addresses are answered exactly like wrong passwords, so the form does not reveal who has an account.
    """
    moment = now or datetime.now()
    try:
        address = normalise_email(email)
    except AuthError:
        raise AuthError("The e-mail address or password is not right.") from None
    window_start = moment - timedelta(minutes=access.lockout_minutes)
    failures = store.query_value(
        "SELECT count(*) FROM sign_in_attempts WHERE email = ? AND NOT succeeded AND attempted_at > ? AND attempted_at > coalesce("
        "(SELECT max(attempted_at) FROM sign_in_attempts WHERE email = ? AND succeeded), TIMESTAMP '1900-01-01')",
        [address, window_start, address],
    )
    if failures >= access.max_failed_sign_ins:
        raise AuthError(f"Too many failed sign-ins for this account. Wait {access.lockout_minutes} minutes and try "
                        "again, or ask an officer to check your account.")
    row = store.query_rows("SELECT role, password_hash FROM users WHERE email = ?", [address])
    try:
        ok = _hasher.verify(row[0][1] if row else _DUMMY_HASH, password) and bool(row)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    with store.transaction(counts_as_change=False) as tx:  # sign-ins change no figure: keep caches
        tx.execute("INSERT INTO sign_in_attempts VALUES (?, ?, ?)", [address, moment, ok])
    if not ok:
        raise AuthError("The e-mail address or password is not right.")
    return Actor(address, row[0][0])


def current_role(store: Store, email: str) -> str | None:
    """The role a local account has now (None when the account was removed): checked on every page run,
    so removing an account or changing its role takes effect in sessions already open."""
    return store.query_value("SELECT role FROM users WHERE email = ?", [email])


def role_for_identity(email: str | None, access: AccessConfig) -> str:
    """The role of an OpenID Connect identity: by e-mail, else by domain, else the default role."""
    if not email:
        return access.default_role
    address = email.strip().lower()
    if address in access.roles_by_email:
        return access.roles_by_email[address]
    domain = address.rsplit("@", 1)[-1]
    return access.roles_by_domain.get(domain, access.default_role)


DEMO_ACCOUNTS = (("officer@demo.invalid", OFFICER), ("commissioner@demo.invalid", COMMISSIONER),
                 ("forum@demo.invalid", FORUM))


def create_demo_accounts(store: Store) -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet, each with a fresh random password.

    Returns (email, role, password) for the accounts created: the only time a password is ever shown.
    Demo only: the README says to remove them (``user remove``) before real use.
    """
    created = []
    existing = {row[0] for row in store.query_rows("SELECT email FROM users")}
    for email, role in DEMO_ACCOUNTS:
        if email in existing:
            continue
        password = secrets.token_urlsafe(12)
        add_user(store, email, role, password, created_by="demo set-up")
        created.append((email, role, password))
    return created
