#!/usr/bin/env bash
# Download the wheels gpu_check.sh needs that the GPU machine's image lacks, into .whl/ (ignored by
# git), for its Python 3.12 on x86-64. The image already has torch, numpy, pandas, pyarrow, tqdm,
# nvidia-ml-py (pynvml), pytest, pytest-timeout and hypothesis.
# Run here (with network to the package registry), then pass `.whl` in the device tool's carry.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qxF '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
mkdir -p .whl
PY=${PYTHON:-python3}
for spec in segment-anything==1.0 duckdb==2.0.1 platformdirs==4.14.8; do
  "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
    -d .whl "$spec"
done
ls -l .whl
du -sh .whl
