#!/usr/bin/env bash
# segroi's GPU check: the gpu-marked tests, a short profile of every model, the U-Net optimisation
# steps, the profiler's overhead and the energy spread over repeats, on one CUDA GPU.
#
#   benchmarks/gpu_check.sh OUTDIR [PHASE ...]     phases: tests profile steps overhead stability train
#
# About 5-6 minutes on one H100 with every phase (estimated; not yet run). Each phase has its own
# time limit (together 9 minutes, under the device tool's 10-minute limit per command), and a phase
# that fails or runs out of time does not stop the others. OUTDIR gets 8 files (the device tool returns 8 at
# most): env.txt, log.txt, profile.json, unet-steps.json, overhead.json, stability.json, train.json,
# summary.md.
#
# Python: .venv/bin/python when it sees a GPU, else python3 (the GPU machine's image, with torch).
# Packages that image lacks travel as wheels in .whl/ (benchmarks/fetch_gpu_wheels.sh) and are
# installed to /tmp/segroi-site; the checkout itself is put on PYTHONPATH (no install needed).
set -uo pipefail
OUT=${1:?usage: benchmarks/gpu_check.sh OUTDIR [tests|profile|steps|overhead|stability ...]}
shift
PHASES=${*:-tests profile steps overhead stability train}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/log.txt"
export PYTHONUNBUFFERED=1
export SEGROI_DB=${SEGROI_DB:-/tmp/segroi-gpu-check.duckdb}
rm -f "$SEGROI_DB" "$SEGROI_DB.wal"

say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }

if [ -x .venv/bin/python ] && .venv/bin/python -c 'import torch,sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
  PY=.venv/bin/python
else
  PY=python3
fi
if ls .whl/*.whl >/dev/null 2>&1; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/segroi-site .whl/*.whl >>"$LOG" 2>&1 && export PYTHONPATH="/tmp/segroi-site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "python: $PY"
  "$PY" - <<'PYEOF'
import importlib
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0))
for name in ("segment_anything", "duckdb", "platformdirs", "pynvml", "tqdm", "pytest", "numpy"):
    try:
        m = importlib.import_module(name)
        print(name, getattr(m, "__version__", "ok"))
    except Exception as exc:
        print(name, "MISSING", exc)
PYEOF
  nvidia-smi 2>&1 || echo "nvidia-smi failed"
  nvidia-smi -q -d POWER,CLOCK 2>&1 | head -60
} >"$OUT/env.txt" 2>&1

if ! "$PY" -c 'import torch, segment_anything, duckdb, platformdirs, pynvml, tqdm' >>"$LOG" 2>&1; then
  say "missing packages (see env.txt); run benchmarks/fetch_gpu_wheels.sh and carry .whl"
  exit 3
fi
if ! "$PY" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
  say "no CUDA GPU visible to $PY"
  exit 3
fi

failed=0
phase() {  # phase NAME LIMIT_SECONDS COMMAND...
  local name=$1 limit=$2; shift 2
  case " $PHASES " in *" $name "*) ;; *) return 0 ;; esac
  say "phase $name (limit ${limit}s): $*"
  local start=$SECONDS
  timeout --kill-after=10 "$limit" "$@"
  local rc=$?
  say "phase $name: rc=$rc after $((SECONDS - start))s"
  [ $rc -eq 0 ] || failed=1
  sleep 3  # let the GPU fall back towards idle before the next phase measures idle power
}

phase tests 90 "$PY" -m pytest -m gpu tests/models tests/profiling -q -rA -p no:cacheprovider \
  >>"$LOG" 2>&1
# Every model at fp32/bf16 x plain/tuned (SAM: ViT-B/L/H encoder at batch 1 and 8, decoder per box;
# U-Net at batch 1, 64, 256). Compilation and CUDA graphs for the U-Net are in the steps phase.
phase profile 200 bash -c "'$PY' -m engine.cli profile --models sam_vit_b,sam_vit_l,sam_vit_h,ssl_unet \
  --device cuda --dtypes fp32,bf16 --modes plain,tuned --seconds 2 --warmup 1 --idle-seconds 3 \
  --format json --no-progress >'$OUT/profile.json' 2>>'$LOG'"
phase steps 120 "$PY" benchmarks/bench_unet_steps.py --device cuda --batch 256 --final-batches 512,1024 \
  --seconds 2.5 --warmup 1 --out "$OUT/unet-steps.json" >>"$LOG" 2>&1
phase overhead 40 "$PY" benchmarks/bench_profiler_overhead.py --device cuda --batch 256 --seconds 2 \
  --repeats 3 --out "$OUT/overhead.json" >>"$LOG" 2>&1
phase stability 50 "$PY" benchmarks/bench_energy_stability.py --device cuda --repeats 4 --seconds 2 \
  --warmup 1 --out "$OUT/stability.json" >>"$LOG" 2>&1
# Label-free SSL training throughput on the GPU (images/s and energy, stored by train-ssl as a run).
phase train 50 bash -c "'$PY' -m engine.cli phantom --out /tmp/segroi-ph --studies 16 >>'$LOG' 2>&1 &&
  '$PY' -m engine.cli train-ssl --data /tmp/segroi-ph --out /tmp/segroi-ssl.pt --quick --device cuda \
    >>'$LOG' 2>&1 &&
  '$PY' -c 'import json; from engine.store import open_store; \
    print(json.dumps(open_store().query(\"SELECT * FROM training_runs\"), default=str, indent=1))' \
    >'$OUT/train.json' 2>>'$LOG'"

"$PY" benchmarks/summarize_gpu_check.py "$OUT" >"$OUT/summary.md" 2>>"$LOG" || failed=1
say "done; failed=$failed"
exit $failed
