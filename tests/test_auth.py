"""Roles, local accounts, sign-in throttling and the write checks inside sendlib."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sendlib import auth
from sendlib.auth import COMMISSIONER, FORUM, OFFICER, Actor, AuthError, PermissionDenied
from sendlib.config import AccessConfig, ConfigError, load_config
from sendlib.ingest import load_census
from sendlib.loads import undo_load
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, TEST_OFFICER, census_snapshot

PASSWORD = "a long enough password"
HERE = "192.0.2.10"  # the client (network address) signing in, in most tests


def test_password_is_stored_only_as_an_argon2_hash(store: Store) -> None:
    auth.add_user(store, "Jo.Bloggs@Example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    stored = store.query_value("SELECT password_hash FROM users WHERE email = 'jo.bloggs@example.org'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password_hash" not in auth.list_users(store).columns


def test_sign_in_succeeds_with_the_right_password_only(store: Store) -> None:
    auth.add_user(store, "jo@example.org", COMMISSIONER, PASSWORD, by=TEST_OFFICER)
    assert auth.sign_in(store, " JO@example.org ", PASSWORD, AccessConfig(), client=HERE) == Actor(
        "jo@example.org", COMMISSIONER
    )
    with pytest.raises(AuthError, match="e-mail address or password is not right"):
        auth.sign_in(store, "jo@example.org", "wrong password!", AccessConfig(), client=HERE)


def test_unknown_account_gets_the_same_answer_as_a_wrong_password(store: Store) -> None:
    with pytest.raises(AuthError, match="e-mail address or password is not right"):
        auth.sign_in(store, "nobody@example.org", PASSWORD, AccessConfig(), client=HERE)


def test_repeated_failures_from_one_client_make_it_wait_longer_and_longer(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    access = AccessConfig(
        max_failed_sign_ins=3, failure_window_minutes=60, first_wait_seconds=30, longest_wait_seconds=100
    )
    start = datetime(2026, 11, 23, 9, 0)
    for second in range(3):  # the free allowance: checked at once
        with pytest.raises(AuthError, match="not right"):
            auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=start + timedelta(seconds=second))
    last = start + timedelta(seconds=2)
    with pytest.raises(AuthError, match="Wait 20 seconds"):  # 30 s after the last failure; even the right password
        auth.sign_in(store, "jo@example.org", PASSWORD, access, client=HERE, now=last + timedelta(seconds=10))
    with pytest.raises(AuthError, match="not right"):  # after the wait, one more guess is checked...
        auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=last + timedelta(seconds=30))
    last += timedelta(seconds=30)
    with pytest.raises(AuthError, match="Wait 31 seconds"):  # ...and the next wait is twice as long (60 s)
        auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=last + timedelta(seconds=29))
    with pytest.raises(AuthError, match="not right"):
        auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=last + timedelta(seconds=60))
    last += timedelta(seconds=60)
    with pytest.raises(AuthError, match="Wait 100 seconds"):  # capped at longest_wait_seconds, not 120
        auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=last)
    assert (
        auth.sign_in(store, "jo@example.org", PASSWORD, access, client=HERE, now=last + timedelta(seconds=100)).role
        == OFFICER
    )
    # A right password starts the count again: three free guesses.
    for second in range(101, 104):
        with pytest.raises(AuthError, match="not right"):
            auth.sign_in(store, "jo@example.org", "guess", access, client=HERE, now=last + timedelta(seconds=second))


def test_the_wait_doubles_from_the_first_wait_up_to_the_longest() -> None:
    access = AccessConfig(max_failed_sign_ins=5, first_wait_seconds=30, longest_wait_seconds=900)
    assert [auth.wait_after(n, access).total_seconds() for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert auth.wait_after(10_000, access).total_seconds() == 900


def test_a_strangers_wrong_guesses_never_keep_the_holder_out_from_their_own_device(store: Store) -> None:
    auth.add_user(store, "officer@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    access = AccessConfig(max_failed_sign_ins=3)
    moment = datetime(2026, 11, 23, 9, 0)
    for guess in range(6):
        with pytest.raises(AuthError):
            auth.sign_in(store, "officer@example.org", f"guess {guess}", access, client="203.0.113.66", now=moment)
    with pytest.raises(AuthError, match="Too many wrong passwords for this account from this device"):
        auth.sign_in(store, "officer@example.org", PASSWORD, access, client="203.0.113.66", now=moment)
    # The holder, a second later, in the meeting room: signed in at once.
    assert (
        auth.sign_in(
            store, "officer@example.org", PASSWORD, access, client=HERE, now=moment + timedelta(seconds=1)
        ).role
        == OFFICER
    )


def test_guesses_sent_at_once_are_counted_before_any_is_checked(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    access = AccessConfig(max_failed_sign_ins=5)
    at_once = 30
    barrier = threading.Barrier(at_once)
    answers: list[str] = []

    def guess(number: int) -> None:
        barrier.wait()  # every thread starts its sign-in at the same moment
        try:
            auth.sign_in(store, "jo@example.org", f"wrong guess {number}", access, client=HERE)
        except AuthError as exc:
            answers.append(str(exc))

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [answer for answer in answers if "not right" in answer]  # the hash was checked: a real guess
    assert len(answers) == at_once
    assert len(checked) == access.max_failed_sign_ins
    assert store.query_value("SELECT count(*) FROM sign_in_attempts") == access.max_failed_sign_ins


def test_the_attempts_table_keeps_only_the_window(store: Store) -> None:
    access = AccessConfig(failure_window_minutes=3)
    start = datetime(2026, 11, 23, 9, 0)
    sizes = []
    for number in range(24):  # a stranger trying a new address from a new client every 30 seconds for 12 minutes
        moment = start + timedelta(seconds=30 * number)
        with pytest.raises(AuthError):
            auth.sign_in(
                store, f"person{number}@example.org", "guess", access, client=f"198.51.100.{number}", now=moment
            )
        sizes.append(store.query_value("SELECT count(*) FROM sign_in_attempts"))
    assert max(sizes) == 6 and sizes[-1] == 6  # the last 3 minutes' attempts (2 a minute), never all 24
    assert store.query_value("SELECT min(attempted_at) FROM sign_in_attempts") > moment - timedelta(minutes=3)


def test_account_management_checks_its_input(store: Store) -> None:
    with pytest.raises(AuthError, match="not an e-mail address"):
        auth.add_user(store, "<script>alert(1)</script>", OFFICER, PASSWORD, by=TEST_OFFICER)
    with pytest.raises(AuthError, match="not a role"):
        auth.add_user(store, "a@example.org", "admin", PASSWORD, by=TEST_OFFICER)
    with pytest.raises(AuthError, match="at least 10 characters"):
        auth.add_user(store, "a@example.org", OFFICER, "short", by=TEST_OFFICER)
    auth.add_user(store, "a@example.org", FORUM, PASSWORD, by=TEST_OFFICER)
    with pytest.raises(AuthError, match="already an account"):
        auth.add_user(store, "A@example.org", FORUM, PASSWORD, by=TEST_OFFICER)
    auth.set_role(store, "a@example.org", COMMISSIONER, by=TEST_OFFICER)
    assert auth.list_users(store)["role"].tolist() == [COMMISSIONER]
    auth.remove_user(store, "a@example.org", by=TEST_OFFICER)
    assert auth.list_users(store).empty
    with pytest.raises(AuthError, match=re.escape("no account for a@example.org")):
        auth.reset_password(store, "a@example.org", by=TEST_OFFICER)


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_only_officers_manage_accounts_inside_sendlib(store: Store, role: str) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    someone = Actor("someone@example.org", role)
    changes = [
        lambda: auth.add_user(store, "new@example.org", OFFICER, PASSWORD, by=someone),
        lambda: auth.invite_user(store, "new@example.org", OFFICER, by=someone),
        lambda: auth.set_role(store, "jo@example.org", FORUM, by=someone),
        lambda: auth.reset_password(store, "jo@example.org", by=someone),
        lambda: auth.remove_user(store, "jo@example.org", by=someone),
    ]
    before = store.query_rows("SELECT * FROM users ORDER BY email")
    for change in changes:
        with pytest.raises(PermissionDenied, match="Only officer accounts can manage users"):
            change()
    assert store.query_rows("SELECT * FROM users ORDER BY email") == before
    assert store.query_value("SELECT count(*) FROM account_changes WHERE changed_by = ?", [someone.name]) == 0


def test_the_last_officer_cannot_be_removed_or_demoted(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    jo = Actor("jo@example.org", OFFICER)
    with pytest.raises(AuthError, match="only officer account: add another officer first"):
        auth.set_role(store, "jo@example.org", COMMISSIONER, by=jo)
    with pytest.raises(AuthError, match="only officer account"):
        auth.remove_user(store, "jo@example.org", by=jo)
    auth.add_user(store, "sam@example.org", OFFICER, PASSWORD, by=jo)
    auth.set_role(store, "jo@example.org", COMMISSIONER, by=jo)  # another officer is left: allowed
    with pytest.raises(AuthError, match=re.escape("sam@example.org is the only officer account")):
        auth.remove_user(store, "sam@example.org", by=TEST_OFFICER)
    assert auth.list_users(store).set_index("email")["role"].to_dict() == {
        "jo@example.org": COMMISSIONER,
        "sam@example.org": OFFICER,
    }


def test_a_reset_gives_a_one_time_password_that_must_be_replaced(store: Store) -> None:
    auth.add_user(store, "jo@example.org", COMMISSIONER, PASSWORD, by=TEST_OFFICER)
    one_time = auth.reset_password(store, "jo@example.org", by=TEST_OFFICER)
    assert len(one_time) >= auth.MIN_PASSWORD_LENGTH and one_time != PASSWORD
    # Read out over the phone: four groups of four, none of l, 1, i, o, 0 that a listener could mistake.
    assert re.fullmatch(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}", one_time)
    with pytest.raises(AuthError, match="not right"):
        auth.sign_in(store, "jo@example.org", PASSWORD, AccessConfig(), client=HERE)  # the old one is gone
    jo = auth.sign_in(store, "jo@example.org", one_time, AccessConfig(), client=HERE)
    assert auth.account_state(store, jo.name).must_change_password
    with pytest.raises(AuthError, match="at least 10 characters"):
        auth.set_own_password(store, jo, "short")
    auth.set_own_password(store, jo, "my own new password")
    assert not auth.account_state(store, jo.name).must_change_password
    assert auth.sign_in(store, "jo@example.org", "my own new password", AccessConfig(), client=HERE) == jo
    assert one_time.encode() not in Path(store.path).read_bytes()


def test_an_officer_cannot_reset_their_own_password(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    with pytest.raises(AuthError, match="That is your own account"):
        auth.reset_password(store, "Jo@example.org", by=Actor("jo@example.org", OFFICER))
    assert auth.sign_in(store, "jo@example.org", PASSWORD, AccessConfig(), client=HERE).role == OFFICER


def test_an_invited_account_must_choose_its_password(store: Store) -> None:
    email, one_time = auth.invite_user(store, "New.Person@Example.org", FORUM, by=TEST_OFFICER)
    assert email == "new.person@example.org"
    assert auth.sign_in(store, email, one_time, AccessConfig(), client=HERE).role == FORUM
    assert auth.account_state(store, email).must_change_password


def test_every_account_change_is_in_the_audit_log_without_passwords(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, by=TEST_OFFICER)
    jo = Actor("jo@example.org", OFFICER)
    _, invited = auth.invite_user(store, "sam@example.org", FORUM, by=jo)
    auth.set_role(store, "sam@example.org", COMMISSIONER, by=jo)
    reset = auth.reset_password(store, "sam@example.org", by=jo)
    auth.set_own_password(store, Actor("sam@example.org", COMMISSIONER), "sam's own password")
    auth.remove_user(store, "sam@example.org", by=jo)
    log = auth.query_account_changes(store)
    assert list(zip(log["changed_by"], log["action"], log["account"], log["detail"])) == [
        ("jo@example.org", "removed", "sam@example.org", "was commissioner"),
        ("sam@example.org", "password set", "sam@example.org", "by the account's holder"),
        ("jo@example.org", "password reset", "sam@example.org", "one-time password issued"),
        ("jo@example.org", "role changed", "sam@example.org", "from forum to commissioner"),
        ("jo@example.org", "added", "sam@example.org", "as forum, with a one-time password"),
        ("test officer", "added", "jo@example.org", "as officer"),
    ]
    everything = " ".join(str(value) for row in store.query_rows("SELECT * FROM account_changes") for value in row)
    for secret in (PASSWORD, invited, reset, "sam's own password", "$argon2"):
        assert secret not in everything


def test_oidc_roles_by_email_then_domain_then_default() -> None:
    access = AccessConfig(
        default_role=FORUM,
        roles_by_email={"jo@sunderland.gov.uk": OFFICER},
        roles_by_domain={"sunderland.gov.uk": COMMISSIONER},
    )
    assert auth.role_for_identity("Jo@Sunderland.gov.uk", access) == OFFICER
    assert auth.role_for_identity("sam@sunderland.gov.uk", access) == COMMISSIONER
    assert auth.role_for_identity("parent@gmail.com", access) == FORUM
    assert auth.role_for_identity(None, access) == FORUM


def test_config_rejects_an_unknown_role(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("access:\n  roles_by_domain: {sunderland.gov.uk: admin}\n")
    with pytest.raises(ConfigError, match="'admin' is not a role"):
        load_config(path)


@pytest.mark.parametrize("role", [COMMISSIONER, FORUM])
def test_writes_check_the_role_inside_sendlib(demo_store: Store, config, role: str) -> None:
    before = census_snapshot(demo_store)
    someone = Actor("someone", role)
    with pytest.raises(PermissionDenied, match="Only officer accounts can load"):
        load_census(demo_store, PROJECT_ROOT / "data/templates/census-example.csv", config=config, actor=someone)
    with pytest.raises(PermissionDenied, match="Only officer accounts can undo"):
        undo_load(demo_store, 1, someone)
    assert census_snapshot(demo_store) == before


def test_demo_accounts_get_random_passwords_once(store: Store) -> None:
    first = auth.create_demo_accounts(store)
    assert {role for _, role, _ in first} == {OFFICER, COMMISSIONER, FORUM}
    assert len({password for _, _, password in first}) == 3
    assert auth.create_demo_accounts(store) == []  # never shown again
    email, role, password = first[0]
    assert auth.sign_in(store, email, password, AccessConfig(), client=HERE).role == role


# -- session tokens: a sign-in that lasts across reloads and tabs -------------------------------------------
def _signed_in(store: Store, email: str = "jo@example.org", role: str = COMMISSIONER) -> Actor:
    auth.add_user(store, email, role, "a long password", by=TEST_OFFICER)
    return auth.sign_in(store, email, "a long password", AccessConfig(), client="test")


def test_a_session_token_names_the_account_and_its_current_role_and_holds_no_secret(store: Store) -> None:
    jo = _signed_in(store)
    token = auth.issue_session_token(store, jo)
    assert auth.actor_for_session_token(store, token, AccessConfig()) == (Actor(jo.name, COMMISSIONER), 0)
    assert "a long password" not in token and "argon2" not in token
    # A second store (another council's, a copy made anew) has its own secret: the token means nothing there.
    other = Store.open(Path(store.path).with_name("other.duckdb"))
    auth.add_user(other, jo.name, COMMISSIONER, "a long password", by=TEST_OFFICER)
    assert auth.actor_for_session_token(other, token, AccessConfig()) is None
    other.close()


def test_an_altered_or_forged_token_is_refused(store: Store) -> None:
    jo = _signed_in(store)
    token = auth.issue_session_token(store, jo)
    _, stamp, signature = token.split(".")
    auth.add_user(store, "officer@example.org", OFFICER, "a long password", by=TEST_OFFICER)
    officer_payload = auth.issue_session_token(store, Actor("officer@example.org", OFFICER)).split(".")[0]
    for forged in (f"{officer_payload}.{stamp}.{signature}", token[:-2] + "xx", "not a token", ""):
        assert auth.actor_for_session_token(store, forged, AccessConfig()) is None


def test_a_token_older_than_session_hours_is_refused(store: Store) -> None:
    jo = _signed_in(store)
    made = datetime(2026, 3, 2, 9, 0)
    token = auth.issue_session_token(store, jo, now=made)
    access = AccessConfig(session_hours=8)
    assert auth.actor_for_session_token(store, token, access, now=made + timedelta(hours=7, minutes=59))
    assert auth.actor_for_session_token(store, token, access, now=made + timedelta(hours=8, seconds=1)) is None


@pytest.mark.parametrize("ending", ["sign-out", "role change", "password reset", "own password", "removal"])
def test_sign_out_a_role_change_a_password_change_or_removal_ends_every_token(store: Store, ending: str) -> None:
    jo = _signed_in(store)
    before = auth.issue_session_token(store, jo)
    if ending == "sign-out":
        auth.end_sessions(store, jo.name)
    elif ending == "role change":
        auth.set_role(store, jo.name, FORUM, by=TEST_OFFICER)
    elif ending == "password reset":
        auth.reset_password(store, jo.name, by=TEST_OFFICER)
    elif ending == "own password":
        auth.set_own_password(store, jo, "another long password")
    else:
        auth.remove_user(store, jo.name, by=TEST_OFFICER)
    assert auth.actor_for_session_token(store, before, AccessConfig()) is None
    if ending != "removal":  # a sign-in after the change is good again (and sees the new role)
        found = auth.actor_for_session_token(store, auth.issue_session_token(store, jo), AccessConfig())
        assert found is not None and found[1] == 1
