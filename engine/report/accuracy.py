"""The Accuracy page's table of published figures, formatted for a language."""

from __future__ import annotations

from engine.report import i18n
from engine.report.i18n import t


def published_rows(published, lang: str) -> dict[str, list[str]]:
    """One row per published figure: model, dataset, structure, metric, value (with its SD or the
    reported range), note and source."""

    def value(r) -> str:
        text = i18n.quantity(r.value, lang)
        if r.sd == r.sd and r.sd is not None:
            text += f" ± {i18n.quantity(r.sd, lang)}"
        if r.low == r.low and r.low is not None:
            text += f" ({i18n.quantity(r.low, lang)}–{i18n.quantity(r.high, lang)})"
        return text

    rows = list(published.itertuples(index=False))
    return {
        t("acc.failure_table_model", lang): [r.model for r in rows],
        t("acc.col.dataset", lang): [r.dataset for r in rows],
        t("acc.col.metric", lang): [{"dice": "Dice", "r2": "r²"}.get(r.metric, r.metric) for r in rows],
        t("pdf.col.value", lang): [value(r) for r in rows],
        t("acc.col.note", lang): [r.note or "" for r in rows],
        t("pdf.col.source", lang): [r.source for r in rows],
    }
