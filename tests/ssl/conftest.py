"""Small phantom folders and tiny SSL settings shared by the SSL tests."""

from __future__ import annotations

import pytest

from engine.data.phantom import make_study, write_phantom

# Smallest settings that exercise the whole pipeline: 32-pixel input, 3-level U-Net of width 4.
TINY_NETWORK = [
    "--image-size",
    "32",
    "--width",
    "4",
    "--levels",
    "3",
    "--epochs",
    "1",
    "--rounds",
    "2",
    "--batch-size",
    "4",
    "--threads",
    "1",
]
# Such a network learns nothing in one epoch, so TINY turns the QC floor and the collapse check off
# (they have their own tests, tests/ssl/test_floor.py).
TINY = [
    *TINY_NETWORK,
    "--min-qc-frames",
    "1",
    "--min-qc-share",
    "0",
    "--min-qc-ratio",
    "0",
]


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def phantom_dir(tmp_path):
    """One A4C/A2C x ED/ES study at 96 px, with truth/ beside it."""
    out = tmp_path / "phantom"
    write_phantom(make_study(0, seed=21, size=96), out)
    return out
