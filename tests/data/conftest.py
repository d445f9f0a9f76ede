"""Fixtures for the data-reader tests; the file writers live in datafiles.py."""

from __future__ import annotations

import pytest

from datafiles import REAL


@pytest.fixture
def real():
    return REAL
