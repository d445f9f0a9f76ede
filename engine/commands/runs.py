"""`segroi runs`: list runs and their status; move runs between stores as bundles.

    segroi runs [--format json]                 the latest runs
    segroi runs export RUN_ID... --out DIR      a bundle: Parquet per table + manifest.json
    segroi runs import PATH                     a bundle folder or zip, idempotently

A bundle keeps each run's host, dates and devices; importing a run the store already has adds
nothing, and a bundle from a newer schema is refused (engine/store/bundle.py).
"""

from __future__ import annotations

import json


def register(sub) -> None:
    import argparse

    p = sub.add_parser(
        "runs",
        help="list runs in the store with their status; export and import bundles",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=run)
    actions = p.add_subparsers(dest="runs_action", metavar="ACTION")
    e = actions.add_parser("export", help="write runs as a bundle (Parquet per table + manifest.json)")
    e.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="run ids (or their first 8+ characters)")
    e.add_argument("--out", required=True, help="folder to create (must not exist, or be empty)")
    e.set_defaults(func=run_export)
    i = actions.add_parser("import", help="import a bundle folder or zip (runs already present are skipped)")
    i.add_argument("path", help="bundle folder, or a zip of one")
    i.set_defaults(func=run_import)


def run(args) -> int:
    from engine.store import open_store

    rows = open_store(read_only=True).runs(limit=args.limit)
    if args.format == "json":
        print(json.dumps(rows, default=str, indent=1))
        return 0
    if not rows:
        print("no runs yet (try `segroi demo`)")
        return 0
    print(f"{'started (UTC)':19}  {'kind':12}  {'status':9}  id / reason")
    for r in rows:
        extra = f"  {r['reason']}" if r["reason"] else ""
        print(f"{str(r['started_at'])[:19]:19}  {r['kind']:12}  {r['status']:9}  {r['id']}{extra}")
    return 0


def run_export(args) -> int:
    from engine.store import open_store
    from engine.store.bundle import export_runs

    manifest = export_runs(open_store(read_only=True), args.run_ids, args.out)
    rows = sum(t["rows"] for name, t in manifest["tables"].items() if name != "runs")
    print(
        f"exported {len(manifest['runs'])} run(s) with {rows} result rows to {args.out} "
        f"(segroi {manifest['segroi_version']}, schema {manifest['schema_version']})"
    )
    return 0


def run_import(args) -> int:
    from engine.store import open_store
    from engine.store.bundle_files import import_path

    print(import_path(open_store(), args.path).line())
    return 0
