"""Build a Python environment that holds only what the GPU machine's image holds.

    python3.11 benchmarks/rehearsal/image_env.py DEST [--from-venv /work/main/.venv]

The GPU machine runs segroi under its own image (Python 3.12, torch 2.11 + CUDA 13 and the packages
listed in the device documentation), not under segroi's pinned environment. To rehearse the GPU
check on a CPU machine, DEST gets a fresh virtual environment whose site-packages see, through one
.pth file, only those distributions of an existing environment that the image also has (linked,
not copied). Everything else (pydicom, duckdb, segment-anything, platformdirs, ...) is missing,
as on the image, and must come from the wheels that benchmarks/fetch_gpu_wheels.sh downloads.

Versions are the source environment's, not the image's (torch 2.14 here against 2.11 there); the
rehearsal checks imports and code paths, not versions.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

# The image's Python packages (device documentation, KINDS.md, "Python packages already there",
# read on 2026-11-17), as distribution names.
IMAGE_PACKAGES = """
absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs botorch build
certifi charset-normalizer chex click cloudpickle cmake colorama contourpy coverage cuda-bindings
cuda-core cuda-pathfinder cuda-toolkit cupy-cuda13x cycler cython diffrax e3nn einops equinox etils
execnet filelock flatbuffers flax fonttools formulaic frozenlist fsspec gpytorch grpcio h11 h5py hf-xet
httpcore httpx huggingface-hub humanize hypothesis idna imageio iniconfig interface-meta jax
jax-cuda13-pjrt jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader lightning
lightning-utilities linear-operator lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib
mdurl meson ml-dtypes mpi4py mpmath msgpack multidict multipledispatch mypy-extensions nanobind
narwhals networkx ninja numba numba-cuda numpy numpyro nvidia-cublas nvidia-cuda-cupti
nvidia-cuda-nvrtc nvidia-cuda-runtime nvidia-cudnn-cu13 nvidia-cufft nvidia-cufile nvidia-curand
nvidia-cusolver nvidia-cusparse nvidia-cusparselt-cu13 nvidia-ml-py nvidia-nccl-cu13 nvidia-nvjitlink
nvidia-nvshmem-cu13 nvidia-nvtx onnx onnx-ir onnxruntime onnxscript opencv-python-headless optax
opt-einsum opt-einsum-fx optimistix orbax-checkpoint packaging pandas pathspec patsy peft pillow pip
pluggy portalocker prometheus-client propcache protobuf psutil pyarrow pybind11 py-cpuinfo
pyre-extensions pygments pyparsing pyproject-hooks pytest pytest-benchmark pytest-cov pytest-mock
pytest-timeout pytest-xdist python-dateutil pytorch-lightning pyyaml regex requests rich sacrebleu
safetensors scikit-build-core scikit-image scikit-learn scipy seaborn sentencepiece
sentence-transformers setuptools shellingham simplejson six sortedcontainers statsmodels sympy tabulate
tensorboard tensorboard-data-server tensorstore threadpoolctl tifffile tiktoken timm tokenizers toolz
torch torchaudio torchdiffeq torch-geometric torchmetrics torchvision tqdm transformers treescope
triton typer typing-extensions typing-inspect urllib3 uvloop wadler-lindig werkzeug wheel wrapt xarray
xxhash yarl zipp
""".split()


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise SystemExit(f"no site-packages under {venv}")
    return found[0]


def _top_entries(dist_info: Path) -> set[str]:
    """First path components of the files a distribution installed (from its RECORD)."""
    record = dist_info / "RECORD"
    tops = {dist_info.name}
    if record.exists():
        for line in record.read_text().splitlines():
            path = line.split(",", 1)[0]
            if path and not path.startswith(".."):
                tops.add(path.split("/", 1)[0])
    return tops


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dest")
    p.add_argument("--from-venv", default="/work/main/.venv")
    args = p.parse_args(argv)
    dest = Path(args.dest).resolve()
    src = _site_packages(Path(args.from_venv))
    wanted = {_norm(n) for n in IMAGE_PACKAGES}
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(dest / "venv")], check=True)
    linked = dest / "image-site"
    linked.mkdir(parents=True, exist_ok=True)
    for old in linked.iterdir():
        old.unlink()
    kept, left = [], []
    for info in sorted(src.glob("*.dist-info")):
        name = _norm(info.name[: -len(".dist-info")].rsplit("-", 1)[0])
        if name not in wanted:
            left.append(name)
            continue
        kept.append(name)
        for top in _top_entries(info):
            target = src / top
            if target.exists() and not (linked / top).exists() and not top.endswith(".pth"):
                (linked / top).symlink_to(target)
    (_site_packages(dest / "venv") / "gpu_image.pth").write_text(str(linked) + "\n")
    print(f"{dest / 'venv'}: {len(kept)} image packages linked from {src}")
    print("left out (not on the GPU image): " + ", ".join(left))
    return 0


if __name__ == "__main__":
    sys.exit(main())
