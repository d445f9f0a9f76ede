"""`segroi runs`: list runs and their status."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("runs", help="list runs in the store with their status")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=run)


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
