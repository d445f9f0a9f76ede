"""Legacy scenarios (options manual/sam/ssl, no kind) and their outputs, computed by segroi main at be61af3
before named options existed; tests/costmodel/test_costmodel_legacy.py checks that today's code gives the same.
Run from the repository root: PYTHONPATH=. python tests/costmodel/legacy/make_outputs.py OUT.json
(it writes where it is told, so that running it with a later segroi never replaces the fixture)."""
import copy, json, sys
sys.path.insert(0, "tests/costmodel")
from cm_cases import base
from engine import costmodel
from engine.reference import reference_scenario

def tri(v, lo, hi, dist="triangular"):
    return {"value": v, "low": lo, "high": hi, "dist": dist}

cases = {}
cases["reference"] = reference_scenario()
onprem = reference_scenario(); onprem["name"] = "reference on-prem dedicated"
onprem["hardware"]["mode"] = "on_prem"; onprem["hardware"]["dedicated"] = True
cases["reference_on_prem_dedicated"] = onprem
shared = reference_scenario(); shared["name"] = "reference on-prem shared"
shared["hardware"]["mode"] = "on_prem"; shared["hardware"]["dedicated"] = False
cases["reference_on_prem_shared"] = shared
cases["hand_cloud"] = base()
cases["hand_on_prem"] = base(**{"hardware.mode": "on_prem"})
cases["hand_shared"] = base(**{"hardware.mode": "on_prem", "hardware.dedicated": False})
# a cloud break-even
cases["hand_break_even_cloud"] = base(**{"options.sam.engineering_hours": 0,
                                         "options.sam.maintenance_hours_per_year": 0})
# shared-server kinks inside (0, 1e8): sam saturates the server at some volume
k = base(**{"hardware.mode": "on_prem", "hardware.dedicated": False,
            "options.sam.profile.seconds_per_image": 900, "options.sam.failure_rate": 0.0,
            "options.ssl.engineering_hours": 0, "options.ssl.failure_rate": 0.6})
cases["hand_shared_kink"] = k
# ranged (triangular and uniform only: normals change meaning by design)
r = base(**{"workload.studies_per_year": 20000,
            "labour.clinician_wage_per_hour": tri(36, 20, 60),
            "options.sam.failure_rate": tri(0.5, 0.2, 0.9, "uniform"),
            "options.ssl.failure_rate": tri(0.25, 0.05, 0.45),
            "hardware.gpu_price_per_hour": tri(2, 2, 7),
            "horizon_years": tri(3, 1, 6)})
cases["hand_ranged"] = r

out = {}
for name, raw in cases.items():
    s = costmodel.validate(raw)
    o = {"raw": raw, "evaluate": costmodel.evaluate(s),
         "breakdown": costmodel.breakdown(s), "cumulative": costmodel.cumulative(s),
         "sweep_volume": costmodel.sweep(s, values=[1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8]),
         "recommendation": {k: v for k, v in costmodel.recommendation(s).items() if k != "headline"}}
    if s.uncertain:
        o["monte_carlo"] = costmodel.monte_carlo(s, n=3000, seed=11)
        o["tornado"] = costmodel.tornado(s)
        o["tornado_ssl_npv"] = costmodel.tornado(s, output="ssl.npv_savings_vs_manual")
    out[name] = o
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=False)
print({k: v["evaluate"]["break_even_studies_per_year"] for k, v in out.items()})
