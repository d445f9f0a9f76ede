#!/usr/bin/env bash
# segroi's GPU check: the gpu-marked tests, the profiler's overhead, the energy spread over repeats,
# SSL training throughput, and the U-Net and SAM settings ladders, on one CUDA GPU, in one command.
#
#   bash benchmarks/gpu_check.sh OUTDIR [PHASE ...]
#   phases, in this order: tests overhead stability train unet sam   (default: all)
#
# One global deadline: GPU_CHECK_SECONDS (default 540) after the start, everything included (the
# wheels' install, the probe, every phase). Each phase runs under `timeout` with the smaller of its
# own cap and what is left before the deadline (minus 20 s kept for the summary); a phase that fails
# or runs out of time does not stop the others; the Python benchmarks also get the deadline and
# start no step they cannot finish, and write their results after every step. summary.md and
# summary.json are written from an EXIT trap, so they exist however the script ends (short of
# SIGKILL). Rerun failed phases by naming them: `bash benchmarks/gpu_check.sh OUT2 unet sam`.
#
# OUTDIR gets at most 6 files (the device tool returns 8 at most): env.txt, log.txt, results.json
# (one key per phase), tests.xml, summary.md, summary.json.
#
# Environment:
#   GPU_CHECK_SECONDS   global deadline in seconds (default 540)
#   GPU_CHECK_PYTHON    the interpreter (default: .venv/bin/python when it sees a GPU, else python3)
#   GPU_CHECK_WHEELS    folder of wheels the image lacks (default .whl; benchmarks/fetch_gpu_wheels.sh)
#   GPU_CHECK_DEVICE    cuda (default) or cpu (rehearsal only: every phase on the CPU)
#   GPU_CHECK_SMALL=1   tiny inputs and windows (rehearsal only: checks code paths, measures nothing)
#   GPU_CHECK_GIT       the commit to record, where the copy on the GPU machine has no .git
#   GPU_CHECK_CAP_SCALE multiply every phase's cap (rehearsal: the CPU runs the GPU tests' full sizes)
# benchmarks/rehearsal/rehearse_gpu_check.sh runs it on a CPU machine in an imitation of the GPU image.
set -uo pipefail
OUT=${1:?usage: bash benchmarks/gpu_check.sh OUTDIR [tests|overhead|stability|train|unet|sam ...]}
shift
PHASES=${*:-tests overhead stability train unet sam}
START=$(date +%s)
BUDGET=${GPU_CHECK_SECONDS:-540}
DEADLINE=$((START + BUDGET))
RESERVE=20
DEVICE=${GPU_CHECK_DEVICE:-cuda}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/log.txt"
RESULTS="$OUT/results.json"
: >"$LOG"
rm -f "$RESULTS" "$OUT/tests.xml" "$OUT/summary.md" "$OUT/summary.json" "$OUT/env.txt"
export PYTHONUNBUFFERED=1
export SEGROI_DB=${SEGROI_DB:-/tmp/segroi-gpu-check.duckdb}
export TORCH_LOGS=${TORCH_LOGS:-perf_hints}   # Inductor says when and why it skips CUDA graphs
rm -f "$SEGROI_DB" "$SEGROI_DB.wal"
if [ -n "${GPU_CHECK_GIT:-}" ]; then
  GIT=$GPU_CHECK_GIT
else
  GIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && GIT="$GIT+changes"
fi
DATE=$(date -u +%Y-%m-%d)
PHASE_RECORD=""
CHILD=""
PY=${GPU_CHECK_PYTHON:-python3}   # refined below; set here for the summary trap

# One line, once, in log.txt, and on stdout unless stdout is log.txt itself.
say() {
  local line="[$(date -u +%H:%M:%S) +$(( $(date +%s) - START ))s] $*"
  echo "$line" >>"$LOG"
  [ "$(readlink -f /proc/self/fd/1 2>/dev/null)" = "$LOG" ] || echo "$line"
}
left() { echo $((DEADLINE - $(date +%s))); }
upto() {  # upto SECONDS: that, or less when the deadline (minus the summary's reserve) is nearer
  local l=$(( $(left) - RESERVE ))
  [ "$l" -lt 1 ] && l=1
  [ "$l" -lt "$1" ] && echo "$l" || echo "$1"
}

summary() {
  trap - EXIT INT TERM
  [ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
  say "summary (phases: ${PHASE_RECORD:-none})"
  if ! timeout 30 "$PY" benchmarks/summarize_gpu_check.py "$OUT" --phases "$PHASE_RECORD" \
      --git "$GIT" --date "$DATE" >>"$LOG" 2>&1; then
    say "the summary script failed; writing a bare summary"
    {
      echo '{'
      for k in gpu_name gpu_tests_passed gpu_tests_failed unet_naive_img_per_s unet_best_img_per_s \
          unet_best_settings unet_best_joules_per_img sam_vit_h_autocast_img_per_s \
          sam_vit_h_best_img_per_s sam_vit_h_best_settings sam_vit_h_best_joules_per_img \
          sam_vit_b_best_img_per_s decoder_seconds_per_prompt profiler_overhead_fraction energy_cv \
          ssl_train_img_per_s idle_watts; do echo "  \"$k\": null,"; done
      echo "  \"date\": \"$DATE\", \"git\": \"$GIT\", \"phases\": \"$PHASE_RECORD\","
      echo "  \"notes\": [\"summarize_gpu_check.py failed: see log.txt; the figures are in results.json\"]"
      echo '}'
    } >"$OUT/summary.json"
    printf '# segroi GPU check\n\nThe summary script failed (see log.txt). Phases: %s\n' \
      "$PHASE_RECORD" >"$OUT/summary.md"
  fi
  grep -A 12 '^## Goals' "$OUT/summary.md" 2>/dev/null || true
  say "done after $(( $(date +%s) - START ))s: $OUT"
}
trap summary EXIT
trap 'say "interrupted"; exit 130' INT TERM

# -- Python, wheels, probe ------------------------------------------------------------------------
if [ -n "${GPU_CHECK_PYTHON:-}" ]; then
  PY=$GPU_CHECK_PYTHON
elif [ -x .venv/bin/python ] && .venv/bin/python -c 'import torch,sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
  PY=.venv/bin/python
else
  PY=python3
fi
WHEELS=${GPU_CHECK_WHEELS:-.whl}
say "segroi GPU check: phases '$PHASES' on $DEVICE, deadline ${BUDGET}s, python $PY, git $GIT"
if ls "$WHEELS"/*.whl >/dev/null 2>&1; then
  rm -rf /tmp/segroi-site
  if timeout "$(upto 90)" "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/segroi-site "$WHEELS"/*.whl >>"$LOG" 2>&1; then
    export PYTHONPATH="/tmp/segroi-site${PYTHONPATH:+:$PYTHONPATH}"
    say "installed $(ls "$WHEELS"/*.whl | wc -l) wheels from $WHEELS"
  else
    say "installing the wheels from $WHEELS failed (see above); going on without them"
  fi
else
  say "no wheels in $WHEELS (benchmarks/fetch_gpu_wheels.sh): pydicom, duckdb, segment-anything and platformdirs must be installed already"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if [ "${GPU_CHECK_SMALL:-0}" = 1 ]; then   # rehearsal sizes: code paths only, no figure means anything
  IDLE="--idle-seconds 0.5"
  OVERHEAD_ARGS="--batch 2 --input-size 64 --seconds 0.3 --repeats 2"
  STABILITY_ARGS="--repeats 2 --seconds 0.5 --warmup 0.2 --unet-batch 2 --unet-input-size 64 --sam-batch 1 --sam-image-size 128 --idle-seconds 0.5"
  TRAIN_ARGS="--settings fp32:2,bf16:2:channels_last --input-size 64 --width 8 --seconds 0.5 --warmup 0.2"
  TRAIN_CLI_ARGS="--quick --epochs 1 --rounds 1"
  UNET_ARGS="--batch 2 --input-size 64 --width 8 --final-batches 4 --seconds 0.3 --warmup 0.1 --idle-seconds 0.5"
  SAM_ARGS="--image-size 128 --batch-scale 0 --seconds 0.3 --warmup 0.1 --idle-seconds 0.5"
  THREADS="--threads 2"
else
  IDLE="--idle-seconds 3"
  OVERHEAD_ARGS="--batch 256 --seconds 2 --repeats 4"
  STABILITY_ARGS="--repeats 4 --seconds 4 --warmup 1"
  TRAIN_ARGS="--settings fp32:8,bf16:64:channels_last --seconds 3 --warmup 1"
  TRAIN_CLI_ARGS="--quick --epochs 5 --rounds 2"
  UNET_ARGS="--batch 256 --final-batches 512,1024 --late-steps autotune --seconds 3 --warmup 1"
  SAM_ARGS="--seconds 3 --warmup 1"
  THREADS=""
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git: $GIT"
  echo "host: $(uname -n) $(uname -srm), $(nproc) cores"
  echo "phases: $PHASES; deadline ${BUDGET}s; device $DEVICE; small ${GPU_CHECK_SMALL:-0}"
  echo "python: $PY"
} >"$OUT/env.txt"
say "probe (imports, versions, NVML, idle power)"
timeout "$(upto 90)" "$PY" benchmarks/gpu_probe.py --device "$DEVICE" $IDLE --out "$RESULTS" --key probe \
  >>"$OUT/env.txt" 2>>"$LOG"
PROBE=$?
{
  echo "--- nvidia-smi"
  timeout "$(upto 15)" nvidia-smi 2>&1 || echo "nvidia-smi not available"
  timeout "$(upto 15)" nvidia-smi -q -d POWER,CLOCK,PERFORMANCE 2>&1 | head -80
} >>"$OUT/env.txt" 2>&1
if [ $PROBE -ne 0 ]; then
  say "the probe found no usable $DEVICE device (exit $PROBE; see env.txt): no phase can measure"
  exit 3
fi
grep -q "FAILED" "$OUT/env.txt" && say "some imports failed (env.txt): the phases that need them will record errors"

# -- phases ---------------------------------------------------------------------------------------
failed=0
phase() {  # phase NAME CAP COMMAND... : run with min(CAP, time left - RESERVE) seconds
  local name=$1 cap=$(( $2 * ${GPU_CHECK_CAP_SCALE:-1} )); shift 2
  case " $PHASES " in *" $name "*) ;; *) return 0 ;; esac
  local limit=$(( $(left) - RESERVE ))
  [ "$limit" -gt "$cap" ] && limit=$cap
  if [ "$limit" -lt 15 ]; then
    say "phase $name: not started, ${limit}s left before the deadline"
    PHASE_RECORD="$PHASE_RECORD $name=skip:0:$limit"
    failed=1
    return 0
  fi
  export PHASE_DEADLINE=$(( $(date +%s) + limit - 3 ))
  say "phase $name (limit ${limit}s)"
  local start=$SECONDS
  timeout --kill-after=5 "$limit" "$@" >>"$LOG" 2>&1 &
  CHILD=$!
  wait "$CHILD"
  local rc=$?
  CHILD=""
  say "phase $name: rc=$rc after $((SECONDS - start))s"
  PHASE_RECORD="$PHASE_RECORD $name=$rc:$((SECONDS - start)):$limit"
  [ $rc -eq 0 ] || failed=1
  sleep 2  # let the GPU fall back towards idle before the next phase measures idle power
}

# -v: one line per test as it ends, so log.txt keeps the outcomes even if the phase is cut short.
phase tests 80 "$PY" -m pytest -m gpu tests/models tests/profiling -v -rA -p no:cacheprovider \
  --timeout 60 --junitxml "$OUT/tests.xml"
phase overhead 40 bash -c "'$PY' benchmarks/bench_profiler_overhead.py --device $DEVICE $OVERHEAD_ARGS $THREADS \
  --out '$RESULTS' --key overhead"
phase stability 65 bash -c "'$PY' benchmarks/bench_energy_stability.py --device $DEVICE $STABILITY_ARGS $THREADS \
  --deadline \$PHASE_DEADLINE --out '$RESULTS' --key stability"
# SSL training: the GPU's share (training steps of the product's U-Net), then segroi's own
# train-ssl on a small phantom (pseudo-labels on the CPU included), its stored run kept.
phase train 50 bash -c "'$PY' benchmarks/bench_ssl_train_steps.py --device $DEVICE $TRAIN_ARGS $THREADS \
    --deadline \$PHASE_DEADLINE --out '$RESULTS' --key train;
  rc=\$?
  '$PY' -m engine.cli phantom --out /tmp/segroi-phantom --studies 8 &&
  '$PY' -m engine.cli train-ssl --data /tmp/segroi-phantom --out /tmp/segroi-ssl.pt --device $DEVICE \
    $TRAIN_CLI_ARGS
  cli=\$?
  '$PY' - '$RESULTS' \$cli <<'PYEOF'
import sys
sys.path.insert(0, 'benchmarks')
from benchlib import error_text, write_json
out, rc = sys.argv[1], int(sys.argv[2])
try:
    from engine.store import open_store
    st = open_store()
    rows = st.query('SELECT t.*, r.status, r.command FROM training_runs t JOIN runs r ON r.id = t.run_id')
    payload = {'rc': rc, 'training_runs': rows}
except Exception as exc:
    payload = {'rc': rc, 'error': 'segroi train-ssl (rc %d): %s' % (rc, error_text(exc))}
if rc and 'error' not in payload:
    payload['error'] = 'segroi train-ssl failed with rc %d (see log.txt)' % rc
write_json(out, payload, key='train_cli')
PYEOF
  exit \$rc"
phase unet 170 bash -c "'$PY' benchmarks/bench_unet_steps.py --device $DEVICE $UNET_ARGS $THREADS \
  --deadline \$PHASE_DEADLINE --store --out '$RESULTS' --key unet"
phase sam 600 bash -c "'$PY' benchmarks/bench_sam_steps.py --device $DEVICE $SAM_ARGS $THREADS \
  --deadline \$PHASE_DEADLINE --store --out '$RESULTS' --key sam"

say "phases done; failed=$failed"
exit $failed
