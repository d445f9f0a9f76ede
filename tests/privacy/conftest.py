"""The privacy audit's one expensive fixture: plant identifiers, then run every command over them
(see audit_run.py). Session scope: the command-line, dashboard and browser tests share one run."""

from __future__ import annotations

import pytest

from audit_run import STEPS, Audit, prepare, run_steps


@pytest.fixture(scope="session")
def audit(tmp_path_factory) -> Audit:
    a = prepare(tmp_path_factory.mktemp("audit"))
    run_steps(a, STEPS)
    return a
