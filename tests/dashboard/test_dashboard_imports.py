"""The dashboard's own pages never import torch (it is the engine's business, in subprocesses)."""

import subprocess
import sys
import textwrap

import pytest

from conftest import APP


@pytest.mark.slow
def test_pages_render_without_importing_torch(seeded):
    script = textwrap.dedent(f"""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(APP)!r}, default_timeout=120).run()
        for page in ("scenario", "benchmarks", "accuracy", "export"):
            at.switch_page(f"views/{{page}}.py").run()
            assert not at.exception, (page, at.exception)
        heavy = sorted(m for m in ("torch", "torchvision", "segment_anything") if m in sys.modules)
        print("HEAVY", heavy)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HEAVY []" in out.stdout
