"""`segroi report` and `segroi dashboard` as a user meets them: clear one-line errors, safe defaults."""

import io
import sys

import pytest
from PIL import Image

from engine.cli import main
from engine.commands import dashboard as dash_cmd
from engine.report import images
from engine.scenario_sources import pick_stored


def _tiny_png(*args, **kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_report_on_an_empty_store_says_how_to_get_data(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path / "a.pdf")]) == 2
    err = capsys.readouterr().err
    assert "segroi demo" in err and "Traceback" not in err
    assert not (tmp_path / "a.pdf").exists()


def test_report_refuses_bad_paths_and_unknown_scenarios(tmp_path, capsys):
    assert main(["demo"]) == 0
    assert main(["report", "--out", str(tmp_path / "a.txt")]) == 2
    assert main(["report", "--out", str(tmp_path / "missing" / "a.pdf")]) == 2
    assert main(["report", "--out", str(tmp_path / "a.pdf"), "--scenario", "nope"]) == 2
    err = capsys.readouterr().err
    assert ".pdf" in err and "does not exist" in err and "no scenario named 'nope'" in err and "reference" in err


@pytest.mark.slow
def test_report_writes_the_pdf(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(images, "png", _tiny_png)
    assert main(["demo"]) == 0
    out = tmp_path / "meeting.pdf"
    assert main(["report", "--out", str(out), "--lang", "ja"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "wrote" in capsys.readouterr().err


def test_pick_scenario_prefers_reference_and_asks_when_ambiguous():
    rows = [{"name": "cloud"}, {"name": "on-prem"}]
    with pytest.raises(Exception, match="several scenarios"):
        pick_stored(rows, None)
    assert pick_stored(rows + [{"name": "reference"}], None)["name"] == "reference"
    assert pick_stored(rows[:1], None)["name"] == "cloud"


def test_dashboard_refuses_the_network_without_a_login(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    monkeypatch.setattr(dash_cmd, "project_root", lambda: tmp_path)
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    started = []
    monkeypatch.setattr(dash_cmd.subprocess, "Popen", lambda *a, **k: started.append(a))
    assert main(["dashboard", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "refusing" in err and "SEGROI_PASSWORD" in err and not started


def test_the_login_is_read_from_env_and_secrets(tmp_path, monkeypatch):
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")

    def configured(env):
        return dash_cmd.check_login("localhost", tmp_path, env).kind

    assert configured({}) == "none"
    assert configured({"SEGROI_PASSWORD": "x"}) == "password"
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        'allowed_users = ["lead@example.org"]\n[auth]\nredirect_uri = "http://h/oauth2callback"\n'
        'client_id = "abc"\nclient_secret = "s"\ncookie_secret = "c"\n'
        'server_metadata_url = "https://idp.example.org/.well-known/openid-configuration"\n'
    )
    assert configured({}) == "oidc"
    secrets.write_text('password = "s3cret"\n')
    assert configured({}) == "password"
    secrets.write_text("password = \n")
    with pytest.raises(Exception, match="not valid TOML"):
        configured({})


def test_dashboard_seeds_an_empty_store_and_starts_streamlit_headless_on_localhost(monkeypatch, capsys):
    calls = []

    class FakeProc:
        def __init__(self, cmd, cwd, env=None):
            calls.append((cmd, cwd))

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(dash_cmd.subprocess, "Popen", FakeProc)
    assert main(["dashboard", "--port", "8999"]) == 0
    ((cmd, cwd),) = calls
    assert cmd[:4] == [sys.executable, "-m", "dashboard.serve", "run"] and cmd[4].endswith("dashboard/app.py")
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts.pop("--secrets.files").endswith("dashboard/.streamlit/secrets.toml")  # the last of three
    assert opts == {
        "--server.port": "8999",
        "--server.address": "localhost",
        "--server.headless": "true",
        "--server.fileWatcherType": "none",
        "--browser.gatherUsageStats": "false",
        "--client.showErrorDetails": "type",
        "--server.maxUploadSize": "100",
    }
    assert (cwd / ".streamlit" / "config.toml").exists()
    from engine.store import open_store

    assert [s["name"] for s in open_store(read_only=True).scenarios()] == ["reference", "reference-ja"]
    assert dash_cmd.seed_if_empty() is False  # second start: nothing to do


def test_dashboard_rejects_a_bad_port(capsys):
    assert main(["dashboard", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_streamlit_config_is_local_headless_and_private():
    import tomllib

    cfg = tomllib.loads((dash_cmd.project_root() / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["address"] == "localhost" and cfg["server"]["headless"] is True
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["browser"]["gatherUsageStats"] is False
    assert "primaryColor" in cfg["theme"]
