"""Overview: the executive answer in one screen."""

import streamlit as st

from dashboard import charts, common
from dashboard.common import t
from engine.report.summary import headline, option_names

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
with st.container(key="defaults"):
    st.info(common.md(h["defaults"]), icon=":material/edit_note:")

# Every card names the option it describes: the cheapest one that is not manual, also when the answer
# is to keep manual tracing.
best = s["best"]
short = common.esc(option_names(s, lang, short=True)[best])
mc = s["monte_carlo"]
c1, c2, c3, c4 = st.columns(4)
c1.metric(
    t("overview.card.savings", option=short, years=s["horizon_years"]),
    common.md(h["savings"]),
    delta=common.md(h["savings_range"] or t("overview.card.no_range")),
    delta_color="off",
    delta_arrow="off",
    help=t("overview.card.range_help", n=mc["draws"]) if mc else t("overview.no_uncertainty"),
    border=True,
)
c2.metric(t("overview.card.payback", option=short), common.md(h["payback"]), border=True)
c3.metric(
    t("overview.card.p_cheapest", option=short),
    common.md(h["p_cheapest"] or t("metric.not_applicable")),
    help=None if mc else t("overview.no_uncertainty"),
    border=True,
)
c4.metric(t("overview.card.cost_per_study", option=short), common.md(h["cost_per_study"][best]), border=True)

focus = common.tornado_pick(s)
charts.draw(common.overview_charts(raw, lang, focus), key="overview_charts")
if not s["tornado"]:
    st.info(t("overview.no_uncertainty"))
