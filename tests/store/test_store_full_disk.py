"""A store that cannot be written (a full disk; here a file-size limit, which fails DuckDB's writes the
same way without needing a small file system) gives one line naming the store, no traceback, and
nothing half-written: before, DuckDB's TransactionException came out as a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
from engine.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_store_write_that_fails_is_one_line_and_leaves_nothing(tmp_path):
    db = tmp_path / "segroi.duckdb"
    env = dict(os.environ, SEGROI_DB=str(db))
    done = subprocess.run([sys.executable, "-c", LIMITED, "demo"], env=env, capture_output=True, text=True, timeout=300)
    err = done.stderr.strip()
    assert done.returncode == 2, (done.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("segroi demo: error:") and str(db) in err and "File too large" in err, err
    listed = subprocess.run(
        [sys.executable, "-m", "engine.cli", "scenario", "list"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "no scenarios stored" in listed.stdout, listed  # the transaction did not land in part
