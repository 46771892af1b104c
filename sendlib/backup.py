"""Backups: everything in an open format, and a store rebuilt from it.

``backup`` writes a folder holding the whole store as Parquet (DuckDB's EXPORT DATABASE: every table —
census history, the load log, engagement, commitments, accounts — plus views and sequences), the copy kept
of each of the store's census loads (never the private work folder), and a manifest with each table's row
count. ``restore`` rebuilds a store from such a folder, checks every count against the manifest, and only
then puts it in place; it refuses to replace a store that holds data unless told to (``force``), and keeps
the replaced file beside it.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from sendlib.store import Store, StoreError

MANIFEST = "manifest.json"
DATABASE = "database"
UPLOADS = "uploads"


class BackupError(StoreError):
    """A backup or restore was refused or failed; the message says why and what to do."""


def holds_data(store: Store) -> bool:
    """True when anything has been recorded: a load, an account, an activity, a commitment, a group."""
    counts = store.table_counts()
    return any(
        counts.get(name, 0)
        for name in ("loads", "users", "engagement_activities", "commitments", "stakeholder_groups", "you_said")
    )


def backup(store: Store, out: Path) -> str:
    """Write a consistent copy of the store and its kept uploads to the new (or empty) folder ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; give a new folder for the backup (one per day, say).")
    out.mkdir(parents=True, exist_ok=True)
    counts = store.export_to(out / DATABASE)
    copied = _copy_kept_uploads(store, out / UPLOADS)
    manifest = {
        "made_at": datetime.now().isoformat(timespec="seconds"),
        "store": store.path,
        "schema_version": store.schema_version(),
        "tables": counts,
        "uploads": copied,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return f"Backed up {sum(counts.values()):,} rows in {len(counts)} tables and {len(copied)} kept upload(s) to {out}."


def _copy_kept_uploads(store: Store, folder: Path) -> list[str]:
    """Copy the kept file of each of this store's committed census loads into ``folder``; their names.

    Only ``uploads/<sha256>.csv`` files of loads in the store are copied: never a temporary file, a file
    another store beside it kept, or anything in the store's private work folder (uploads being checked).
    """
    kept = store.uploads_dir
    if kept is None or not kept.is_dir():
        return []
    names = sorted(f"{sha256}.csv" for sha256 in store.committed_census_hashes() if (kept / f"{sha256}.csv").is_file())
    if names:
        folder.mkdir()
        for name in names:
            shutil.copy2(kept / name, folder / name)
    return names


def restore(source: Path, db_path: Path, *, force: bool = False) -> str:
    """Rebuild the store at ``db_path`` from the backup folder ``source``.

    Refuses (BackupError) when ``db_path`` holds data and ``force`` is not given, when the folder is not a
    backup, or when a table's row count after the rebuild differs from the manifest; the store in place is
    untouched until the rebuilt one has been checked.
    """
    source, db_path = Path(source), Path(db_path)
    manifest_path = source / MANIFEST
    if not manifest_path.exists() or not (source / DATABASE / "schema.sql").exists():
        raise BackupError(f"{source} is not a backup made by 'python -m sendlib backup' (no {MANIFEST}).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if db_path.exists():
        current = Store.open(db_path, read_only=True)
        try:
            occupied = holds_data(current)
        finally:
            current.close()
        if occupied and not force:
            raise BackupError(
                f"{db_path} already holds data; restoring would replace it. Run again with --force "
                "to replace it (the current file is kept beside it)."
            )
    staging = db_path.with_name(db_path.name + ".restoring")
    for stale in db_path.parent.glob(staging.name + "*"):
        stale.unlink()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    rebuilt = Store.import_from(source / DATABASE, staging)
    try:
        counts = rebuilt.table_counts()
        wrong = {
            name: (expected, counts.get(name))
            for name, expected in manifest["tables"].items()
            if counts.get(name) != expected
        }
        if wrong:
            raise BackupError(
                f"The rebuilt store does not match the backup's manifest ({wrong}); nothing was replaced."
            )
    except BaseException:
        rebuilt.close()
        staging.unlink(missing_ok=True)
        raise
    rebuilt.close()
    kept = ""
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        db_path.rename(aside)
        Path(str(db_path) + ".wal").unlink(missing_ok=True)
        kept = f" The store it replaced is kept as {aside.name}."
    staging.rename(db_path)
    if (source / UPLOADS).exists():
        shutil.copytree(source / UPLOADS, db_path.parent / UPLOADS, dirs_exist_ok=True)
    rows = sum(manifest["tables"].values())
    return f"Restored {rows:,} rows in {len(manifest['tables'])} tables into {db_path}.{kept}"
