"""`segroi demo`: fill the store with the reference scenario, the H100 compute anchors and the
published accuracy figures.

Idempotent: running it again adds nothing. The reference scenario is written when it is
missing; a stored one that differs (someone edited it) is kept unless --force is given.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("demo", help="load the reference scenario, the H100 compute anchors and published "
                                    "accuracy figures into the store")
    p.add_argument("--force", action="store_true",
                   help="overwrite a stored 'reference' scenario that differs from the built-in one")
    p.set_defaults(func=run)


def _anchors_present(store, source: str) -> bool:
    rows = store.query(
        "SELECT count(*) AS n FROM profiles p JOIN runs r ON r.id = p.run_id "
        "WHERE r.kind = 'demo' AND r.status = 'ok' AND p.source = ?", [source])
    return bool(rows and rows[0]["n"])


def run(args) -> int:
    from engine import costmodel, reference
    from engine.store import open_store

    store = open_store()
    assumptions, provenance = reference.reference_parts()
    costmodel.validate({**assumptions, "provenance": provenance})  # the shipped data must be valid

    stored = {r["name"]: r for r in store.scenarios()}
    old = stored.get(reference.REFERENCE_NAME)
    if old is None or args.force:
        store.save_scenario(reference.REFERENCE_NAME, assumptions, provenance,
                            note="built-in reference scenario (segroi demo)")
        print(f"scenario {reference.REFERENCE_NAME!r}: {'reset' if old else 'added'}")
    elif old["assumptions"] == assumptions and old["provenance"] == provenance:
        print(f"scenario {reference.REFERENCE_NAME!r}: already present")
    else:
        print(f"scenario {reference.REFERENCE_NAME!r}: a changed copy is stored; kept it "
              "(`segroi demo --force` resets it)")

    # what is missing of the reference data is added in one run
    anchors = not _anchors_present(store, reference.ANCHOR_SOURCE)
    published = not store.query("SELECT count(*) AS n FROM published_accuracy")[0]["n"]
    if anchors or published:
        rows = reference.anchor_profile_rows() if anchors else []
        figures = reference.published_accuracy_rows() if published else []
        settings = {"what": "reference data", "profiles": len(rows), "published_accuracy": len(figures),
                    "source": reference.ANCHOR_SOURCE}
        with store.run("demo", settings=settings, command="segroi demo") as r:
            if anchors:
                r.add("hardware", reference.anchor_hardware_row())
                r.add("profiles", rows)
            r.add("published_accuracy", figures)
    if anchors:
        print(f"H100 compute anchors: added {len(rows)} profile rows (measured, {reference.ANCHOR_SOURCE})")
    else:
        print(f"H100 compute anchors: already present ({reference.ANCHOR_SOURCE})")
    if published:
        print(f"published accuracy: added {len(figures)} figures (published, with their citations)")
    else:
        print("published accuracy: already present")
    print(f"store: {store.path}")
    return 0
