"""The Japanese reference scenario: the reference scenario's workload, times and compute, with Japanese
wages, electricity, prices and discounting in yen.

Every figure keeps its provenance. Published Japanese figures are cited by publisher, table and year
(where we read them through a secondary page, that page is named too); a figure for which no Japanese
publication was found is marked assumed, with the reasoning. Plain data, no I/O: `segroi demo` stores it
beside the reference scenario as `reference-ja`.
"""

from __future__ import annotations

import copy

from engine import reference
from engine.reference import SEGROI, _a, _Ref, _split

REFERENCE_JA_NAME = "reference-ja"

# Hours a clinical technologist works in a month: 162 scheduled + 11 overtime, the wage structure survey's
# figures for 臨床検査技師 in 2015 (平成27年賃金構造基本統計調査, as quoted by brush-up.jp); the 2023 survey's
# hours were not found. 173 h x 12 = 2,076 h a year.
HOURS_PER_YEAR = 173 * 12
MHLW_2023 = (
    "MHLW 令和5年賃金構造基本統計調査 (2023 Basic Survey on Wage Structure), 一般労働者 職種（小分類）別 第1表, "
    "臨床検査技師 (as quoted by Yahoo!ニュース and mikaru.jp from e-Stat)"
)
HOURS_NOTE = (
    "per hour over 2,076 h a year (173 h a month: 162 scheduled + 11 overtime, the same survey's 2015 "
    "figures for 臨床検査技師, quoted by brush-up.jp; the 2023 hours were not found)"
)
NTA_2024 = (
    "National Tax Agency 令和6年分 民間給与実態統計調査 (2024 Statistical Survey of Actual Status for Salary "
    "in the Private Sector), average salary in 情報通信業 (information and communications): 6.60 million yen "
    "(as quoted by hiramori-sr.com, 2025-09-26)"
)
TEPCO = (
    "TEPCO, Overall Electricity Rates for Residential and Power Services (unit: yen/kWh), FY2015 'Power' "
    "(business customers): 29.38; FY2010-FY2014: 22.62-31.54 (the latest year of that table found)"
)
FED_G5 = "Federal Reserve G.5, June 2024 average: 157.86 yen per US dollar"
C2H = (
    "中医協 費用対効果評価の分析ガイドライン (C2H, Japan's HTA guideline): costs and effects discounted at 2 %/yr "
    "(as summarised by Mix Online, 2021-11-01)"
)

YEN_PER_USD = 157.86


def _yen(usd: float) -> int:
    return int(round(usd * YEN_PER_USD))


def _hourly(annual_yen: float) -> float:
    return round(annual_yen / HOURS_PER_YEAR)


# 臨床検査技師, 2023: monthly contractual cash earnings 351,400 yen and annual special earnings 868,100 yen,
# 5,084,900 yen a year (men 5,533,900, women 4,792,900).
_TECH = (351_400 * 12 + 868_100, 4_792_900, 5_533_900)
_ENGINEER = 6_600_000

_OVERRIDES = {
    "discount_rate": _Ref(0.02, "published", f"{C2H}; range 0-4 % assumed", 0.0, 0.04),
    "labour": {
        "clinician_wage_per_hour": _Ref(
            _hourly(_TECH[0]),
            "published",
            f"{MHLW_2023}: 351,400 yen a month + 868,100 yen a year = 5,084,900 yen (women 4,792,900, men "
            f"5,533,900), {HOURS_NOTE}",
            _hourly(_TECH[1]),
            _hourly(_TECH[2]),
        ),
        "engineer_wage_per_hour": _Ref(
            _hourly(_ENGINEER),
            "published",
            f"{NTA_2024}, {HOURS_NOTE.replace('173 h a month', '173 h a month, assumed as for clinicians')}; "
            "range 0.75-1.5 x assumed, as in the reference scenario",
            _hourly(_ENGINEER * 0.75),
            _hourly(_ENGINEER * 1.5),
        ),
        "overhead_fraction": reference._TREE["labour"]["overhead_fraction"],
    },
    "hardware": {
        "gpu_price_per_hour": _a(
            _yen(3.99),
            f"no price of a cloud GPU in Japan was found; the reference scenario's published US prices "
            f"(Lambda H100 SXM $3.99/GPU-h, Azure NC40ads H100 v5 $6.98/h) at {FED_G5}",
            _yen(3.99),
            _yen(6.98),
        ),
        "energy_price_per_kwh": _Ref(29.38, "published", TEPCO, 22.62, 31.54),
        "server_capex": _a(
            _yen(45000),
            f"the reference scenario's one GPU server ($45k, range 30k-60k) at {FED_G5}",
            _yen(30000),
            _yen(60000),
        ),
    },
}


def _merged() -> dict:
    tree = copy.deepcopy(reference._TREE)
    for key, node in _OVERRIDES.items():
        if isinstance(node, dict):
            tree[key] = {**tree[key], **node}
        else:
            tree[key] = node
    return tree


def reference_parts() -> tuple[dict, dict]:
    """(assumptions without the provenance map, provenance map) of the Japanese reference scenario."""
    values, prov = _split(_merged())
    values["options"] = {name: {"kind": reference.KINDS[name], **body} for name, body in values["options"].items()}
    assumptions = {
        "name": REFERENCE_JA_NAME,
        "currency": "JPY",
        "note": "segroi reference scenario for Japan: Japanese wages, electricity and discounting in yen, "
        "the reference scenario's published times and H100 compute anchors",
        **values,
    }
    for opt, p in reference._PROFILE_PROVENANCE.items():
        assumptions["options"][opt]["profile"]["provenance"] = dict(p)
    prov["currency"] = {"kind": "assumed", "source": f"{SEGROI}: Japanese yen, as the wage and price sources"}
    return assumptions, prov


def reference_scenario() -> dict:
    """The Japanese reference assumptions dict, provenance included (valid input for costmodel.validate)."""
    assumptions, prov = reference_parts()
    return {**copy.deepcopy(assumptions), "provenance": prov}
