"""Small, hand-checkable result rows for the report and dashboard tests (written through the store API)."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2026, 11, 20, 9, 30)


def add_profiles(store) -> str:
    rows = [
        {
            "model": "ssl_unet",
            "component": "full",
            "weights": "random",
            "device": "cuda",
            "device_name": "Test GPU",
            "dtype": "bf16",
            "batch": 64,
            "input_size": "1x256x256",
            "images_per_second": 4000.0,
            "seconds_per_image": 0.00025,
            "joules_per_image": 0.15,
            "average_power_watts": 600.0,
            "energy_method": "nvml_energy_counter",
            "provenance": "measured",
            "source": "test run",
            "measured_at": NOW,
        },
        {
            "model": "ssl_unet",
            "component": "full",
            "weights": "random",
            "device": "cpu",
            "device_name": "Test CPU",
            "dtype": "fp32",
            "batch": 1,
            "input_size": "1x256x256",
            "images_per_second": 3.0,
            "seconds_per_image": 1 / 3,
            "joules_per_image": None,
            "energy_method": "not_measured",
            "provenance": "measured",
            "source": "test run",
            "measured_at": NOW,
        },
        {
            "model": "sam_vit_b",
            "component": "encoder",
            "weights": "random",
            "device": "cuda",
            "device_name": "Test GPU",
            "dtype": "bf16",
            "batch": 8,
            "input_size": "3x1024x1024",
            "images_per_second": 50.0,
            "seconds_per_image": 0.02,
            "joules_per_image": 12.0,
            "average_power_watts": 590.0,
            "provenance": "measured",
            "source": "test run",
            "measured_at": NOW,
        },
        {
            "model": "sam_vit_b",
            "component": "decoder",
            "weights": "random",
            "device": "cuda",
            "device_name": "Test GPU",
            "dtype": "fp32",
            "batch": 1,
            "input_size": "prompt",
            "seconds_per_prompt": 0.004,
            "joules_per_prompt": 0.6,
            "provenance": "measured",
            "source": "test run",
            "measured_at": NOW,
        },
    ]
    with store.run("profile", settings={"test": True}, command="segroi profile (test)") as run:
        run.add("hardware", {"device_type": "cuda", "device_name": "Test GPU"})
        run.add("profiles", rows)
    return run.id


def add_evaluations(store) -> str:
    """ssl: 4 structures, one below 0.8; sam: 4 structures, two below 0.8."""
    dice = {"ssl_unet": [0.9, 0.85, 0.7, 0.95], "sam_vit_b": [0.6, 0.9, 0.75, 0.88]}
    rows = []
    for model, values in dice.items():
        for i, (structure, d) in enumerate(zip(("LV", "LA", "RV", "RA"), values)):
            rows.append(
                {
                    "model": model,
                    "weights": "ckpt.pth",
                    "frame": f"p1_{i:03d}",
                    "structure": structure,
                    "dice": d,
                    "prompts": "box from ground truth" if model.startswith("sam") else "none",
                    "provenance": "measured",
                }
            )
    ms = []
    for model, bias in (("ssl_unet", 2.0), ("sam_vit_b", -1.0)):
        for ref in (40.0, 50.0, 60.0):
            ms.append(
                {
                    "model": model,
                    "study": "s1",
                    "name": "lv_edv_ml",
                    "value": ref + bias + (ref - 50) / 10,
                    "reference": ref,
                    "unit": "ml",
                    "provenance": "measured",
                }
            )
    with store.run("evaluate", settings={"test": True}) as run:
        run.add("evaluations", rows)
        run.add("measurements", ms)
    return run.id


def add_annotation_items(store, simulated: bool = False, timing: str | None = None, session: str | None = None) -> None:
    """Manual 10, 12, 14 s; sam 5, 7 (rejected), 6, 6 s; ssl 4, 6, 8 (rejected) s; with `timing`
    set on every item when given."""
    session = session or f"sess-{'sim' if simulated else 'human'}"
    store.insert(
        "annotation_sessions",
        [
            {
                "id": session,
                "annotator": "a1",
                "task": "mixed",
                "idle_threshold_seconds": 30.0,
                "simulated": simulated,
                "created_at": NOW,
                "status": "done",
            }
        ],
    )
    items = []
    for i, secs in enumerate((10.0, 12.0, 14.0)):
        items.append(
            {
                "session_id": session,
                "frame": f"f_{i:03d}",
                "study": "s1",
                "structure": "LV",
                "task": "manual",
                "active_seconds": secs,
                "accepted": True,
                "simulated": simulated,
                "completed_at": NOW,
            }
        )
    for i, (secs, ok) in enumerate(((5.0, True), (7.0, False), (6.0, True), (6.0, True))):
        items.append(
            {
                "session_id": session,
                "frame": f"g_{i:03d}",
                "study": "s1",
                "structure": "LV",
                "task": "sam",
                "active_seconds": secs,
                "accepted": ok,
                "simulated": simulated,
                "completed_at": NOW,
            }
        )
    for i, (study, secs, ok) in enumerate((("s1", 4.0, True), ("s1", 6.0, True), ("s2", 8.0, False))):
        items.append(
            {
                "session_id": session,
                "frame": f"h_{i:03d}",
                "study": study,
                "structure": "LV",
                "task": "ssl",
                "active_seconds": secs,
                "review_seconds": secs,
                "accepted": ok,
                "simulated": simulated,
                "completed_at": NOW,
            }
        )
    if timing is not None:
        items = [dict(i, timing=timing) for i in items]
    store.insert("annotation_items", items)


def add_training_run(store) -> str:
    with store.run("train-ssl", settings={"test": True}) as run:
        run.add(
            "training_runs",
            {"images": 100, "epochs": 2, "rounds": 2, "device": "cuda", "device_name": "Test GPU", "seconds": 1800.0},
        )
    return run.id
