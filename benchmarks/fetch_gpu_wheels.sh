#!/usr/bin/env bash
# Download the wheels gpu_check.sh needs that the GPU machine's image lacks, for its Python (3.12,
# x86-64), into .whl/ (.gitignore has it). Run here, with the package registry reachable; then name
# `.whl` in the device tool's carry. About 27 MB.
#
#   bash benchmarks/fetch_gpu_wheels.sh [--python-version 3.12] [--dest .whl]
#
# What the phases import that the image (Python 3.12, torch 2.11 + CUDA 13, torchvision, numpy,
# scipy, scikit-image, pillow, pandas, pyarrow, tqdm, nvidia-ml-py, pytest, pytest-timeout,
# hypothesis, ...) does not have, each pinned as in pyproject.toml:
#   pydicom          engine.data.dicom (every segroi command loads it through engine.cli)
#   duckdb           the store (tests, the ladders' stored runs, train-ssl)
#   segment-anything SAM (tests, the SAM ladder, the stability phase)
#   platformdirs     the store's default path
# None of them needs another package that the image lacks (their Requires-Dist lines are empty).
# pylibjpeg and its plugins are not needed: the check decodes no compressed DICOM.
# The rehearsal on a CPU machine fetches the same for its own Python with --python-version 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."
PYVER=3.12
DEST=.whl
while [ $# -gt 0 ]; do
  case $1 in
    --python-version) PYVER=$2; shift 2 ;;
    --dest) DEST=$2; shift 2 ;;
    *) echo "usage: $0 [--python-version X.Y] [--dest DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$DEST"
PY=${PYTHON:-python3}
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version "$PYVER" --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
  -d "$DEST" segment-anything==1.0 duckdb==2.0.1 platformdirs==4.14.8 pydicom==3.0.2
ls -l "$DEST"
du -sh "$DEST"
