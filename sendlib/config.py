"""Typed settings for one local area, loaded once from ``config.yaml``.

Every key has a default and a one-line explanation (the ``help`` metadata on each field); the README's
configuration table is generated from the same text. Unknown keys are an error, so a typo in
``config.yaml`` is reported instead of silently ignored.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from sendlib.errors import SetupError
from sendlib.geography import area_spellings

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yaml"
CONFIG_ENV_VAR = "SENDLIB_CONFIG"
# The name in ``comparators`` that adds the local area's DfE statistical neighbours as one group (their average).
STATISTICAL_NEIGHBOURS = "statistical_neighbours"
DB_ENV_VAR = "SENDLIB_DB"


class ConfigError(SetupError, ValueError):
    """config.yaml is missing a value, has an unknown key, or a value of the wrong type."""


T = TypeVar("T")
SettingsT = TypeVar("SettingsT", bound="DataclassInstance")


def _key(default: T, help_text: str, *, low: float | None = None, high: float | None = None) -> T:
    """A config field with its default, its one-line explanation and, for numbers, its allowed range."""
    metadata = {"help": help_text, "low": low, "high": high}
    if isinstance(default, (list, dict)):
        # Each Config gets its own copy of a list or mapping default, never one shared object.
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class AreaConfig:
    """The local area the dashboard is for."""

    name: str = _key("Sunderland", "Local area name as it appears in titles and summaries.")
    code: str = _key("E08000024", "Current ONS/DfE code of the local authority (new_la_code).")
    old_la_code: str = _key("394", "DfE three-digit LA code; keeps the area's identity across code changes.")
    region_code: str = _key("E12000001", "ONS code of the area's region, used as a comparator.")
    region_name: str = _key("North East", "Name of the area's region.")


@dataclass(frozen=True)
class StoreConfig:
    """Where the data lives."""

    path: str = _key("data/send.duckdb", "DuckDB file, relative to the project folder (SENDLIB_DB overrides).")
    demo_on_first_run: bool = _key(True, "Load the shipped demo data when the store is empty on first run.")
    backup_folder: str = _key(
        "", "Folder where the running dashboard writes a backup every backup_every_hours (empty: no automatic backups)."
    )
    backup_every_hours: int = _key(24, "Hours between the dashboard's automatic backups.", low=1, high=24 * 31)


@dataclass(frozen=True)
class DisplayConfig:
    """How figures are shown."""

    percent_decimals: int = _key(1, "Decimal places for percentages in tables, charts and summaries.", low=0, high=4)
    chart_height: int = _key(520, "Height in pixels of the main charts.", low=200, high=3000)


@dataclass(frozen=True)
class UploadConfig:
    """Limits and checks for uploads and imports."""

    max_file_mb: int = _key(
        200, "Largest file the Upload page accepts, in megabytes (the command line has no limit).", low=1, high=10_000
    )
    change_warning_pct: float = _key(
        25.0, "Warn before loading when a provision total moves more than this % from the previous period.", low=0
    )
    max_engagement_lines: int = _key(
        50_000, "Most lines (counts or participant records) one engagement file may have.", low=1, high=1_000_000
    )
    max_engagement_activities: int = _key(5_000, "Most activities one engagement file may hold.", low=1, high=100_000)
    max_commitment_rows: int = _key(1_000, "Most commitments one commitments CSV import may add.", low=1, high=100_000)


@dataclass(frozen=True)
class AccessConfig:
    """Who may sign in and what role they get."""

    public: bool = _key(False, "Treat visitors who have not signed in as the forum role (public, suppressed views).")
    default_role: str = _key("forum", "Role for a signed-in (OpenID Connect) user not named in the role maps.")
    roles_by_email: dict[str, str] = _key({}, "OpenID Connect: e-mail address → role (officer, commissioner, forum).")
    roles_by_domain: dict[str, str] = _key(
        {}, "OpenID Connect: e-mail domain → role, for anyone not in roles_by_email."
    )
    max_failed_sign_ins: int = _key(
        5,
        "Wrong passwords one client may try for an account within "
        "failure_window_minutes before each further try must wait.",
        low=1,
        high=100,
    )
    failure_window_minutes: int = _key(
        15,
        "How long a failed local sign-in counts against its account and client (older attempts are deleted).",
        low=1,
        high=1440,
    )
    first_wait_seconds: int = _key(
        30, "Wait before the first try beyond max_failed_sign_ins; each further failure doubles it.", low=1, high=3600
    )
    longest_wait_seconds: int = _key(
        900, "The longest wait between tries, however many failures.", low=1, high=24 * 3600
    )
    session_hours: int = _key(
        8,
        "How long a local sign-in lasts (across reloads and new tabs, through a signed cookie) before the "
        "password is asked again; sign-out ends it at once.",
        low=1,
        high=24 * 31,
    )
    client_address_header: str = _key(
        "",
        "Behind a reverse proxy: the header holding the visitor's address "
        "(e.g. X-Forwarded-For); empty: the connection's address.",
    )


@dataclass(frozen=True)
class SuppressionConfig:
    """Small-number suppression for forum and public views."""

    threshold: int = _key(
        5, "Counts from 1 to this number show as 'c' in forum views (0 turns suppression off).", low=0, high=100
    )


@dataclass(frozen=True)
class StakeholderConfig:
    """How the stakeholder grid is named and divided."""

    x_axis: str = _key(
        "Importance", "Name of the grid's horizontal axis (the strategy's 'importance of stakeholders')."
    )
    y_axis: str = _key("Influence", "Name of the grid's vertical axis (the strategy's 'influence of stakeholders').")
    midpoint: float = _key(
        5.0, "Score (0-10) dividing low from high; a score exactly on it counts as high.", low=0, high=10
    )
    high_high: str = _key("Manage closely", "Quadrant with high influence and high importance.")
    high_influence: str = _key("Keep satisfied", "Quadrant with high influence and low importance.")
    high_importance: str = _key("Keep informed", "Quadrant with low influence and high importance.")
    low_low: str = _key("Monitor", "Quadrant with low influence and low importance.")


@dataclass(frozen=True)
class ReachConfig:
    """Participation reach: targets per level, the parent carer estimate, what counts as a gap."""

    target_micro_pct: float = _key(
        20.0, "Target reach at micro level (individual: reviews, assessments), % of the cohort.", low=0, high=100
    )
    target_meso_pct: float = _key(
        5.0, "Target reach at meso level (services: surveys, feedback), % of the cohort.", low=0, high=100
    )
    target_macro_pct: float = _key(
        1.0, "Target reach at macro level (strategic: forums, Young Commissioners), %.", low=0, high=100
    )
    parent_carers_estimate: int = _key(
        0,
        "Parent carers in the area; 0 works it out as children with SEND × parent_carers_per_child.",
        low=0,
        high=10_000_000,
    )
    parent_carers_per_child: float = _key(
        1.67,
        "Parent carers per child with SEND (Barnsley's strategy: at least 10,000 for about 6,000 children).",
        low=0.5,
        high=4,
    )
    gap_ratio: float = _key(
        0.8, "A group heard from at less than this × its share of the cohort is under-reached.", low=0.1, high=1
    )

    def target_pct(self, level: str) -> float:
        """The reach target for a level (micro, meso or macro), in per cent."""
        return float(getattr(self, f"target_{level}_pct"))


@dataclass(frozen=True)
class CommitmentConfig:
    """How a commitment's RAG rating is worked out from its progress against the time elapsed."""

    green_ratio: float = _key(
        0.9, "Green when percent complete is at least this × the percent of its time elapsed.", low=0, high=2
    )
    red_ratio: float = _key(
        0.7, "Red when percent complete is at or below this × the percent of time elapsed.", low=0, high=2
    )


@dataclass(frozen=True)
class DataAgeConfig:
    """When data is old enough to be flagged on the page, the Overview and the meeting pack."""

    census_month: int = _key(
        6,
        "Month DfE publishes each year's census; a census is flagged once the next one was due (its period's "
        "second such month).",
        low=1,
        high=12,
    )
    stakeholder_months: int = _key(
        12, "Flag the stakeholder grid when its newest assessment is at least this many months old.", low=1, high=120
    )
    ehcp_month: int = _key(
        6,
        "Month DfE publishes its EHC plan release (SEN2: January's plans, the previous calendar year's new plans); "
        "its figures are flagged once the next release was due.",
        low=1,
        high=12,
    )


@dataclass(frozen=True)
class PublishConfig:
    """The public website of the forum's views (``python -m sendlib publish``; README: Publishing to the Local
    Offer)."""

    folder: str = _key(
        "",
        "Folder the public site is kept in, republished after every load, undo and edit, relative to the project "
        "(empty: off; the Publish button then offers the site as a zip).",
    )
    feedback: str = _key(
        "", "Where the public site's 'feedback' links go: a mailto: or https:// address (empty: no feedback link)."
    )


@dataclass(frozen=True)
class PublicConfig:
    """Who runs the service and how to reach them: the accessibility statement, privacy notice, cookies and
    feedback pages (sendlib.public_pages) draw every contact detail and date from here."""

    organisation: str = _key(
        "", "The council running the service, as the public pages name it (empty: '<area.name> Council')."
    )
    contact_email: str = _key("", "E-mail address for questions, another format and accessibility problems.")
    contact_phone: str = _key("", "Telephone number for the same (empty: none given).")
    dpo_contact: str = _key(
        "", "How to reach the council's Data Protection Officer (an e-mail address or a line of text)."
    )
    privacy_notice_url: str = _key(
        "", "Address of the council's own full privacy notice, linked from ours (empty: none)."
    )
    statement_prepared: str = _key("", "Date the accessibility statement was first prepared (YYYY-MM-DD).")
    statement_reviewed: str = _key("", "Date the accessibility statement was last reviewed (YYYY-MM-DD).")
    feedback_months: int = _key(
        24,
        "Months a feedback message is kept; older ones are deleted when feedback is next sent or read.",
        low=1,
        high=120,
    )
    records_retention: str = _key(
        "the council's records retention schedule",
        "How long engagement records and accounts are kept, in the privacy notice's words.",
    )

    @property
    def dates(self) -> dict[str, str]:
        """The statement's dates by key name, for checking."""
        return {"statement_prepared": self.statement_prepared, "statement_reviewed": self.statement_reviewed}


@dataclass(frozen=True)
class Config:
    """All settings for one local area's dashboard."""

    area: AreaConfig = field(default_factory=AreaConfig, metadata={"help": "The local area."})
    comparators: list[str] = _key(
        ["E92000001", "E12000001", STATISTICAL_NEIGHBOURS],
        "Areas shown beside the local area: area codes (England, the region, an LA), and statistical_neighbours "
        "for DfE's statistical neighbours of the area as one group (their average).",
    )
    store: StoreConfig = field(default_factory=StoreConfig, metadata={"help": "The DuckDB store."})
    display: DisplayConfig = field(default_factory=DisplayConfig, metadata={"help": "Display settings."})
    upload: UploadConfig = field(
        default_factory=UploadConfig, metadata={"help": "Upload and import limits and checks."}
    )
    access: AccessConfig = field(default_factory=AccessConfig, metadata={"help": "Sign-in and roles."})
    suppression: SuppressionConfig = field(
        default_factory=SuppressionConfig, metadata={"help": "Small-number suppression."}
    )
    stakeholders: StakeholderConfig = field(
        default_factory=StakeholderConfig, metadata={"help": "The stakeholder grid."}
    )
    reach: ReachConfig = field(default_factory=ReachConfig, metadata={"help": "Participation reach."})
    commitments: CommitmentConfig = field(
        default_factory=CommitmentConfig, metadata={"help": "Commitment RAG thresholds."}
    )
    data_age: DataAgeConfig = field(
        default_factory=DataAgeConfig, metadata={"help": "When data is flagged as out of date."}
    )
    publish: PublishConfig = field(
        default_factory=PublishConfig, metadata={"help": "The public website of the forum's views."}
    )
    public: PublicConfig = field(
        default_factory=PublicConfig, metadata={"help": "Contact details and dates for the public pages."}
    )

    @property
    def organisation(self) -> str:
        """The council running the service: ``public.organisation``, else "<area> Council"."""
        return self.public.organisation or f"{self.area.name} Council"

    @property
    def db_path(self) -> Path:
        """The store file: ``SENDLIB_DB`` if set, else ``store.path`` relative to the project."""
        override = os.environ.get(DB_ENV_VAR)
        path = Path(override) if override else Path(self.store.path)
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def publish_folder(self) -> Path | None:
        """The folder the public site is kept current in (``publish.folder`` relative to the project), or None."""
        if not self.publish.folder.strip():
            return None
        path = Path(self.publish.folder.strip()).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path


# Settings an earlier version had, and what replaced them: a config.yaml written for it is told exactly what to change.
_RENAMED = {
    "access.lockout_minutes": "access.failure_window_minutes (sign-ins are now slowed per account and client, "
    "never locked: README, Security)",
}


def _build(cls: type[SettingsT], raw: object, where: str) -> SettingsT:
    """Build dataclass ``cls`` from a YAML mapping, checking key names and value types."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where or 'config'}: expected a mapping of settings, got {type(raw).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    for name in unknown:
        if (renamed := _RENAMED.get(f"{where}.{name}" if where else name)) is not None:
            raise ConfigError(f"{where}.{name} has been renamed: use {renamed}")
    if unknown:
        raise ConfigError(f"{where or 'config'}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        f = fields[name]
        path = f"{where}.{name}" if where else name
        default = cls().__getattribute__(name)
        if dataclasses.is_dataclass(default) and not isinstance(default, type):  # a section (an instance)
            values[name] = _build(type(default), value, path)
        else:
            values[name] = _coerce(value, default, path)
            low, high = f.metadata.get("low"), f.metadata.get("high")
            if (low is not None and values[name] < low) or (high is not None and values[name] > high):
                bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
                raise ConfigError(f"{path}: {value!r} is out of range; use a number {bounds}")
    return cls(**values)


def _coerce(value: object, default: object, path: str) -> object:
    """Check one scalar or list value against the type of its default."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: expected true or false, got {value!r}")
        return value
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: expected a number, got {value!r}")
        if isinstance(default, int) and value != int(value):
            raise ConfigError(f"{path}: expected a whole number, got {value!r}")
        return type(default)(value)
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ConfigError(f"{path}: expected a mapping of text to text, got {value!r}")
        return {k.strip().lower(): v.strip().lower() for k, v in value.items()}
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise ConfigError(f"{path}: expected a list of codes, got {value!r}")
        return [str(v) for v in value]
    if isinstance(value, date):  # YAML reads 2026-12-01 as a date: kept as its ISO text
        return value.isoformat()
    if not isinstance(value, (str, int)):
        raise ConfigError(f"{path}: expected text, got {value!r}")
    return str(value)


def load_config(path: Path | str | None = None) -> Config:
    """Read config.yaml (``path``, else ``SENDLIB_CONFIG``, else the project's) into a Config.

    A missing file gives the defaults; a malformed one raises ConfigError naming the key.
    """
    chosen = Path(path or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH)
    if not chosen.exists():
        return Config()
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{chosen}: not valid YAML ({exc})") from exc
    config = _build(Config, raw, "")
    _check_roles(config.access)
    _check_comparators(config.comparators)
    if config.access.longest_wait_seconds < config.access.first_wait_seconds:
        raise ConfigError(
            "access.longest_wait_seconds must be at least access.first_wait_seconds "
            f"(got {config.access.longest_wait_seconds} and {config.access.first_wait_seconds})"
        )
    feedback = config.publish.feedback.strip()
    if feedback and not feedback.startswith(("mailto:", "https://")):
        raise ConfigError(f"publish.feedback: '{feedback}' must start with mailto: or https://")
    for name, value in config.public.dates.items():
        try:
            if value:
                date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"public.{name}: '{value}' is not a date; write it as YYYY-MM-DD") from None
    if config.commitments.red_ratio >= config.commitments.green_ratio:
        raise ConfigError(
            "commitments.red_ratio must be below commitments.green_ratio "
            f"(got {config.commitments.red_ratio:g} and {config.commitments.green_ratio:g})"
        )
    return config


ROLES = ("officer", "commissioner", "forum")


def _check_comparators(comparators: list[str]) -> None:
    """Every comparator is an area DfE lists (its code, or an LA's old three-digit code) or statistical_neighbours."""
    for entry in comparators:
        if entry != STATISTICAL_NEIGHBOURS and entry.strip().upper() not in area_spellings():
            raise ConfigError(
                f"comparators: '{entry}' is neither an area code DfE lists (E92000001 for England, a region's "
                f"E12… code, an LA's code or old three-digit code) nor {STATISTICAL_NEIGHBOURS}"
            )


def _check_roles(access: AccessConfig) -> None:
    """Every role named in the access settings must be one of ROLES."""
    named = {
        "access.default_role": [access.default_role],
        "access.roles_by_email": list(access.roles_by_email.values()),
        "access.roles_by_domain": list(access.roles_by_domain.values()),
    }
    for key, roles in named.items():
        wrong = [role for role in roles if role not in ROLES]
        if wrong:
            raise ConfigError(f"{key}: '{wrong[0]}' is not a role; use one of {', '.join(ROLES)}")


def describe_keys(cls: type = Config, prefix: str = "") -> list[tuple[str, str, str]]:
    """Every config key as (dotted name, default, explanation), for documentation and tests."""
    rows: list[tuple[str, str, str]] = []
    instance = cls()
    for f in dataclasses.fields(cls):
        name = f"{prefix}{f.name}"
        value = getattr(instance, f.name)
        if dataclasses.is_dataclass(value):
            rows.extend(describe_keys(type(value), f"{name}."))
        else:
            rows.append((name, repr(value), f.metadata.get("help", "")))
    return rows
