"""Command line for officers' scripts: ``python -m sendlib [--db PATH] COMMAND …``.

Exit codes: 0 done, 1 the input or the store was refused (reason on stderr, nothing written),
2 the command itself was wrong (usage). Every refusal is a ``SendlibError``, caught once: a refused file prints
its list of problems (``IngestRejected.describe``), any other refusal ``error: <message>``.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sendlib import auth
from sendlib.backup import backup, restore
from sendlib.config import ROLES, Config, load_config
from sendlib.errors import SendlibError
from sendlib.ingest import IngestRejected, load_census
from sendlib.ingest.census import FORMATS, record_rejection
from sendlib.ingest.ehcp import export_sql, load_ehcp
from sendlib.ingest.engagement import load_engagement
from sendlib.loads import query_load_history, undo_load
from sendlib.store import Store, StoreLockedError

if TYPE_CHECKING:
    from sendlib.publish import Republisher

CENSUS_EXPORT_COLUMNS = [
    "period",
    "geographic_level",
    "area_code",
    "old_la_code",
    "area_name",
    "phase",
    "provision",
    "primary_need",
    "pupils",
    "symbol",
]


# Commands that change the figures: with publish.folder set, the public site is republished after them.
WRITES_DATA = ("init", "ingest", "undo")
# Commands that only read or change what is there: on a missing store they say so rather than create one.
READS_ONLY = ("history", "undo", "export", "backup", "pack", "publish")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sendlib", description="SEND Commissioning Dashboard data tools.")
    parser.add_argument("--db", help="DuckDB store file (default: SENDLIB_DB, else store.path in config.yaml)")
    parser.add_argument("--config", help="config.yaml to use (default: SENDLIB_CONFIG, else the project's)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the store (and load the demo data with --demo)")
    init.add_argument("--demo", action="store_true", help="load the shipped demo data if the store is empty")

    ingest = commands.add_parser("ingest", help="load a file into the store")
    ingest.add_argument(
        "kind", choices=["census", "engagement", "ehcp"], help="what the file holds (ehcp: DfE's EHC plan release)"
    )
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--period", help="census period such as 202425, for files without a period column")
    ingest.add_argument("--format", default="auto", choices=["auto", *FORMATS], help="file layout (default: detect)")

    commands.add_parser("history", help="list every load, newest first")

    undo = commands.add_parser("undo", help="undo a load (the earlier version comes back)")
    undo.add_argument("load_id", type=int)

    export = commands.add_parser("export", help="write a canonical table as CSV to stdout")
    export.add_argument("table", choices=["census", "ehcp"], help="census, or ehcp (the EHC plan figures in force)")

    backup_command = commands.add_parser("backup", help="write a consistent copy of everything (Parquet) to a folder")
    backup_command.add_argument("--out", required=True, type=Path, help="a new or empty folder")
    restore_command = commands.add_parser("restore", help="rebuild the store from a backup folder")
    restore_command.add_argument("folder", type=Path)
    restore_command.add_argument("--force", action="store_true", help="replace a store that already holds data")

    pack_command = commands.add_parser("pack", help="write the meeting pack (PowerPoint or PDF)")
    pack_command.add_argument("--out", required=True, type=Path, help="FILE.pptx or FILE.pdf")
    pack_command.add_argument(
        "--role",
        default="commissioner",
        choices=ROLES,
        help="whose pack: forum packs hide small numbers (default: commissioner)",
    )

    publish_command = commands.add_parser(
        "publish", help="write the public website of the forum's views (small numbers hidden) to a folder"
    )
    publish_command.add_argument(
        "--out", type=Path, help="the site's folder, created or replaced whole (default: publish.folder in config.yaml)"
    )

    user = commands.add_parser("user", help="manage local accounts (when no OpenID Connect provider is set up)")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create an account")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user_commands.add_parser("list", help="list accounts (never their passwords or hashes)")
    remove = user_commands.add_parser("remove", help="delete an account")
    remove.add_argument("email")
    set_role = user_commands.add_parser("set-role", help="change an account's role")
    set_role.add_argument("email")
    set_role.add_argument("role", choices=ROLES)
    reset = user_commands.add_parser(
        "reset-password",
        help="give an account a one-time password (printed once; a new one must be chosen at the next sign-in)",
    )
    reset.add_argument("email")
    log = user_commands.add_parser("log", help="the account audit log, newest first (who changed which account)")
    log.add_argument("--limit", type=int, default=50, help="how many changes to show (default 50)")
    return parser


def _actor() -> auth.Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown user"
    return auth.command_line_actor(name)


def _read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a terminal (never an argument)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise auth.AuthError("No terminal to type a password into: pass --password-stdin and pipe it in.")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise auth.AuthError("The two passwords differ; nothing was changed.")
    return first


def _refusal(exc: SendlibError) -> str:
    """What stderr says for a refusal: a refused file's own account of its problems, else ``error: <message>``."""
    return exc.describe() if isinstance(exc, IngestRejected) else f"error: {exc}"


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    args = _parser().parse_args(argv)  # exits 2 with a usage message on bad arguments
    try:
        config = load_config(args.config)
        db_path = Path(args.db) if args.db else config.db_path
        if args.command == "restore":  # the store must not be held open while it is replaced
            print(restore(args.folder, db_path, force=args.force))
            return 0
        if args.command in READS_ONLY and str(db_path) != ":memory:" and not db_path.exists():
            print(
                f"error: there is no data store at {db_path} yet; start the dashboard (make run) or run "
                "'python -m sendlib init' to create it, or give the right one with --db.",
                file=sys.stderr,
            )
            return 1
        store = Store.open(db_path)
    except SendlibError as exc:
        print(_refusal(exc), file=sys.stderr)
        if args.command == "user" and isinstance(exc, StoreLockedError):
            print("While the dashboard runs, officers manage accounts on its Accounts page.", file=sys.stderr)
        return 1
    republisher = _keep_site_current(store, config) if args.command in WRITES_DATA else None
    try:
        return _run(args, store, config)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stderr.close()
        return 0
    except SendlibError as exc:
        print(_refusal(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a person gets a sentence, never a traceback with server paths
        if args.command == "ingest":  # on record like any refused load (the load itself was rolled back)
            size = args.file.stat().st_size if args.file.is_file() else 0
            record_rejection(
                store,
                args.file.name,
                size,
                "",
                _actor().name,
                args.kind,
                f"stopped by an unexpected problem ({type(exc).__name__})",
                kind=args.kind,
            )
        print(
            f"error: the command stopped on an unexpected problem ({type(exc).__name__}); nothing was written. "
            "Please report it, with the command you ran.",
            file=sys.stderr,
        )
        return 1
    finally:
        if republisher is not None:
            _finish_republishing(republisher)
        store.close()


def _finish_republishing(republisher: Republisher) -> None:
    """Let the republish this command's write started finish before the store closes, and say how it went (a
    failed republish never changes the command's exit code: the write itself was done)."""
    from sendlib.publish import read_status

    if republisher.wait() and republisher.runs:
        status = read_status(republisher.out)
        if status is not None:
            print(status.message, file=sys.stdout if status.ok else sys.stderr)
    republisher.close()


def _run(args: argparse.Namespace, store: Store, config: Config) -> int:
    if args.command == "init":
        # Imported here: the demo's commitments bring Plotly, which a census load from the command line never needs.
        from sendlib.demo import load_demo, store_is_empty

        if args.demo and store_is_empty(store):
            for line in load_demo(store, config):  # every demo dataset it loaded, one line each
                print(line)
        if args.demo:
            print_demo_accounts(auth.create_demo_accounts(store))
        print(f"Store ready: {store.path} (schema version {store.schema_version()}).")
        return 0
    if args.command == "ingest":
        if not args.file.is_file():
            print(f"error: {args.file} does not exist or is not a file.", file=sys.stderr)
            return 1
        if args.kind == "engagement":
            print(load_engagement(store, args.file, config=config, actor=_actor()).summary())
            return 0
        if args.kind == "ehcp":  # a local file of any size: the upload limit is the Upload page's
            for line in load_ehcp(store, args.file, config=config, actor=_actor()).lines():
                print(line)
            return 0
        report = load_census(store, args.file, config=config, actor=_actor(), fmt=args.format, period=args.period)
        print(report.summary())
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    if args.command == "history":
        for line in format_history(query_load_history(store)):
            print(line)
        return 0
    if args.command == "undo":
        print(undo_load(store, args.load_id, _actor()))
        return 0
    if args.command == "export":
        if args.table == "ehcp":
            sys.stdout.flush()
            store.write_csv(export_sql(), sys.stdout.buffer)
        else:
            _export_census(store)
        return 0
    if args.command == "user":
        return _run_user(args, store)
    if args.command == "pack":
        return _write_pack(args, store, config)
    if args.command == "backup":
        print(backup(store, args.out))
        return 0
    if args.command == "publish":
        return _publish(args, store, config)
    raise AssertionError(f"unhandled command {args.command}")


def _write_pack(args: argparse.Namespace, store: Store, config: Config) -> int:
    """Build the meeting pack for a role and write the deck or the PDF, as the file name says."""
    suffix = args.out.suffix.lower()
    if suffix not in (".pptx", ".pdf"):
        print(f"error: {args.out} must end in .pptx or .pdf.", file=sys.stderr)
        return 1
    # Imported here: the pack brings python-pptx, reportlab and Kaleido (a third of a second) that no other
    # command needs, and every census load from the command line would pay for them.
    from sendlib import pack
    from sendlib.views import Audience

    slides, deck, pdf = pack.make_pack(store, config, Audience.of(args.role, config), date.today())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(deck if suffix == ".pptx" else pdf)
    print(f"Wrote {args.out}: {len(slides) + 1} slides for the {args.role} role.")
    return 0


def _publish(args: argparse.Namespace, store: Store, config: Config) -> int:
    """Write the public site into ``--out`` (else ``publish.folder``)."""
    out = args.out or config.publish_folder
    if out is None:
        print("error: say where to publish the site: --out DIR, or publish.folder in config.yaml.", file=sys.stderr)
        return 1
    if out.exists() and not out.is_dir():
        print(f"error: {out} is a file, not a folder: give a folder to publish the site into.", file=sys.stderr)
        return 1
    # Imported here: the site brings Jinja2 and Kaleido, which no other command needs.
    from sendlib.publish import publish

    print(publish(store, config, out).summary())
    return 0


def _keep_site_current(store: Store, config: Config) -> Republisher | None:
    """With ``publish.folder`` set, a write of this command republishes the site (``sendlib.publish``)."""
    if config.publish_folder is None:
        return None
    from sendlib.publish import keep_current  # Jinja2, Plotly and Kaleido: only when a site is kept

    return keep_current(store, config)


def _run_user(args: argparse.Namespace, store: Store) -> int:
    """The ``user`` commands: each change is checked and written to the account audit log as the command line."""
    if args.user_command == "add":
        email = auth.add_user(store, args.email, args.role, _read_password(args.password_stdin), by=_actor())
        print(f"Added {email} as {args.role}.")
    elif args.user_command == "list":
        for row in auth.list_users(store).itertuples():
            note = "\tmust choose a new password" if row.must_change_password else ""
            print(f"{row.email}\t{row.role}\tadded {row.created_at:%Y-%m-%d} by {row.created_by}{note}")
    elif args.user_command == "remove":
        auth.remove_user(store, args.email, by=_actor())
        print(f"Removed {args.email.strip().lower()}.")
    elif args.user_command == "set-role":
        auth.set_role(store, args.email, args.role, by=_actor())
        print(f"{args.email.strip().lower()} is now {args.role}.")
    elif args.user_command == "reset-password":
        password = auth.reset_password(store, args.email, by=_actor())
        print(
            f"One-time password for {args.email.strip().lower()} (shown once, not stored): {password}\n"
            "They must choose a new password when they sign in with it."
        )
    elif args.user_command == "log":
        for row in auth.query_account_changes(store, max(1, args.limit)).itertuples():
            print(f"{row.changed_at:%Y-%m-%d %H:%M}\t{row.changed_by}\t{row.action}\t{row.account}\t{row.detail}")
    return 0


def print_demo_accounts(created: list[tuple[str, str, str]]) -> None:
    """Show the demo accounts' passwords: printed once, here, and stored only as hashes."""
    if not created:
        return
    print("\nDemo accounts (DEMO ONLY: shown once, not stored; remove them with `user remove` before real use):")
    for email, role, password in created:
        print(f"  {role:<13} {email:<28} password: {password}")
    print()


def format_history(history: pd.DataFrame) -> list[str]:
    """One tab-separated line per load, newest first, each starting with its id."""
    lines = []
    for row in history.to_dict("records"):
        periods = ", ".join(json.loads(row["periods"])) if isinstance(row["periods"], str) else "-"
        stored = row["rows_stored"]
        rows = f"{int(stored):,} rows" if stored is not None and stored == stored else "-"
        fields = [
            str(row["load_id"]),
            f"{row['loaded_at']:%Y-%m-%d %H:%M}",
            row["outcome"],
            row["file_name"],
            row["format"] or "-",
            rows,
            periods,
            row["loaded_by"],
        ]
        lines.append("\t".join(fields))
    return lines


def _export_census(store: Store) -> None:
    """The census in force as CSV on stdout, canonical columns, blank pupils where a symbol stands."""
    rows = store.query_rows(
        f"SELECT {', '.join(CENSUS_EXPORT_COLUMNS)} FROM census_current "
        "ORDER BY period, geographic_level, area_code, phase, provision, primary_need"
    )
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CENSUS_EXPORT_COLUMNS)
    writer.writerows(rows)  # csv writes None as an empty field: blank pupils where a symbol stands
