"""Roles, local accounts, sign-in throttling and the write checks inside sendlib."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sendlib import auth
from sendlib.auth import COMMISSIONER, FORUM, OFFICER, Actor, AuthError, PermissionDenied
from sendlib.config import AccessConfig, ConfigError, load_config
from sendlib.ingest import load_census
from sendlib.loads import undo_load
from sendlib.store import Store
from tests.conftest import PROJECT_ROOT, census_snapshot

PASSWORD = "a long enough password"


def test_password_is_stored_only_as_an_argon2_hash(store: Store) -> None:
    auth.add_user(store, "Jo.Bloggs@Example.org", OFFICER, PASSWORD, created_by="t")
    stored = store.query_value("SELECT password_hash FROM users WHERE email = 'jo.bloggs@example.org'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password_hash" not in auth.list_users(store).columns


def test_sign_in_succeeds_with_the_right_password_only(store: Store) -> None:
    auth.add_user(store, "jo@example.org", COMMISSIONER, PASSWORD, created_by="t")
    assert auth.sign_in(store, " JO@example.org ", PASSWORD, AccessConfig()) == Actor("jo@example.org", COMMISSIONER)
    with pytest.raises(AuthError, match="e-mail address or password is not right"):
        auth.sign_in(store, "jo@example.org", "wrong password!", AccessConfig())


def test_unknown_account_gets_the_same_answer_as_a_wrong_password(store: Store) -> None:
    with pytest.raises(AuthError, match="e-mail address or password is not right"):
        auth.sign_in(store, "nobody@example.org", PASSWORD, AccessConfig())


def test_repeated_failures_lock_the_account_for_a_while(store: Store) -> None:
    auth.add_user(store, "jo@example.org", OFFICER, PASSWORD, created_by="t")
    access = AccessConfig(max_failed_sign_ins=3, lockout_minutes=15)
    start = datetime(2026, 11, 23, 9, 0)
    for minute in range(3):
        with pytest.raises(AuthError, match="not right"):
            auth.sign_in(store, "jo@example.org", "guess", access, now=start + timedelta(minutes=minute))
    with pytest.raises(AuthError, match="Too many failed sign-ins"):
        auth.sign_in(store, "jo@example.org", PASSWORD, access, now=start + timedelta(minutes=5))  # even right
    later = start + timedelta(minutes=30)
    assert auth.sign_in(store, "jo@example.org", PASSWORD, access, now=later).role == OFFICER


def test_account_management_checks_its_input(store: Store) -> None:
    with pytest.raises(AuthError, match="not an e-mail address"):
        auth.add_user(store, "<script>alert(1)</script>", OFFICER, PASSWORD, created_by="t")
    with pytest.raises(AuthError, match="not a role"):
        auth.add_user(store, "a@example.org", "admin", PASSWORD, created_by="t")
    with pytest.raises(AuthError, match="at least 10 characters"):
        auth.add_user(store, "a@example.org", OFFICER, "short", created_by="t")
    auth.add_user(store, "a@example.org", FORUM, PASSWORD, created_by="t")
    with pytest.raises(AuthError, match="already an account"):
        auth.add_user(store, "A@example.org", FORUM, PASSWORD, created_by="t")
    auth.set_role(store, "a@example.org", COMMISSIONER)
    assert auth.list_users(store)["role"].tolist() == [COMMISSIONER]
    auth.remove_user(store, "a@example.org")
    assert auth.list_users(store).empty


def test_oidc_roles_by_email_then_domain_then_default() -> None:
    access = AccessConfig(default_role=FORUM, roles_by_email={"jo@sunderland.gov.uk": OFFICER},
                          roles_by_domain={"sunderland.gov.uk": COMMISSIONER})
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
    assert auth.sign_in(store, email, password, AccessConfig()).role == role
