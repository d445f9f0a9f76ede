"""`segroi scenario list|show|save|delete`: the scenarios kept in the store."""

from __future__ import annotations

import json
import sys

from engine.errors import SegroiError


def register(sub) -> None:
    p = sub.add_parser("scenario", help="list, show, save or delete stored cost scenarios")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="stored scenarios")
    ls.add_argument("--format", choices=["table", "json"], default="table")
    show = actions.add_parser("show", help="print a stored scenario as an assumptions file (JSON)")
    show.add_argument("name")
    save = actions.add_parser("save", help="validate an assumptions file and store it")
    save.add_argument("file")
    save.add_argument("--name", help="store under this name (default: the file's name field)")
    save.add_argument("--note", help="a note kept with the scenario")
    delete = actions.add_parser("delete", help="remove a stored scenario")
    delete.add_argument("name")
    p.set_defaults(func=run)


def run(args) -> int:
    from engine import costmodel
    from engine.scenario_sources import load_assumptions, stored_assumptions
    from engine.store import open_store

    if args.action == "list":
        rows = open_store(read_only=True).scenarios()
        if args.format == "json":
            print(
                json.dumps(
                    [{"name": r["name"], "note": r["note"], "updated_at": str(r["updated_at"])} for r in rows], indent=1
                )
            )
        elif not rows:
            print("no scenarios stored (try `segroi demo`)")
        else:
            from engine.report.escape import term

            for r in rows:  # names and notes may come from the dashboard: printed inert
                print(f"{term(r['name']):24}  {str(r['updated_at'])[:19]}  {term(r['note'] or '')}")
        return 0
    if args.action == "show":
        raw = stored_assumptions(args.name)
        try:  # schema order reads better than the store's sorted keys
            raw = costmodel.validate(raw).to_dict()
        except costmodel.AssumptionError:
            pass  # show it as stored; `segroi cost --scenario` will name the problem
        sys.stdout.write(costmodel.assumptions_text(raw))
        return 0
    if args.action == "delete":
        store = open_store()
        if not any(r["name"] == args.name for r in store.scenarios()):
            raise SegroiError(f"no scenario named {args.name!r} in {store.path}")
        store.delete_scenario(args.name)
        print(f"deleted scenario {args.name!r}")
        return 0
    raw = load_assumptions(args.file)
    try:
        if args.name is not None:
            if not isinstance(raw, dict):
                raise costmodel.AssumptionError("", "the file must hold one JSON object")
            raw = {**raw, "name": args.name}
        scenario = costmodel.validate(raw)
    except costmodel.AssumptionError as exc:
        raise SegroiError(f"{args.file}: {exc}") from None
    canon = scenario.to_dict()
    provenance = canon.pop("provenance", {})
    version = open_store().save_scenario(scenario.name, canon, provenance, note=args.note, saved_by=_login())
    print(f"saved scenario {scenario.name!r} (version {version})")
    return 0


def _login() -> str | None:
    """Who saves from the command line: the login name of the account running segroi."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
