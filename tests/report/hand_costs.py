"""Cost figures worked out by hand from the design's equations: the expected values of tests that check
what the summary, the dashboard and the PDF print (never computed by the code they check)."""

from __future__ import annotations


def reference_by_hand(p: dict) -> dict:
    """Manual tracing and the SSL option of the reference scenario (point values `p`, cloud hardware),
    from docs/design.md "Cost model": annual costs, SSL's setup, its NPV savings and payback months."""
    v, f, n = p["workload.studies_per_year"], p["workload.frames_per_study"], p["workload.structures_per_frame"]
    n_img, n_s = v * f, v * f * n
    w = p["labour.clinician_wage_per_hour"] * (1 + p["labour.overhead_fraction"])
    w_e = p["labour.engineer_wage_per_hour"] * (1 + p["labour.overhead_fraction"])
    price, util = p["hardware.gpu_price_per_hour"], p["hardware.utilization"]
    t_trace = p["options.manual.seconds_per_structure"]
    manual = n_s * t_trace / 3600 * w
    o = "options.ssl."
    labour = (n_s * p[o + "failure_rate"] * t_trace + v * p[o + "review_seconds_per_study"]) / 3600 * w
    compute = n_img * p[o + "profile.seconds_per_image"] / 3600 / util * price
    ssl = labour + compute + p[o + "maintenance_hours_per_year"] * w_e
    setup = (
        p[o + "engineering_hours"] * w_e
        + p[o + "label_images"] * n * t_trace / 3600 * w
        + p[o + "training_gpu_hours"] * price
    )
    annuity = sum((1 + p["discount_rate"]) ** -y for y in range(1, int(p["horizon_years"]) + 1))
    return {
        "manual_annual": manual,
        "ssl_annual": ssl,
        "ssl_setup": setup,
        "ssl_savings": annuity * (manual - ssl) - setup,
        "ssl_payback_months": 12 * setup / (manual - ssl),
    }


def ssl_against_manual_by_hand(p: dict) -> tuple[float, float]:
    """(NPV savings, payback months) of the reference's SSL option against manual tracing."""
    hand = reference_by_hand(p)
    return hand["ssl_savings"], hand["ssl_payback_months"]
