"""segroi's one message catalogue: every word the dashboard, the PDF and the spreadsheet show, in English and
Japanese.

MESSAGES maps a key to (English, Japanese). Each text is a `str.format` template, or - where a count decides
the words - a dict of CLDR plural categories ("one", "other", ...; English has one and other, Japanese only
other), chosen by the `n` argument with Babel's plural rules (engine.report.i18n.t). A sentence is one entry:
code fills in its numbers and names, it never joins sentences or clauses of its own. A key that is not here
is a programming error (KeyError); tests walk every page in both languages.

Sections: labels of pages and figures; scenario fields (`field.<path>` names, `help.<key>` what they mean,
`unit.<unit>` their units); problems with an input (`problem.<code>`); the Annotate page (`annotate.<key>`).
SOURCES_JA gives the Japanese of the reference data's provenance sources (engine/reference.py and
engine/reference_ja.py), keyed by their English text.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple] = {
    # -- labels
    "app.title": ("segroi: echo segmentation ROI", "segroi: 心エコー セグメンテーションの投資対効果"),
    "nav.overview": ("Overview", "概要"),
    "nav.scenario": ("Scenario", "シナリオ"),
    "nav.benchmarks": ("Benchmarks", "ベンチマーク"),
    "nav.accuracy": ("Accuracy", "精度"),
    "nav.annotate": ("Annotate", "アノテーション"),
    "nav.export": ("Export", "エクスポート"),
    "ui.language": ("Language", "言語"),
    "ui.scenario": ("Scenario", "シナリオ"),
    "ui.store": ("Store", "データストア"),
    "ui.password": ("Password", "パスワード"),
    "ui.password_prompt": (
        "This dashboard is served to the network; enter the password.",
        "このダッシュボードはネットワークに公開されています。パスワードを入力してください。",
    ),
    "ui.password_wrong": ("Wrong password.", "パスワードが違います。"),
    "ui.password_wait": (
        "Too many wrong passwords: try again in {seconds} s.",
        "パスワードの誤りが続いたため、{seconds} 秒後にもう一度お試しください。",
    ),
    "ui.login_broken": (
        "This dashboard's login is not set up correctly, so it shows nothing. The administrator finds the reason "
        "in the server's log.",
        "ログインの設定に問題があるため、このダッシュボードは何も表示しません。理由はサーバーのログにあります。",
    ),
    "ui.host_refused": (
        "This dashboard does not answer under this address.",
        "このダッシュボードはこのアドレスでは表示されません。",
    ),
    "ui.account_refused": (
        "The account {email} may not open this dashboard. Sign out and sign in with an allowed account, or ask "
        "the administrator.",
        "アカウント {email} にはこのダッシュボードを開く権限がありません。サインアウトして許可されたアカウントでサインインするか、管理者に問い合わせてください。",
    ),
    "ui.login_prompt": ("Sign in to see this dashboard.", "このダッシュボードを見るにはサインインしてください。"),
    "ui.login": ("Sign in", "サインイン"),
    "ui.logout": ("Sign out", "サインアウト"),
    "ui.unsaved": ("{name} (edited, not saved)", "{name}（編集中・未保存）"),
    "option.manual": ("Manual tracing", "手動トレース"),
    "option.sam": ("SAM-assisted", "SAM 支援"),
    "option.ssl": ("Label-free SSL", "ラベル不要 SSL"),
    "option.manual.short": ("Manual", "手動"),
    "option.sam.short": ("SAM", "SAM"),
    "option.ssl.short": ("SSL", "SSL"),
    "option.sam_vit_b": ("SAM ViT-B (prompted)", "SAM ViT-B（プロンプト）"),
    "option.sam_vit_b.short": ("SAM ViT-B", "SAM ViT-B"),
    "option.sam_vit_l": ("SAM ViT-L (prompted)", "SAM ViT-L（プロンプト）"),
    "option.sam_vit_l.short": ("SAM ViT-L", "SAM ViT-L"),
    "option.sam_vit_h": ("SAM ViT-H (prompted)", "SAM ViT-H（プロンプト）"),
    "option.sam_vit_h.short": ("SAM ViT-H", "SAM ViT-H"),
    "option.sam_finetuned": ("Fine-tuned SAM (MedSAM-style)", "ファインチューニング済み SAM（MedSAM 型）"),
    "option.sam_finetuned.short": ("Fine-tuned SAM", "微調整 SAM"),
    "option.hybrid_of": ("Hybrid: {a} first, {p} for its failures", "ハイブリッド（{a} で処理し失敗分を {p} で）"),
    "option.hybrid_of.short": ("{a} → {p}", "{a} → {p}"),
    "kind.manual": ("manual", "手動"),
    "kind.prompted": ("prompted", "プロンプト"),
    "kind.automatic": ("automatic", "自動"),
    "kind.hybrid": ("hybrid", "ハイブリッド"),
    "prov.measured": ("measured", "実測"),
    "prov.published": ("published", "文献値"),
    "prov.simulated": ("simulated", "シミュレーション"),
    "prov.assumed": ("assumed", "仮定"),
    "prov.mixed": ("mixed sources", "複数の出典"),
    "prov.badge_help": ("Where the numbers in this figure come from", "この図の数値の出典"),
    "overview.title": ("Overview", "概要"),
    "overview.recommendation": ("Recommendation", "推奨"),
    "overview.cost_per_study": ("Cost per study", "1検査あたりのコスト"),
    "overview.costs": ("What each option costs", "選択肢ごとのコスト"),
    "overview.annual_breakdown": ("Annual running cost and one-off setup", "年間運用コストと初期費用"),
    "overview.cumulative": ("Cumulative cost over {years} years", "{years}年間の累積コスト"),
    "overview.tornado": ("Biggest drivers of {option}'s savings", "{option}の削減額を左右する上位要因"),
    "overview.tornado_pick": ("Sensitivity of", "感度分析の対象"),
    "overview.cheapest_by_volume": ("Cheapest option by yearly volume", "年間検査数ごとの最安の選択肢"),
    "volume.yours": ("this scenario: {volume}", "このシナリオ：{volume}"),
    "overview.crossover": ("crossover", "交点"),
    "overview.npv_savings": ("{years}-year savings vs manual", "{years}年間の手動比削減額"),
    "overview.npv_savings_help": (
        "Present value at the scenario's discount rate. {range}",
        "シナリオの割引率での現在価値。{range}",
    ),
    "overview.payback": ("Payback", "投資回収期間"),
    "overview.p_cheapest": ("Cheapest in this share of uncertainty draws", "不確実性の試行で最も安い割合"),
    "overview.range": ("90% range {low} to {high}", "90%範囲 {low}〜{high}"),
    "overview.mc_note": (
        {
            "one": "1 uncertainty draw (Monte Carlo), seed {seed}",
            "other": "{n:,} uncertainty draws (Monte Carlo), seed {seed}",
        },
        "不確実性の試行（モンテカルロ）{n:,} 回、シード {seed}",
    ),
    "overview.setup": ("Setup", "初期費用"),
    "overview.no_uncertainty": (
        "No assumption carries a range, so there is nothing to simulate.",
        "範囲付きの仮定がないため、シミュレーションは行っていません。",
    ),
    "rec.saves": (
        "{option} saves {savings} over {years} years compared with manual tracing",
        "{option}は手動トレースと比べて{years}年間で{savings}を削減します",
    ),
    "rec.saves_payback_share": (
        "{option} saves {savings} over {years} years compared with manual tracing; it pays back its setup in "
        "{months} and is the cheapest option in {share} of the uncertainty draws.",
        "{option}は手動トレースと比べて{years}年間で{savings}を削減します。初期費用は{months}で回収でき、不確実性の試行の{share}で最も安い選択肢です。",
    ),
    "rec.saves_payback": (
        "{option} saves {savings} over {years} years compared with manual tracing; it pays back its setup in {months}.",
        "{option}は手動トレースと比べて{years}年間で{savings}を削減します。初期費用は{months}で回収できます。",
    ),
    "rec.saves_never_share": (
        "{option} saves {savings} over {years} years compared with manual tracing, but never pays back its setup; "
        "it is the cheapest option in {share} of the uncertainty draws.",
        "{option}は手動トレースと比べて{years}年間で{savings}を削減しますが、初期費用は回収できません。不確実性の試行の{share}で最も安い選択肢です。",
    ),
    "rec.saves_never": (
        "{option} saves {savings} over {years} years compared with manual tracing, but never pays back its setup.",
        "{option}は手動トレースと比べて{years}年間で{savings}を削減しますが、初期費用は回収できません。",
    ),
    "overview.defaults": (
        {
            "one": "{n} of {total} inputs is still a segroi default: replace it with your site's figure.",
            "other": "{n} of {total} inputs are still segroi's defaults: replace them with your site's figures.",
        },
        "入力{total}件のうち{n}件は segroi の既定値のままです。施設の実際の数値に置き換えてください。",
    ),
    "overview.defaults_none": (
        "None of the {total} inputs is a segroi default any more: each is your site's, published or measured.",
        "入力{total}件のうち segroi の既定値のままのものはありません（すべて施設の値・文献値・実測値です）。",
    ),
    "overview.card.savings": ("{option}: {years}-year savings vs manual", "{option}：{years}年間の手動比削減額"),
    "overview.card.payback": ("{option}: payback", "{option}：投資回収期間"),
    "overview.card.p_cheapest": (
        "{option}: cheapest in this share of uncertainty draws",
        "{option}：不確実性の試行で最も安い割合",
    ),
    "overview.card.cost_per_study": (
        "{option}: running cost per study (setup not included)",
        "{option}：1検査あたりの運用コスト（初期費用を除く）",
    ),
    "overview.card.range_help": (
        "Present value at the scenario's discount rate. The range is the 5th to 95th percentile over {n:,} "
        "uncertainty draws.",
        "シナリオの割引率での現在価値。範囲は不確実性の試行 {n:,} 回の5〜95パーセンタイルです。",
    ),
    "overview.card.no_range": ("no range: no input carries one", "範囲なし（範囲付きの入力がありません）"),
    "rec.payback": ("payback in {months}", "投資回収は{months}"),
    "rec.payback_none": ("it never pays back its setup", "初期費用は回収できません"),
    "rec.cheapest_share": ("cheapest in {share} of simulated scenarios", "シミュレーションの{share}で最安"),
    "rec.manual_best": (
        "Keep manual tracing: neither SAM nor SSL is cheaper over {years} years in this scenario.",
        "手動トレースを継続：このシナリオでは{years}年間で SAM も SSL も安くなりません。",
    ),
    "rec.manual_best_any": (
        {
            "one": "Keep manual tracing: the alternative is not cheaper over {years} years in this scenario.",
            "other": "Keep manual tracing: none of the {n} alternatives is cheaper over {years} years in this "
            "scenario.",
        },
        "手動トレースを継続：このシナリオでは{years}年間で、代替案（{n}件）のどれも手動より安くなりません。",
    ),
    "rec.vs_other": ("{other}: {savings} vs manual", "{other}：手動比 {savings}"),
    "rec.next_best": ("next best: {other}, {savings} vs manual", "次点：{other}、手動比 {savings}"),
    "rec.break_even": (
        "{a} and {b} cost the same at {volume} studies per year",
        "年間{volume}検査で{a}と{b}のコストが等しくなります",
    ),
    "cost.labour": ("Labour", "人件費"),
    "cost.compute": ("Compute", "計算費"),
    "cost.maintenance": ("Maintenance", "保守"),
    "cost.setup": ("Setup (one-off)", "初期費用（一時）"),
    "cost.annual": ("Annual cost", "年間コスト"),
    "cost.present": ("Present cost", "現在価値コスト"),
    "axis.year": ("Year", "年"),
    "axis.studies_per_year": ("studies per year", "年間検査数"),
    "axis.cost": ("Cost ({currency})", "コスト（{currency}）"),
    "axis.cost_per_study": ("Cost per study ({currency})", "1検査あたり（{currency}）"),
    "axis.per_study": ("{currency} per study", "{currency}／検査"),
    "axis.per_year": ("{currency} per year", "{currency}／年"),
    "axis.once": ("{currency}, once", "{currency}（一時）"),
    "axis.savings": ("Savings vs manual ({currency})", "手動比の削減額（{currency}）"),
    "axis.images_per_second": ("Images per second", "毎秒画像数"),
    "axis.joules_per_image": ("Joules per image", "画像1枚あたりのジュール"),
    "axis.dice": ("Dice", "Dice係数"),
    "axis.reference": ("Reference", "基準値"),
    "axis.model_value": ("Model", "モデル"),
    "axis.mean": ("Mean of model and reference", "モデルと基準値の平均"),
    "axis.difference": ("Model minus reference", "モデル − 基準値"),
    "tornado.low": ("Input at the low end of its range", "入力が範囲の下限のとき"),
    "tornado.high": ("Input at the high end of its range", "入力が範囲の上限のとき"),
    "metric.annual_cost": ("Annual cost", "年間コスト"),
    "metric.setup_cost": ("Setup cost", "初期費用"),
    "metric.present_cost": ("Present cost", "現在価値コスト"),
    "metric.npv_savings": ("NPV savings vs manual", "手動比の正味現在価値削減額"),
    "metric.roi": ("ROI", "ROI"),
    "metric.payback_months": ("Payback", "投資回収期間"),
    "metric.cost_per_study": ("Cost per study", "1検査あたりのコスト"),
    "metric.human_hours": ("Human hours per year", "年間の人手時間"),
    "metric.break_even": ("Break-even volume SAM vs SSL", "SAM と SSL の損益分岐件数"),
    "metric.never": ("never", "なし"),
    "metric.not_applicable": ("n/a", "該当なし"),
    "empty.title": ("No data yet", "まだデータがありません"),
    "empty.reference": (
        "The store at {path} holds no scenario yet. Run `segroi demo` to load the reference scenario and the H100 "
        "compute anchors, or start the dashboard with `segroi dashboard`, which does that for you.",
        "{path} のデータストアにはまだシナリオがありません。`segroi demo` を実行すると基準シナリオと H100 の計算実測値が読み込まれます。`segroi dashboard` "
        "で起動した場合は自動で読み込まれます。",
    ),
    "empty.load_reference": ("Load the reference scenario now", "基準シナリオを今すぐ読み込む"),
    "empty.profiles": (
        "No compute profiles stored yet. Press “Refresh benchmarks” below, or run `segroi profile --models "
        "ssl_unet --device cpu --seconds 2` in a terminal.",
        "計算プロファイルがまだありません。下の「ベンチマークを更新」を押すか、端末で `segroi profile --models ssl_unet --device cpu --seconds 2` "
        "を実行してください。",
    ),
    "empty.evaluations": (
        "No accuracy results stored yet. Run `segroi evaluate --model ssl --data DIR` (and `--model sam`) to "
        "measure Dice and clinical measurements against ground truth.",
        "精度の結果がまだありません。`segroi evaluate --model ssl --data DIR`（および `--model sam`）を実行して、正解に対する Dice と臨床計測値を測定してください。",
    ),
    "empty.measurements": (
        "No clinical measurements stored yet; `segroi evaluate` writes them when the data has reference values.",
        "臨床計測値がまだありません。基準値のあるデータで `segroi evaluate` を実行すると保存されます。",
    ),
    "empty.measured_inputs": (
        "No measured times or failure rates in the store yet. Annotation sessions (Annotate page or `segroi "
        "annotate-sim`), `segroi evaluate` and `segroi profile` provide them.",
        "実測の時間や失敗率がまだありません。アノテーション（アノテーションページまたは `segroi annotate-sim`）、`segroi evaluate`、`segroi profile` で得られます。",
    ),
    "scenario.title": ("Scenario", "シナリオ"),
    "scenario.intro": (
        "Every assumption of the cost model. Numbers update as you type; nothing is stored until you save.",
        "コストモデルのすべての仮定です。入力するとすぐに再計算されます。保存するまでは記録されません。",
    ),
    "scenario.load": ("Load scenario", "シナリオを読み込む"),
    "scenario.save": ("Save", "保存"),
    "scenario.save_as": ("Save as", "名前を付けて保存"),
    "scenario.duplicate": ("Duplicate", "複製"),
    "scenario.delete": ("Delete", "削除"),
    "scenario.reset": ("Discard edits", "編集を破棄"),
    "scenario.saved": ("Saved scenario “{name}”.", "シナリオ「{name}」を保存しました。"),
    "scenario.name_taken": (
        "A scenario named “{name}” already exists; pick another name.",
        "「{name}」という名前のシナリオは既にあります。別の名前にしてください。",
    ),
    "scenario.name_empty": ("Give the scenario a name.", "シナリオ名を入力してください。"),
    "scenario.invalid": ("This scenario has a problem: {message}", "このシナリオには問題があります：{message}"),
    "scenario.fix_first": (
        "Fix the highlighted field before saving.",
        "保存する前に指摘された項目を修正してください。",
    ),
    "scenario.compare": ("Compare scenarios side by side", "シナリオを並べて比較"),
    "scenario.compare_pick": ("Scenarios to compare", "比較するシナリオ"),
    "scenario.results": ("Results", "結果"),
    "scenario.server_time": ("recomputed in {ms:.0f} ms", "{ms:.0f} ミリ秒で再計算"),
    "scenario.cached": ("figures of this exact scenario, computed earlier", "このシナリオで計算済みの数値"),
    "scenario.use_measured": ("Use measured values", "実測値を使う"),
    "scenario.measured_title": ("Times, failure rates and compute from measured runs", "実測の時間・失敗率・計算性能"),
    "scenario.measured_applied": (
        {"one": "Applied 1 measured value.", "other": "Applied {n} measured values."},
        "実測値 {n} 件を適用しました。",
    ),
    "scenario.old_annotation": (
        {
            "one": "Include 1 annotation item timed the old way (before segroi measured activity in the browser; its "
            "time is too low)",
            "other": "Include {n} annotation items timed the old way (before segroi measured activity in the "
            "browser; their times are too low)",
        },
        "旧方式で計測したアノテーション {n} 件も含める（ブラウザでの操作計測より前のもので、時間が短すぎます）",
    ),
    "scenario.range": ("Uncertainty ranges (Monte Carlo and tornado)", "不確実性の範囲（モンテカルロと感度分析）"),
    "scenario.range_moved": ("its range moved with it: {low} to {high}", "範囲も連動して {low}〜{high} に移動しました"),
    "scenario.low": ("low", "下限"),
    "scenario.high": ("high", "上限"),
    "scenario.dist": ("distribution", "分布"),
    "scenario.dist_none": ("fixed", "固定"),
    "scenario.provenance": ("source", "出典"),
    "scenario.field": ("Field", "項目"),
    "scenario.value": ("Measured", "実測値"),
    "scenario.from": ("From", "由来"),
    "scenario.current": ("Now", "現在"),
    "scenario.option_kind": ("kind", "種類"),
    "scenario.own_hardware": ("its own hardware", "専用のハードウェア"),
    "scenario.scenario_hardware": ("the scenario's hardware", "シナリオのハードウェア"),
    "scenario.currency_note": (
        "Amounts are not converted: enter them in this currency.",
        "金額は換算されません。この通貨で入力してください。",
    ),
    "scenario.absent": ("(not in this scenario)", "（このシナリオにはありません）"),
    "scenario.and_more": ({"one": " and 1 more", "other": " and {n} more"}, " ほか{n}件"),
    "scenario.use": ("Values to apply", "適用する値"),
    "scenario.apply_none": ("Pick the values to apply", "適用する値を選んでください"),
    "scenario.apply_measured": (
        {"one": "Apply 1 measured value", "other": "Apply {n} measured values"},
        "実測値 {n} 件を適用",
    ),
    "scenario.apply_mixed": (
        {
            "one": "Apply 1 value: {measured} measured, {simulated} simulated",
            "other": "Apply {n} values: {measured} measured, {simulated} simulated",
        },
        "{n} 件を適用（実測 {measured} 件、シミュレーション {simulated} 件）",
    ),
    "scenario.measured_applied_mixed": (
        {
            "one": "Applied 1 value; it is simulated and stays labelled simulated.",
            "other": "Applied {n} values; {simulated} of them are simulated and stay labelled simulated.",
        },
        "{n} 件を適用しました。うち {simulated} 件はシミュレーションで、そのように表示されます。",
    ),
    "scenario.simulated_opt_in": (
        "Simulated values (a simulated annotator, phantom images, prompts simulated from ground truth) are "
        "applied only when you add them to the values to apply, and stay labelled simulated wherever they are "
        "shown.",
        "シミュレーションの値（シミュレーションのアノテーター、ファントム画像、正解から作ったプロンプト）は「適用する値」に加えた場合だけ適用され、どこに表示されてもシミュレーションと表示されます。",
    ),
    "scenario.interval": ("({low} to {high})", "（{low}〜{high}）"),
    "scenario.point": ("value", "値"),
    "scenario.unit": ("Unit", "単位"),
    "scenario.range_help": (
        "Each row gives an input a range for the Monte Carlo and the tornado, in the input's own unit.",
        "各行は入力に範囲を与えます（モンテカルロと感度分析に使います）。単位は入力と同じです。",
    ),
    "dist.triangular": ("triangular (low, value, high)", "三角分布（下限・値・上限）"),
    "dist.uniform": ("uniform (low to high)", "一様分布（下限〜上限）"),
    "dist.normal": ("normal (2.5th-97.5th percentile)", "正規分布（2.5〜97.5パーセンタイル）"),
    "dist.lognormal": ("lognormal (2.5th-97.5th percentile)", "対数正規分布（2.5〜97.5パーセンタイル）"),
    "dist.beta": ("beta (2.5th-97.5th percentile)", "ベータ分布（2.5〜97.5パーセンタイル）"),
    "scenario.fix_marked": (
        "Fix the field marked in red below; the figures come back as soon as it is valid.",
        "下の赤で示した項目を修正してください。正しい値になるとすぐに数値が表示されます。",
    ),
    "scenario.convert_intro": (
        "The amounts of this scenario are in {old}. To use {new}, state the exchange rate: every amount (wages, "
        "prices, the server) and its range is converted at it, and the rate, its date and its source are kept "
        "with each converted figure.",
        "このシナリオの金額は {old} です。{new} にするには為替レートを入力してください。すべての金額（時給・価格・サーバー）とその範囲がこのレートで換算され、レート・日付・出典が換算した各数値に記録されます。",
    ),
    "scenario.rate": ("{new} per 1 {old}", "1 {old} あたりの {new}"),
    "scenario.rate_date": ("Date of the rate", "レートの日付"),
    "scenario.rate_source": ("Source of the rate", "レートの出典"),
    "scenario.rate_source_example": ("e.g. central bank reference rate", "例：中央銀行の参照レート"),
    "scenario.convert": ("Convert every amount", "すべての金額を換算"),
    "scenario.convert_failed": ("Nothing was converted: {reason}", "換算していません：{reason}"),
    "scenario.rate_needs_source": ("give the rate's date and its source.", "レートの日付と出典を入力してください。"),
    "scenario.rate_positive": (
        "the exchange rate must be a number greater than 0.",
        "為替レートは 0 より大きい数値にしてください。",
    ),
    "scenario.converted": (
        "Every amount is now in {currency}, converted at the rate stated.",
        "すべての金額を入力したレートで {currency} に換算しました。",
    ),
    "scenario.saved_version": (
        "Saved scenario “{name}” (version {version}).",
        "シナリオ「{name}」を保存しました（第{version}版）。",
    ),
    "scenario.saving_as": ("Saved versions name you as {who}.", "保存した版には {who} として記録されます。"),
    "scenario.saved_by_input": (
        "Your name or initials (kept with each version you save)",
        "氏名またはイニシャル（保存する版に記録されます）",
    ),
    "scenario.saved_by_placeholder": ("optional", "任意"),
    "scenario.history": ("Versions of “{name}”: who saved what, and when", "「{name}」の版：いつ誰が何を保存したか"),
    "scenario.no_versions": ("No saved versions yet.", "保存された版はまだありません。"),
    "scenario.version": ("Version", "版"),
    "scenario.saved_at": ("Saved (UTC)", "保存日時（UTC）"),
    "scenario.saved_by": ("Saved by", "保存した人"),
    "scenario.saved_by_unknown": ("(not recorded)", "（記録なし）"),
    "scenario.changed": ("Inputs changed", "変更した入力"),
    "scenario.note": ("Note", "メモ"),
    "scenario.first_version": ("first version", "最初の版"),
    "scenario.nothing_changed": ("no input changed", "入力の変更なし"),
    "scenario.differences": ("Inputs that differ: “{a}” and “{b}”", "異なる入力：「{a}」と「{b}」"),
    "scenario.no_differences": ("“{a}” and “{b}” have the same inputs.", "「{a}」と「{b}」の入力は同じです。"),
    "scenario.source_of": ("Source in “{name}”", "「{name}」での出典"),
    "scenario.source_entry": ("{kind}: {source}", "{kind}：{source}"),
    "scenario.compare_currencies": (
        "The scenarios are in different currencies, so they are not drawn on one chart.",
        "通貨が異なるため、同じグラフには描いていません。",
    ),
    "scenario.yes": ("yes", "はい"),
    "scenario.no": ("no", "いいえ"),
    "scenario.option_label": ("label", "ラベル"),
    "scenario.option_automatic": ("automatic part", "自動の部分"),
    "scenario.option_prompted": ("prompted part", "プロンプトの部分"),
    "ui.no_such_scenario": (
        "The link names a scenario “{name}” that this store does not have; showing the one below instead.",
        "リンクが示すシナリオ「{name}」はこのストアにありません。代わりに下のシナリオを表示しています。",
    ),
    "scenario.hybrid_parts": ("{kind} ({a} → {p})", "{kind}（{a} → {p}）"),
    "scenario.own_hardware_of": ("{mode}, its own hardware", "{mode}、専用のハードウェア"),
    "scenario.kind_where": ("{kind}; {where}", "{kind}（{where}）"),
    "scenario.mode_dedicated": ("{mode} ({dedicated}: {answer})", "{mode}（{dedicated}：{answer}）"),
    "scenario.value_range": ("{value} ({low} to {high})", "{value}（{low}〜{high}）"),
    "section.general": ("General", "全般"),
    "section.workload": ("Workload", "業務量"),
    "section.labour": ("Labour", "人件費"),
    "section.hardware": ("Hardware", "ハードウェア"),
    "section.manual": ("Manual tracing", "手動トレース"),
    "section.sam": ("SAM-assisted", "SAM 支援"),
    "section.ssl": ("Label-free SSL", "ラベル不要 SSL"),
    "section.profile": ("compute profile", "計算プロファイル"),
    "section.options": ("Options compared", "比較する選択肢"),
    "scenario.remove": ("Remove", "削除"),
    "scenario.label": ("Label shown instead of the name (optional)", "名前の代わりに表示するラベル（任意）"),
    "scenario.hybrid_automatic": ("Automatic part (runs first)", "自動の部分（先に実行）"),
    "scenario.hybrid_prompted": ("Prompted part (for its failures)", "プロンプトの部分（失敗分）"),
    "scenario.own_hardware_toggle": (
        "Own hardware (instead of the scenario's)",
        "専用のハードウェア（シナリオ共通の代わり）",
    ),
    "scenario.add_option": ("Add an option", "選択肢を追加"),
    "scenario.template": ("From template", "テンプレート"),
    "scenario.option_name": ("Name", "名前"),
    "scenario.option_name_help": ("1-32 characters: a-z, 0-9 and _", "1〜32文字：a-z、0-9、_"),
    "scenario.add": ("Add", "追加"),
    "bench.title": ("Benchmarks", "ベンチマーク"),
    "bench.intro": (
        "Stored compute profiles. Filter them, compare throughput and energy, or measure again.",
        "保存された計算プロファイルです。絞り込み、スループットとエネルギーの比較、再測定ができます。",
    ),
    "bench.filter_model": ("Models", "モデル"),
    "bench.filter_dtype": ("Data types", "データ型"),
    "bench.filter_device": ("Devices", "デバイス"),
    "bench.filter_weights": ("Weights", "重み"),
    "bench.throughput": ("Throughput by model, dtype and batch", "モデル・データ型・バッチ別のスループット"),
    "bench.energy": ("Energy per image by model, dtype and batch", "モデル・データ型・バッチ別の画像あたりエネルギー"),
    "bench.no_energy": (
        "None of the selected profiles has a measured energy figure.",
        "選択したプロファイルにはエネルギーの実測値がありません。",
    ),
    "bench.refresh": ("Refresh benchmarks", "ベンチマークを更新"),
    "bench.models": ("Models to profile", "測定するモデル"),
    "bench.device": ("Device", "デバイス"),
    "bench.seconds": ("Seconds per setting", "設定ごとの秒数"),
    "bench.extra": ("More arguments for `segroi profile`", "`segroi profile` の追加引数"),
    "bench.start": ("Start profiling", "測定を開始"),
    "bench.cancel": ("Cancel", "キャンセル"),
    "bench.running": ("Running: {command}", "実行中：{command}"),
    "bench.done": (
        "Profiling finished; the new rows are in the table.",
        "測定が完了しました。新しい行が表に追加されています。",
    ),
    "bench.failed": ("Profiling failed: {reason}", "測定に失敗しました：{reason}"),
    "bench.cancelled": (
        "Profiling cancelled; nothing was stored for that run.",
        "測定をキャンセルしました。この実行の結果は保存されていません。",
    ),
    "bench.already": ("A profiling run is already going.", "測定は既に実行中です。"),
    "bench.random_weights": (
        "Rows with random weights are exact for time and energy but say nothing about accuracy.",
        "ランダム重みの行は時間とエネルギーについては正確ですが、精度については何も示しません。",
    ),
    "bench.recent_runs": ("Recent profile runs", "最近の測定実行"),
    "bench.filter_hardware": ("Hardware", "ハードウェア"),
    "bench.import": ("Import results from another machine", "他のマシンの結果を取り込む"),
    "bench.import_help": (
        "A bundle written by `segroi runs export RUN_ID... --out DIR` on another machine: its zip, or every file "
        "of its folder (`manifest.json` and the `.parquet` files). Runs this store already has are skipped; host, "
        "dates and devices are kept.",
        "他のマシンで `segroi runs export RUN_ID... --out DIR` が書き出したバンドルです。その zip、またはフォルダ内のすべてのファイル（`manifest.json` と "
        "`.parquet` ファイル）を選んでください。このストアに既にある実行は読み飛ばし、ホスト・日時・デバイスはそのまま残します。",
    ),
    "bench.import_files": (
        "Bundle (`.zip`, or `manifest.json` + `.parquet` files)",
        "バンドル（`.zip`、または `manifest.json` と `.parquet` ファイル）",
    ),
    "bench.import_start": ("Import", "取り込む"),
    "bench.import_done": (
        {
            "one": "Imported 1 run ({present} already in the store).",
            "other": "Imported {added} runs ({present} already in the store).",
        },
        "{added} 件の実行を取り込みました。{present} 件は既にストアにありました。",
    ),
    "bench.import_nothing": (
        {
            "one": "Nothing imported: the store already has the run of this bundle.",
            "other": "Nothing imported: the store already has all {present} runs of this bundle.",
        },
        "取り込むものはありません。このバンドルの {present} 件の実行はすべて既にストアにあります。",
    ),
    "bench.import_failed": (
        "The bundle was not imported; nothing was stored:",
        "バンドルは取り込まれませんでした。何も保存されていません：",
    ),
    "bench.recent_imports": ("Recent imports", "最近の取り込み"),
    "bench.col.model": ("Model", "モデル"),
    "bench.col.component": ("Component", "部位"),
    "bench.col.weights": ("Weights", "重み"),
    "bench.col.device": ("Device", "デバイス"),
    "bench.col.device_name": ("Hardware", "ハードウェア"),
    "bench.col.host": ("Host", "ホスト"),
    "bench.col.dtype": ("Data type", "データ型"),
    "bench.col.dtype_mode": ("How the type is applied", "型の適用方法"),
    "bench.col.batch": ("Batch", "バッチ"),
    "bench.col.input_size": ("Input size", "入力サイズ"),
    "bench.col.recipe": ("Recipe", "設定"),
    "bench.col.compiled": ("torch.compile", "torch.compile"),
    "bench.col.channels_last": ("channels_last", "channels_last"),
    "bench.col.reduced_input": ("Reduced input", "縮小入力"),
    "bench.col.images_per_second": ("Images/s", "画像/秒"),
    "bench.col.seconds_per_image": ("s/image", "秒/画像"),
    "bench.col.joules_per_image": ("J/image", "J/画像"),
    "bench.col.joules_per_image_idle_subtracted": ("J/image above idle", "J/画像（アイドル差し引き）"),
    "bench.col.seconds_per_prompt": ("s/prompt", "秒/プロンプト"),
    "bench.col.joules_per_prompt": ("J/prompt", "J/プロンプト"),
    "bench.col.energy_method": ("Energy measured by", "エネルギーの測定方法"),
    "bench.col.average_power_watts": ("Average power (W)", "平均電力（W）"),
    "bench.col.peak_memory_bytes": ("Peak memory (bytes)", "最大メモリ（バイト）"),
    "bench.col.flops_per_image": ("FLOP/image", "FLOP/画像"),
    "bench.col.provenance": ("Provenance", "出典の種類"),
    "bench.col.source": ("Source", "出典"),
    "bench.col.torch_version": ("torch", "torch"),
    "bench.col.measured_at": ("Measured", "測定日時"),
    "bench.col.run_id": ("Run", "実行 ID"),
    "bench.run.id": ("Run", "実行 ID"),
    "bench.run.status": ("Status", "状態"),
    "bench.run.started_at": ("Started (UTC)", "開始（UTC）"),
    "bench.run.finished_at": ("Finished (UTC)", "終了（UTC）"),
    "bench.run.command": ("Command", "コマンド"),
    "bench.run.reason": ("Reason", "理由"),
    "bench.run.kind": ("Kind", "種類"),
    "bench.run.host": ("Host", "ホスト"),
    "bench.run.segroi_version": ("segroi", "segroi"),
    "bench.run.devices": ("Devices", "デバイス"),
    "bench.run.added": ("Added", "追加"),
    "bench.import.id": ("Import", "取り込み ID"),
    "bench.import.imported_at": ("Imported (UTC)", "取り込み日時（UTC）"),
    "bench.import.source": ("From", "取り込み元"),
    "bench.import.exported_from_host": ("Exported from", "書き出し元ホスト"),
    "bench.import.bundle_segroi_version": ("segroi", "segroi"),
    "bench.import.bundle_schema_version": ("Schema", "スキーマ"),
    "bench.import.runs_added": ("Runs added", "追加した実行"),
    "bench.import.runs_present": ("Already present", "既存の実行"),
    "bench.unknown": ("(not recorded)", "（記録なし）"),
    "bench.pick_model": ("Pick at least one model to profile.", "測定するモデルを1つ以上選んでください。"),
    "bench.log": ("Log", "ログ"),
    "bench.no_output": ("(no output)", "（出力なし）"),
    "acc.title": ("Accuracy", "精度"),
    "acc.published_title": ("Dice, published and measured here", "Dice：文献値と segroi の実測"),
    "acc.published": ("published", "文献値"),
    "acc.by_segroi": ("segroi, {kind}", "segroi による{kind}"),
    "acc.published_table": ("Published accuracy figures", "精度の文献値"),
    "acc.published_none": (
        "No published figures in the store; `segroi demo` loads them with their sources.",
        "文献値がストアにありません。`segroi demo` で出典とともに読み込まれます。",
    ),
    "acc.col.dataset": ("Dataset", "データセット"),
    "acc.col.metric": ("Metric", "指標"),
    "acc.col.note": ("Note", "注記"),
    "acc.dice": ("Dice per structure and model", "構造・モデル別の Dice"),
    "acc.agreement": ("Measurement agreement", "計測値の一致"),
    "acc.measurement": ("Measurement", "計測項目"),
    "acc.scatter": ("Model against reference", "モデルと基準値の比較"),
    "acc.bland_altman": ("Bland-Altman", "Bland-Altman"),
    "acc.bias": ("bias {bias}", "バイアス {bias}"),
    "acc.limits": ("95% limits {low} to {high}", "95%一致限界 {low}〜{high}"),
    "acc.bias_col": ("Bias", "バイアス"),
    "acc.limits_col": ("95% limits of agreement", "95%一致限界"),
    "acc.identity": ("identity", "一致線"),
    "acc.failure_title": ("How the failure rate was derived", "失敗率の算出方法"),
    "acc.failure_threshold": ("Dice threshold for a failed structure", "失敗とみなす Dice の閾値"),
    "acc.failure_rule": (
        "A structure counts as failed when its Dice against ground truth is below {threshold}. The failure rate "
        "is failed structures / all evaluated structures, per model.",
        "正解に対する Dice が {threshold} 未満の構造を失敗とみなします。失敗率はモデルごとに「失敗した構造数 ÷ 評価した全構造数」です。",
    ),
    "acc.failure_none": (
        "Once evaluations or annotation sessions are stored, this shows how each failure rate follows from them.",
        "評価結果またはアノテーションセッションが保存されると、失敗率の算出根拠がここに表示されます。",
    ),
    "acc.failure_annot": (
        "From annotation sessions: the share of items the annotator rejected or had to correct.",
        "アノテーションセッションから：アノテーターが却下または修正した項目の割合。",
    ),
    "acc.failure_table_model": ("Model", "モデル"),
    "acc.failure_table_n": ("Structures", "構造数"),
    "acc.failure_table_failed": ("Failed", "失敗"),
    "acc.failure_table_rate": ("Failure rate", "失敗率"),
    "acc.simulated_prompts": (
        "SAM rows used prompts simulated from ground truth.",
        "SAM の行は正解から生成したシミュレーションのプロンプトを使っています。",
    ),
    "acc.simulated_data": (
        "Rows marked simulated come from phantom data or simulated prompts: they check the pipeline, they are not "
        "a measurement on real patients.",
        "「シミュレーション」の行はファントムデータまたはシミュレーションのプロンプトによるもので、処理の確認用です。実際の患者での測定ではありません。",
    ),
    "acc.random_weights": (
        "Rows from random weights are left out: their accuracy means nothing.",
        "ランダム重みの行は除外しています（精度として意味がないため）。",
    ),
    "export.title": ("Export", "エクスポート"),
    "export.intro": (
        "A PDF for meetings, three pages or more: the recommendation, the cost charts, every assumption with its "
        "source, and what was measured where and when.",
        "会議用の PDF（3ページ以上）：推奨、コストのグラフ、すべての仮定とその出典、いつどこで何を測定したか。",
    ),
    "export.runs": (
        {
            "one": "1 measured run is listed with its hardware, date and run id.",
            "other": "{n} measured runs are listed with their hardware, dates and run ids.",
        },
        "{n} 件の実測の記録を、ハードウェア・日時・実行 ID とともに掲載します。",
    ),
    "export.runs.zero": (
        "No measured runs are stored yet; the PDF says so.",
        "実測の記録はまだありません（PDF にもその旨を記載します）。",
    ),
    "export.build": ("Build PDF", "PDF を作成"),
    "export.download": ("Download PDF", "PDF をダウンロード"),
    "export.built": (
        "PDF ready ({pages} pages, {seconds:.1f} s).",
        "PDF を作成しました（{pages}ページ、{seconds:.1f} 秒）。",
    ),
    "export.failed": ("The PDF could not be built: {reason}", "PDF を作成できませんでした：{reason}"),
    "pdf.title": ("Echo segmentation: SAM or label-free SSL?", "心エコーのセグメンテーション：SAM かラベル不要 SSL か"),
    "pdf.subtitle": ("Meeting summary for scenario “{name}”", "シナリオ「{name}」の会議用サマリー"),
    "pdf.headline": ("Headline figures", "主要な数値"),
    "pdf.charts": ("Costs and what drives them", "コストとその要因"),
    "pdf.assumptions": ("Assumptions and where they come from", "仮定とその出典"),
    "pdf.measured": ("What was measured, where and when", "いつ、どこで、何を測定したか"),
    "pdf.no_runs": (
        "No measured runs are stored; every compute and time figure above is published or assumed.",
        "実測の記録はありません。上記の計算・時間の数値はすべて文献値または仮定です。",
    ),
    "pdf.more_runs": (
        {
            "one": "… and 1 earlier run (`segroi runs` lists them all).",
            "other": "… and {n} earlier runs (`segroi runs` lists them all).",
        },
        "…ほか {n} 件の以前の実行（`segroi runs` で一覧できます）。",
    ),
    "pdf.range_line": (
        "{option}'s savings, {range} over the uncertainty draws.",
        "{option}の削減額：不確実性の試行での{range}。",
    ),
    "pdf.table_note": (
        "ROI = savings vs manual ÷ setup cost. Payback: months until the savings pay for the setup. Cost per "
        "study: running cost only (setup not included).",
        "ROI = 手動比の削減額 ÷ 初期費用。投資回収期間：削減額が初期費用を上回るまでの月数。1検査あたりのコスト：運用コストのみ（初期費用を除く）。",
    ),
    "pdf.measured_note": (
        "Date: when the figures were measured (the H100 reference measurements: docs/reference-measurements.md).",
        "日時：数値を測定した日時です（H100 の基準測定値は docs/reference-measurements.md）。",
    ),
    "metric.p_cheapest": ("Cheapest in draws", "試行で最安の割合"),
    "pdf.footer": (
        "{date} · scenario “{name}” · segroi {version} · page {page}/{pages}",
        "{date} · シナリオ「{name}」 · segroi {version} · {page}/{pages}ページ",
    ),
    "pdf.col.option": ("Option", "選択肢"),
    "pdf.col.field": ("Assumption", "仮定"),
    "pdf.col.value": ("Value", "値"),
    "pdf.col.provenance": ("Provenance", "出典の種類"),
    "pdf.col.source": ("Source", "出典"),
    "pdf.col.run": ("Run", "実行 ID"),
    "pdf.col.kind": ("Kind", "種類"),
    "pdf.col.hardware": ("Hardware", "ハードウェア"),
    "pdf.col.date": ("Measured (UTC)", "測定日時（UTC）"),
    "pdf.col.what": ("What", "内容"),
    "pdf.col.status": ("Status", "状態"),
    "overview.cost_per_study_running": (
        "Running cost per study (setup not included)",
        "1検査あたりの運用コスト（初期費用を除く）",
    ),
    "overview.crossover_at": ("crossover: {months}", "交点：{months}"),
    "axis.batch": ("Batch size", "バッチサイズ"),
    # -- clinical measurements (engine/measure/clinical.py names), by name or by pattern
    "measure.area": ("{structure} area (cm²)", "{structure}の面積（cm²）"),
    "measure.lv_length_mm": ("LV length (mm)", "左室長径（mm）"),
    "measure.lv_volume_single_plane_ml": ("LV volume, single plane (ml)", "左室容積・単断面法（ml）"),
    "measure.lv_volume_biplane_ml": ("LV volume, biplane (ml)", "左室容積・二断面法（ml）"),
    "measure.ef_biplane_percent": ("Ejection fraction, biplane (%)", "駆出率・二断面法（%）"),
    "measure.ef_single_plane_percent": ("Ejection fraction, single plane (%)", "駆出率・単断面法（%）"),
    "measure.lv_edv_ml": ("LV end-diastolic volume (ml)", "左室拡張末期容積（ml）"),
    "measure.lv_esv_ml": ("LV end-systolic volume (ml)", "左室収縮末期容積（ml）"),
    "measure.titled": ("{title}: {name}", "{title}：{name}"),
    # -- Streamlit's own words on a file drop zone, in Japanese (dashboard/app.py puts them there)
    "ui.upload": ("Upload", "アップロード"),
    "ui.upload_limit": ("200MB per file", "1ファイル 200MB まで"),
    # -- the spreadsheet (engine/report/spreadsheet.py)
    "sheet.results": ("Results", "結果"),
    "sheet.assumptions": ("Assumptions", "仮定"),
    "sheet.runs": ("Measured runs", "実測の記録"),
    "sheet.option_key": ("Option key", "選択肢のキー"),
    "sheet.field_key": ("Field key", "項目のキー"),
    "sheet.currency": ("Currency", "通貨"),
    "sheet.payback_months": ("Payback (months)", "投資回収期間（月）"),
    "sheet.roi": ("ROI (NPV savings / setup)", "ROI（正味現在価値削減額 ÷ 初期費用）"),
    "sheet.p_cheapest": ("Cheapest in this share of uncertainty draws", "不確実性の試行で最も安い割合"),
    "sheet.savings_p5": ("Savings vs manual, 5th percentile", "手動比の削減額（5パーセンタイル）"),
    "sheet.savings_p95": ("Savings vs manual, 95th percentile", "手動比の削減額（95パーセンタイル）"),
    "sheet.unit.fraction": ("fraction (0-1)", "割合（0〜1）"),
    "sheet.unit.per_year": ("per year (0-1)", "年率（0〜1）"),
    "export.sheet_intro": (
        "The same figures as a spreadsheet: results per option, every assumption with its value, range, unit "
        "and source, and the measured runs.",
        "同じ数値をスプレッドシートで：選択肢ごとの結果、値・範囲・単位・出典付きのすべての仮定、実測の記録。",
    ),
    "export.download_xlsx": ("Download spreadsheet (.xlsx)", "スプレッドシートをダウンロード（.xlsx）"),
    "export.download_csv": ("Download CSV tables (.zip)", "CSV の表をダウンロード（.zip）"),
    # -- scenario fields (dotted paths; an option's fields by their key within the option)
    "field.name": ("Name", "名前"),
    "field.currency": ("Currency", "通貨"),
    "field.horizon_years": ("Horizon", "評価期間"),
    "field.discount_rate": ("Discount rate", "割引率"),
    "field.workload.studies_per_year": ("Studies per year", "年間検査数"),
    "field.workload.frames_per_study": ("Frames segmented per study", "1検査あたりのフレーム数"),
    "field.workload.structures_per_frame": ("Structures per frame", "1フレームあたりの構造数"),
    "field.labour.clinician_wage_per_hour": ("Clinician wage", "臨床担当者の時給"),
    "field.labour.engineer_wage_per_hour": ("Engineer wage", "エンジニアの時給"),
    "field.labour.overhead_fraction": ("Overhead on wages", "人件費の間接費率"),
    "field.hardware.mode": ("Compute", "計算環境"),
    "field.hardware.gpu_price_per_hour": ("Cloud price per GPU-hour", "クラウドの GPU 時間単価"),
    "field.hardware.utilization": ("GPU utilisation", "GPU 稼働率"),
    "field.hardware.energy_price_per_kwh": ("Electricity price", "電力単価"),
    "field.hardware.pue": ("PUE (machine-room overhead)", "PUE（設備の電力効率）"),
    "field.hardware.server_capex": ("Server purchase price", "サーバー購入費"),
    "field.hardware.amortization_years": ("Amortisation", "償却期間"),
    "field.hardware.dedicated": ("Server dedicated to segmentation", "セグメンテーション専用サーバー"),
    "field.seconds_per_structure": ("Seconds to trace one structure", "1構造のトレース秒数"),
    "field.prompt_seconds_per_structure": ("Seconds to prompt one structure", "1構造のプロンプト秒数"),
    "field.failure_rate": ("Failure rate (re-traced by hand)", "失敗率（手動で再トレース）"),
    "field.review_seconds_per_study": ("Review seconds per study", "1検査あたりの確認秒数"),
    "field.engineering_hours": ("Engineering hours to set up", "導入時のエンジニア時間"),
    "field.maintenance_hours_per_year": ("Maintenance hours per year", "年間保守時間"),
    "field.label_images": ("Images labelled for setup", "導入時にラベル付けする画像数"),
    "field.training_gpu_hours": ("Training GPU-hours", "学習の GPU 時間"),
    "field.profile.seconds_per_image": ("GPU seconds per image", "画像あたり GPU 秒数"),
    "field.profile.joules_per_image": ("Energy per image", "画像あたりエネルギー"),
    "field.profile.seconds_per_prompt": ("GPU seconds per prompt", "プロンプトあたり GPU 秒数"),
    "field.profile.joules_per_prompt": ("Energy per prompt", "プロンプトあたりエネルギー"),
    "field.profile.average_power_watts": ("Average GPU power", "GPU の平均電力"),
    "field.mode.cloud": ("Cloud (pay per GPU-hour)", "クラウド（GPU 時間課金）"),
    "field.mode.on_prem": ("On-premises server", "オンプレミスサーバー"),
    "field.of_option": ("{option}: {field}", "{option}：{field}"),
    "field.range_part": ("{field} ({part} of its range)", "{field}（範囲の{part}）"),
    # -- units, what each field means, and problems with an input
    "unit.months": ({"one": "{value} month", "other": "{value} months"}, "{value}か月"),
    "unit.value": ("{value} {unit}", "{value}{unit}"),
    "unit.years": ("years", "年"),
    "unit.studies/year": ("studies/year", "件/年"),
    "unit.frames/study": ("frames/study", "フレーム/検査"),
    "unit.structures/frame": ("structures/frame", "構造/フレーム"),
    "unit.ratio": ("×", "倍"),
    "unit.s/structure": ("s/structure", "秒/構造"),
    "unit.s/study": ("s/study", "秒/検査"),
    "unit.h": ("h", "時間"),
    "unit.h/year": ("h/year", "時間/年"),
    "unit.images": ("images", "枚"),
    "unit.GPU-h": ("GPU-h", "GPU時間"),
    "unit.s/image": ("s/image", "秒/画像"),
    "unit.J/image": ("J/image", "J/画像"),
    "unit.J/structure": ("J/structure", "J/構造"),
    "unit.W": ("W", "W"),
    "unit.per/h": ("/h", "/時"),
    "unit.per/GPU-h": ("/GPU-h", "/GPU時間"),
    "unit.per/kWh": ("/kWh", "/kWh"),
    "unit.input": ("{label} ({unit})", "{label}（{unit}）"),
    "help.horizon_years": ("Years the comparison covers.", "比較する年数。"),
    "help.discount_rate": (
        "Yearly discount rate for the present value (3.5 % is NICE's convention).",
        "現在価値を求める年間の割引率（NICE の慣例は 3.5%）。",
    ),
    "help.workload.studies_per_year": (
        "Echo studies segmented each year.",
        "1年間にセグメンテーションする心エコー検査の数。",
    ),
    "help.workload.frames_per_study": (
        "Frames segmented in each study (e.g. end-diastole and end-systole of two views: 4).",
        "1検査でセグメンテーションするフレーム数（例：2断面の拡張末期と収縮末期で 4）。",
    ),
    "help.workload.structures_per_frame": (
        "Structures (LV, LA, ...) segmented in each frame.",
        "1フレームでセグメンテーションする構造（左室、左房など）の数。",
    ),
    "help.labour.clinician_wage_per_hour": (
        "Hourly wage of the person who traces, prompts and reviews (e.g. a sonographer).",
        "トレース・プロンプト・確認を行う人（例：臨床検査技師）の時給。",
    ),
    "help.labour.engineer_wage_per_hour": (
        "Hourly wage of the ML/IT engineer who sets the model up and maintains it.",
        "モデルの導入と保守を行う ML/IT エンジニアの時給。",
    ),
    "help.labour.overhead_fraction": (
        "Benefits and overhead on top of both wages (30 % adds 30 % to each hour).",
        "両方の時給に上乗せする福利厚生と間接費（30% なら1時間あたり 30% 増）。",
    ),
    "help.hardware.gpu_price_per_hour": (
        "Price of one rented GPU for one hour.",
        "クラウドで GPU 1基を1時間借りる価格。",
    ),
    "help.hardware.utilization": (
        "Share of paid (cloud) or available (shared server) GPU time that does useful work.",
        "支払った（クラウド）または使える（共用サーバー）GPU 時間のうち、実際に処理に使われる割合。",
    ),
    "help.hardware.energy_price_per_kwh": (
        "Electricity price per kWh at the hospital.",
        "病院の電力単価（1 kWh あたり）。",
    ),
    "help.hardware.pue": (
        "Power usage effectiveness: total machine-room power over IT power (1.5 adds half for cooling).",
        "電力使用効率：設備全体の電力 ÷ IT 機器の電力（1.5 なら冷却などで半分を上乗せ）。",
    ),
    "help.hardware.server_capex": ("Purchase price of one GPU server.", "GPU サーバー1台の購入価格。"),
    "help.hardware.amortization_years": ("Years the server is written off over.", "サーバーを償却する年数。"),
    "help.hardware.dedicated": (
        "On: the server serves this option only and is paid in full. Off: it is shared, and the option pays for "
        "the share of time it uses.",
        "オン：このためだけのサーバーで全額を負担します。オフ：共用で、使う時間の割合だけを負担します。",
    ),
    "help.seconds_per_structure": (
        "Clinician time to trace one structure by hand.",
        "1構造を手でトレースする臨床担当者の時間。",
    ),
    "help.prompt_seconds_per_structure": (
        "Human time to prompt one structure (box or points) and accept SAM's mask.",
        "1構造をプロンプト（ボックスまたは点）で指示し、SAM のマスクを承認するまでの人の時間。",
    ),
    "help.failure_rate": (
        "Share of structures the model gets wrong; a person traces each of them by hand.",
        "モデルが誤る構造の割合。誤った構造はそれぞれ人が手でトレースします。",
    ),
    "help.review_seconds_per_study": (
        "Human time to review each study's segmentation.",
        "各検査のセグメンテーション結果を人が確認する時間。",
    ),
    "help.engineering_hours": (
        "One-off engineering effort to deploy the option.",
        "導入時に一度だけかかるエンジニアの作業時間。",
    ),
    "help.maintenance_hours_per_year": ("Engineering upkeep each year.", "毎年の保守作業時間。"),
    "help.label_images": (
        "Images labelled by hand once, for fine-tuning or validation.",
        "ファインチューニングや検証のために一度だけ手でラベル付けする画像数。",
    ),
    "help.training_gpu_hours": (
        "One-off GPU hours to train or fine-tune the model.",
        "モデルの学習やファインチューニングに一度だけかかる GPU 時間。",
    ),
    "help.profile.seconds_per_image": (
        "GPU busy time per image (SAM: its image encoder).",
        "画像1枚あたりの GPU 稼働時間（SAM では画像エンコーダー）。",
    ),
    "help.profile.joules_per_image": (
        "GPU energy per image, in joules.",
        "画像1枚あたりの GPU のエネルギー（ジュール）。",
    ),
    "help.profile.seconds_per_prompt": (
        "GPU busy time per prompted structure (SAM's prompt encoder and mask decoder).",
        "プロンプト1件（1構造）あたりの GPU 稼働時間（SAM のプロンプトエンコーダーとマスクデコーダー）。",
    ),
    "help.profile.joules_per_prompt": (
        "GPU energy per prompted structure, in joules.",
        "プロンプト1件あたりの GPU のエネルギー（ジュール）。",
    ),
    "help.profile.average_power_watts": (
        "Average board power while training (prices on-premises training energy).",
        "学習中の GPU の平均電力（オンプレミスでの学習の電気代に使います）。",
    ),
    "help.where": ("Source: {kind} - {source}", "出典：{kind} - {source}"),
    "problem.greater_than": ("must be greater than {limit}", "{limit} より大きい値にしてください"),
    "problem.not_negative": ("must not be negative", "負の値にはできません"),
    "problem.at_least": ("must be at least {limit}", "{limit} 以上にしてください"),
    "problem.at_most": (
        "must be at most {limit} (more is not plausible)",
        "{limit} 以下にしてください（それ以上は現実的ではありません）",
    ),
    "problem.whole": ("must be a whole number", "整数にしてください"),
    "problem.field": ("{field} {reason} (entered: {value}).", "{field}は{reason}（入力：{value}）。"),
    "problem.other": ("{field}: {reason}", "{field}：{reason}"),
    "problem.fix_first": (
        "This scenario cannot be computed yet: {problem}",
        "このシナリオはまだ計算できません：{problem}",
    ),
    "run.profile": ("compute profile", "計算プロファイル"),
    "run.evaluate": ("accuracy evaluation", "精度評価"),
    "run.train-ssl": ("SSL training", "SSL 学習"),
    "run.annotate-sim": ("simulated annotation", "シミュレーションによるアノテーション"),
    "run.annotate": ("annotation", "アノテーション"),
    "run.demo": ("reference data", "基準データ"),
    "run.rows": ("{table}: {n}", "{table}：{n}"),
    "table.profiles": ("profiles", "プロファイル"),
    "table.evaluations": ("evaluations", "評価"),
    "table.measurements": ("measurements", "計測値"),
    "table.training_runs": ("training runs", "学習"),
    "table.published_accuracy": ("published figures", "文献値"),
    # -- the Annotate page
    "annotate.title": ("Timed annotation", "時間計測付きアノテーション"),
    "annotate.intro": (
        "Annotate echo frames with the mouse while segroi times you. The times become the cost model's human-time "
        "inputs, labelled **measured**.",
        "マウスで心エコー画像にアノテーションし、その時間を計測します。計測値はコストモデルの人手時間の入力（**実測**）になります。",
    ),
    "annotate.new": ("New session", "新しいセッション"),
    "annotate.resume": ("Resume a session", "セッションを再開"),
    "annotate.pseudonym": (
        "Your pseudonym (any word; it is hashed before it is stored)",
        "仮名（任意の語。保存前にハッシュ化されます）",
    ),
    "annotate.data": ("Images", "画像"),
    "annotate.data.phantom": ("Synthetic phantom (exact masks)", "合成ファントム（正確なマスク付き）"),
    "annotate.data.folder": ("A folder on this computer", "このコンピュータ上のフォルダ"),
    "annotate.folder": ("Image folder", "画像フォルダ"),
    "annotate.truth": ("Ground-truth label folder (optional)", "正解ラベルのフォルダ（任意）"),
    "annotate.task": ("Task", "タスク"),
    "annotate.task.manual": ("Manual: trace each structure", "手動：各構造をトレース"),
    "annotate.task.sam": ("SAM: box or points, SAM segments", "SAM：ボックスまたは点で指示し SAM が分割"),
    "annotate.task.ssl": (
        "SSL review: accept or correct the model's mask",
        "SSL レビュー：モデルのマスクを承認または修正",
    ),
    "annotate.frames": ("Frames", "フレーム数"),
    "annotate.structures": ("Structures", "構造"),
    "annotate.idle": (
        "Idle threshold (s): a pause longer than this without a click or mouse movement is not counted",
        "アイドルしきい値（秒）：クリックやマウスの動きがこれを超えて途切れると計測しません",
    ),
    "annotate.sam.checkpoint": (
        "SAM checkpoint file (empty: random weights)",
        "SAM チェックポイント（空欄：ランダム重み）",
    ),
    "annotate.sam.size": ("SAM input size (px)", "SAM 入力サイズ（px）"),
    "annotate.sam.device": ("Device", "デバイス"),
    "annotate.ssl.weights": ("SSL weights file (from segroi train-ssl)", "SSL 重みファイル（segroi train-ssl で作成）"),
    "annotate.start": ("Start", "開始"),
    "annotate.so_far": ("Measured so far", "これまでの実測"),
    "annotate.none_yet": ("No human annotation yet.", "人手のアノテーションはまだありません。"),
    "annotate.sessions": (
        "Sessions (human only; simulated sessions are never mixed in)",
        "セッション（人手のみ。シミュレーションは混ぜません）",
    ),
    "annotate.no_open": ("No open session to resume.", "再開できるセッションはありません。"),
    "annotate.resume.pick": ("Open sessions", "未完了のセッション"),
    "annotate.resume.go": ("Resume", "再開"),
    "annotate.sam_random": (
        "SAM runs with **random weights** (no checkpoint given): its masks are meaningless, but the flow and the "
        "timing are real.",
        "SAM は**ランダム重み**で動作しています（チェックポイント未指定）。マスクに意味はありませんが、操作の流れと時間計測は本物です。",
    ),
    "annotate.progress": (
        "Item {k} of {n}: **{structure}** on frame {frame}",
        "{n} 件中 {k} 件目：フレーム {frame} の **{structure}**",
    ),
    "annotate.timing": (
        "Timing is automatic, from when an item appears until you accept it, and measured in your browser: every "
        "click and mouse movement on the image counts as work. A pause of more than {idle:g} s without any of "
        "them, and any time this tab is hidden, is idle and left out; the time SAM spends computing is not "
        "counted as yours.",
        "時間は自動で計測されます（表示から承認まで）。ブラウザ上で計測し、画像上のクリックやマウスの動きはすべて作業として数えます。それらが {idle:g} 秒を超えて途切れた間と、"
        "このタブが非表示だった間はアイドルとして除外し、SAM の計算時間はあなたの時間に含めません。",
    ),
    "annotate.activity_refused": (
        "The browser sent activity segroi could not use ({problem}); it is left out of this item's timing.",
        "ブラウザから送られた操作記録を使えませんでした（{problem}）。この項目の計測には含めません。",
    ),
    "annotate.undo": ("Undo", "元に戻す"),
    "annotate.clear": ("Clear", "消去"),
    "annotate.how.manual": (
        "Click around the outline of the **{structure}**; click the first point again to close the polygon. "
        "**Undo** below the image takes back the last point or shape, **Clear** starts over. Then **Accept**.",
        "**{structure}** の輪郭に沿ってクリックし、最初の点をもう一度クリックして閉じます。画像の下の**元に戻す**で直前の点や図形を取り消し、**消去**でやり直します。最後に**承認**。",
    ),
    "annotate.how.sam": (
        "Drag a box around the **{structure}**, or click a point inside it. Add + points (inside) or - points "
        "(outside) to correct SAM. Then **Accept**, or **SAM failed** if it cannot be made right.",
        "**{structure}** をボックスで囲むか、内側をクリックします。+ 点（内側）・- 点（外側）で修正し、**承認**。直せない場合は**SAM 失敗**。",
    ),
    "annotate.how.ssl": (
        "Is the **{structure}** outlined correctly? **Accept** it, or **Correct by tracing**.",
        "**{structure}** の輪郭は正しいですか？ **承認**するか、**トレースで修正**します。",
    ),
    "annotate.ssl.empty": (
        "The model proposes no {structure} on this frame.",
        "モデルはこのフレームに {structure} を提案していません。",
    ),
    "annotate.how.ssl_correct": (
        "Trace the **{structure}** outline (click the first point again to close), then **Accept**.",
        "**{structure}** の輪郭をトレースし（最初の点で閉じる）、**承認**します。",
    ),
    "annotate.sam.mode": ("Prompt", "プロンプト"),
    "annotate.sam.box": ("Box", "ボックス"),
    "annotate.sam.pos": ("+ point (inside)", "+ 点（内側）"),
    "annotate.sam.neg": ("- point (outside)", "- 点（外側）"),
    "annotate.mask": ("Current mask", "現在のマスク"),
    "annotate.accept": ("Accept", "承認"),
    "annotate.sam.fail": ("SAM failed", "SAM 失敗"),
    "annotate.ssl.correct": ("Correct by tracing", "トレースで修正"),
    "annotate.leave": ("Leave (resume later)", "中断（後で再開）"),
    "annotate.embedding": (
        "SAM is computing this image's embedding on the {device}: about {seconds:.0f} s ({basis}). Prompts on "
        "this image are fast after that.",
        "SAM がこの画像の埋め込みを {device} で計算中です：約 {seconds:.0f} 秒（{basis}）。その後のプロンプトは高速です。",
    ),
    "annotate.embedding.estimate": (
        "estimated from this computer's speed; may take longer",
        "このコンピュータの速度からの推定。これより長くかかることがあります",
    ),
    "annotate.embedding.measured": ("the previous image took {seconds:.1f} s", "前の画像は {seconds:.1f} 秒でした"),
    "annotate.saved": ("Saved {structure}: {active:.1f} s active", "{structure} を保存：計測 {active:.1f} 秒"),
    "annotate.saved.idle": (", {idle:.0f} s idle left out", "、アイドル {idle:.0f} 秒を除外"),
    "annotate.saved.dice": (", Dice {dice:.2f} against the ground truth", "、正解との Dice {dice:.2f}"),
    "annotate.done": (
        {"one": "Session complete: 1 item saved.", "other": "Session complete: {n} items saved."},
        "セッション完了：{n} 件を保存しました。",
    ),
    "annotate.summary": ("Seconds per structure", "構造あたりの秒数"),
    "annotate.summary.inputs": ("Cost-model inputs (measured)", "コストモデルの入力（実測）"),
    "annotate.review_field": (
        "options.ssl.review_seconds_per_study, per structure (x structures/frame x frames/study)",
        "options.ssl.review_seconds_per_study（構造あたり。× 構造数/フレーム × フレーム数/検査）",
    ),
    "annotate.summary.method": (
        "Per structure: means with a 95 % Student t-interval. Cost-model inputs: times with the 95 % interval of "
        "the mean on the log scale (a lognormal range), failure rates with the 95 % Jeffreys interval (a beta "
        "range). Review seconds per study = review seconds per structure x the scenario's structures per frame x "
        "frames per study.",
        "構造ごと：平均と 95% t 区間。コストモデルの入力：時間は対数スケールでの平均の 95% 区間（対数正規分布の範囲）、失敗率は 95% Jeffreys 区間（ベータ分布の範囲）。検査あたりのレビュー秒数 "
        "= 構造あたりのレビュー秒数 × シナリオの構造数/フレーム × フレーム数/検査。",
    ),
    "annotate.old.include": (
        "Include items timed the old way ({n}): stored before segroi measured activity in the browser, they count "
        "a trace slower than the idle threshold as idle, so their times are too low",
        "旧方式で計測した項目（{n} 件）も含める：ブラウザでの操作計測より前に保存されたもので、しきい値より遅いトレースをアイドルとして数えたため、時間が短すぎます",
    ),
    "annotate.old.left_out": (
        {
            "one": "1 item timed the old way is left out of these figures.",
            "other": "{n} items timed the old way are left out of these figures.",
        },
        "旧方式で計測した {n} 件はこの集計に含めていません。",
    ),
    "annotate.old.mixed": (
        "These figures mix items timed in the browser ({new}) with items timed the old way ({old}), whose times "
        "are too low.",
        "この集計はブラウザで計測した {new} 件と旧方式で計測した {old} 件（時間が短すぎる）を混ぜています。",
    ),
    "annotate.summary.random": (
        "SAM ran with random weights in this session: its SAM items feed no cost-model input. Their Dice and "
        "failure rate would describe random weights, not SAM, and prompting and correcting a random mask is other "
        "work than with SAM, so their times are shown here but not used.",
        "このセッションの SAM はランダム重みでした。SAM の項目はコストモデルの入力に使いません。Dice と失敗率は SAM ではなくランダム重みの性質になり、ランダムなマスクへのプロンプトと修正は SAM での作業とは異なるため、時間はここに表示するだけで使いません。",
    ),
    "annotate.to_scenario": ("Put these measured times into a scenario", "この実測時間をシナリオに反映"),
    "annotate.base": ("Start from scenario", "元にするシナリオ"),
    "annotate.new_name": ("Save as", "保存名"),
    "annotate.scenario_saved": (
        {
            "one": "Saved scenario **{name}** with 1 measured input.",
            "other": "Saved scenario **{name}** with {n} measured inputs.",
        },
        "シナリオ **{name}** を保存しました（実測入力 {n} 件）。",
    ),
    "annotate.another": ("Start another session", "別のセッションを開始"),
    "annotate.col.task": ("Task", "タスク"),
    "annotate.col.structure": ("Structure", "構造"),
    "annotate.col.n": ("n", "件数"),
    "annotate.col.mean": ("Mean (s)", "平均（秒）"),
    "annotate.col.sd": ("SD (s)", "標準偏差（秒）"),
    "annotate.col.median": ("Median (s)", "中央値（秒）"),
    "annotate.col.ci": ("95 % CI (s)", "95% 信頼区間（秒）"),
    "annotate.col.accepted": ("Accepted", "承認率"),
    "annotate.col.dice": ("Mean Dice", "平均 Dice"),
    "annotate.col.field": ("Input", "入力"),
    "annotate.col.value": ("Value", "値"),
    "annotate.col.interval": ("95 % interval", "95% 区間"),
    "annotate.col.method": ("Interval", "区間の方法"),
    "annotate.col.provenance": ("Provenance", "出典"),
}
SOURCES_JA: dict[str, str] = {}

# The reference data's sources in Japanese: (English prefix, Japanese prefix) first, then the rest of the
# source by its English text (engine.report.i18n.source_text). Citations keep their authors and titles.
SOURCE_PREFIXES_JA: tuple[tuple[str, str], ...] = (
    (
        "segroi reference scenario (set by the segroi authors; change it to your site's figure): ",
        "segroi の基準シナリオ（segroi の作成者が設定した値です。施設の数値に変更してください）：",
    ),
)
ANCHOR_WORDS_JA: tuple[tuple[str, str], ...] = (
    ("random weights", "ランダム重み"),
    ("decoder + prompt encoder, per box", "デコーダーとプロンプトエンコーダー、ボックスごと"),
    ("encoder", "エンコーダー"),
    ("(SSL architecture)", "（SSL の構造）"),
    ("batch", "バッチ"),
)
SOURCES_JA.update(
    {
        "a five-year planning horizon for an IT investment": "IT 投資の計画期間として5年",
        "NICE discounting convention: 3.5 %/yr, 1.5 % as a sensitivity case (range 1.5-3.5 %)": "NICE の割引の慣例：年 3.5%、感度分析では 1.5%（範囲 1.5〜3.5%）",
        "a mid-size echo lab's annual studies": "中規模の心エコー検査室の年間検査数",
        "CAMUS layout: ED and ES frames of A2C and A4C views; LV cavity, myocardium and LA labelled; 2 views x 2 phases": "CAMUS の構成：A2C・A4C 断面の拡張末期（ED）と収縮末期（ES）、左室内腔・心筋・左房にラベル。2断面 × 2時相",
        "CAMUS layout: ED and ES frames of A2C and A4C views; LV cavity, myocardium and LA labelled; 3 structures per frame": "CAMUS の構成：A2C・A4C 断面の拡張末期（ED）と収縮末期（ES）、左室内腔・心筋・左房にラベル。1フレーム3構造",
        "US BLS OEWS, diagnostic medical sonographers (29-2032), May 2021: median $37.38/h, 10th-90th percentile $28.67-$48.87": "米国労働統計局 OEWS、超音波検査技師（29-2032）、2021年5月：中央値 $37.38/時、10〜90パーセンタイル $28.67〜$48.87",
        "ML/IT engineer wage, range 45-90": "ML/IT エンジニアの時給、範囲 45〜90",
        "benefits and overhead, range 20-50 %": "福利厚生と間接費、範囲 20〜50%",
        "rented GPUs": "GPU を借りる（クラウド）",
        "Lambda H100 SXM $3.99/GPU-h (2026-09); high end Azure NC40ads H100 v5 $6.98/h (2026-11), AWS p5 $6.88/GPU-h (2026-11)": "Lambda H100 SXM $3.99/GPU時間（2026-09）。高い側：Azure NC40ads H100 v5 $6.98/時（2026-11）、AWS p5 $6.88/GPU時間（2026-11）",
        "share of paid GPU time doing useful work, range 0.2-0.8": "支払った GPU 時間のうち処理に使われる割合、範囲 0.2〜0.8",
        "electricity price, range 0.10-0.30": "電力単価、範囲 0.10〜0.30",
        "machine-room power usage effectiveness, range 1.2-2.0": "設備の電力使用効率（PUE）、範囲 1.2〜2.0",
        "one GPU server, range 30k-60k": "GPU サーバー1台、範囲 3万〜6万",
        "server written off over four years": "サーバーを4年で償却",
        "one server per option when on-prem": "オンプレミスでは選択肢ごとにサーバー1台",
        "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772: manual LV "
        "tracing 11.6 +- 4.5 s per frame; range = +-1 SD": "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772："
        "左室の手動トレース 1フレームあたり 11.6 ± 4.5 秒。範囲 = ±1 標準偏差",
        "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772: SAM-assisted "
        "LV annotation 5.7 +- 1.7 s; range = +-1 SD": "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772："
        "SAM 支援による左室アノテーション 5.7 ± 1.7 秒。範囲 = ±1 標準偏差",
        "share of SAM outputs re-traced, range 0.1-0.6; context: Ferreira & Arnaout, arXiv:2311.04847 (2023): SAM performed "
        "poorly and needed more labelling than SSL": "SAM の出力のうち再トレースする割合、範囲 0.1〜0.6。背景：Ferreira & Arnaout, arXiv:2311.04847 (2023)"
        "（SAM は性能が低く、SSL より多くのラベル付けを要した）",
        "human review per study, range 15-60": "1検査あたりの人による確認、範囲 15〜60",
        "deploying a pretrained SAM, range 20-80": "学習済み SAM の導入、範囲 20〜80",
        "upkeep per year, range 10-40": "年間の保守、範囲 10〜40",
        "SAM used zero-shot with prompts, no labelled set": "SAM をプロンプトでゼロショット利用（ラベル付きデータなし）",
        "no fine-tuning": "ファインチューニングなし",
        "share of SSL outputs re-traced, range 0.05-0.3; context: external LV Dice 0.89 in Ferreira et al. 2025": "SSL の出力のうち再トレースする割合、範囲 0.05〜0.3。背景：Ferreira et al. 2025 の外部データでの左室 Dice 0.89",
        "building the label-free pipeline, range 40-160": "ラベル不要パイプラインの構築、範囲 40〜160",
        "Ferreira, Lau, Salaymang & Arnaout, Nat Commun 16, 4070 (2025); arXiv:2210.04979: trained on 450 echocardiograms "
        "with no manual labels": "Ferreira, Lau, Salaymang & Arnaout, Nat Commun 16, 4070 (2025); arXiv:2210.04979："
        "手作業のラベルなしで心エコー 450 検査から学習",
        "pseudo-labels, U-Net and a self-training round on one GPU, range 6-48": "疑似ラベル、U-Net、自己学習1回を GPU 1基で、範囲 6〜48",
        "the SSL model runs without prompts": "SSL モデルはプロンプトなしで動作",
        "US dollars, as the wage and price sources": "米ドル（時給と価格の出典に合わせる）",
        "Japanese yen, as the wage and price sources": "日本円（時給と価格の出典に合わせる）",
        "fine-tuning pipeline and validation, range 60-240": "ファインチューニングのパイプラインと検証、範囲 60〜240",
        "share of fine-tuned SAM outputs re-traced, range 0.05-0.3; context: fine-tuned SAM Dice 0.911 on the EchoNet test "
        "set, Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772": "ファインチューニング済み SAM の出力のうち再トレースする割合、範囲 0.05〜0.3。背景：EchoNet テストセットでの Dice 0.911、"
        "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772",
        "hand-labelled frames for fine-tuning, range 500-3000": "ファインチューニング用に手でラベル付けするフレーム、範囲 500〜3000",
        "fine-tuning SAM ViT-B on one GPU, range 8-80": "SAM ViT-B を GPU 1基でファインチューニング、範囲 8〜80",
        "human review per study of the combined output, range 15-60": "組み合わせた出力の1検査あたりの確認、範囲 15〜60",
        "joining the two models, range 10-60": "2つのモデルの連携、範囲 10〜60",
        "upkeep of the hand-over, range 5-20": "受け渡し部分の保守、範囲 5〜20",
    }
)

# Phrases segroi itself writes into the sources of measured figures (engine/annotation/summary.py,
# engine/report/measured.py), in Japanese; a source is translated phrase by phrase, names and numbers kept.
GENERATED_PHRASES_JA: tuple[tuple[str, str], ...] = (
    ("human annotation sessions", "人によるアノテーションセッション"),
    ("simulated annotator (segroi annotate-sim)", "シミュレーションのアノテーター（segroi annotate-sim）"),
    ("95% Jeffreys interval, Beta(k+1/2, n-k+1/2)", "95% Jeffreys 区間（ベータ分布 k+1/2, n−k+1/2）"),
    (
        "95% interval of the mean on the log scale (Student t, delta method), as a lognormal",
        "対数スケールでの平均の 95% 区間（Student t、デルタ法）、対数正規分布として",
    ),
    ("95% Student t-interval of the mean", "平均の 95% Student t 区間"),
    ("95% Wilson score interval", "95% Wilson スコア区間"),
    (" structures with Dice < ", " 構造で Dice < "),
    ("timed the old way", "旧方式で計測"),
)

# The Japanese reference scenario's own sources (engine/reference_ja.py), by the field they describe.
REFERENCE_JA_SOURCES_JA: dict[str, str] = {
    "discount_rate": "中医協 費用対効果評価の分析ガイドライン（C2H）：費用と効果を年 2% で割引（ミクスOnline 2021-11-01 の解説による）。"
    "範囲 0〜4% は仮定",
    "labour.clinician_wage_per_hour": "厚生労働省 令和5年賃金構造基本統計調査、一般労働者 職種（小分類）別 第1表、臨床検査技師（Yahoo!ニュースと mikaru.jp が "
    "e-Stat から引用）：きまって支給する現金給与額 月 351,400円 + 年間賞与その他特別給与額 868,100円 = 年 5,084,900円"
    "（女性 4,792,900円、男性 5,533,900円）。年 2,076 時間で時給に換算（月 173 時間：所定内 162 + 超過 11、同調査の2015年の"
    "臨床検査技師の値、brush-up.jp による。2023年の時間は見つかりませんでした）",
    "labour.engineer_wage_per_hour": "国税庁 令和6年分 民間給与実態統計調査、業種別平均給与：情報通信業 660万円（hiramori-sr.com 2025-09-26 の引用による）。"
    "年 2,076 時間で時給に換算（臨床担当者と同じ月 173 時間を仮定）。範囲 0.75〜1.5 倍は基準シナリオと同じく仮定",
    "hardware.gpu_price_per_hour": "日本国内のクラウド GPU 価格は見つかりませんでした。基準シナリオの米国の公表価格（Lambda H100 SXM $3.99/GPU時間、"
    "Azure NC40ads H100 v5 $6.98/時）を、米連邦準備制度 G.5 の2024年6月平均 1ドル = 157.86円で換算",
    "hardware.energy_price_per_kwh": "東京電力「電灯・電力総合単価」（円/kWh）、2015年度の電力（業務用）29.38。2010〜2014年度 22.62〜31.54"
    "（見つかった表の最新年度）",
    "hardware.server_capex": "基準シナリオの GPU サーバー1台（4.5万ドル、範囲 3万〜6万ドル）を、米連邦準備制度 G.5 の2024年6月平均 "
    "1ドル = 157.86円で換算",
}
