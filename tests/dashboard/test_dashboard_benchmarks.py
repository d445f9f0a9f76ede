"""Benchmarks page: stored profiles, charts, and `segroi profile` as a cancellable subprocess."""

import sys

import pytest

from apptest_pages import go, shown, texts
from report_rows import add_profiles

from dashboard import jobs


def _finish(at):
    job = jobs.current()
    if job is not None:
        job.wait(30)
    return at.run()


def test_profiles_table_filters_and_charts(app, seeded):
    add_profiles(seeded)
    at = go(app.run(), "benchmarks")
    assert not at.exception
    table = at.dataframe[0].value
    assert {"sam_vit_b", "ssl_unet"} <= set(table["model"])
    assert len(at.get("plotly_chart")) == 2
    at.multiselect(key="filter_device").set_value(["cpu"]).run()
    table = at.dataframe[0].value
    assert set(table["device"]) == {"cpu"} and len(table) == 1
    assert "None of the selected profiles has a measured energy figure." in texts(at)


@pytest.mark.slow
def test_a_failed_profile_run_shows_its_reason(app, seeded, monkeypatch):
    script = "import sys; print('1/4 warm-up'); print('segroi profile: error: no CUDA device'); sys.exit(2)"
    monkeypatch.setattr(jobs, "profile_command", lambda *a: ([sys.executable, "-c", script], []))
    at = go(app.run(), "benchmarks")
    at.form_submit_button[0].click().run()
    assert not at.exception
    at = _finish(at)
    assert "Profiling failed: segroi profile: error: no CUDA device" in [shown(e.value) for e in at.error]
    jobs.forget()


@pytest.mark.slow
def test_a_run_reports_progress_and_can_be_cancelled(app, seeded, monkeypatch):
    script = "import time; print('2/10 ssl_unet fp32', flush=True); time.sleep(60)"
    monkeypatch.setattr(jobs, "profile_command", lambda *a: ([sys.executable, "-c", script], []))
    at = go(app.run(), "benchmarks")
    at.form_submit_button[0].click().run()
    job = jobs.current()
    assert job is not None and job.running
    for _ in range(100):
        if job.progress:
            break
        job._reader.join(0.05)
    at.run()
    assert job.progress == 0.2
    assert at.get("progress")[0].proto.value == 20
    assert jobs.start(["true"]) is None  # one profile at a time
    at.button(key="btn_cancel").click().run()
    assert not job.running and job.state == "cancelled"
    assert "Profiling cancelled; nothing was stored for that run." in [w.value for w in at.warning]
    jobs.forget()


def test_progress_parsing():
    job = jobs.Job([sys.executable, "-c", "import sys; sys.stdout.write('a 10%\\rb 55%\\rdone\\n')"])
    assert job.wait(10) == 0
    assert job.progress == 0.55 and list(job.lines) == ["a 10%", "b 55%", "done"]
    assert job.state == "ok"


def test_extra_arguments_cannot_override_the_forms_limits(app, seeded, monkeypatch):
    """The issue: `--seconds 3600` in the free box overrode the form's limit; now nothing starts."""
    started = []
    monkeypatch.setattr(jobs, "start", lambda command, env=None: started.append(command))
    at = go(app.run(), "benchmarks")
    for text in ("--seconds 3600", "--sam-checkpoint /etc/passwd", "--batch-sizes 1 ; rm -rf /"):
        at.text_input[0].input(text)
        at.form_submit_button[0].click().run()
        assert not at.exception and len(at.error) == 1 and "not allowed" in shown(at.error[0].value)
    assert started == []
    at.text_input[0].input("--batch-sizes 1,100000")
    at.form_submit_button[0].click().run()
    (command,) = started
    assert command[command.index("--batch-sizes") + 1] == "1,256" and "3600" not in command
    assert "--seconds" in command and float(command[command.index("--seconds") + 1]) <= 600


def test_no_model_picked_says_so_and_starts_nothing(app, seeded, monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "start", lambda command, env=None: started.append(command))
    at = go(app.run(), "benchmarks")
    at.multiselect(key=at.multiselect[-1].key).set_value([])
    at.form_submit_button[0].click().run()
    assert not at.exception and started == []
    assert [shown(e.value) for e in at.error] == ["Pick at least one model to profile."]


def test_new_hardware_after_a_refresh_is_shown_not_filtered_out(app, seeded):
    """The H100 anchors first; then a profile run adds a CPU row and a new GPU: the Devices
    and Hardware filters take them in, selected, so the new rows are in the table."""
    at = go(app.run(), "benchmarks")
    assert at.multiselect(key="filter_device").value == ["cuda"]
    add_profiles(seeded)
    at.session_state["store_version"] = (
        at.session_state["store_version"] + 1 if "store_version" in at.session_state else 1
    )
    at.run()
    assert not at.exception
    assert "cpu" in at.multiselect(key="filter_device").value
    table = at.dataframe[0].value
    assert "cpu" in set(table["device"])
