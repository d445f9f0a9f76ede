"""Run bundles: export to Parquet + manifest, import into another store, idempotently and safely."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from engine.cli import main
from engine.store import SCHEMA_VERSION, StoreError, open_store
from engine.store.bundle import export_runs, import_bundle
from engine.store.bundle_files import import_path, import_uploads

T0 = dt.datetime(2026, 10, 1, 8, 0)
TABLES = (
    "runs",
    "hardware",
    "profiles",
    "evaluations",
    "measurements",
    "training_runs",
    "annotation_sessions",
    "annotation_items",
)


def _seed(path: Path) -> dict[str, str]:
    """A store with a profile run (hardware + rows), an evaluation, a training run and a simulated
    annotation session, each written through the store's own API; run kind -> id."""
    store = open_store(path)
    ids = {}
    with store.run("profile", settings={"models": ["ssl_unet"]}, command="segroi profile") as run:
        run.add("hardware", {"device_type": "cuda", "device_name": "NVIDIA L4", "host": "gpu-box-7"})
        run.add(
            "profiles",
            [
                {
                    "model": "ssl_unet",
                    "component": "full",
                    "weights": "random",
                    "device": "cuda",
                    "device_name": "NVIDIA L4",
                    "host": "gpu-box-7",
                    "dtype": dtype,
                    "batch": 64,
                    "input_size": "1x256x256",
                    "images_per_second": ips,
                    "provenance": "measured",
                    "source": "a test run",
                    "measured_at": T0,
                }
                for dtype, ips in (("fp32", 900.0), ("bf16", 1500.0))
            ],
        )
    ids["profile"] = run.id
    with store.run("evaluate", settings={"model": "ssl"}) as run:
        run.add(
            "evaluations",
            [
                {
                    "model": "ssl",
                    "frame": f"f_{i:03d}",
                    "structure": "LV",
                    "dice": 0.8 + i / 100,
                    "provenance": "simulated",
                }
                for i in range(3)
            ],
        )
        run.add(
            "measurements",
            {"model": "ssl", "name": "failure_rate", "value": 0.0, "unit": "fraction", "provenance": "simulated"},
        )
    ids["evaluate"] = run.id
    with store.run("train-ssl", settings={"epochs": 1}) as run:
        run.add("training_runs", {"images": 12, "epochs": 1, "device": "cpu", "qc_pass_rates": [0.5, 0.25]})
    ids["train-ssl"] = run.id
    with store.run("annotate-sim", settings={"task": "ssl"}) as run:
        run.add(
            "annotation_sessions",
            {
                "id": "sess-1",
                "annotator": "sim",
                "task": "ssl",
                "idle_threshold_seconds": 30.0,
                "simulated": True,
                "created_at": T0,
                "status": "done",
            },
        )
        run.add(
            "annotation_items",
            [
                {
                    "session_id": "sess-1",
                    "frame": "f_000",
                    "structure": s,
                    "task": "ssl",
                    "active_seconds": 3.5,
                    "accepted": True,
                    "simulated": True,
                    "completed_at": T0,
                }
                for s in ("LV", "LA")
            ],
        )
    ids["annotate-sim"] = run.id
    return ids


def _rows(store, table: str) -> list[dict]:
    rows = store.query(f"SELECT * FROM {table}")
    for r in rows:
        r.pop("import_id", None)
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


@pytest.fixture(scope="module")
def _seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "site-a.duckdb"
    return path, _seed(path)


@pytest.fixture
def source(_seeded, tmp_path):
    """A copy of the seeded store for this test (the store file holds no open connection)."""
    import shutil

    path = tmp_path / "site-a.duckdb"
    shutil.copy(_seeded[0], path)
    return path, dict(_seeded[1])


@pytest.mark.slow
def test_round_trip_keeps_every_row_host_date_and_device(source, tmp_path):
    path, ids = source
    out = tmp_path / "bundle"
    manifest = export_runs(open_store(path), list(ids.values()), out)
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.json", *(f"{t}.parquet" for t in TABLES)])
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["format"] == "segroi-bundle"
    assert manifest["tables"]["profiles"]["rows"] == 2 and manifest["tables"]["profiles"]["provenance"] == {
        "measured": 2
    }
    assert manifest["tables"]["evaluations"]["provenance"] == {"simulated": 3}
    assert {r["kind"] for r in manifest["runs"]} == set(ids)
    assert [r["devices"] for r in manifest["runs"] if r["kind"] == "profile"] == [["NVIDIA L4"]]
    # The Parquet files are plain: another tool reads them.
    assert pq.read_table(out / "profiles.parquet").column("host").to_pylist() == ["gpu-box-7"] * 2

    target = open_store(tmp_path / "dashboard.duckdb")
    result = import_bundle(target, out)
    assert sorted(result.added) == sorted(ids.values()) and result.present == []
    src = open_store(path, read_only=True)
    for table in TABLES:
        assert _rows(target, table) == _rows(src, table), table
    runs = target.query("SELECT * FROM runs")
    assert {r["import_id"] for r in runs} == {result.import_id}
    imports = target.query("SELECT * FROM bundle_imports")
    assert len(imports) == 1 and imports[0]["runs_added"] == 4 and imports[0]["source"] == "bundle"


@pytest.mark.slow
def test_import_is_idempotent_and_adds_only_new_runs(source, tmp_path):
    path, ids = source
    store = open_store(path)
    export_runs(store, [ids["profile"]], tmp_path / "one")
    export_runs(store, [ids["profile"], ids["evaluate"]], tmp_path / "two")
    target = open_store(tmp_path / "dashboard.duckdb")
    assert import_bundle(target, tmp_path / "one").added == [ids["profile"]]
    counts = {t: len(target.query(f"SELECT * FROM {t}")) for t in TABLES}
    again = import_bundle(target, tmp_path / "one")
    assert again.added == [] and again.present == [ids["profile"]] and "nothing imported" in again.line()
    assert {t: len(target.query(f"SELECT * FROM {t}")) for t in TABLES} == counts
    both = import_bundle(target, tmp_path / "two")
    assert both.added == [ids["evaluate"]] and both.present == [ids["profile"]]
    assert len(target.query("SELECT * FROM profiles")) == 2 and len(target.query("SELECT * FROM evaluations")) == 3
    assert len(target.query("SELECT * FROM bundle_imports")) == 2  # the no-op import recorded nothing


def _edit_manifest(folder: Path, **changes) -> None:
    m = json.loads((folder / "manifest.json").read_text())
    m.update(changes)
    (folder / "manifest.json").write_text(json.dumps(m))


def test_a_bundle_from_a_newer_schema_is_refused(source, tmp_path):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["evaluate"]], out)
    _edit_manifest(out, schema_version=SCHEMA_VERSION + 1, segroi_version="9.9.9")
    target = open_store(tmp_path / "dashboard.duckdb")
    with pytest.raises(StoreError, match=f"schema {SCHEMA_VERSION + 1}.*knows schemas up to {SCHEMA_VERSION}"):
        import_bundle(target, out)
    assert target.query("SELECT * FROM runs") == []


def test_a_bundle_from_an_older_schema_imports_with_its_columns(source, tmp_path):
    """A bundle written before profiles had a host column: imported, host left empty."""
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["profile"]], out)
    m = json.loads((out / "manifest.json").read_text())
    for table in ("profiles", "hardware"):
        data = pq.read_table(out / f"{table}.parquet").drop_columns(["host"])
        pq.write_table(data, out / f"{table}.parquet")
        from engine.store.bundle import _sha256

        m["tables"][table]["sha256"] = _sha256(out / f"{table}.parquet")
    runs = pq.read_table(out / "runs.parquet").drop_columns(["import_id"])
    pq.write_table(runs, out / "runs.parquet")
    m["tables"]["runs"]["sha256"] = _sha256(out / "runs.parquet")
    m["schema_version"] = 3
    (out / "manifest.json").write_text(json.dumps(m))
    target = open_store(tmp_path / "dashboard.duckdb")
    assert import_bundle(target, out).added == [ids["profile"]]
    rows = target.query("SELECT host, images_per_second, reduced_input FROM profiles ORDER BY images_per_second")
    assert rows == [
        {"host": None, "images_per_second": 900.0, "reduced_input": False},
        {"host": None, "images_per_second": 1500.0, "reduced_input": False},
    ]


def test_a_changed_file_is_refused_and_nothing_lands(source, tmp_path):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), list(ids.values()), out)
    data = pq.read_table(out / "evaluations.parquet")
    pq.write_table(data.slice(0, 1), out / "evaluations.parquet")
    target = open_store(tmp_path / "dashboard.duckdb")
    with pytest.raises(StoreError, match="evaluations.parquet .* does not match its manifest"):
        import_bundle(target, out)
    assert target.query("SELECT * FROM runs") == []


@pytest.mark.parametrize("name", ["../evil", "runs/../x", "Profiles", "a" * 80])
def test_a_manifest_naming_other_files_is_refused(source, tmp_path, name):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["evaluate"]], out)
    m = json.loads((out / "manifest.json").read_text())
    m["tables"][name] = {"file": f"{name}.parquet", "rows": 1, "sha256": "0"}
    (out / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(StoreError, match="segroi does not know|must be in"):
        import_bundle(open_store(tmp_path / "dashboard.duckdb"), out)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_imports_and_its_names_never_become_paths(source, tmp_path):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["evaluate"]], out)
    files = {f"results/{p.name}": p.read_bytes() for p in out.iterdir()}
    # Members that try to leave the folder: never written anywhere.
    files["results/../../escaped.parquet"] = b"x"
    files["/tmp/absolute.parquet"] = b"x"
    zpath = tmp_path / "site-a.zip"
    zpath.write_bytes(_zip(files))
    target = open_store(tmp_path / "dashboard.duckdb")
    assert import_path(target, zpath).added == [ids["evaluate"]]
    assert not (tmp_path.parent / "escaped.parquet").exists() and not Path("/tmp/absolute.parquet").exists()
    assert target.query("SELECT source FROM bundle_imports")[0]["source"] == "site-a.zip"


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"a/manifest.json": b"{}", "b/manifest.json": b"{}"}, "exactly one manifest.json"),
        ({"a/b/manifest.json": b"{}"}, "exactly one manifest.json"),
        ({"manifest.json": json.dumps({"tables": {"../runs": {}}}).encode()}, "does not know"),
        ({"manifest.json": json.dumps({"tables": {"runs": {}}}).encode()}, "lacks runs.parquet"),
        ({"manifest.json": b"\xff\xfe"}, "cannot be read"),
    ],
)
def test_bad_zips_are_refused_with_one_line(tmp_path, entries, message):
    zpath = tmp_path / "b.zip"
    zpath.write_bytes(_zip(entries))
    with pytest.raises(StoreError, match=message):
        import_path(open_store(tmp_path / "dashboard.duckdb"), zpath)


def test_a_zip_larger_than_the_limit_is_refused(source, tmp_path, monkeypatch):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["evaluate"]], out)
    zpath = tmp_path / "b.zip"
    zpath.write_bytes(_zip({p.name: p.read_bytes() for p in out.iterdir()}))
    monkeypatch.setenv("SEGROI_MAX_BUNDLE_BYTES", "1000")
    with pytest.raises(StoreError, match="larger than"):
        import_path(open_store(tmp_path / "dashboard.duckdb"), zpath)


def test_uploaded_folder_files(source, tmp_path):
    path, ids = source
    out = tmp_path / "bundle"
    export_runs(open_store(path), [ids["profile"]], out)
    files = [(p.name, io.BytesIO(p.read_bytes())) for p in sorted(out.iterdir())]
    target = open_store(tmp_path / "dashboard.duckdb")
    assert import_uploads(target, files).added == [ids["profile"]]
    with pytest.raises(StoreError, match="not part of a segroi bundle"):
        import_uploads(target, [*files, ("../../notes.txt", io.BytesIO(b"x"))])
    with pytest.raises(StoreError, match="needs its manifest.json"):
        import_uploads(target, [f for f in files if f[0] != "manifest.json"])


def test_export_refusals(source, tmp_path):
    path, ids = source
    store = open_store(path)
    with pytest.raises(StoreError, match="no run deadbeef"):
        export_runs(store, ["deadbeef"], tmp_path / "x")
    with pytest.raises(StoreError, match="too short"):
        export_runs(store, ["ab"], tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a").write_text("a")
    with pytest.raises(StoreError, match="not an empty folder"):
        export_runs(store, [ids["profile"]], tmp_path / "full")
    running = store.start_run("profile")
    with pytest.raises(StoreError, match="still running"):
        export_runs(store, [running.id], tmp_path / "y")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    assert not list(tmp_path.glob(".y.partial-*"))


@pytest.mark.slow
def test_cli_export_and_import(source, tmp_path, monkeypatch, capsys):
    path, ids = source
    monkeypatch.setenv("SEGROI_DB", str(path))
    assert main(["runs", "export", ids["profile"][:8], ids["evaluate"], "--out", str(tmp_path / "b")]) == 0
    assert "exported 2 run(s) with 7 result rows" in capsys.readouterr().out
    monkeypatch.setenv("SEGROI_DB", str(tmp_path / "dashboard.duckdb"))
    assert main(["runs", "import", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported 2 run(s) from ") and "2 profiles" in out
    assert main(["runs", "import", str(tmp_path / "b")]) == 0
    assert "nothing imported" in capsys.readouterr().out
    assert main(["runs", "import", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip() == f"segroi runs: error: no bundle at {tmp_path / 'missing'}"
    assert main(["runs", "--format", "json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == {ids["profile"], ids["evaluate"]}


@pytest.mark.slow
def test_items_cannot_join_a_session_this_store_already_has(source, tmp_path):
    # The bundle's annotation items name "sess-1", and the dashboard's store has its own "sess-1": adding the
    # items would change that local session's times and Dice, so nothing is imported.
    path, ids = source
    export_runs(open_store(path), [ids["annotate-sim"]], tmp_path / "b")
    target = open_store(tmp_path / "dashboard.duckdb")
    with target.run("annotate-sim", settings={"task": "manual"}) as run:
        run.add(
            "annotation_sessions",
            {
                "id": "sess-1",
                "annotator": "ann-local",
                "task": "manual",
                "idle_threshold_seconds": 30.0,
                "simulated": False,
                "created_at": T0,
                "status": "done",
            },
        )
    before = {t: len(target.query(f"SELECT * FROM {t}")) for t in TABLES}
    with pytest.raises(StoreError, match="annotation session"):
        import_bundle(target, tmp_path / "b")
    assert {t: len(target.query(f"SELECT * FROM {t}")) for t in TABLES} == before


@pytest.mark.slow
def test_tables_too_large_once_decoded_are_refused_before_reading(source, tmp_path, monkeypatch):
    path, ids = source
    out = tmp_path / "b"
    export_runs(open_store(path), [ids["profile"]], out)
    # the profile table's uncompressed size, from its own metadata: the limit is set one byte below the total
    sizes = sum(pq.ParquetFile(p).metadata.row_group(0).total_byte_size for p in out.glob("*.parquet"))
    monkeypatch.setenv("SEGROI_MAX_BUNDLE_BYTES", str(sizes - 1))
    target = open_store(tmp_path / "dashboard.duckdb")
    with pytest.raises(StoreError, match="once decoded"):
        import_bundle(target, out)
    assert target.query("SELECT count(*) AS n FROM runs")[0]["n"] == 0
    monkeypatch.setenv("SEGROI_MAX_BUNDLE_BYTES", str(sizes))
    assert import_bundle(target, out).added == [ids["profile"]]


def test_a_manifest_larger_than_any_segroi_writes_is_refused_unread(tmp_path):
    from engine.store.bundle import MANIFEST_LIMIT, read_manifest

    (tmp_path / "manifest.json").write_bytes(b" " * (MANIFEST_LIMIT + 1))
    with pytest.raises(StoreError, match="larger than 16 MiB"):
        read_manifest(tmp_path)
