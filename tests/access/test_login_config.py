"""The login configuration is read so that any doubt closes the door (engine.access.login), and
`segroi dashboard` checks every secrets file Streamlit will read before it starts the server."""

from __future__ import annotations

import pytest

from engine.access import login
from engine.access.login import LoginConfigError
from engine.cli import main
from engine.commands import dashboard as dash_cmd

AUTH = {
    "redirect_uri": "https://segroi.example-hospital.org/oauth2callback",
    "cookie_secret": "c" * 32,
    "client_id": "id",
    "client_secret": "s",
    "server_metadata_url": "https://login.example-hospital.org/.well-known/openid-configuration",
}


def test_no_login_is_fine_on_localhost_and_refused_beyond_it():
    assert login.check("localhost", {}, {}).kind == "none"
    assert login.check("127.0.0.1", {}, {}).kind == "none"
    assert login.check("[::1]", {}, {}).kind == "none"
    for address in ("0.0.0.0", "127.0.0.2", "10.1.2.3", "segroi.example.org", None, ""):
        with pytest.raises(LoginConfigError, match="no login is configured"):
            login.check(address, {}, {})
    with pytest.raises(LoginConfigError, match="no login"):
        login.check("localhost", {}, {"SEGROI_LOGIN_REQUIRED": "1"})
    assert login.check("localhost", {}, {"SEGROI_LOGIN_REQUIRED": "0"}).kind == "none"


@pytest.mark.parametrize(
    "secrets, why",
    [
        ({"password": 12345678}, "is a number, not text"),
        ({"password": 1.5}, "is a number, not text"),
        ({"password": True}, "is true/false, not text"),
        ({"password": ["a"]}, "is a list, not text"),
        ({"password": {"x": "y"}}, "is a table, not text"),
        ({"password": ""}, "empty"),
        ({"password": "   "}, "empty"),
        ({"auth": "yes"}, "not a section"),
        ({"auth": {"client_id": "id"}}, "lacks redirect_uri, cookie_secret, client_secret"),
        ({"auth": dict(AUTH, cookie_secret=5), "allowed_users": ["*"]}, "lacks cookie_secret"),
        ({"auth": AUTH}, "allowed_users"),
        ({"auth": AUTH, "allowed_users": []}, "allowed_users"),
        ({"auth": AUTH, "allowed_users": ["not an address"]}, "not an e-mail address or a domain"),
        ({"auth": AUTH, "allowed_users": 7}, "not text"),
        ({"auth": AUTH, "allowed_users": ["*"], "password": "x"}, "both a password"),
    ],
)
def test_a_malformed_configuration_is_an_error_never_no_login(secrets, why):
    with pytest.raises(LoginConfigError, match=why):
        login.configured(secrets, {})
    with pytest.raises(LoginConfigError):
        login.check("localhost", secrets, {})  # even on localhost: a login was meant, and it is broken


def test_an_empty_password_in_the_environment_is_an_error():
    with pytest.raises(LoginConfigError, match="SEGROI_PASSWORD is set but empty"):
        login.configured({}, {"SEGROI_PASSWORD": ""})


def test_password_and_oidc_are_read():
    found = login.check("0.0.0.0", {"password": "a long passphrase"}, {})
    assert (found.kind, found.password) == ("password", "a long passphrase")
    env = login.check("0.0.0.0", {}, {"SEGROI_PASSWORD": "from env"})
    assert (env.kind, env.password) == ("password", "from env")
    oidc = login.check("0.0.0.0", {"auth": AUTH, "allowed_users": ["lead@hospital.org", "*.hospital.org"]}, {})
    assert oidc.kind == "oidc" and [str(r) for r in oidc.allowed] == ["lead@hospital.org", "*.hospital.org"]
    from_env = login.configured({"auth": AUTH}, {"SEGROI_ALLOWED_USERS": "a@b.org, hospital.org"})
    assert [str(r) for r in from_env.allowed] == ["a@b.org", "hospital.org"]


def test_secrets_files_merge_like_streamlit_and_every_failure_names_the_file(tmp_path):
    home, project, script = (tmp_path / d / "secrets.toml" for d in ("home", "project", "script"))
    for p in (home, project, script):
        p.parent.mkdir()
    project.write_text('password = "project"\n')
    merged, read = login.read_secrets_files([home, project, script])  # home and script missing: skipped
    assert merged == {"password": "project"} and read == [project]
    script.write_text('password = "script"\n')
    assert login.read_secrets_files([home, project, script])[0]["password"] == "script"  # later file wins
    home.write_text('password = "unterminated\n')
    with pytest.raises(LoginConfigError, match=f"{home} is not valid TOML"):
        login.read_secrets_files([home, project, script])
    home.write_bytes(b'password = "\xff\xfe"\n')
    with pytest.raises(LoginConfigError, match=f"cannot read {home}"):
        login.read_secrets_files([home, project, script])
    home.unlink()
    home.mkdir()  # a folder where the file should be
    with pytest.raises(LoginConfigError, match=f"cannot read {home}"):
        login.read_secrets_files([home, project, script])


def test_dashboard_reads_all_three_files_streamlit_reads_and_pins_them(tmp_path, monkeypatch):
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    files = dash_cmd.secrets_files(tmp_path)
    assert files == [
        tmp_path / "home/.streamlit/secrets.toml",
        tmp_path / ".streamlit/secrets.toml",
        tmp_path / "dashboard/.streamlit/secrets.toml",
    ]
    cmd = dash_cmd.streamlit_command(8600, "localhost", tmp_path)
    pinned = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--secrets.files"]
    assert pinned == [str(p) for p in files]


def _fake_popen(started):
    class Proc:
        def __init__(self, cmd, cwd=None, env=None):
            started.append((cmd, env))

        def wait(self, timeout=None):
            return 0

    return Proc


@pytest.mark.parametrize("host", ["127.0.0.2", "0.0.0.0", "localhost"])
def test_dashboard_refuses_to_start_with_an_unparsable_home_secrets_file(tmp_path, monkeypatch, capsys, host):
    """The issue's steps: a password in the project's secrets, an unparsable ~/.streamlit/secrets.toml."""
    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    monkeypatch.setattr(dash_cmd, "project_root", lambda: tmp_path)
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('password = "correct horse"\n')
    (tmp_path / "home" / ".streamlit").mkdir(parents=True)
    (tmp_path / "home" / ".streamlit" / "secrets.toml").write_text("this is = = not toml\n")
    started = []
    monkeypatch.setattr(dash_cmd.subprocess, "Popen", _fake_popen(started))
    assert main(["dashboard", "--host", host, "--no-seed"]) == 2
    err = capsys.readouterr().err
    assert "refusing" in err and "not valid TOML" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and not started


def test_dashboard_refuses_a_script_level_secrets_file_it_cannot_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(dash_cmd, "project_root", lambda: tmp_path)
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    monkeypatch.setenv("SEGROI_PASSWORD", "a long passphrase")
    (tmp_path / "dashboard" / ".streamlit").mkdir(parents=True)
    (tmp_path / "dashboard" / ".streamlit" / "secrets.toml").write_text("password = 12345678\n")
    started = []
    monkeypatch.setattr(dash_cmd.subprocess, "Popen", _fake_popen(started))
    assert main(["dashboard", "--host", "0.0.0.0", "--no-seed"]) == 2
    assert "is a number, not text" in capsys.readouterr().err and not started


def test_dashboard_tells_the_server_that_a_login_is_required(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(dash_cmd, "project_root", lambda: tmp_path)
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    monkeypatch.setenv("SEGROI_PASSWORD", "a long passphrase")
    monkeypatch.setenv("SEGROI_LOGIN_REQUIRED", "1")  # inherited from outside: decided afresh
    started = []
    monkeypatch.setattr(dash_cmd.subprocess, "Popen", _fake_popen(started))
    assert main(["dashboard", "--host", "0.0.0.0", "--no-seed", "--allowed-host", "Segroi.Example-Hospital.org"]) == 0
    assert main(["dashboard", "--no-seed"]) == 0
    (net_cmd, net_env), (local_cmd, local_env) = started
    assert net_env["SEGROI_LOGIN_REQUIRED"] == "1" and net_env["SEGROI_ALLOWED_HOSTS"] == "segroi.example-hospital.org"
    assert "SEGROI_LOGIN_REQUIRED" not in local_env and "SEGROI_ALLOWED_HOSTS" not in local_env
    assert "with password (SEGROI_PASSWORD)" in capsys.readouterr().err


def test_allowed_hosts_need_a_served_dashboard_and_well_formed_names(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(dash_cmd, "project_root", lambda: tmp_path)
    monkeypatch.setattr(dash_cmd.Path, "home", lambda: tmp_path / "home")
    monkeypatch.setenv("SEGROI_PASSWORD", "a long passphrase")
    started = []
    monkeypatch.setattr(dash_cmd.subprocess, "Popen", _fake_popen(started))
    assert main(["dashboard", "--no-seed", "--allowed-host", "attacker.example"]) == 2
    assert "only for a dashboard served beyond this machine" in capsys.readouterr().err
    assert main(["dashboard", "--host", "0.0.0.0", "--no-seed", "--allowed-host", "evil/../x"]) == 2
    assert "not a host name" in capsys.readouterr().err and not started
