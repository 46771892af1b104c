from __future__ import annotations

import re

import pytest

from sendlib.config import Config, ConfigError, describe_keys, load_config
from tests.conftest import PROJECT_ROOT


def test_project_config_names_sunderland_and_its_codes() -> None:
    config = load_config(PROJECT_ROOT / "config.yaml")
    assert (config.area.name, config.area.code, config.area.old_la_code) == ("Sunderland", "E08000024", "394")
    assert config.area.region_code == "E12000001"
    assert "E92000001" in config.comparators


def test_every_key_has_a_default_and_an_explanation() -> None:
    keys = describe_keys()
    assert {name for name, _, _ in keys} >= {"area.name", "store.path", "display.percent_decimals", "comparators"}
    assert all(help_text.strip() for _, _, help_text in keys)


def test_every_key_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in describe_keys() if f"`{name}`" not in readme]
    assert missing == []


def test_missing_file_gives_defaults(tmp_path) -> None:
    assert load_config(tmp_path / "nope.yaml") == Config()


def test_unknown_key_is_reported_by_name(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("area:\n  nmae: Barnsley\n")
    with pytest.raises(ConfigError, match=r"area: unknown setting\(s\) nmae"):
        load_config(path)


def test_a_renamed_key_says_what_replaced_it(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("access:\n  lockout_minutes: 15\n")
    with pytest.raises(
        ConfigError, match=r"access.lockout_minutes has been renamed: use access.failure_window_minutes"
    ):
        load_config(path)


def test_wrong_type_is_reported_by_name(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("display:\n  percent_decimals: lots\n")
    with pytest.raises(ConfigError, match=re.escape("display.percent_decimals: expected a number")):
        load_config(path)


def test_db_env_var_overrides_the_configured_path(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SENDLIB_DB", str(tmp_path / "x.duckdb"))
    assert Config().db_path == tmp_path / "x.duckdb"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("suppression:\n  threshold: -3\n", "suppression.threshold: -3 is out of range"),
        ("suppression:\n  threshold: 5.9\n", "suppression.threshold: expected a whole number"),
        ("display:\n  percent_decimals: -1\n", "display.percent_decimals: -1 is out of range"),
        ("display:\n  chart_height: 5\n", "display.chart_height: 5 is out of range"),
        ("access:\n  max_failed_sign_ins: 0\n", "access.max_failed_sign_ins: 0 is out of range"),
        ("upload:\n  max_file_mb: 0\n", "upload.max_file_mb: 0 is out of range"),
    ],
)
def test_values_out_of_range_are_reported_by_name(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
