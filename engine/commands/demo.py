"""`segroi demo`: fill the store with the reference scenarios (US dollars, and Japan in yen), the H100
compute anchors and the published accuracy figures.

Idempotent: running it again adds nothing. A reference scenario is written when it is
missing; a stored one that differs (someone edited it) is kept unless --force is given.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="load the reference scenarios, the H100 compute anchors and published accuracy figures into the store",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite stored 'reference' and 'reference-ja' scenarios that differ from the built-in ones",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from engine import reference
    from engine.store import open_store

    store = open_store()
    for line in reference.seed(store, force=args.force):
        print(line)
    print(f"store: {store.path}")
    return 0
