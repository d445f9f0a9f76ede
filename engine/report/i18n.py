"""Labels in English and Japanese, and the one set of number and money formats.

The dashboard and the PDF both format every figure through these functions, so the
same scenario prints the same text in both places.
"""

from __future__ import annotations

import math

LANGS = ("en", "ja")
CURRENCIES = ("USD", "JPY", "EUR")
_SYMBOL = {"USD": "$", "JPY": "¥", "EUR": "€"}
MINUS = "-"  # plain hyphen-minus: copies and searches (pdftotext) cleanly

# key -> (English, Japanese). Placeholders use str.format names.
LABELS: dict[str, tuple[str, str]] = {
    # app and navigation
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
    "ui.password_prompt": ("This dashboard is served to the network; enter the password.",
                           "このダッシュボードはネットワークに公開されています。パスワードを入力してください。"),
    "ui.password_wrong": ("Wrong password.", "パスワードが違います。"),
    "ui.password_wait": ("Too many wrong passwords: try again in {seconds} s.",
                         "パスワードの誤りが続いたため、{seconds} 秒後にもう一度お試しください。"),
    "ui.login_broken": ("This dashboard's login is not set up correctly, so it shows nothing. The administrator "
                        "finds the reason in the server's log.",
                        "ログインの設定に問題があるため、このダッシュボードは何も表示しません。理由はサーバーのログにあります。"),
    "ui.host_refused": ("This dashboard does not answer under this address.",
                        "このダッシュボードはこのアドレスでは表示されません。"),
    "ui.account_refused": ("The account {email} may not open this dashboard. Sign out and sign in with an allowed "
                           "account, or ask the administrator.",
                           "アカウント {email} にはこのダッシュボードを開く権限がありません。サインアウトして許可された"
                           "アカウントでサインインするか、管理者に問い合わせてください。"),
    "ui.login_prompt": ("Sign in to see this dashboard.", "このダッシュボードを見るにはサインインしてください。"),
    "ui.login": ("Sign in", "サインイン"),
    "ui.logout": ("Sign out", "サインアウト"),
    "ui.unsaved": ("{name} (edited, not saved)", "{name}（編集中・未保存）"),
    # options
    "option.manual": ("Manual tracing", "手動トレース"),
    "option.sam": ("SAM-assisted", "SAM 支援"),
    "option.ssl": ("Label-free SSL", "ラベル不要 SSL"),
    "option.manual.short": ("Manual", "手動"),
    "option.sam.short": ("SAM", "SAM"),
    "option.ssl.short": ("SSL", "SSL"),
    # option templates (engine/reference.py TEMPLATES): an option named like its template
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
    # provenance
    "prov.measured": ("measured", "実測"),
    "prov.published": ("published", "文献値"),
    "prov.simulated": ("simulated", "シミュレーション"),
    "prov.assumed": ("assumed", "仮定"),
    "prov.mixed": ("mixed sources", "複数の出典"),
    "prov.badge_help": ("Where the numbers in this figure come from", "この図の数値の出典"),
    # overview
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
    "overview.npv_savings_help": ("Present value at the scenario's discount rate. {range}",
                                  "シナリオの割引率での現在価値。{range}"),
    "overview.payback": ("Payback", "投資回収期間"),
    "overview.p_cheapest": ("Cheapest in simulated scenarios", "シミュレーションで最安となる割合"),
    "overview.range": ("90% range {low} to {high}", "90%区間 {low}〜{high}"),
    "overview.mc_note": ("{n:,} Monte Carlo draws, seed {seed}", "モンテカルロ {n:,} 回、シード {seed}"),
    "overview.mc_note.one": ("1 Monte Carlo draw, seed {seed}", "モンテカルロ 1 回、シード {seed}"),
    "overview.setup": ("Setup", "初期費用"),
    "overview.no_uncertainty": ("No assumption carries a range, so there is nothing to simulate.",
                                "範囲付きの仮定がないため、シミュレーションは行っていません。"),
    # recommendation sentences
    "rec.saves": ("{option} saves {savings} over {years} years compared with manual tracing",
                  "{option}は手動トレースと比べて{years}年間で{savings}を削減します"),
    "rec.payback": ("payback in {months}", "投資回収は{months}"),
    "rec.payback_none": ("it never pays back its setup", "初期費用は回収できません"),
    "rec.cheapest_share": ("cheapest in {share} of simulated scenarios",
                           "シミュレーションの{share}で最安"),
    "rec.manual_best": ("Keep manual tracing: neither SAM nor SSL is cheaper over {years} years in this scenario.",
                        "手動トレースを継続：このシナリオでは{years}年間で SAM も SSL も安くなりません。"),
    "rec.manual_best_any": ("Keep manual tracing: none of the {n} alternatives is cheaper over {years} years in "
                            "this scenario.",
                            "手動トレースを継続：このシナリオでは{years}年間でどの代替案（{n}件）も安くなりません。"),
    "rec.manual_best_any.one": ("Keep manual tracing: the alternative is not cheaper over {years} years in "
                                "this scenario.",
                                "手動トレースを継続：このシナリオでは{years}年間で代替案は安くなりません。"),
    "rec.vs_other": ("{other}: {savings} vs manual", "{other}：手動比 {savings}"),
    "rec.next_best": ("next best: {other}, {savings} vs manual", "次点：{other}、手動比 {savings}"),
    "rec.break_even": ("{a} and {b} cost the same at {volume} studies per year",
                       "年間{volume}検査で{a}と{b}のコストが等しくなります"),
    # cost components
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
    "tornado.low": ("input at low", "入力が下限"),
    "tornado.high": ("input at high", "入力が上限"),
    # metric names
    "metric.annual_cost": ("Annual cost", "年間コスト"),
    "metric.setup_cost": ("Setup cost", "初期費用"),
    "metric.present_cost": ("Present cost", "現在価値コスト"),
    "metric.npv_savings": ("NPV savings vs manual", "手動比の正味現在価値削減額"),
    "metric.roi": ("ROI (NPV savings / setup)", "ROI（正味現在価値削減額 ÷ 初期費用）"),
    "metric.payback_months": ("Payback", "投資回収期間"),
    "metric.cost_per_study": ("Cost per study", "1検査あたりのコスト"),
    "metric.human_hours": ("Human hours per year", "年間の人手時間"),
    "metric.break_even": ("Break-even volume SAM vs SSL", "SAM と SSL の損益分岐件数"),
    "metric.never": ("never", "なし"),
    "metric.not_applicable": ("n/a", "該当なし"),
    # empty states
    "empty.title": ("No data yet", "まだデータがありません"),
    "empty.reference": (
        "The store at {path} holds no scenario yet. Run `segroi demo` to load the reference scenario and the "
        "H100 compute anchors, or start the dashboard with `segroi dashboard`, which does that for you.",
        "{path} のデータストアにはまだシナリオがありません。`segroi demo` を実行すると基準シナリオと H100 の計算"
        "実測値が読み込まれます。`segroi dashboard` で起動した場合は自動で読み込まれます。"),
    "empty.load_reference": ("Load the reference scenario now", "基準シナリオを今すぐ読み込む"),
    "empty.profiles": (
        "No compute profiles stored yet. Press “Refresh benchmarks” below, or run "
        "`segroi profile --models ssl_unet --device cpu --seconds 2` in a terminal.",
        "計算プロファイルがまだありません。下の「ベンチマークを更新」を押すか、端末で "
        "`segroi profile --models ssl_unet --device cpu --seconds 2` を実行してください。"),
    "empty.evaluations": (
        "No accuracy results stored yet. Run `segroi evaluate --model ssl --data DIR` (and `--model sam`) "
        "to measure Dice and clinical measurements against ground truth.",
        "精度の結果がまだありません。`segroi evaluate --model ssl --data DIR`（および `--model sam`）を"
        "実行して、正解に対する Dice と臨床計測値を測定してください。"),
    "empty.measurements": (
        "No clinical measurements stored yet; `segroi evaluate` writes them when the data has reference values.",
        "臨床計測値がまだありません。基準値のあるデータで `segroi evaluate` を実行すると保存されます。"),
    "empty.measured_inputs": (
        "No measured times or failure rates in the store yet. Annotation sessions (Annotate page or "
        "`segroi annotate-sim`), `segroi evaluate` and `segroi profile` provide them.",
        "実測の時間や失敗率がまだありません。アノテーション（アノテーションページまたは "
        "`segroi annotate-sim`）、`segroi evaluate`、`segroi profile` で得られます。"),
    # scenario page
    "scenario.title": ("Scenario", "シナリオ"),
    "scenario.intro": ("Every assumption of the cost model. Numbers update as you type; nothing is stored until you save.",
                       "コストモデルのすべての仮定です。入力するとすぐに再計算されます。保存するまでは記録されません。"),
    "scenario.load": ("Load scenario", "シナリオを読み込む"),
    "scenario.save": ("Save", "保存"),
    "scenario.save_as": ("Save as", "名前を付けて保存"),
    "scenario.duplicate": ("Duplicate", "複製"),
    "scenario.delete": ("Delete", "削除"),
    "scenario.reset": ("Discard edits", "編集を破棄"),
    "scenario.saved": ("Saved scenario “{name}”.", "シナリオ「{name}」を保存しました。"),
    "scenario.name_taken": ("A scenario named “{name}” already exists; pick another name.",
                            "「{name}」という名前のシナリオは既にあります。別の名前にしてください。"),
    "scenario.name_empty": ("Give the scenario a name.", "シナリオ名を入力してください。"),
    "scenario.invalid": ("This scenario has a problem: {message}", "このシナリオには問題があります：{message}"),
    "scenario.fix_first": ("Fix the highlighted field before saving.", "保存する前に指摘された項目を修正してください。"),
    "scenario.compare": ("Compare scenarios side by side", "シナリオを並べて比較"),
    "scenario.compare_pick": ("Scenarios to compare", "比較するシナリオ"),
    "scenario.results": ("Results", "結果"),
    "scenario.server_time": ("recomputed in {ms:.0f} ms", "{ms:.0f} ミリ秒で再計算"),
    "scenario.cached": ("figures of this exact scenario, computed earlier", "このシナリオで計算済みの数値"),
    "scenario.use_measured": ("Use measured values", "実測値を使う"),
    "scenario.measured_title": ("Times, failure rates and compute from measured runs",
                                "実測の時間・失敗率・計算性能"),
    "scenario.measured_applied": ("Applied {n} measured values.", "{n} 件の実測値を適用しました。"),
    "scenario.old_annotation": ("Include {n} annotation item(s) timed the old way (before segroi measured "
                                "activity in the browser; their times are too low)",
                                "旧方式で計測したアノテーション {n} 件も含める（ブラウザでの操作計測より前のもので、"
                                "時間が短すぎます）"),
    "scenario.measured_applied.one": ("Applied 1 measured value.", "1 件の実測値を適用しました。"),
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
    "scenario.currency_note": ("Amounts are not converted: enter them in this currency.",
                               "金額は換算されません。この通貨で入力してください。"),
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
    "scenario.own_hardware_toggle": ("Own hardware (instead of the scenario's)", "専用のハードウェア（シナリオ共通の代わり）"),
    "scenario.add_option": ("Add an option", "選択肢を追加"),
    "scenario.template": ("From template", "テンプレート"),
    "scenario.option_name": ("Name", "名前"),
    "scenario.option_name_help": ("1-32 characters: a-z, 0-9 and _", "1〜32文字：a-z、0-9、_"),
    "scenario.add": ("Add", "追加"),
    # benchmarks page
    "bench.title": ("Benchmarks", "ベンチマーク"),
    "bench.intro": ("Stored compute profiles. Filter them, compare throughput and energy, or measure again.",
                    "保存された計算プロファイルです。絞り込み、スループットとエネルギーの比較、再測定ができます。"),
    "bench.filter_model": ("Models", "モデル"),
    "bench.filter_dtype": ("Data types", "データ型"),
    "bench.filter_device": ("Devices", "デバイス"),
    "bench.filter_weights": ("Weights", "重み"),
    "bench.throughput": ("Throughput by model, dtype and batch", "モデル・データ型・バッチ別のスループット"),
    "bench.energy": ("Energy per image by model, dtype and batch", "モデル・データ型・バッチ別の画像あたりエネルギー"),
    "bench.no_energy": ("None of the selected profiles has a measured energy figure.",
                        "選択したプロファイルにはエネルギーの実測値がありません。"),
    "bench.refresh": ("Refresh benchmarks", "ベンチマークを更新"),
    "bench.models": ("Models to profile", "測定するモデル"),
    "bench.device": ("Device", "デバイス"),
    "bench.seconds": ("Seconds per setting", "設定ごとの秒数"),
    "bench.extra": ("More arguments for segroi profile", "segroi profile の追加引数"),
    "bench.start": ("Start profiling", "測定を開始"),
    "bench.cancel": ("Cancel", "キャンセル"),
    "bench.running": ("Running: {command}", "実行中：{command}"),
    "bench.done": ("Profiling finished; the new rows are in the table.", "測定が完了しました。新しい行が表に追加されています。"),
    "bench.failed": ("Profiling failed: {reason}", "測定に失敗しました：{reason}"),
    "bench.cancelled": ("Profiling cancelled; nothing was stored for that run.", "測定をキャンセルしました。この実行の結果は保存されていません。"),
    "bench.already": ("A profiling run is already going.", "測定は既に実行中です。"),
    "bench.random_weights": ("Rows with random weights are exact for time and energy but say nothing about accuracy.",
                             "ランダム重みの行は時間とエネルギーについては正確ですが、精度については何も示しません。"),
    "bench.recent_runs": ("Recent profile runs", "最近の測定実行"),
    "bench.filter_hardware": ("Hardware", "ハードウェア"),
    "bench.import": ("Import results from another machine", "他のマシンの結果を取り込む"),
    "bench.import_help": ("A bundle written by `segroi runs export RUN_ID... --out DIR` on another machine: "
                          "its zip, or every file of its folder (manifest.json and the .parquet files). "
                          "Runs this store already has are skipped; host, dates and devices are kept.",
                          "他のマシンで `segroi runs export RUN_ID... --out DIR` が書き出したバンドルです。"
                          "その zip、またはフォルダ内のすべてのファイル（manifest.json と .parquet ファイル）を選んでください。"
                          "このストアに既にある実行は読み飛ばし、ホスト・日時・デバイスはそのまま残します。"),
    "bench.import_files": ("Bundle (.zip, or manifest.json + .parquet files)",
                           "バンドル（.zip、または manifest.json と .parquet ファイル）"),
    "bench.import_start": ("Import", "取り込む"),
    "bench.import_done": ("Imported {added} run(s); {present} were already in the store.",
                          "{added} 件の実行を取り込みました。{present} 件は既にストアにありました。"),
    "bench.import_nothing": ("Nothing imported: the store already has all {present} run(s) of this bundle.",
                             "取り込むものはありません。このバンドルの {present} 件の実行はすべて既にストアにあります。"),
    "bench.import_failed": ("The bundle was not imported; nothing was stored:",
                            "バンドルは取り込まれませんでした。何も保存されていません："),
    "bench.recent_imports": ("Recent imports", "最近の取り込み"),
    # accuracy page
    "acc.title": ("Accuracy", "精度"),
    "acc.published_title": ("Dice, published and measured here", "Dice：文献値と segroi の実測"),
    "acc.published": ("published", "文献値"),
    "acc.by_segroi": ("segroi, {kind}", "segroi による{kind}"),
    "acc.published_table": ("Published accuracy figures", "精度の文献値"),
    "acc.published_none": ("No published figures in the store; `segroi demo` loads them with their sources.",
                           "文献値がストアにありません。`segroi demo` で出典とともに読み込まれます。"),
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
        "A structure counts as failed when its Dice against ground truth is below {threshold}. "
        "The failure rate is failed structures / all evaluated structures, per model.",
        "正解に対する Dice が {threshold} 未満の構造を失敗とみなします。失敗率はモデルごとに"
        "「失敗した構造数 ÷ 評価した全構造数」です。"),
    "acc.failure_none": (
        "Once evaluations or annotation sessions are stored, this shows how each failure rate follows from them.",
        "評価結果またはアノテーションセッションが保存されると、失敗率の算出根拠がここに表示されます。"),
    "acc.failure_annot": (
        "From annotation sessions: the share of items the annotator rejected or had to correct.",
        "アノテーションセッションから：アノテーターが却下または修正した項目の割合。"),
    "acc.failure_table_model": ("Model", "モデル"),
    "acc.failure_table_n": ("Structures", "構造数"),
    "acc.failure_table_failed": ("Failed", "失敗"),
    "acc.failure_table_rate": ("Failure rate", "失敗率"),
    "acc.simulated_prompts": ("SAM rows used prompts simulated from ground truth.",
                              "SAM の行は正解から生成したシミュレーションのプロンプトを使っています。"),
    "acc.simulated_data": ("Rows marked simulated come from phantom data or simulated prompts: they check the "
                           "pipeline, they are not a measurement on real patients.",
                           "「シミュレーション」の行はファントムデータまたはシミュレーションのプロンプトによるもので、"
                           "処理の確認用です。実際の患者での測定ではありません。"),
    "acc.random_weights": ("Rows from random weights are left out: their accuracy means nothing.",
                           "ランダム重みの行は除外しています（精度として意味がないため）。"),
    # export page
    "export.title": ("Export", "エクスポート"),
    "export.intro": ("A PDF for meetings, three pages or more: the recommendation, the cost charts, every "
                     "assumption with its source, and what was measured where and when.",
                     "会議用の PDF（3ページ以上）：推奨、コストのグラフ、すべての仮定とその出典、"
                     "いつどこで何を測定したか。"),
    "export.runs": ("{n} measured runs are listed with their hardware, dates and run ids.",
                    "{n} 件の実測の記録を、ハードウェア・日時・実行 ID とともに掲載します。"),
    "export.runs.one": ("1 measured run is listed with its hardware, date and run id.",
                        "1 件の実測の記録を、ハードウェア・日時・実行 ID とともに掲載します。"),
    "export.runs.zero": ("No measured runs are stored yet; the PDF says so.",
                         "実測の記録はまだありません（PDF にもその旨を記載します）。"),
    "export.build": ("Build PDF", "PDF を作成"),
    "export.download": ("Download PDF", "PDF をダウンロード"),
    "export.built": ("PDF ready ({pages} pages, {seconds:.1f} s).", "PDF を作成しました（{pages}ページ、{seconds:.1f} 秒）。"),
    "export.failed": ("The PDF could not be built: {reason}", "PDF を作成できませんでした：{reason}"),
    # pdf
    "pdf.title": ("Echo segmentation: SAM or label-free SSL?", "心エコーのセグメンテーション：SAM かラベル不要 SSL か"),
    "pdf.subtitle": ("Meeting summary for scenario “{name}”", "シナリオ「{name}」の会議用サマリー"),
    "pdf.headline": ("Headline figures", "主要な数値"),
    "pdf.charts": ("Costs and what drives them", "コストとその要因"),
    "pdf.assumptions": ("Assumptions and where they come from", "仮定とその出典"),
    "pdf.measured": ("What was measured, where and when", "いつ、どこで、何を測定したか"),
    "pdf.no_runs": ("No measured runs are stored; every compute and time figure above is published or assumed.",
                    "実測の記録はありません。上記の計算・時間の数値はすべて文献値または仮定です。"),
    "pdf.more_runs": ("… and {n} earlier runs (`segroi runs` lists them all).",
                      "…ほか {n} 件の以前の実行（`segroi runs` で一覧できます）。"),
    "pdf.more_runs.one": ("… and 1 earlier run (`segroi runs` lists them all).",
                          "…ほか 1 件の以前の実行（`segroi runs` で一覧できます）。"),
    "pdf.footer": ("{date} · scenario “{name}” · segroi {version} · page {page}/{pages}",
                   "{date} · シナリオ「{name}」 · segroi {version} · {page}/{pages}ページ"),
    "pdf.col.option": ("Option", "選択肢"),
    "pdf.col.field": ("Assumption", "仮定"),
    "pdf.col.value": ("Value", "値"),
    "pdf.col.provenance": ("Provenance", "出典の種類"),
    "pdf.col.source": ("Source", "出典"),
    "pdf.col.run": ("Run", "実行 ID"),
    "pdf.col.kind": ("Kind", "種類"),
    "pdf.col.hardware": ("Hardware", "ハードウェア"),
    "pdf.col.date": ("Date (UTC)", "日時（UTC）"),
    "pdf.col.what": ("What", "内容"),
    "pdf.col.status": ("Status", "状態"),
}

# Human names of scenario fields (dotted paths); unknown fields show their path.
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Name", "名前"),
    "currency": ("Currency", "通貨"),
    "horizon_years": ("Horizon (years)", "評価期間（年）"),
    "discount_rate": ("Discount rate per year", "割引率（年）"),
    "workload.studies_per_year": ("Studies per year", "年間検査数"),
    "workload.frames_per_study": ("Frames segmented per study", "1検査あたりのフレーム数"),
    "workload.structures_per_frame": ("Structures per frame", "1フレームあたりの構造数"),
    "labour.clinician_wage_per_hour": ("Clinician wage per hour", "臨床担当者の時給"),
    "labour.engineer_wage_per_hour": ("Engineer wage per hour", "エンジニアの時給"),
    "labour.overhead_fraction": ("Overhead on wages (fraction)", "人件費の間接費率"),
    "hardware.mode": ("Compute", "計算環境"),
    "hardware.gpu_price_per_hour": ("Cloud price per GPU-hour", "クラウドの GPU 時間単価"),
    "hardware.utilization": ("GPU utilisation (0-1]", "GPU 稼働率 (0-1]"),
    "hardware.energy_price_per_kwh": ("Energy price per kWh", "電力単価（kWh）"),
    "hardware.pue": ("PUE", "PUE"),
    "hardware.server_capex": ("Server purchase price", "サーバー購入費"),
    "hardware.amortization_years": ("Amortisation (years)", "償却年数"),
    "hardware.dedicated": ("Server dedicated to segmentation", "セグメンテーション専用サーバー"),
    "seconds_per_structure": ("Manual seconds per structure", "構造あたりの手動秒数"),
    "prompt_seconds_per_structure": ("Prompt seconds per structure", "構造あたりのプロンプト秒数"),
    "failure_rate": ("Failure rate (needs manual tracing)", "失敗率（手動トレースが必要）"),
    "review_seconds_per_study": ("Review seconds per study", "1検査あたりの確認秒数"),
    "engineering_hours": ("Engineering hours (setup)", "導入時のエンジニア時間"),
    "maintenance_hours_per_year": ("Maintenance hours per year", "年間保守時間"),
    "label_images": ("Images labelled for setup", "導入時にラベル付けする画像数"),
    "training_gpu_hours": ("Training GPU-hours", "学習の GPU 時間"),
    "profile.seconds_per_image": ("GPU seconds per image", "画像あたり GPU 秒数"),
    "profile.joules_per_image": ("Joules per image", "画像あたりジュール"),
    "profile.seconds_per_prompt": ("GPU seconds per prompt", "プロンプトあたり GPU 秒数"),
    "profile.joules_per_prompt": ("Joules per prompt", "プロンプトあたりジュール"),
    "profile.average_power_watts": ("Average power (W)", "平均電力（W）"),
    "mode.cloud": ("Cloud (pay per GPU-hour)", "クラウド（GPU 時間課金）"),
    "mode.on_prem": ("On-premises server", "オンプレミスサーバー"),
}


def t(key: str, lang: str = "en", **kw) -> str:
    """The label `key` in `lang`, with placeholders filled. A missing key shows itself.

    Counts: with `n=0` or `n=1`, a `<key>.zero` / `<key>.one` label is used where there is one
    ("1 measured run", not "1 measured runs"); Japanese needs no plural, but the entries carry it too.
    """
    n = kw.get("n")
    if isinstance(n, int) and not isinstance(n, bool):
        special = f"{key}.zero" if n == 0 else f"{key}.one" if n == 1 else None
        if special in LABELS:
            key = special
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "ja" else pair[0]
    return text.format(**kw) if kw else text


def field_label(path: str, lang: str = "en", labels: dict | None = None) -> str:
    """Human name of a dotted scenario field, e.g. `options.sam.failure_rate`; `labels` maps option
    names to what to call them (their labels), else known names are translated."""
    parts = path.split(".")
    if parts[0] == "options" and len(parts) >= 3:
        option = (labels or {}).get(parts[1]) or option_name(parts[1], lang, short=True)
        rest = ".".join(parts[2:])
        pair = FIELDS.get(rest)
        name = (pair[1] if lang == "ja" else pair[0]) if pair else rest
        return f"{option}: {name}"
    pair = FIELDS.get(path)
    return (pair[1] if lang == "ja" else pair[0]) if pair else path


def option_name(option: str, lang: str = "en", short: bool = False, label: str | None = None) -> str:
    """What to call an option: its own `label` when the scenario gives one, else the translated name
    of a known option (manual, sam, ssl, the templates' names), else its name."""
    if label:
        return label
    key = f"option.{option}.short" if short else f"option.{option}"
    if key not in LABELS and short and f"option.{option}" in LABELS:
        key = f"option.{option}"
    return t(key, lang) if key in LABELS else option


def provenance_name(kind: str, lang: str = "en") -> str:
    return t(f"prov.{kind}", lang) if f"prov.{kind}" in LABELS else kind


# -- numbers -------------------------------------------------------------------------

def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def number(value, lang: str = "en", digits: int = 0) -> str:
    """Grouped with commas in both languages (the Japanese convention too)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    text = f"{abs(value):,.{digits}f}"
    return (MINUS + text) if value < 0 and text.strip("0.,") else text


def percent(fraction, lang: str = "en", digits: int = 0) -> str:
    if not _finite(fraction):
        return t("metric.not_applicable", lang)
    return number(fraction * 100, lang, digits) + "%"


def months(value, lang: str = "en") -> str:
    if not _finite(value):
        return t("metric.never", lang)
    n = number(value, lang, 1 if abs(value) < 10 else 0)
    if lang == "ja":
        return f"{n}か月"
    return f"{n} month" if n == "1" else f"{n} months"


def symbol(currency: str) -> str:
    return _SYMBOL.get(currency, currency + " ")


def money_digits(value: float, currency: str) -> int:
    """Whole units for JPY and for amounts of 100 or more; cents below that."""
    if currency == "JPY" or value == 0:
        return 0
    return 0 if abs(value) >= 100 else 2


def money(value, currency: str = "USD", lang: str = "en", digits: int | None = None) -> str:
    """Full amount: `$1,234,567`, `¥1,234,567`, `€12.50`; negative as `-$1,234`."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    d = money_digits(value, currency) if digits is None else digits
    text = f"{symbol(currency)}{abs(value):,.{d}f}"
    return (MINUS + text) if value < 0 and round(abs(value), d) > 0 else text


def money_compact(value, currency: str = "USD", lang: str = "en") -> str:
    """Headline amount: `$1.23M`, `$456k` in English; `1.23億円`, `456万円`, `12.3万ドル` in Japanese."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    sign = MINUS if value < 0 else ""
    v = abs(value)
    if lang == "ja":
        unit = {"JPY": "円", "USD": "ドル", "EUR": "ユーロ"}.get(currency, " " + currency)
        if v >= 1e8:
            return f"{sign}{_sig(v / 1e8)}億{unit}"
        if v >= 1e4:
            return f"{sign}{_sig(v / 1e4)}万{unit}"
        return f"{sign}{v:,.{money_digits(v, currency)}f}{unit}"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{sign}{symbol(currency)}{_sig(v / div)}{suffix}"
    return f"{sign}{symbol(currency)}{v:,.{money_digits(v, currency)}f}"


def _sig(x: float) -> str:
    """Three significant figures, no trailing zeros beyond them: 1.23, 12.3, 123, 1,234."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def quantity(value, lang: str = "en") -> str:
    """A plain measured or assumed number at a sensible precision (0.000235, 29.4, 10,000)."""
    if not _finite(value):
        return t("metric.not_applicable", lang)
    v = abs(value)
    if v == 0 or v >= 1000:
        return number(value, lang, 0)
    if v >= 100:
        return number(value, lang, 1).rstrip("0").rstrip(".")
    return f"{value:.3g}" if v >= 0.001 else f"{value:.3g}"
