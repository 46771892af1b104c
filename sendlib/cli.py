"""Command line for officers' scripts: ``python -m sendlib [--db PATH] COMMAND …``.

Exit codes: 0 done, 1 the input or the store was refused (reason on stderr, nothing written),
2 the command itself was wrong (usage).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from pathlib import Path

from sendlib.config import ConfigError, load_config
from sendlib.demo import load_demo, store_is_empty
from sendlib.ingest import IngestRejected, load_census
from sendlib.ingest.census import FORMATS
from sendlib.loads import UndoError, query_load_history, undo_load
from sendlib.store import Store, StoreError

CENSUS_EXPORT_COLUMNS = [
    "period", "geographic_level", "area_code", "old_la_code", "area_name",
    "phase", "provision", "primary_need", "pupils", "symbol",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sendlib", description="SEND Commissioning Dashboard data tools.")
    parser.add_argument("--db", help="DuckDB store file (default: SENDLIB_DB, else store.path in config.yaml)")
    parser.add_argument("--config", help="config.yaml to use (default: SENDLIB_CONFIG, else the project's)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create the store (and load the demo data with --demo)")
    init.add_argument("--demo", action="store_true", help="load the shipped demo data if the store is empty")

    ingest = commands.add_parser("ingest", help="load a file into the store")
    ingest.add_argument("kind", choices=["census"], help="what the file holds")
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--period", help="census period such as 202425, for files without a period column")
    ingest.add_argument("--format", default="auto", choices=["auto", *FORMATS], help="file layout (default: detect)")

    commands.add_parser("history", help="list every load, newest first")

    undo = commands.add_parser("undo", help="undo a load (the earlier version comes back)")
    undo.add_argument("load_id", type=int)

    export = commands.add_parser("export", help="write a canonical table as CSV to stdout")
    export.add_argument("table", choices=["census"])
    return parser


def _user() -> str:
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    args = _parser().parse_args(argv)  # exits 2 with a usage message on bad arguments
    try:
        config = load_config(args.config)
        db_path = Path(args.db) if args.db else config.db_path
        store = Store.open(db_path)
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return _run(args, store, config)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stderr.close()
        return 0
    except IngestRejected as exc:
        print(exc.describe(), file=sys.stderr)
        return 1
    except (StoreError, UndoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _run(args: argparse.Namespace, store: Store, config) -> int:
    if args.command == "init":
        if args.demo and store_is_empty(store):
            for report in load_demo(store, config):
                print(report.summary())
        print(f"Store ready: {store.path} (schema version {store.schema_version()}).")
        return 0
    if args.command == "ingest":
        if not args.file.is_file():
            print(f"error: {args.file} does not exist or is not a file.", file=sys.stderr)
            return 1
        report = load_census(store, args.file, config=config, user=_user(), fmt=args.format, period=args.period)
        print(report.summary())
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return 0
    if args.command == "history":
        for line in format_history(query_load_history(store)):
            print(line)
        return 0
    if args.command == "undo":
        print(undo_load(store, args.load_id, _user()))
        return 0
    if args.command == "export":
        _export_census(store)
        return 0
    raise AssertionError(f"unhandled command {args.command}")


def format_history(history) -> list[str]:
    """One tab-separated line per load, newest first, each starting with its id."""
    lines = []
    for row in history.to_dict("records"):
        periods = ", ".join(json.loads(row["periods"])) if isinstance(row["periods"], str) else "-"
        stored = row["rows_stored"]
        rows = f"{int(stored):,} rows" if stored is not None and stored == stored else "-"
        fields = [str(row["load_id"]), f"{row['loaded_at']:%Y-%m-%d %H:%M}", row["outcome"], row["file_name"],
                  row["format"] or "-", rows, periods, row["loaded_by"]]
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
