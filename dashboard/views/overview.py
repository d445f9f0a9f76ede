"""Overview: the executive answer in one screen."""

import streamlit as st

from dashboard import charts, common
from dashboard.common import t
from engine.report.summary import headline, option_names, savings_range

lang = common.lang()


raw = common.working_or_stop()
s = common.summary_or_stop(raw)

h = headline(s, lang)
st.caption(common.scenario_caption(s))
with st.container(key="headline"):
    st.markdown(f"#### {common.md(h['sentence'])}")
notes = [x for x in (h["other"], h["break_even"]) if x]
if s["monte_carlo"]:
    notes.append(t("overview.mc_note", n=s["monte_carlo"]["draws"], seed=s["monte_carlo"]["seed"]))
st.caption(" · ".join(common.md(n) for n in notes))

c1, c2, c3, c4 = st.columns(4)
best = s["best"]
short = option_names(s, lang, short=True)
c1.metric(t("overview.npv_savings", years=s["horizon_years"]), common.md(h["savings"]),
          help=t("overview.npv_savings_help", range=common.md(savings_range(s, lang) or "")),
          border=True)
c2.metric(t("overview.payback"), common.md(h["payback"]), border=True)
c3.metric(t("overview.p_cheapest"), common.md(h["p_cheapest"] or t("metric.not_applicable")),
          help=None if s["monte_carlo"] else t("overview.no_uncertainty"), border=True)
c4.metric(f"{t('overview.cost_per_study')} · {common.esc(short[best])}", common.md(h["cost_per_study"][best]), border=True)

focus = common.tornado_pick(s)
charts.draw(common.overview_charts(raw, lang, focus), key="overview_charts")
if not s["tornado"]:
    st.info(t("overview.no_uncertainty"))
