"""The DuckDB store: the only module that imports duckdb.

Contract:
- ``Store.open(path)`` connects, applies numbered migrations (table ``schema_version``) and returns a
  Store. It is safe to share one Store between threads: every call takes its own cursor
  (DuckDB 2.0 refuses one connection used from two threads) and reads its result in full.
- Every write happens inside ``Store.transaction()``: one ``BEGIN … COMMIT`` under a process-wide lock,
  rolled back whole on any error, so readers never see half a load.
- Every duckdb error leaves this module as a ``StoreError`` kind (``_translate``, the one place): chosen by
  the exception's type, and for a file that will not open by looking at the file (its header, its lock),
  never by reading the message. A file held by another process is ``StoreLockedError`` saying what to do.
- Files beside the store: ``uploads/`` holds the kept copy of each census load (``<sha256>.csv``), and
  ``.<store file>.work/`` (``work_dir``, owner-only) is the only place an upload's bytes are written while
  a file is checked or loaded. Opening the store read-write finishes or drops what a crash left there:
  the private folder is emptied, a kept copy whose load committed is put in place, and temporary leftovers
  in ``uploads/`` are removed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pandas as pd

from sendlib.errors import StoreError as StoreError  # the store kind; imported from here as it always was

LOG = logging.getLogger(__name__)
Params = Sequence[Any] | dict[str, Any] | None


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file for writing."""


class StoreDamagedError(StoreError):
    """The store file is not a DuckDB database (damaged, or some other file)."""


class StoreVersionError(StoreError):
    """The store file was written by a DuckDB this one cannot read (a newer one)."""


class StoreConstraintError(StoreError):
    """A write broke a rule of the schema (a duplicate key, a missing value); the transaction was rolled back."""


class StoreInputError(StoreError):
    """DuckDB could not read what a statement gave it to read (chiefly a file its CSV reader stops on)."""


# Numbered migrations: each entry is applied once, in order, inside one transaction, and recorded in
# schema_version. Never edit a released entry; append a new one.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "census store with versioned loads",
        """
        CREATE TABLE loads (
            load_id     INTEGER PRIMARY KEY,
            kind        VARCHAR NOT NULL,          -- what was loaded: 'census'
            loaded_at   TIMESTAMP NOT NULL,
            loaded_by   VARCHAR NOT NULL,
            file_name   VARCHAR NOT NULL,
            file_size   BIGINT NOT NULL,
            sha256      VARCHAR NOT NULL,
            format      VARCHAR,
            rows_read   BIGINT,
            rows_stored BIGINT,
            periods     VARCHAR,
            areas       VARCHAR,
            warnings    VARCHAR,
            outcome     VARCHAR NOT NULL,          -- loaded | rejected | undone
            message     VARCHAR,
            undone_at   TIMESTAMP,
            undone_by   VARCHAR
        );
        CREATE SEQUENCE load_id_seq START 1;
        -- Every version of every census row is kept; the load that wrote it says which version it is.
        CREATE TABLE census (
            load_id          INTEGER NOT NULL,
            period           VARCHAR NOT NULL,
            geographic_level VARCHAR NOT NULL,
            area_code        VARCHAR NOT NULL,
            old_la_code      VARCHAR,
            area_name        VARCHAR NOT NULL,
            area_key         VARCHAR NOT NULL,     -- old LA code where there is one, so codes can change
            phase            VARCHAR NOT NULL,
            provision        VARCHAR NOT NULL,
            primary_need     VARCHAR NOT NULL,
            pupils           BIGINT,
            symbol           VARCHAR
        );
        -- The live census: for each (period, area) the rows of the newest load still in force.
        CREATE VIEW census_current AS
        SELECT c.* EXCLUDE (area_key), c.area_key
        FROM census c
        JOIN (
            SELECT period, area_key, max(load_id) AS load_id
            FROM census JOIN loads USING (load_id)
            WHERE loads.outcome = 'loaded'
            GROUP BY period, area_key
        ) live USING (period, area_key, load_id);
        """,
    ),
    (
        2,
        "local accounts and sign-in attempts",
        """
        CREATE TABLE users (
            email         VARCHAR PRIMARY KEY,     -- stored lower-case
            role          VARCHAR NOT NULL,
            password_hash VARCHAR NOT NULL,        -- argon2id, never the password
            created_at    TIMESTAMP NOT NULL,
            created_by    VARCHAR NOT NULL
        );
        CREATE TABLE sign_in_attempts (
            email     VARCHAR NOT NULL,
            attempted_at TIMESTAMP NOT NULL,
            succeeded BOOLEAN NOT NULL
        );
        """,
    ),
    (
        3,
        "the period given with a load (pupil-level extracts carry none of their own)",
        "ALTER TABLE loads ADD COLUMN period_given VARCHAR;",
    ),
    (
        4,
        "stakeholder groups, dated assessments and targets (history never overwritten)",
        """
        CREATE SEQUENCE stakeholder_id_seq START 1;
        CREATE TABLE stakeholder_groups (
            group_id    INTEGER PRIMARY KEY,
            name        VARCHAR NOT NULL UNIQUE,
            short_name  VARCHAR NOT NULL,          -- the label on the grid, where space is tight
            description VARCHAR NOT NULL,
            kind        VARCHAR NOT NULL,
            engagement  VARCHAR NOT NULL,          -- 'engage' | 'keep informed'
            created_at  TIMESTAMP NOT NULL,
            created_by  VARCHAR NOT NULL
        );
        CREATE TABLE stakeholder_assessments (
            assessment_id INTEGER PRIMARY KEY,
            group_id      INTEGER NOT NULL,
            assessed_on   DATE NOT NULL,
            influence     DOUBLE NOT NULL,
            interest      DOUBLE NOT NULL,
            assessed_by   VARCHAR NOT NULL,
            note          VARCHAR NOT NULL,
            recorded_at   TIMESTAMP NOT NULL,
            recorded_by   VARCHAR NOT NULL
        );
        CREATE TABLE stakeholder_targets (
            target_id   INTEGER PRIMARY KEY,
            group_id    INTEGER NOT NULL,
            influence   DOUBLE NOT NULL,
            interest    DOUBLE NOT NULL,
            target_date DATE NOT NULL,
            reason      VARCHAR NOT NULL,
            set_on      DATE NOT NULL,              -- the date from which this target stands
            set_at      TIMESTAMP NOT NULL,
            set_by      VARCHAR NOT NULL
        );
        """,
    ),
    (
        5,
        "a change counter every write transaction bumps (the dashboard's cache key)",
        "CREATE TABLE data_changes (version BIGINT NOT NULL); INSERT INTO data_changes VALUES (0);",
    ),
    (
        6,
        "engagement activities, who took part (counts or hashed participant records), the store's secret key",
        """
        CREATE SEQUENCE engagement_id_seq START 1;
        CREATE TABLE engagement_activities (
            activity_id         INTEGER PRIMARY KEY,
            load_id             INTEGER,             -- the activity file that brought it; NULL: the form
            reference           VARCHAR NOT NULL,
            activity_date       DATE NOT NULL,
            title               VARCHAR NOT NULL,
            level               VARCHAR NOT NULL,    -- micro | meso | macro
            audience            VARCHAR NOT NULL,
            method              VARCHAR NOT NULL,
            lead_organisation   VARCHAR NOT NULL,
            notes               VARCHAR NOT NULL,
            hart_rung           INTEGER NOT NULL,
            kirby_level         VARCHAR,
            lundy_space         BOOLEAN NOT NULL,
            lundy_space_evidence VARCHAR NOT NULL,
            lundy_voice         BOOLEAN NOT NULL,
            lundy_voice_evidence VARCHAR NOT NULL,
            lundy_audience      BOOLEAN NOT NULL,
            lundy_audience_evidence VARCHAR NOT NULL,
            lundy_influence     BOOLEAN NOT NULL,
            lundy_influence_evidence VARCHAR NOT NULL,
            feedback_given      BOOLEAN NOT NULL,
            participant_records BOOLEAN NOT NULL,    -- true: who took part is in engagement_participants
            recorded_at         TIMESTAMP NOT NULL,
            recorded_by         VARCHAR NOT NULL,
            withdrawn_at        TIMESTAMP,           -- withdrawn activities are kept but count nowhere
            withdrawn_by        VARCHAR
        );
        -- Attendances by who took part; every breakdown adds up to its 'total' row ('Not known' fills it).
        CREATE TABLE engagement_counts (
            activity_id INTEGER NOT NULL,
            participant VARCHAR NOT NULL,            -- children and young people | parent carers
            dimension   VARCHAR NOT NULL,            -- total | provision | primary need | age band | setting
            category    VARCHAR NOT NULL,
            people      INTEGER NOT NULL
        );
        -- One row per person per activity; the reference given is never stored, only its keyed hash.
        CREATE TABLE engagement_participants (
            activity_id  INTEGER NOT NULL,
            participant  VARCHAR NOT NULL,
            person_hash  VARCHAR NOT NULL,
            provision    VARCHAR NOT NULL,
            primary_need VARCHAR NOT NULL,
            age_band     VARCHAR NOT NULL,
            setting      VARCHAR NOT NULL
        );
        CREATE TABLE store_secrets (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
        INSERT INTO store_secrets VALUES ('participant_key',
            replace(gen_random_uuid()::VARCHAR, '-', '') || replace(gen_random_uuid()::VARCHAR, '-', ''));
        -- Activities in force: entered in the form (and not withdrawn) or from a load not undone.
        CREATE VIEW engagement_current AS
        SELECT a.* FROM engagement_activities a LEFT JOIN loads l USING (load_id)
        WHERE a.withdrawn_at IS NULL AND (a.load_id IS NULL OR l.outcome = 'loaded');
        """,
    ),
    (
        7,
        "commitments with dated updates, RAG overrides, 'you said' items and the links between them",
        """
        CREATE SEQUENCE commitment_id_seq START 1;
        CREATE TABLE commitments (
            commitment_id INTEGER PRIMARY KEY,
            reference     VARCHAR NOT NULL UNIQUE,
            title         VARCHAR NOT NULL,
            full_text     VARCHAR NOT NULL,      -- as the strategy words it
            strategy      VARCHAR NOT NULL,
            section       VARCHAR NOT NULL,
            theme         VARCHAR NOT NULL,      -- priority or theme
            level         VARCHAR NOT NULL,      -- micro | meso | macro
            created_at    TIMESTAMP NOT NULL,
            created_by    VARCHAR NOT NULL
        );
        -- Owner and dates can change; each change is a new dated row, the latest in force.
        CREATE TABLE commitment_plans (
            plan_id       INTEGER PRIMARY KEY,
            commitment_id INTEGER NOT NULL,
            owner         VARCHAR NOT NULL,
            start_date    DATE NOT NULL,
            due_date      DATE NOT NULL,
            set_on        DATE NOT NULL,
            reason        VARCHAR NOT NULL,
            set_at        TIMESTAMP NOT NULL,
            set_by        VARCHAR NOT NULL
        );
        CREATE TABLE commitment_updates (
            update_id     INTEGER PRIMARY KEY,
            commitment_id INTEGER NOT NULL,
            updated_on    DATE NOT NULL,
            status        VARCHAR NOT NULL,      -- not started | in progress | complete | paused | dropped
            percent       DOUBLE NOT NULL,
            commentary    VARCHAR NOT NULL,
            evidence_link VARCHAR NOT NULL,
            updated_by    VARCHAR NOT NULL,
            recorded_at   TIMESTAMP NOT NULL,
            recorded_by   VARCHAR NOT NULL
        );
        -- An officer's RAG override with its reason; a row with rag NULL clears the one before it.
        CREATE TABLE commitment_rag_overrides (
            override_id   INTEGER PRIMARY KEY,
            commitment_id INTEGER NOT NULL,
            rag           VARCHAR,
            reason        VARCHAR NOT NULL,
            set_on        DATE NOT NULL,
            set_at        TIMESTAMP NOT NULL,
            set_by        VARCHAR NOT NULL
        );
        -- Which reach gaps a commitment is meant to close (e.g. provision / SEN support).
        CREATE TABLE commitment_reach_links (
            commitment_id INTEGER NOT NULL,
            dimension     VARCHAR NOT NULL,
            category      VARCHAR NOT NULL,
            PRIMARY KEY (commitment_id, dimension, category)
        );
        CREATE TABLE you_said (
            item_id       INTEGER PRIMARY KEY,
            said_on       DATE NOT NULL,
            said_by       VARCHAR NOT NULL,      -- which group
            what_was_said VARCHAR NOT NULL,
            theme         VARCHAR NOT NULL,
            activity_id   INTEGER,               -- the engagement activity it came from, where there is one
            created_at    TIMESTAMP NOT NULL,
            created_by    VARCHAR NOT NULL
        );
        -- "We did": dated responses; the latest says whether the item is open or closed.
        CREATE TABLE we_did (
            response_id   INTEGER PRIMARY KEY,
            item_id       INTEGER NOT NULL,
            what_we_did   VARCHAR NOT NULL,
            state         VARCHAR NOT NULL,      -- open (we are working on it) | closed
            published_on  DATE,                  -- NULL: not published yet
            recorded_at   TIMESTAMP NOT NULL,
            recorded_by   VARCHAR NOT NULL
        );
        CREATE TABLE you_said_links (
            item_id       INTEGER NOT NULL,
            commitment_id INTEGER NOT NULL,
            PRIMARY KEY (item_id, commitment_id)
        );
        """,
    ),
    # Issue 17, sign-in: attempts per client and bounded, one-time passwords, the account audit log.
    (
        8,
        "sign-in attempts per account and client (kept only for the failure window); one-time passwords; "
        "the account audit log",
        """
        -- Attempts are only kept for access.failure_window_minutes: the old table (no client) is not worth keeping.
        DROP TABLE sign_in_attempts;
        CREATE SEQUENCE sign_in_attempt_seq START 1;
        CREATE TABLE sign_in_attempts (
            attempt_id   BIGINT NOT NULL,
            email        VARCHAR NOT NULL,         -- as typed (normalised): also addresses with no account
            client       VARCHAR NOT NULL,         -- the visitor's network address, as the app sees it
            attempted_at TIMESTAMP NOT NULL,
            succeeded    BOOLEAN NOT NULL          -- false until the password is found right
        );
        ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
        ALTER TABLE users ADD COLUMN password_set_at TIMESTAMP;
        UPDATE users SET password_set_at = created_at;
        -- Who changed which account, when and how; never a password or a hash.
        CREATE SEQUENCE account_change_seq START 1;
        CREATE TABLE account_changes (
            change_id  BIGINT NOT NULL,
            changed_at TIMESTAMP NOT NULL,
            changed_by VARCHAR NOT NULL,
            account    VARCHAR NOT NULL,
            action     VARCHAR NOT NULL,           -- added | role changed | password reset | password set | removed
            detail     VARCHAR NOT NULL
        );
        """,
    ),
    # Issue 19, sign-in that lasts across reloads: a signed session token in a cookie carries the account's
    # session epoch; sign-out, a role change and a password change move it on, so every token issued before ends.
    (
        9,
        "session epochs on local accounts; the secret that signs session tokens",
        """
        ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE app_secrets (
            name  VARCHAR PRIMARY KEY,         -- what the secret is for: 'session signing'
            value VARCHAR NOT NULL             -- random, made in this store on first use; never in the repository
        );
        """,
    ),
    # Issue 20, DfE's EHC plan release (SEN2) as published: every measure of every file, tidy (one row per published
    # row and measure column), keyed like the census so an area keeps its identity across code changes.
    (
        10,
        "EHC plan figures from DfE's SEN2 release (tidy), the files each load brought",
        """
        CREATE TABLE ehcp (
            load_id          INTEGER NOT NULL,
            dataset          VARCHAR NOT NULL,  -- the release file's name without .csv: caseload, newplans, …
            period           VARCHAR NOT NULL,  -- time_period as published: '202425' (academic) or '2024' (calendar)
            period_kind      VARCHAR NOT NULL,  -- 'academic' | 'calendar' (from time_identifier)
            geographic_level VARCHAR NOT NULL,  -- 'National' | 'Regional' | 'Local authority' as published
            area_code        VARCHAR NOT NULL,  -- new_la_code, else region_code, else country_code
            old_la_code      VARCHAR,           -- LAs only, as text ('394')
            area_name        VARCHAR NOT NULL,
            area_key         VARCHAR NOT NULL,  -- old_la_code for an LA, else area_code (as census.area_key)
            region_code      VARCHAR,           -- the area's region (LAs and regions)
            breakdown_topic  VARCHAR NOT NULL,  -- as published, e.g. 'All EHC plans', 'Age'
            breakdown        VARCHAR NOT NULL,  -- as published, e.g. 'All EHC plans', 'Aged 10'
            measure          VARCHAR NOT NULL,  -- the published column name, lower case
            value            DOUBLE,            -- the figure exactly as published
            symbol           VARCHAR            -- DfE's symbol when there is no figure ('x', 'c', 'z', …)
        );
        -- The CSV files each EHC plan load brought (a zip brings several): a file already in force is skipped.
        CREATE TABLE ehcp_files (
            load_id   INTEGER NOT NULL,
            dataset   VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,         -- the member's path in the zip, or the CSV's own name
            sha256    VARCHAR NOT NULL,         -- of the CSV's bytes as published
            rows_read BIGINT NOT NULL,          -- published rows (data lines)
            rows_stored BIGINT NOT NULL         -- tidy rows written (rows × measure columns)
        );
        -- The live EHC plan figures: for each (dataset, period, area) the rows of the newest load still in force.
        CREATE VIEW ehcp_current AS
        SELECT e.* EXCLUDE (area_key), e.area_key
        FROM ehcp e
        JOIN (
            SELECT dataset, period, area_key, max(load_id) AS load_id
            FROM ehcp JOIN loads USING (load_id)
            WHERE loads.outcome = 'loaded'
            GROUP BY dataset, period, area_key
        ) live USING (dataset, period, area_key, load_id);
        """,
    ),
    # Issue 21, the Feedback page: what anyone (signed in or not) tells us about the service. Nobody's account is
    # kept with it, only the role they used; a contact line only when they chose to leave one.
    (
        11,
        "feedback sent from the Feedback page, and the 'you said' item an officer made of it",
        """
        CREATE SEQUENCE feedback_id_seq START 1;
        CREATE TABLE feedback (
            feedback_id  INTEGER PRIMARY KEY,
            received_at  TIMESTAMP NOT NULL,
            role         VARCHAR NOT NULL,      -- officer | commissioner | forum (also a visitor not signed in)
            page         VARCHAR NOT NULL,      -- the page it is about, as chosen ('' for the service as a whole)
            message      VARCHAR NOT NULL,
            contact      VARCHAR NOT NULL,      -- '' unless the sender chose to leave a way to reply
            item_id      INTEGER,               -- the 'you said' item an officer made of it (NULL: not used)
            used_at      TIMESTAMP,
            used_by      VARCHAR
        );
        """,
    ),
]

# One writer at a time in this process: DuckDB raises a conflict when two transactions update one
# row, and loads are rare enough that serialising them costs nothing.
_WRITE_LOCK = threading.RLock()
_NESTING = threading.local()  # this thread's open transactions: commit hooks run after the outermost
# Store files this process holds open read-write, and how many times: a second open of one file in the same
# process (DuckDB shares the database) must not wipe the work folder under a check the first is running.
_OPEN_FOR_WRITING: dict[str, int] = {}


# DuckDB's exception types that have a kind of their own; any other duckdb error is a plain StoreError.
_KIND_OF: tuple[tuple[type[duckdb.Error], type[StoreError]], ...] = (
    (duckdb.ConstraintException, StoreConstraintError),
    (duckdb.InvalidInputException, StoreInputError),
)
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file, after the header block's checksum


def _translate(exc: duckdb.Error, path: str, *, opening: bool = False) -> StoreError:
    """The StoreError kind for a duckdb exception, with a message a user can act on.

    The kind comes from the exception's type (``_KIND_OF``). Every reason a file will not open is the same type
    (``IOException``: held by another process, not a DuckDB file, too new a version), so when ``opening`` the
    file itself says which (``_why_unopenable``). The message text is only ever shown, never read.
    """
    if opening and isinstance(exc, duckdb.IOException) and (found := _why_unopenable(path)) is not None:
        return found
    text = str(exc)
    kind = next((kind for duckdb_type, kind in _KIND_OF if isinstance(exc, duckdb_type)), StoreError)
    return kind(f"Data store error: {text.splitlines()[0] if text else type(exc).__name__}")


def _why_unopenable(path: str) -> StoreError | None:
    """Why DuckDB could not open the existing file ``path``, found from the file: not a DuckDB file, a lock another
    process holds, or (a DuckDB file nobody holds that this user may read and write) a newer DuckDB's format.
    None when it is none of these (no such file, no permission): the caller reports DuckDB's own words.

    The file is opened only after DuckDB failed to, so this process holds no lock on it that closing our
    descriptor could release (POSIX drops a process's locks on a file when any descriptor of it closes).
    """
    if path == ":memory:" or not os.path.isfile(path) or not os.access(path, os.R_OK | os.W_OK):
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        if os.read(fd, 12)[8:12] != DUCKDB_MAGIC:
            return StoreDamagedError(
                f"The data store {path} is damaged or is not a DuckDB file; restore it from a backup "
                "(python -m sendlib restore DIR --force) or move it aside to start afresh."
            )
        try:  # DuckDB locks the file itself: a writer exclusively, readers shared; either refuses this probe
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return StoreLockedError(
                f"The data store {path} is in use by another program (most likely the running dashboard). "
                "Load files through the dashboard's Upload page (backups: set store.backup_folder so the "
                "dashboard makes them), or stop the dashboard and run the command again."
            )
        fcntl.lockf(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return StoreVersionError(
        f"The data store {path} was written by a newer DuckDB version than this one; "
        "install the pinned requirements (make run) or restore a backup."
    )


UPLOADS_FOLDER = "uploads"
KEPT_PENDING_PREFIX = "kept-"  # a kept copy waiting in work_dir for its load's commit: kept-<sha256>-….csv
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def work_dir_for(path: Path | str) -> Path:
    """The private work folder of the store file ``path``: ``.<file name>.work`` beside it (one per store)."""
    location = Path(path)
    return location.with_name(f".{location.name}.work")


def _empty_private_folder(folder: Path) -> None:
    """Remove ``folder`` and all in it, then make it again, empty and owner-only."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(PRIVATE_FOLDER_MODE)  # mkdir's mode is filtered by the umask


class Store:
    """A DuckDB file (or ``:memory:``) with the project schema applied."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: str) -> None:
        self._con = connection
        self.path = path
        self._memory_work_dir: Path | None = None
        self._open_key: str | None = None  # set while this Store counts in _OPEN_FOR_WRITING
        self._commit_hooks: list[Callable[[], None]] = []

    def add_commit_hook(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` after every committed change (a transaction that ``counts_as_change``: every load, undo
        and edit), once the write lock is released, in the writing thread. The write has committed before it
        runs: a hook that raises is logged and the write still succeeds (``sendlib.publish.keep_current``)."""
        self._commit_hooks.append(hook)

    def _after_commit(self) -> None:
        for hook in list(self._commit_hooks):
            try:
                hook()
            except Exception:  # the write is committed: nothing a hook does may undo or fail it
                LOG.exception("A hook after a committed write failed")

    @property
    def uploads_dir(self) -> Path | None:
        """Where the kept copies of census loads live: ``uploads/`` beside the store (None in memory)."""
        return None if self.path == ":memory:" else Path(self.path).parent / UPLOADS_FOLDER

    @property
    def work_dir(self) -> Path:
        """The owner-only folder for an upload's bytes while it is checked or loaded (created if missing).

        Beside a store file it is emptied whenever the store is opened read-write, so nothing a crash left
        there outlives the next start; an in-memory store (tests) gets a private temporary folder that
        ``close`` removes.
        """
        if self.path == ":memory:":
            if self._memory_work_dir is None:
                self._memory_work_dir = Path(tempfile.mkdtemp(prefix="sendlib-work-"))  # mode 0700
            return self._memory_work_dir
        folder = work_dir_for(self.path)
        if not folder.is_dir():
            folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
            folder.chmod(PRIVATE_FOLDER_MODE)
        return folder

    def committed_census_hashes(self) -> set[str]:
        """The SHA-256 of every census file with a committed load (in force or undone): the kept files."""
        return {
            row[0]
            for row in self.query_rows(
                "SELECT DISTINCT sha256 FROM loads WHERE kind = 'census' AND outcome IN ('loaded', 'undone')"
            )
        }

    def _tidy_files(self) -> None:
        """At start-up (read-write, so no other process is using the store): finish or drop what a crash left.

        A kept copy still waiting in the work folder for a load that did commit is put in place; then the
        work folder is emptied (uploads being checked, UTF-8 copies, copies of loads that never committed),
        and ``uploads/`` loses its temporary files. A kept file reaches ``uploads/`` only after its load has
        committed, so a ``<sha256>.csv`` there that this store has no load for belongs to another store in the
        folder (or to the live store while a restore rebuilds one beside it) and is left alone.
        """
        work, uploads = work_dir_for(self.path), self.uploads_dir
        if uploads is None:  # in memory: nothing beside it (and open never tidies one)
            return
        committed = self.committed_census_hashes()
        if work.is_dir():
            for pending in work.glob(f"{KEPT_PENDING_PREFIX}*.csv"):
                sha256 = pending.name[len(KEPT_PENDING_PREFIX) : len(KEPT_PENDING_PREFIX) + 64]
                if sha256 in committed and not (uploads / f"{sha256}.csv").exists():
                    uploads.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
                    os.replace(pending, uploads / f"{sha256}.csv")
        _empty_private_folder(work)
        if uploads.is_dir():
            for path in uploads.iterdir():
                if path.is_file() and path.name.startswith("."):
                    path.unlink(missing_ok=True)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Store:
        """Connect to ``path`` (created if missing, parent folders too) and bring its schema up to date."""
        location = str(path)
        if location != ":memory:" and not read_only:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(location, read_only=read_only)
        except duckdb.Error as exc:
            raise _translate(exc, location, opening=True) from exc
        store = cls(con, location)
        if not read_only:
            store.migrate()
            if location != ":memory:":
                store._claim_files()
        return store

    def _claim_files(self) -> None:
        """Count this Store among the process's writers of its file; the first one tidies the folders beside
        it (``_tidy_files``). DuckDB's spill files go to the private folder too. StoreError when it cannot."""
        key = str(Path(self.path).resolve())
        try:
            with _WRITE_LOCK:
                if not _OPEN_FOR_WRITING.get(key):
                    self._tidy_files()
                _OPEN_FOR_WRITING[key] = _OPEN_FOR_WRITING.get(key, 0) + 1
                self._open_key = key
            # DuckDB spills big intermediate tables (a pupil extract's rows among them) to disk: into the
            # private folder, so that a crash leaves them where the next start wipes them.
            spill = str(work_dir_for(self.path) / "duckdb-spill").replace("'", "''")
            self._con.execute(f"SET temp_directory = '{spill}'")
        except (OSError, duckdb.Error) as exc:
            self.close()
            raise StoreError(
                f"The folders beside the data store {self.path} cannot be tidied ({exc}); "
                "check that this user owns them and may write there."
            ) from exc

    def close(self) -> None:
        """Close the underlying connection (and with it every cursor); an in-memory store's work folder goes."""
        self._con.close()
        if self._open_key is not None:
            with _WRITE_LOCK:
                _OPEN_FOR_WRITING[self._open_key] -= 1
            self._open_key = None
        if self._memory_work_dir is not None:
            shutil.rmtree(self._memory_work_dir, ignore_errors=True)
            self._memory_work_dir = None

    # -- reading ---------------------------------------------------------------------------------
    def query_df(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a read query on a fresh cursor and return the whole result as a DataFrame."""
        try:
            with self._con.cursor() as cur:
                return cur.execute(sql, params).df()
        except duckdb.Error as exc:
            raise _translate(exc, self.path) from exc

    def query_rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a read query on a fresh cursor and return every row as a tuple."""
        try:
            with self._con.cursor() as cur:
                return cur.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise _translate(exc, self.path) from exc

    def query_value(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row, or None when there are no rows."""
        rows = self.query_rows(sql, params)
        return rows[0][0] if rows else None

    def write_csv(self, sql: str, out: BinaryIO) -> None:
        """Write a query's whole result as CSV (a header, NULL as a blank) to ``out``: DuckDB writes it to a file in
        the private work folder, which is then copied across, so that millions of rows never sit in Python."""
        handle, name = tempfile.mkstemp(prefix="export-", suffix=".csv", dir=self.work_dir)
        os.close(handle)
        try:
            quoted = name.replace("'", "''")
            try:
                with self._con.cursor() as cur:
                    cur.execute(f"COPY ({sql}) TO '{quoted}' (FORMAT csv, HEADER true)")
            except duckdb.Error as exc:
                raise _translate(exc, self.path) from exc
            with open(name, "rb") as written:
                shutil.copyfileobj(written, out)
        finally:
            Path(name).unlink(missing_ok=True)

    # -- writing ---------------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, counts_as_change: bool = True) -> Iterator[Transaction]:
        """One all-or-nothing write: commits when the block ends, rolls back on any exception.

        Every committed write bumps the change counter (``data_version``), so cached views refresh.
        """
        changed = False
        with _WRITE_LOCK:
            cur = self._con.cursor()
            _NESTING.depth = getattr(_NESTING, "depth", 0) + 1
            try:
                cur.execute("BEGIN TRANSACTION")
                yield Transaction(cur, self.path)
                if counts_as_change:
                    cur.execute("UPDATE data_changes SET version = version + 1")
                cur.execute("COMMIT")
                changed = counts_as_change
            except BaseException as exc:
                with suppress(duckdb.Error):  # the transaction was already aborted by duckdb itself
                    cur.execute("ROLLBACK")
                if isinstance(exc, duckdb.Error):
                    raise _translate(exc, self.path) from exc
                raise
            finally:
                _NESTING.depth -= 1
                cur.close()
        if changed and _NESTING.depth == 0:  # the outermost write, its lock released
            self._after_commit()

    def migrate(self) -> int:
        """Apply every migration not yet recorded; returns the schema version now in force."""
        with self.transaction(counts_as_change=False) as tx:
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP DEFAULT now())"
            )
            applied = {row[0] for row in tx.fetchall("SELECT version FROM schema_version")}
            for version, description, sql in MIGRATIONS:
                if version in applied:
                    continue
                tx.execute(sql)
                tx.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, description])
        return self.schema_version()

    def schema_version(self) -> int:
        """The highest migration applied to this store (0 for none)."""
        return int(self.query_value("SELECT coalesce(max(version), 0) FROM schema_version") or 0)

    def export_to(self, folder: Path) -> dict[str, int]:
        """Write every table, view and sequence to ``folder`` (Parquet files plus DuckDB's schema.sql and
        load.sql) as one consistent snapshot, and return the rows in each table *of that snapshot*.

        No write of this process can happen while it runs; the counts are taken under the same lock,
        because counting afterwards races any write in between (the app's first run stores its signing
        secret while the backup thread works) and the manifest would not match the files.
        """
        quoted = str(folder).replace("'", "''")
        with _WRITE_LOCK:
            try:
                with self._con.cursor() as cur:
                    cur.execute(f"EXPORT DATABASE '{quoted}' (FORMAT parquet)")
            except duckdb.Error as exc:
                raise _translate(exc, self.path) from exc
            return self.table_counts()

    @classmethod
    def import_from(cls, folder: Path, path: Path) -> Store:
        """A new store at ``path`` (which must not exist) rebuilt from an ``export_to`` folder."""
        quoted = str(folder).replace("'", "''")
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise _translate(exc, str(path), opening=True) from exc
        try:
            con.execute(f"IMPORT DATABASE '{quoted}'")
        except duckdb.Error as exc:
            raise _translate(exc, str(path)) from exc
        store = cls(con, str(path))
        store.migrate()  # a backup from an older version is brought up to date
        return store

    def table_names(self) -> list[str]:
        """Every base table of the store (not views), sorted."""
        return [
            row[0]
            for row in self.query_rows(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema = 'main' ORDER BY 1"
            )
        ]

    def table_counts(self) -> dict[str, int]:
        """Rows in every base table of the store, by name."""
        return {name: int(self.query_value(f'SELECT count(*) FROM "{name}"')) for name in self.table_names()}

    def data_version(self) -> str:
        """A token that changes with every committed write: a cache key for query results."""
        return str(self.query_value("SELECT version FROM data_changes"))


class Transaction:
    """The cursor of one open transaction; every statement runs inside it."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, path: str) -> None:
        self._cur = cursor
        self._path = path

    def execute(self, sql: str, params: Params = None) -> None:
        """Run one statement in the transaction (results, if any, are discarded). Errors: StoreError."""
        try:
            self._cur.execute(sql, params)
        except duckdb.Error as exc:
            raise _translate(exc, self._path) from exc

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query in the transaction and return its rows (it sees the transaction's own writes)."""
        try:
            return self._cur.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise _translate(exc, self._path) from exc

    def fetch_df(self, sql: str, params: Params = None) -> pd.DataFrame:
        """Run a query in the transaction and return its result as a DataFrame."""
        try:
            return self._cur.execute(sql, params).df()
        except duckdb.Error as exc:
            raise _translate(exc, self._path) from exc

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Append every row of ``frame`` to ``table`` (columns matched by name) in the transaction."""
        name = "_frame_to_insert"
        columns = ", ".join(f'"{column}"' for column in frame.columns)
        try:
            self._cur.register(name, frame)
            try:
                self._cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
            finally:
                self._cur.unregister(name)
        except duckdb.Error as exc:
            raise _translate(exc, self._path) from exc

    def fetch_value(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row of a query in the transaction."""
        rows = self.fetchall(sql, params)
        return rows[0][0] if rows else None
