"""Who may do what: roles, local accounts (argon2-hashed), sign-in throttling, and the write check.

Three roles (ARCHITECTURE.md, "The census table and the roles"): ``officer`` loads and edits, and manages local
accounts; ``commissioner`` sees every view unsuppressed and exports; ``forum`` sees the views meant for families,
always with small-number suppression. Every write function in sendlib calls ``require(actor, action)`` itself, so
hiding a button is never the only guard. Every change to an account is written to ``account_changes`` in the same
transaction (never a password or a hash). Sign-in guessing is slowed per account and client (``sign_in``).
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from sendlib.config import ROLES, AccessConfig
from sendlib.errors import AccessError
from sendlib.store import Store, Transaction

OFFICER, COMMISSIONER, FORUM = ROLES

# action → roles allowed to do it
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "load": (OFFICER,),
    "undo": (OFFICER,),
    "edit": (OFFICER,),
    "manage users": (OFFICER,),
    "export": (OFFICER, COMMISSIONER, FORUM),
    "see unsuppressed": (OFFICER, COMMISSIONER),
    "give feedback": (OFFICER, COMMISSIONER, FORUM),  # the Feedback page's form (a visitor not signed in: forum)
    "read feedback": (OFFICER,),  # what was sent, and the contact lines left with it
}

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """A hash verified against when an address has no account, so that answering takes as long as for a real
    one. Made at the first sign-in rather than at import: an argon2id hash costs every process (each command
    line run) a tenth of a second and 64 MB. Every sign-in asks for it, account or not, so the first one is
    slower whoever signs in and reveals nothing."""
    return _hasher.hash(secrets.token_urlsafe(16))


MIN_PASSWORD_LENGTH = 10


class AuthError(AccessError, ValueError):
    """A sign-in or account change was refused; the message says why, plainly."""


class PermissionDenied(AccessError, PermissionError):
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


@dataclass(frozen=True)
class AccountState:
    """What the app needs to know about a local account on every page run (never the hash)."""

    role: str
    must_change_password: bool  # set by a reset: the one-time password only lets its holder choose a new one
    password_set_at: datetime
    session_epoch: int = 0  # moved on by sign-out, a role change or a password change: older sessions end


def _record_change(tx: Transaction, by: Actor, account: str, action: str, detail: str = "") -> None:
    """One row of the account audit log, in the change's own transaction (never a password or hash)."""
    tx.execute(
        "INSERT INTO account_changes VALUES (nextval('account_change_seq'), ?, ?, ?, ?, ?)",
        [datetime.now(), by.name, account, action, detail],
    )


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    return password


# Letters and digits that cannot be mistaken for one another when read out over the phone (no l/1/i, o/0).
_SPOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _one_time_password() -> str:
    """A random password for one use, e.g. ``k7pm-x3qa-9fhw-tc2e`` (16 letters from 31: about 79 bits), easy to
    read out; the holder must choose their own as soon as they sign in with it."""
    groups = ("".join(secrets.choice(_SPOKEN_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _create_account(
    store: Store, email: str, role: str, password: str, *, by: Actor, must_change: bool, detail: str
) -> str:
    require(by, "manage users")
    address = normalise_email(email)
    check_role(role)
    _check_password(password)
    password_hash = _hasher.hash(password)  # slow: outside the write lock
    moment = datetime.now()
    with store.transaction(counts_as_change=False) as tx:  # accounts change no figure: keep the caches
        if tx.fetch_value("SELECT count(*) FROM users WHERE email = ?", [address]):
            raise AuthError(f"There is already an account for {address}.")
        tx.execute(
            "INSERT INTO users (email, role, password_hash, created_at, created_by, must_change_password, "
            "password_set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [address, role, password_hash, moment, by.name, must_change, moment],
        )
        _record_change(tx, by, address, "added", f"as {role}{detail}")
    return address


def add_user(store: Store, email: str, role: str, password: str, *, by: Actor) -> str:
    """Create a local account with the password its holder chose (the command line asks for it); stored only as
    an argon2id hash. ``by`` must be allowed to manage users; the change is in the audit log. Returns the e-mail."""
    return _create_account(store, email, role, password, by=by, must_change=False, detail="")


def invite_user(store: Store, email: str, role: str, *, by: Actor) -> tuple[str, str]:
    """Create a local account with a one-time password (the app's way: the officer never chooses anyone's
    password). Returns (e-mail, one-time password): show the password once; it is never stored or shown again,
    and its holder must choose a new one at their first sign-in."""
    password = _one_time_password()
    address = _create_account(
        store, email, role, password, by=by, must_change=True, detail=", with a one-time password"
    )
    return address, password


def _existing(tx: Transaction, address: str) -> str:
    """The role of the account ``address``; AuthError when there is none."""
    role: str | None = tx.fetch_value("SELECT role FROM users WHERE email = ?", [address])
    if role is None:
        raise AuthError(f"There is no account for {address}.")
    return role


def _keep_an_officer(tx: Transaction, address: str) -> None:
    """Refuse a change that would leave no officer account: nobody could then manage accounts in the app."""
    others = tx.fetch_value("SELECT count(*) FROM users WHERE role = ? AND email <> ?", [OFFICER, address])
    if not others:
        raise AuthError(
            f"{address} is the only officer account: add another officer first, so that someone can "
            "still manage accounts."
        )


def remove_user(store: Store, email: str, *, by: Actor) -> None:
    """Delete a local account (sessions open with it end on their next page run); never the last officer."""
    require(by, "manage users")
    address = normalise_email(email)
    with store.transaction(counts_as_change=False) as tx:  # accounts change no figure: keep the caches
        role = _existing(tx, address)
        if role == OFFICER:
            _keep_an_officer(tx, address)
        tx.execute("DELETE FROM users WHERE email = ?", [address])
        _record_change(tx, by, address, "removed", f"was {role}")


def set_role(store: Store, email: str, role: str, *, by: Actor) -> None:
    """Change a local account's role (open sessions follow on their next page run); never the last officer's."""
    require(by, "manage users")
    address = normalise_email(email)
    check_role(role)
    with store.transaction(counts_as_change=False) as tx:  # accounts change no figure: keep the caches
        before = _existing(tx, address)
        if before == role:
            raise AuthError(f"{address} is already {role}; nothing was changed.")
        if before == OFFICER:
            _keep_an_officer(tx, address)
        # Every session of the account ends: its holder signs in again and sees the new role's pages.
        tx.execute("UPDATE users SET role = ?, session_epoch = session_epoch + 1 WHERE email = ?", [role, address])
        _record_change(tx, by, address, "role changed", f"from {before} to {role}")


def reset_password(store: Store, email: str, *, by: Actor) -> str:
    """Replace an account's password with a one-time password, returned to be shown once. Its holder must
    choose a new password at their next sign-in, and sessions already signed in with the old one end."""
    require(by, "manage users")
    address = normalise_email(email)
    if address == by.name:  # the reset would end this very session before its one-time password was read
        raise AuthError(
            "That is your own account: a reset would sign you out before you saw the one-time password. "
            "Ask another officer to reset it."
        )
    password = _one_time_password()
    password_hash = _hasher.hash(password)
    with store.transaction(counts_as_change=False) as tx:  # accounts change no figure: keep the caches
        _existing(tx, address)
        tx.execute(
            "UPDATE users SET password_hash = ?, must_change_password = true, password_set_at = ?, "
            "session_epoch = session_epoch + 1 WHERE email = ?",
            [password_hash, datetime.now(), address],
        )
        _record_change(tx, by, address, "password reset", "one-time password issued")
    return password


def set_own_password(store: Store, actor: Actor, new_password: str) -> None:
    """The signed-in holder of a local account chooses their password (after a reset, they must). Every session
    of the account ends (its epoch moves on); the caller issues the choosing session a new token."""
    _check_password(new_password)
    password_hash = _hasher.hash(new_password)
    with store.transaction(counts_as_change=False) as tx:  # accounts change no figure: keep the caches
        _existing(tx, actor.name)
        tx.execute(
            "UPDATE users SET password_hash = ?, must_change_password = false, password_set_at = ?, "
            "session_epoch = session_epoch + 1 WHERE email = ?",
            [password_hash, datetime.now(), actor.name],
        )
        _record_change(tx, actor, actor.name, "password set", "by the account's holder")


def list_users(store: Store) -> pd.DataFrame:
    """Every local account: email, role, created_at, created_by, must_change_password. Never the hash."""
    return store.query_df("SELECT email, role, created_at, created_by, must_change_password FROM users ORDER BY email")


def query_account_changes(store: Store, limit: int = 200) -> pd.DataFrame:
    """The account audit log, newest first: changed_at, changed_by, account, action, detail."""
    return store.query_df(
        "SELECT changed_at, changed_by, account, action, detail FROM account_changes ORDER BY change_id DESC LIMIT ?",
        [limit],
    )


# -- signing in ------------------------------------------------------------------------------------
SIGN_IN_REFUSED = "The e-mail address or password is not right."


def wait_after(failures: int, access: AccessConfig) -> timedelta:
    """How long after its latest failure a client must wait before its next guess at an account is checked,
    given its ``failures`` in the window: none for the first ``max_failed_sign_ins``, then
    ``first_wait_seconds`` doubling with each further failure, never more than ``longest_wait_seconds``."""
    beyond = failures - access.max_failed_sign_ins
    if beyond < 0:
        return timedelta(0)
    seconds = access.first_wait_seconds * 2 ** min(beyond, 32)  # 2**32 × 1 s is past any cap: no huge ints
    return timedelta(seconds=min(seconds, access.longest_wait_seconds))


def _admit_attempt(store: Store, address: str, client: str, moment: datetime, access: AccessConfig) -> int:
    """Decide whether this guess may be checked and, if so, record it as failed before it is checked.

    Counting and recording happen in one transaction, and transactions are serialised by the store's
    process-wide write lock (one process writes a DuckDB file): however many sign-ins arrive at once, each sees
    every attempt admitted before it, including those whose slow hash check is still running. The same write
    deletes attempts older than the window, so the table holds only the window's attempts. Returns the attempt's
    id; raises AuthError, recording nothing, when the client must wait first.
    """
    window_start = moment - timedelta(minutes=access.failure_window_minutes)
    with store.transaction(counts_as_change=False) as tx:  # sign-ins change no figure: keep caches
        tx.execute("DELETE FROM sign_in_attempts WHERE attempted_at <= ?", [window_start])
        failures, latest = tx.fetchall(
            "SELECT count(*), max(attempted_at) FROM sign_in_attempts WHERE email = ? AND client = ? "
            "AND NOT succeeded AND attempted_at > coalesce((SELECT max(attempted_at) FROM sign_in_attempts "
            "WHERE email = ? AND client = ? AND succeeded), TIMESTAMP '1900-01-01')",
            [address, client, address, client],
        )[0]
        wait = wait_after(failures, access)
        ready_at = latest + wait if failures and wait else None
        if ready_at is None or moment >= ready_at:
            attempt_id: int = tx.fetch_value(
                "INSERT INTO sign_in_attempts VALUES (nextval('sign_in_attempt_seq'), "
                "?, ?, ?, false) RETURNING attempt_id",
                [address, client, moment],
            )
            return attempt_id
    seconds = max(1, int((ready_at - moment).total_seconds() + 0.999))
    raise AuthError(
        f"Too many wrong passwords for this account from this device. Wait {_spell_wait(seconds)} "
        "and try again, or ask an officer to reset your password."
    )


def _spell_wait(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def sign_in(
    store: Store, email: str, password: str, access: AccessConfig, *, client: str, now: datetime | None = None
) -> Actor:
    """Check a local account's password; returns the Actor or raises AuthError.

    Guessing is slowed per account *and per client* (the visitor's address), so a stranger's wrong guesses
    from one place never lock the holder out from another: each client may try ``max_failed_sign_ins`` wrong
    passwords within ``failure_window_minutes``; after that each further guess is checked only once
    ``wait_after`` has passed since its last failure (the wait doubles with each failure, up to a cap). A
    right password resets that client's count. Guesses arriving at once are counted before any is checked,
    so concurrency never buys extra guesses. Unknown addresses are answered exactly like wrong passwords (and
    throttled the same way), so the form does not reveal who has an account.
    """
    moment = now or datetime.now()
    try:
        address = normalise_email(email)
    except AuthError:
        raise AuthError(SIGN_IN_REFUSED) from None
    attempt_id = _admit_attempt(store, address, client.strip()[:100] or "unknown", moment, access)
    dummy = _dummy_hash()
    row = store.query_rows("SELECT role, password_hash FROM users WHERE email = ?", [address])
    try:
        # A wrong password raises; an unknown address is checked against a dummy hash so it takes as long.
        _hasher.verify(row[0][1] if row else dummy, password)
        ok = bool(row)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise AuthError(SIGN_IN_REFUSED)
    with store.transaction(counts_as_change=False) as tx:
        tx.execute("UPDATE sign_in_attempts SET succeeded = true WHERE attempt_id = ?", [attempt_id])
    return Actor(address, row[0][0])


def account_state(store: Store, email: str) -> AccountState | None:
    """A local account's role and password state now (None when the account was removed): checked on every page
    run, so removing an account, changing its role or resetting its password reaches sessions already open."""
    rows = store.query_rows(
        "SELECT role, must_change_password, password_set_at, session_epoch FROM users WHERE email = ?", [email]
    )
    return AccountState(*rows[0]) if rows else None


# -- sessions that last across reloads and tabs ----------------------------------------------------------
SESSION_COOKIE = "sendlib_session"
_SESSION_SALT = "sendlib local sign-in"  # keeps these signatures apart from any other use of the secret
_SECRET_NAME = "session signing"


def _session_secret(store: Store) -> str:
    """The store's own random secret for signing session tokens, made on first use (so it is never in the
    repository, and a copied or restored store keeps its holders signed in only if it is the same store)."""
    value: str | None = store.query_value("SELECT value FROM app_secrets WHERE name = ?", [_SECRET_NAME])
    if value is not None:
        return value
    with store.transaction(counts_as_change=False) as tx:  # a secret changes no figure: keep the caches
        # Two first sign-ins at once: the second finds the first one's secret and keeps it.
        tx.execute(
            "INSERT INTO app_secrets VALUES (?, ?) ON CONFLICT DO NOTHING", [_SECRET_NAME, secrets.token_urlsafe(48)]
        )
        made: str = tx.fetch_value("SELECT value FROM app_secrets WHERE name = ?", [_SECRET_NAME])
    return made


def _serializer(store: Store, now: datetime | None) -> URLSafeTimedSerializer:
    """Tokens signed with the store's secret, their age told by ``now`` (the clock when None)."""

    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int((now or datetime.now()).timestamp())

    return URLSafeTimedSerializer(_session_secret(store), salt=_SESSION_SALT, signer=_Signer)


def issue_session_token(store: Store, actor: Actor, *, now: datetime | None = None) -> str:
    """A signed, timestamped token naming ``actor``'s local account and its current session epoch: what the
    session cookie holds. Never a password, a hash or anything about a pupil. Raises AuthError when the account
    is gone."""
    state = account_state(store, actor.name)
    if state is None:
        raise AuthError(f"There is no account for {actor.name}.")
    token: str = _serializer(store, now).dumps({"email": actor.name, "epoch": state.session_epoch})
    return token


def actor_for_session_token(
    store: Store, token: str, access: AccessConfig, *, now: datetime | None = None
) -> tuple[Actor, int] | None:
    """The account a session token names, with its current role and the token's epoch, when the token is
    genuine, younger than ``access.session_hours`` and its account's sessions were not ended since (sign-out,
    role change, password change, removal); otherwise None. Never raises for a bad token: it is refused."""
    try:
        payload = _serializer(store, now).loads(token, max_age=access.session_hours * 3600)
    except BadSignature:  # forged, altered, from another store, or expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(payload, dict) or not isinstance(email := payload.get("email"), str):
        return None
    state = account_state(store, email)
    if state is None or payload.get("epoch") != state.session_epoch:
        return None
    return Actor(email, state.role), state.session_epoch


def end_sessions(store: Store, email: str) -> None:
    """Sign ``email`` out everywhere: every session token issued to the account so far is refused from now on
    (the sign-out button; nothing is recorded, as signing out changes no account)."""
    with store.transaction(counts_as_change=False) as tx:  # sessions change no figure: keep the caches
        tx.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE email = ?", [email])


def role_for_identity(email: str | None, access: AccessConfig) -> str:
    """The role of an OpenID Connect identity: by e-mail, else by domain, else the default role."""
    if not email:
        return access.default_role
    address = email.strip().lower()
    if address in access.roles_by_email:
        return access.roles_by_email[address]
    domain = address.rsplit("@", 1)[-1]
    return access.roles_by_domain.get(domain, access.default_role)


DEMO_ACCOUNTS = (
    ("officer@demo.invalid", OFFICER),
    ("commissioner@demo.invalid", COMMISSIONER),
    ("forum@demo.invalid", FORUM),
)


DEMO_SET_UP = Actor("demo set-up", OFFICER)


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
        password = _one_time_password()
        add_user(store, email, role, password, by=DEMO_SET_UP)
        created.append((email, role, password))
    return created
