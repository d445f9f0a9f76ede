"""The Annotate page's words, in English and Japanese (kept beside the flow they describe)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Timed annotation", "時間計測付きアノテーション"),
    "intro": ("Annotate echo frames with the mouse while segroi times you. The times become the "
              "cost model's human-time inputs, labelled **measured**.",
              "マウスで心エコー画像にアノテーションし、その時間を計測します。計測値はコストモデルの"
              "人手時間の入力（**実測**）になります。"),
    "new": ("New session", "新しいセッション"),
    "resume": ("Resume a session", "セッションを再開"),
    "pseudonym": ("Your pseudonym (any word; it is hashed before it is stored)",
                  "仮名（任意の語。保存前にハッシュ化されます）"),
    "data": ("Images", "画像"),
    "data.phantom": ("Synthetic phantom (exact masks)", "合成ファントム（正確なマスク付き）"),
    "data.folder": ("A folder on this computer", "このコンピュータ上のフォルダ"),
    "folder": ("Image folder", "画像フォルダ"),
    "truth": ("Ground-truth label folder (optional)", "正解ラベルのフォルダ（任意）"),
    "task": ("Task", "タスク"),
    "task.manual": ("Manual: trace each structure", "手動：各構造をトレース"),
    "task.sam": ("SAM: box or points, SAM segments", "SAM：ボックスまたは点で指示し SAM が分割"),
    "task.ssl": ("SSL review: accept or correct the model's mask", "SSL レビュー：モデルのマスクを承認または修正"),
    "frames": ("Frames", "フレーム数"),
    "structures": ("Structures", "構造"),
    "idle": ("Idle threshold (s): a pause longer than this without a click or mouse movement is not counted",
             "アイドルしきい値（秒）：クリックやマウスの動きがこれを超えて途切れると計測しません"),
    "sam.checkpoint": ("SAM checkpoint file (empty: random weights)", "SAM チェックポイント（空欄：ランダム重み）"),
    "sam.size": ("SAM input size (px)", "SAM 入力サイズ（px）"),
    "sam.device": ("Device", "デバイス"),
    "ssl.weights": ("SSL weights file (from segroi train-ssl)", "SSL 重みファイル（segroi train-ssl で作成）"),
    "start": ("Start", "開始"),
    "so_far": ("Measured so far", "これまでの実測"),
    "none_yet": ("No human annotation yet.", "人手のアノテーションはまだありません。"),
    "sessions": ("Sessions (human only; simulated sessions are never mixed in)",
                 "セッション（人手のみ。シミュレーションは混ぜません）"),
    "no_open": ("No open session to resume.", "再開できるセッションはありません。"),
    "resume.pick": ("Open sessions", "未完了のセッション"),
    "resume.go": ("Resume", "再開"),
    "sam_random": ("SAM runs with **random weights** (no checkpoint given): its masks are "
                   "meaningless, but the flow and the timing are real.",
                   "SAM は**ランダム重み**で動作しています（チェックポイント未指定）。マスクに意味は"
                   "ありませんが、操作の流れと時間計測は本物です。"),
    "progress": ("Item {k} of {n}: **{structure}** on frame {frame}",   # frame: a code span (escape.md_code)
                 "{n} 件中 {k} 件目：フレーム {frame} の **{structure}**"),
    "timing": ("Timing is automatic, from when an item appears until you accept it, and measured in "
               "your browser: every click and mouse movement on the image counts as work. A pause of "
               "more than {idle:g} s without any of them, and any time this tab is hidden, is idle and "
               "left out; the time SAM spends computing is not counted as yours.",
               "時間は自動で計測されます（表示から承認まで）。ブラウザ上で計測し、画像上のクリックや"
               "マウスの動きはすべて作業として数えます。それらが {idle:g} 秒を超えて途切れた間と、この"
               "タブが非表示だった間はアイドルとして除外し、SAM の計算時間はあなたの時間に含めません。"),
    "activity_refused": ("The browser sent activity segroi could not use ({problem}); it is left out "
                         "of this item's timing.",
                         "ブラウザから送られた操作記録を使えませんでした（{problem}）。この項目の計測には"
                         "含めません。"),
    "undo": ("Undo", "元に戻す"),
    "clear": ("Clear", "消去"),
    "how.manual": ("Click around the outline of the **{structure}**; click the first point again to "
                   "close the polygon. **Undo** below the image takes back the last point or shape, "
                   "**Clear** starts over. Then **Accept**.",
                   "**{structure}** の輪郭に沿ってクリックし、最初の点をもう一度クリックして閉じます。"
                   "画像の下の**元に戻す**で直前の点や図形を取り消し、**消去**でやり直します。最後に**承認**。"),
    "how.sam": ("Drag a box around the **{structure}**, or click a point inside it. Add + points "
                "(inside) or - points (outside) to correct SAM. Then **Accept**, or **SAM failed** "
                "if it cannot be made right.",
                "**{structure}** をボックスで囲むか、内側をクリックします。+ 点（内側）・- 点（外側）で"
                "修正し、**承認**。直せない場合は**SAM 失敗**。"),
    "how.ssl": ("Is the **{structure}** outlined correctly? **Accept** it, or **Correct by "
                "tracing**.", "**{structure}** の輪郭は正しいですか？ **承認**するか、**トレースで修正**します。"),
    "ssl.empty": ("The model proposes no {structure} on this frame.",
                  "モデルはこのフレームに {structure} を提案していません。"),
    "how.ssl_correct": ("Trace the **{structure}** outline (click the first point again to close), "
                        "then **Accept**.",
                        "**{structure}** の輪郭をトレースし（最初の点で閉じる）、**承認**します。"),
    "sam.mode": ("Prompt", "プロンプト"),
    "sam.box": ("Box", "ボックス"),
    "sam.pos": ("+ point (inside)", "+ 点（内側）"),
    "sam.neg": ("- point (outside)", "- 点（外側）"),
    "mask": ("Current mask", "現在のマスク"),
    "accept": ("Accept", "承認"),
    "sam.fail": ("SAM failed", "SAM 失敗"),
    "ssl.correct": ("Correct by tracing", "トレースで修正"),
    "leave": ("Leave (resume later)", "中断（後で再開）"),
    "embedding": ("SAM is computing this image's embedding on the {device}: about {seconds:.0f} s "
                  "({basis}). Prompts on this image are fast after that.",
                  "SAM がこの画像の埋め込みを {device} で計算中です：約 {seconds:.0f} 秒（{basis}）。"
                  "その後のプロンプトは高速です。"),
    "embedding.estimate": ("estimated from this computer's speed; may take longer",
                           "このコンピュータの速度からの推定。これより長くかかることがあります"),
    "embedding.measured": ("the previous image took {seconds:.1f} s", "前の画像は {seconds:.1f} 秒でした"),
    "saved": ("Saved {structure}: {active:.1f} s active", "{structure} を保存：計測 {active:.1f} 秒"),
    "saved.idle": (", {idle:.0f} s idle left out", "、アイドル {idle:.0f} 秒を除外"),
    "saved.dice": (", Dice {dice:.2f} against the ground truth", "、正解との Dice {dice:.2f}"),
    "done": ("Session complete: {n} items saved.", "セッション完了：{n} 件を保存しました。"),
    "done.one": ("Session complete: 1 item saved.", "セッション完了：1 件を保存しました。"),
    "summary": ("Seconds per structure", "構造あたりの秒数"),
    "summary.inputs": ("Cost-model inputs (measured)", "コストモデルの入力（実測）"),
    "review_field": ("options.ssl.review_seconds_per_study, per structure (x structures/frame x frames/study)",
                     "options.ssl.review_seconds_per_study（構造あたり。× 構造数/フレーム × フレーム数/検査）"),
    "summary.method": ("Per structure: means with a 95 % Student t-interval. Cost-model inputs: times with "
                       "the 95 % interval of the mean on the log scale (a lognormal range), failure rates "
                       "with the 95 % Jeffreys interval (a beta range). Review seconds per study = review "
                       "seconds per structure x the scenario's structures per frame x frames per study.",
                       "構造ごと：平均と 95% t 区間。コストモデルの入力：時間は対数スケールでの平均の 95% 区間"
                       "（対数正規分布の範囲）、失敗率は 95% Jeffreys 区間（ベータ分布の範囲）。検査あたりのレビュー"
                       "秒数 = 構造あたりのレビュー秒数 × シナリオの構造数/フレーム × フレーム数/検査。"),
    "old.include": ("Include items timed the old way ({n}): stored before segroi measured activity in "
                    "the browser, they count a trace slower than the idle threshold as idle, so their "
                    "times are too low",
                    "旧方式で計測した項目（{n} 件）も含める：ブラウザでの操作計測より前に保存されたもので、"
                    "しきい値より遅いトレースをアイドルとして数えたため、時間が短すぎます"),
    "old.left_out": ("{n} item(s) timed the old way are left out of these figures.",
                     "旧方式で計測した {n} 件はこの集計に含めていません。"),
    "old.mixed": ("These figures mix {new} item(s) timed in the browser with {old} item(s) timed the "
                  "old way, whose times are too low.",
                  "この集計はブラウザで計測した {new} 件と旧方式で計測した {old} 件（時間が短すぎる）を"
                  "混ぜています。"),
    "summary.random": ("SAM ran with random weights in this session: its masks' Dice and the SAM "
                       "failure rate are left out (they would describe random weights, not SAM); "
                       "the times are real.",
                       "このセッションの SAM はランダム重みでした。マスクの Dice と SAM の失敗率は"
                       "除外しています（SAM ではなくランダム重みの性質になるため）。時間は実測です。"),
    "to_scenario": ("Put these measured times into a scenario", "この実測時間をシナリオに反映"),
    "base": ("Start from scenario", "元にするシナリオ"),
    "new_name": ("Save as", "保存名"),
    "scenario_saved": ("Saved scenario **{name}** with {n} measured inputs.",
                       "シナリオ **{name}** を保存しました（実測入力 {n} 件）。"),
    "scenario_saved.one": ("Saved scenario **{name}** with 1 measured input.",
                           "シナリオ **{name}** を保存しました（実測入力 1 件）。"),
    "another": ("Start another session", "別のセッションを開始"),
    "col.task": ("Task", "タスク"), "col.structure": ("Structure", "構造"), "col.n": ("n", "件数"),
    "col.mean": ("Mean (s)", "平均（秒）"), "col.sd": ("SD (s)", "標準偏差（秒）"),
    "col.median": ("Median (s)", "中央値（秒）"), "col.ci": ("95 % CI (s)", "95% 信頼区間（秒）"),
    "col.accepted": ("Accepted", "承認率"), "col.dice": ("Mean Dice", "平均 Dice"),
    "col.field": ("Input", "入力"), "col.value": ("Value", "値"), "col.interval": ("95 % interval", "95% 区間"),
    "col.method": ("Interval", "区間の方法"), "col.provenance": ("Provenance", "出典"),
}


def t(key: str, lang: str = "en", **kw) -> str:
    """The text `key` in `lang`; with n=1 its `.one` form where there is one ("1 item saved")."""
    if kw.get("n") == 1 and f"{key}.one" in TEXTS:
        key = f"{key}.one"
    en, ja = TEXTS[key]
    text = ja if lang == "ja" else en
    return text.format(**kw) if kw else text
