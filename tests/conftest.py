"""Shared test set-up: every test gets its own store file, and GPU tests skip without CUDA."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory, monkeypatch):
    """Point SEGROI_DB at a fresh file so no test touches a user's store."""
    db = tmp_path_factory.mktemp("store") / "segroi.duckdb"
    monkeypatch.setenv("SEGROI_DB", str(db))
    monkeypatch.setenv("SEGROI_SALT", "test-salt")
    return db


def pytest_collection_modifyitems(config, items):
    if any(item.get_closest_marker("gpu") for item in items):
        try:
            import torch

            has_cuda = torch.cuda.is_available()
        except Exception:  # torch missing or broken: no GPU either way
            has_cuda = False
        if not has_cuda:
            skip = pytest.mark.skip(reason="needs a CUDA GPU")
            for item in items:
                if item.get_closest_marker("gpu"):
                    item.add_marker(skip)
