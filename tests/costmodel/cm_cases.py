"""Small hand-checkable scenarios for the cost-model tests (round numbers, easy arithmetic)."""

from __future__ import annotations

import copy

# V = 1000 studies, F = 2 frames, S = 2 structures -> N_img = 2000, N_s = 4000.
# Clinician 36/h and engineer 100/h with no overhead: 0.01 per clinician second.
BASE = {
    "name": "hand",
    "currency": "EUR",
    "horizon_years": 2,
    "discount_rate": 0.0,
    "workload": {"studies_per_year": 1000, "frames_per_study": 2, "structures_per_frame": 2},
    "labour": {"clinician_wage_per_hour": 36, "engineer_wage_per_hour": 100, "overhead_fraction": 0},
    "hardware": {
        "mode": "cloud",
        "gpu_price_per_hour": 2,
        "utilization": 0.5,
        "energy_price_per_kwh": 0.2,
        "pue": 1.5,
        "server_capex": 40000,
        "amortization_years": 4,
        "dedicated": True,
    },
    "options": {
        "manual": {"seconds_per_structure": 30},
        "sam": {
            "prompt_seconds_per_structure": 5,
            "failure_rate": 0.5,
            "review_seconds_per_study": 20,
            "engineering_hours": 10,
            "maintenance_hours_per_year": 10,
            "label_images": 0,
            "training_gpu_hours": 0,
            "profile": {
                "seconds_per_image": 0.9,
                "joules_per_image": 360,
                "seconds_per_prompt": 0.45,
                "joules_per_prompt": 180,
                "average_power_watts": 400,
            },
        },
        "ssl": {
            "failure_rate": 0.25,
            "review_seconds_per_study": 20,
            "engineering_hours": 20,
            "maintenance_hours_per_year": 1,
            "label_images": 100,
            "training_gpu_hours": 3,
            "profile": {"seconds_per_image": 0.09, "joules_per_image": 36, "average_power_watts": 500},
        },
    },
}


def base(**changes) -> dict:
    """A deep copy of BASE with dotted fields replaced: base(**{"hardware.mode": "on_prem"})."""
    raw = copy.deepcopy(BASE)
    for path, value in changes.items():
        set_path(raw, path, value)
    return raw


def set_path(raw: dict, path: str, value) -> None:
    node = raw
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def del_path(raw: dict, path: str) -> None:
    node = raw
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]


# Named options (round numbers again): a ViT-B prompted option, the automatic SSL model, and the
# hybrid of the two (SSL first, ViT-B for the structures SSL fails).
NAMED = {
    "name": "named",
    "currency": "EUR",
    "horizon_years": 2,
    "discount_rate": 0.0,
    "workload": {"studies_per_year": 1000, "frames_per_study": 2, "structures_per_frame": 2},
    "labour": {"clinician_wage_per_hour": 36, "engineer_wage_per_hour": 100, "overhead_fraction": 0},
    "hardware": {"mode": "cloud", "gpu_price_per_hour": 2, "utilization": 0.5},
    "options": {
        "hand": {"kind": "manual", "seconds_per_structure": 30},
        "vit_b": {
            "kind": "prompted",
            "label": "SAM ViT-B",
            "prompt_seconds_per_structure": 5,
            "failure_rate": 0.2,
            "review_seconds_per_study": 20,
            "engineering_hours": 10,
            "maintenance_hours_per_year": 10,
            "profile": {
                "seconds_per_image": 0.5,
                "joules_per_image": 200,
                "seconds_per_prompt": 0.1,
                "joules_per_prompt": 40,
                "average_power_watts": 400,
            },
        },
        "auto": {
            "kind": "automatic",
            "failure_rate": 0.25,
            "review_seconds_per_study": 20,
            "engineering_hours": 20,
            "maintenance_hours_per_year": 1,
            "label_images": 100,
            "training_gpu_hours": 3,
            "profile": {"seconds_per_image": 0.09, "joules_per_image": 36, "average_power_watts": 500},
        },
        "hyb": {
            "kind": "hybrid",
            "automatic": "auto",
            "prompted": "vit_b",
            "review_seconds_per_study": 10,
            "engineering_hours": 5,
            "maintenance_hours_per_year": 2,
        },
    },
}

ON_PREM = {
    "mode": "on_prem",
    "dedicated": True,
    "energy_price_per_kwh": 0.2,
    "pue": 1.5,
    "server_capex": 40000,
    "amortization_years": 4,
}


def named(**changes) -> dict:
    raw = copy.deepcopy(NAMED)
    for path, value in changes.items():
        set_path(raw, path, copy.deepcopy(value))
    return raw
