"""Overview: the executive answer in one screen."""

import streamlit as st

from dashboard import common
from dashboard.common import t
from engine.report import figures
from engine.report.summary import headline, savings_range

common.page_guard()
lang = common.lang()


s = common.summary_or_stop(common.working_or_stop())

h = headline(s, lang)
cur = s["currency"]
st.caption(common.scenario_caption(s))
with st.container(key="headline"):
    st.markdown(f"#### {common.md(h['sentence'])}")
notes = [x for x in (h["other"], h["break_even"]) if x]
if s["monte_carlo"]:
    notes.append(t("overview.mc_note", n=s["monte_carlo"]["draws"], seed=s["monte_carlo"]["seed"]))
st.caption(" · ".join(common.md(n) for n in notes))

c1, c2, c3, c4 = st.columns(4)
focus = s["focus"]
c1.metric(t("overview.npv_savings", years=s["horizon_years"]), common.md(h["savings"]), help=t("overview.npv_savings_help", range=common.md(savings_range(s, lang) or "")),
          border=True)
c2.metric(t("overview.payback"), common.md(h["payback"]), border=True)
c3.metric(t("overview.p_cheapest"), common.md(h["p_cheapest"] or t("metric.not_applicable")),
          help=None if s["monte_carlo"] else t("overview.no_uncertainty"), border=True)
c4.metric(f"{t('overview.cost_per_study')} · {t(f'option.{focus}.short')}", common.md(h["cost_per_study"][focus]),
          border=True)

prov = s["provenance"]
left, right = st.columns(2)
with left:
    common.plot(figures.cost_per_study(s["result"], cur, lang, prov), key="fig_cps")
with right:
    common.plot(figures.annual_breakdown(s["breakdown"], cur, lang, prov), key="fig_breakdown")
left, right = st.columns(2)
with left:
    common.plot(figures.cumulative_cost(s["cumulative"], cur, lang, prov, highlight=focus), key="fig_cum")
with right:
    if s["tornado"]:
        common.plot(figures.tornado(s["tornado"], focus, cur, lang, prov), key="fig_tornado")
    else:
        st.info(t("overview.no_uncertainty"))
