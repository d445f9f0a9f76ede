#!/usr/bin/env bash
# Rehearse benchmarks/gpu_check.sh on a machine without a GPU, in an imitation of the GPU image.
#
#   bash benchmarks/rehearsal/rehearse_gpu_check.sh OUTDIR [fake|cpu] [PHASE ...]
#
# It builds (once, under $REHEARSAL_DIR, default /tmp/segroi-rehearsal) a Python 3.11 environment
# that holds only the packages the GPU image has (image_env.py), downloads the wheels the image
# lacks for that Python (fetch_gpu_wheels.sh --python-version 3.11), and runs gpu_check.sh with
# tiny inputs (GPU_CHECK_SMALL=1) through that Python, so that missing imports, crashes, time limits
# and the summary show up before the GPU run. Modes:
#   fake  (default) a pretend CUDA GPU whose work runs on the CPU (fake_cuda/: torch.cuda and pynvml
#         faked, see sitecustomize.py), so the CUDA branches run; the gpu tests run against it
#   cpu   every phase with --device cpu and no fake; the gpu tests are skipped
# Nothing a rehearsal prints is a measurement. GPU_CHECK_SECONDS applies as in gpu_check.sh (set it
# low to check that the summary is written when the deadline cuts phases short).
set -euo pipefail
OUT=${1:?usage: rehearse_gpu_check.sh OUTDIR [fake|cpu] [PHASE ...]}
shift
MODE=${1:-fake}
[ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${REHEARSAL_DIR:-/tmp/segroi-rehearsal}
BASE=${REHEARSAL_FROM_VENV:-/work/main/.venv}
mkdir -p "$DIR"
if [ ! -x "$DIR/venv/bin/python" ]; then
  python3.11 "$HERE/image_env.py" "$DIR" --from-venv "$BASE"
fi
if ! ls "$DIR"/whl/*.whl >/dev/null 2>&1; then
  PYTHON="$BASE/bin/python" bash "$ROOT/benchmarks/fetch_gpu_wheels.sh" --python-version 3.11 --dest "$DIR/whl"
fi
export GPU_CHECK_PYTHON="$DIR/venv/bin/python" GPU_CHECK_WHEELS="$DIR/whl" GPU_CHECK_SMALL=1
export SEGROI_DB="$DIR/check.duckdb"
case $MODE in
  fake) export SEGROI_FAKE_CUDA=1 PYTHONPATH="$HERE/fake_cuda" GPU_CHECK_DEVICE=cuda ;;
  cpu) export GPU_CHECK_DEVICE=cpu; unset PYTHONPATH SEGROI_FAKE_CUDA ;;
  *) echo "mode must be fake or cpu" >&2; exit 2 ;;
esac
exec bash "$ROOT/benchmarks/gpu_check.sh" "$OUT" "$@"
