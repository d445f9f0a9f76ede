"""Named options: each equation of docs/design.md "Named options" by hand, per-option hardware, the
hybrid, and one refusal per rule, each naming its field."""

from __future__ import annotations

import copy

import pytest

from cm_cases import NAMED, ON_PREM, named
from engine import costmodel
from engine.costmodel import AssumptionError

approx = pytest.approx


def ev(raw):
    return costmodel.evaluate(costmodel.validate(raw))


def test_names_kinds_and_labels():
    s = costmodel.validate(named())
    assert s.option_names == ("hand", "vit_b", "auto", "hyb")
    assert [o.kind for o in s.options] == ["manual", "prompted", "automatic", "hybrid"]
    assert s.manual == "hand" and s.label("vit_b") == "SAM ViT-B" and s.label("auto") == "auto"
    assert s.option("hyb").automatic == "auto" and s.option("hyb").prompted == "vit_b"
    assert costmodel.validate(s.to_dict()) == s


def test_manual_seconds_price_every_retrace():
    out = ev(named())["options"]
    # N_s = 4000 structures; 0.01 per clinician second
    assert out["hand"]["labour_cost_per_year"] == approx(4000 * 30 * 0.01)
    # vit_b: 4000 * (5 + 0.2 * 30) + 1000 * 20 = 64000 s
    assert out["vit_b"]["human_hours_per_year"] == approx(64000 / 3600)
    # auto: 4000 * 0.25 * 30 + 1000 * 20 = 50000 s
    assert out["auto"]["human_hours_per_year"] == approx(50000 / 3600)


def test_hybrid_by_hand_in_the_cloud():
    out = ev(named())["options"]["hyb"]
    # human: N_s fa (prompt(p) + fp t) + V review(h) = 4000*0.25*(5 + 0.2*30) + 1000*10 = 21000 s
    assert out["human_hours_per_year"] == approx(21000 / 3600)
    assert out["labour_cost_per_year"] == approx(210)
    # images the prompted model embeds: N_img (1 - (1 - fa)^S) = 2000 * (1 - 0.75^2) = 875
    # busy: 2000*0.09 + 4000*0 + 875*0.5 + 4000*0.25*0.1 = 180 + 437.5 + 100 = 717.5 s
    assert out["compute_cost_per_year"] == approx(717.5 / 3600 / 0.5 * 2)
    # upkeep of all three: (1 + 10 + 2) h * 100
    assert out["annual_cost"] == approx(210 + 717.5 / 3600 / 0.5 * 2 + 1300)
    # setup: (20 + 10 + 5) h * 100 + (100 + 0) images * 2 structures * 30 s * 0.01 + 3 GPU-h * 2
    assert out["setup_cost"] == approx(3500 + 60 + 6)
    manual = ev(named())["options"]["hand"]
    assert out["npv_savings_vs_manual"] == approx(manual["present_cost"] - out["present_cost"])
    assert out["present_cost"] == approx(out["setup_cost"] + 2 * out["annual_cost"])


def test_hybrid_on_its_own_on_prem_hardware_prices_both_trainings_at_their_own_power():
    raw = named(
        **{"options.hyb.hardware": ON_PREM, "options.vit_b.training_gpu_hours": 2, "options.vit_b.label_images": 50}
    )
    out = ev(raw)["options"]
    # energy: 2000*36 + 875*200 + 4000*0.25*40 = 287000 J; * 1.5 PUE * 0.2 per kWh; one dedicated server
    assert out["hyb"]["compute_cost_per_year"] == approx(287000 / 3.6e6 * 0.3 + 10000)
    # training on the hybrid's server: 3 h at auto's 500 W + 2 h at vit_b's 400 W, * 0.3 per kWh
    training = 3 * 0.5 * 0.3 + 2 * 0.4 * 0.3
    labelling = (100 + 50) * 2 * 30 * 0.01
    assert out["hyb"]["setup_cost"] == approx(3500 + labelling + training)
    # the parts alone stay in the cloud, on the scenario's hardware
    assert out["vit_b"]["setup_cost"] == approx(1000 + 50 * 2 * 30 * 0.01 + 2 * 2)
    assert out["auto"]["compute_cost_per_year"] == approx(180 / 3600 / 0.5 * 2)


def test_hybrid_on_a_shared_server_takes_its_share_of_one_server():
    raw = named(**{"options.hyb.hardware": {**ON_PREM, "dedicated": False, "utilization": 0.5}})
    out = ev(raw)["options"]["hyb"]
    share = 717.5 / 3600 / (8760 * 0.5)
    assert out["compute_cost_per_year"] == approx(287000 / 3.6e6 * 0.3 + share * 10000)


def test_each_option_on_its_own_hardware():
    raw = named(
        **{
            "options.vit_b.hardware": {"mode": "cloud", "gpu_price_per_hour": 4, "utilization": 0.5},
            "options.auto.hardware": ON_PREM,
        }
    )
    out = ev(raw)["options"]
    # vit_b busy 2000*0.5 + 4000*0.1 = 1400 s at 4 per GPU-h and 50 % utilisation
    assert out["vit_b"]["compute_cost_per_year"] == approx(1400 / 3600 / 0.5 * 4)
    # auto on-prem: 72000 J and a dedicated server; its training at 500 W
    assert out["auto"]["compute_cost_per_year"] == approx(72000 / 3.6e6 * 0.3 + 10000)
    assert out["auto"]["setup_cost"] == approx(2000 + 60 + 3 * 0.5 * 0.3)
    # the hybrid stays on the scenario's cloud hardware
    assert out["hyb"]["compute_cost_per_year"] == approx(717.5 / 3600 / 0.5 * 2)


def test_hybrid_with_a_perfect_automatic_option_costs_the_automatic_option_plus_its_extras():
    raw = named(**{"options.auto.failure_rate": 0.0})
    out = ev(raw)["options"]
    # fa = 0: no prompt, no embedding; review is the hybrid's own
    assert out["hyb"]["human_hours_per_year"] == approx(10000 / 3600)
    assert out["hyb"]["compute_cost_per_year"] == approx(out["auto"]["compute_cost_per_year"])


def test_outputs_have_every_option_and_no_sam_ssl_break_even():
    out = ev(named())
    assert list(out) == ["options", "cheapest", "cheapest_by_volume"]
    assert list(out["options"]) == ["hand", "vit_b", "auto", "hyb"]
    assert out["cheapest"] == min(out["options"], key=lambda o: out["options"][o]["present_cost"])
    mc = costmodel.monte_carlo(
        costmodel.validate(
            named(**{"options.auto.failure_rate": {"value": 0.25, "low": 0.1, "high": 0.5, "dist": "beta"}})
        ),
        n=500,
    )
    assert set(mc["p_cheapest"]) == set(mc["percentiles"]) == {"hand", "vit_b", "auto", "hyb"}
    assert "break_even_studies_per_year" not in mc
    assert sum(mc["p_cheapest"].values()) == approx(1)


def test_tornado_default_and_named_outputs():
    s = costmodel.validate(
        named(
            **{
                "options.auto.failure_rate": {"value": 0.25, "low": 0.1, "high": 0.5, "dist": "beta"},
                "labour.clinician_wage_per_hour": {"value": 36, "low": 30, "high": 42, "dist": "normal"},
            }
        )
    )
    cheapest_other = min(("vit_b", "auto", "hyb"), key=lambda o: costmodel.evaluate(s)["options"][o]["present_cost"])
    assert costmodel.default_tornado_output(s) == f"{cheapest_other}.npv_savings_vs_manual"
    rows = costmodel.tornado(s, output="hyb_minus_auto")
    base = costmodel.evaluate(s)["options"]
    assert rows[0]["base"] == approx(base["hyb"]["present_cost"] - base["auto"]["present_cost"])
    with pytest.raises(AssumptionError):
        costmodel.tornado(s, output="sam_minus_ssl")
    with pytest.raises(AssumptionError):
        costmodel.tornado(s, output="break_even_studies_per_year")


def test_a_reordered_file_keeps_its_order_and_ties_go_to_the_first():
    raw = named()
    raw["options"] = {k: raw["options"][k] for k in ("auto", "hyb", "hand", "vit_b")}
    s = costmodel.validate(raw)
    assert s.option_names == ("auto", "hyb", "hand", "vit_b")
    twin = named()
    twin["options"]["auto2"] = copy.deepcopy(twin["options"]["auto"])
    out = ev(twin)
    assert out["options"]["auto2"] == out["options"]["auto"]
    assert "auto2" not in {p["option"] for p in out["cheapest_by_volume"]}


DELETE = object()
REFUSALS = [
    ("one option", "options", {"hand": NAMED["options"]["hand"]}, "options", "2 to 8"),
    (
        "nine options",
        "options",
        {
            **{
                f"m{i}": {"kind": "automatic", **{k: v for k, v in NAMED["options"]["auto"].items() if k != "kind"}}
                for i in range(8)
            },
            "hand": NAMED["options"]["hand"],
        },
        "options",
        "2 to 8",
    ),
    ("bad name", "options.Vit-B", NAMED["options"]["vit_b"], "options.Vit-B", "a-z, 0-9 and _"),
    ("long name", "options." + "a" * 33, NAMED["options"]["vit_b"], "options." + "a" * 33, "1-32"),
    ("no kind", "options.auto.kind", DELETE, "options.auto.kind", "missing"),
    ("unknown kind", "options.auto.kind", "magic", "options.auto.kind", "manual, prompted, automatic, hybrid"),
    ("no manual", "options.hand.kind", "automatic", "options", "exactly one option of kind manual"),
    (
        "two manuals",
        "options.hand2",
        {"kind": "manual", "seconds_per_structure": 20},
        "options.hand2.kind",
        "only one option may be manual",
    ),
    ("hybrid without automatic", "options.hyb.automatic", DELETE, "options.hyb.automatic", "missing"),
    ("hybrid naming nothing", "options.hyb.prompted", "vit_h", "options.hyb.prompted", "must name an option"),
    (
        "hybrid naming the wrong kind",
        "options.hyb.automatic",
        "vit_b",
        "options.hyb.automatic",
        "must name a automatic option",
    ),
    ("hybrid naming manual", "options.hyb.prompted", "hand", "options.hyb.prompted", "must name a prompted"),
    ("hybrid field of another kind", "options.hyb.failure_rate", 0.1, "options.hyb.failure_rate", "unknown key"),
    (
        "prompt time on an automatic option",
        "options.auto.prompt_seconds_per_structure",
        3,
        "options.auto.prompt_seconds_per_structure",
        "unknown key",
    ),
    ("label with markup", "options.vit_b.label", "<b>SAM</b>", "options.vit_b.label", "may not contain"),
    ("label with a link", "options.vit_b.label", "[x](http://evil)", "options.vit_b.label", "may not contain"),
    ("label too long", "options.vit_b.label", "x" * 61, "options.vit_b.label", "too long"),
    ("empty label", "options.vit_b.label", " ", "options.vit_b.label", "empty"),
    (
        "option hardware without mode",
        "options.vit_b.hardware",
        {"gpu_price_per_hour": 3},
        "options.vit_b.hardware.mode",
        "missing",
    ),
    (
        "option hardware missing a price",
        "options.vit_b.hardware",
        {"mode": "cloud", "utilization": 0.5},
        "options.vit_b.hardware.gpu_price_per_hour",
        "missing",
    ),
    (
        "option hardware on-prem without dedicated",
        "options.vit_b.hardware",
        {k: v for k, v in ON_PREM.items() if k != "dedicated"},
        "options.vit_b.hardware.dedicated",
        "missing",
    ),
    (
        "option hardware out of range",
        "options.vit_b.hardware",
        {**ON_PREM, "pue": 0.5},
        "options.vit_b.hardware.pue",
        "at least 1",
    ),
    (
        "option hardware unknown key",
        "options.vit_b.hardware",
        {**ON_PREM, "gpus": 8},
        "options.vit_b.hardware.gpus",
        "unknown key",
    ),
    (
        "hybrid on-prem cannot price training without power",
        "options.hyb.hardware",
        ON_PREM,
        "options.auto.profile.average_power_watts",
        "hybrid hyb",
    ),
    (
        "provenance for an option that is not there",
        "provenance",
        {"options.vit_h.failure_rate": {"kind": "assumed", "source": "x"}},
        "provenance.options.vit_h.failure_rate",
        "names no assumption",
    ),
    (
        "manual field missing",
        "options.hand.seconds_per_structure",
        DELETE,
        "options.hand.seconds_per_structure",
        "missing",
    ),
]


@pytest.mark.parametrize("desc,path,value,field,fragment", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_each_refusal_names_its_field(desc, path, value, field, fragment):
    raw = named()
    if desc == "hybrid on-prem cannot price training without power":
        del raw["options"]["auto"]["profile"]["average_power_watts"]
    parts = path.split(".")
    node = raw
    for part in parts[:-1]:
        node = node[part]
    if value is DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = copy.deepcopy(value)
    with pytest.raises(AssumptionError) as info:
        costmodel.validate(raw)
    assert info.value.field == field, str(info.value)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{field}: ") and "\n" not in str(info.value)


def test_manual_may_carry_hardware_it_does_not_use():
    out = ev(named(**{"options.hand.hardware": ON_PREM}))["options"]["hand"]
    assert out["compute_cost_per_year"] == 0


def test_add_and_remove_options():
    raw = named()
    body = copy.deepcopy(NAMED["options"]["vit_b"])
    more = costmodel.add_option(
        raw, costmodel.free_name(raw, "vit_b"), body, {"failure_rate": {"kind": "published", "source": "x"}}
    )
    assert list(more["options"])[-1] == "vit_b_2" and raw == named()
    assert more["provenance"]["options.vit_b_2.failure_rate"]["kind"] == "published"
    costmodel.validate(more)
    less = costmodel.remove_option(more, "vit_b_2")
    assert "vit_b_2" not in less["options"] and "options.vit_b_2.failure_rate" not in less["provenance"]
    for name, words in (("hand", "manual option cannot be removed"), ("auto", "hybrid hyb is built from it")):
        with pytest.raises(AssumptionError, match=words):
            costmodel.remove_option(raw, name)
    two = costmodel.remove_option(costmodel.remove_option(raw, "hyb"), "vit_b")
    with pytest.raises(AssumptionError, match="at least 2"):
        costmodel.remove_option(two, "auto")
    with pytest.raises(AssumptionError, match="already exists"):
        costmodel.add_option(raw, "auto", body)
