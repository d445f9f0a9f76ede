"""The login gate for a dashboard served beyond localhost (dashboard/auth.py over engine.access):
it fails closed, throttles guessing, and lets only listed OIDC accounts in."""

from __future__ import annotations

import logging

import pytest
from apptest_pages import texts

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x",
    "client_id": "id",
    "client_secret": "s",
    "server_metadata_url": "https://example.org/.well-known/openid-configuration",
}
BROKEN = "login is not set up correctly"


class Clock:
    def __init__(self):
        self.t = 5000.0

    def __call__(self):
        return self.t


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttles' clock, and a server throttle with nothing counted yet."""
    from dashboard import auth

    fake = Clock()
    monkeypatch.setattr(auth, "clock", fake, raising=False)
    server = getattr(auth, "SERVER", None)
    if server is not None:
        server.succeeded()
    yield fake
    if server is not None:
        server.succeeded()


def _only_the_error(at) -> str:
    """The page shows one error and nothing else: no widget, no metric, no traceback, no path."""
    assert not at.exception, at.exception
    assert not at.text_input and not at.button and not at.metric and not at.selectbox
    assert [e.value for e in at.error] and len(at.error) == 1
    shown = texts(at)
    assert BROKEN in shown and "Traceback" not in shown and "/" not in shown and "secrets.toml" not in shown
    return shown


def test_no_password_configured_means_open(app, seeded):
    at = app.run()
    assert not at.text_input and "saves" in texts(at)


def test_password_from_the_environment_is_required(app, seeded, monkeypatch):
    monkeypatch.setenv("SEGROI_PASSWORD", "correct horse")
    at = app.run()
    assert "saves" not in texts(at) and not at.metric
    box = at.text_input[0]
    assert box.label == "Password"
    box.input("wrong")
    at.form_submit_button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong password."]
    assert not at.metric
    at.text_input[0].input("correct horse")
    at.form_submit_button[0].click().run()
    assert at.metric and "saves" in texts(at)


def test_password_from_secrets(app, seeded):
    at = app
    at.secrets["password"] = "from-secrets"
    at.run()
    assert at.text_input[0].label == "Password" and not at.metric


@pytest.mark.parametrize("value", [12345678, 0, "", "  ", True, ["a"], {"x": "y"}])
def test_a_password_that_is_not_a_non_empty_string_closes_the_door(app, seeded, value):
    """`password = 12345678` showed an AttributeError traceback with source paths before any login."""
    app.secrets["password"] = value
    _only_the_error(app.run())


def test_a_login_required_with_none_configured_closes_the_door(app, seeded, monkeypatch):
    monkeypatch.setenv("SEGROI_LOGIN_REQUIRED", "1")
    _only_the_error(app.run())


def test_a_server_listening_beyond_loopback_requires_a_login_even_without_segroi_dashboard(app, seeded, monkeypatch):
    from dashboard import auth

    monkeypatch.setattr(auth, "_address", lambda: "0.0.0.0")
    _only_the_error(app.run())
    monkeypatch.setenv("SEGROI_PASSWORD", "correct horse")
    at = app.run()
    assert at.text_input[0].label == "Password" and not at.metric


def test_secrets_that_cannot_be_read_close_the_door(app, seeded, monkeypatch, caplog):
    """What Streamlit raises for an unparsable ~/.streamlit/secrets.toml; before, the gate took it for
    'no password' and showed every page."""
    from streamlit.errors import StreamlitSecretNotFoundError
    from streamlit.runtime.secrets import Secrets

    def unparsable(self):
        raise StreamlitSecretNotFoundError(
            "Error parsing secrets file at {path}: {error}",
            path="/home/x/.streamlit/secrets.toml",
            error="bad",
            error_id="failed-parsing-secrets-file",
        )

    monkeypatch.setattr(Secrets, "_parse", unparsable)
    monkeypatch.setenv("SEGROI_LOGIN_REQUIRED", "1")
    with caplog.at_level(logging.ERROR, logger="segroi.access"):
        _only_the_error(app.run())
    assert "secrets.toml" in caplog.text  # the operator finds the reason in the server's log
    monkeypatch.delenv("SEGROI_LOGIN_REQUIRED")
    _only_the_error(app.run())  # on localhost too: a secrets file was there, and it could not be read


def test_guessing_is_throttled_and_the_right_password_waits_for_the_lockout(app, seeded, monkeypatch, clock, caplog):
    monkeypatch.setenv("SEGROI_PASSWORD", "correct horse")
    at = app.run()

    def attempt(password: str) -> str:
        at.text_input[0].input(password)
        at.form_submit_button[0].click().run()
        return " ".join(str(e.value) for e in at.error)

    with caplog.at_level(logging.WARNING, logger="segroi.access"):
        answers = [attempt(f"guess {i}") for i in range(4)]
    assert answers[:3] == ["Wrong password."] * 3
    assert answers[3] == "Wrong password. Too many wrong passwords: try again in 5 s."
    assert attempt("correct horse") == "Too many wrong passwords: try again in 5 s."
    assert not at.metric  # the right password is refused while locked
    clock.t += 4
    assert attempt("correct horse") == "Too many wrong passwords: try again in 1 s."
    assert attempt("guess 5") == "Too many wrong passwords: try again in 1 s."  # not even checked
    clock.t += 1
    assert attempt("guess 6") == "Wrong password. Too many wrong passwords: try again in 10 s."
    clock.t += 10
    attempt("correct horse")
    assert at.metric and not at.error
    assert caplog.text.count("wrong dashboard password") == 5
    assert "guess" not in caplog.text and "correct horse" not in caplog.text


@pytest.mark.slow
def test_new_sessions_do_not_reset_the_servers_count(app, seeded, monkeypatch, clock):
    from streamlit.testing.v1 import AppTest

    from dashboard import auth

    monkeypatch.setenv("SEGROI_PASSWORD", "correct horse")
    for i in range(10):  # ten browser sessions, one wrong password each
        at = AppTest.from_file(app._script_path, default_timeout=60).run()
        at.text_input[0].input(f"guess {i}")
        at.form_submit_button[0].click().run()
    assert auth.SERVER.failures == 10
    fresh = AppTest.from_file(app._script_path, default_timeout=60).run()
    fresh.text_input[0].input("guess 10")
    fresh.form_submit_button[0].click().run()
    assert "try again in 5 s" in fresh.error[0].value
    fresh.text_input[0].input("correct horse")
    fresh.form_submit_button[0].click().run()
    assert not fresh.metric and "try again" in fresh.error[0].value
    clock.t += 5
    fresh.text_input[0].input("correct horse")
    fresh.form_submit_button[0].click().run()
    assert fresh.metric


def test_oidc_login_lets_only_listed_accounts_in(app, seeded):
    at = app
    at.secrets["auth"] = AUTH
    at.secrets["allowed_users"] = ["cardiology-lead@example.org", "*.example-hospital.org"]
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.metric
    assert "Sign in to see this dashboard." in texts(at)
    assert at.button[0].label == "Sign in"
    at.user = {"is_logged_in": True, "email": "Cardiology-Lead@example.org"}
    at.run()
    assert at.metric and at.button(key="btn_logout").label == "Sign out"
    for email in (
        "someone@evil-example.org",
        "cardiology-lead@example.org.evil.com",
        "x@example-hospital.org",
        "![t](http://127.0.0.1:9/track.png)@example.org",
    ):
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        assert not at.metric and len(at.error) == 1 and "may not open this dashboard" in at.error[0].value
        assert at.button(key="btn_logout").label == "Sign out"
    at.user = {"is_logged_in": True, "email": "a@cardio.example-hospital.org", "email_verified": False}
    at.run()
    assert not at.metric and len(at.error) == 1
    at.user = {"is_logged_in": True, "email": "a@cardio.example-hospital.org", "email_verified": True}
    at.run()
    assert at.metric


def test_oidc_without_an_allow_list_closes_the_door(app, seeded):
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": "anyone@anywhere.example"}
    _only_the_error(app.run())


def test_a_session_addressed_to_another_host_name_sees_nothing(app, seeded, monkeypatch):
    """Under a plain `streamlit run` (no server-level Host check) the gate refuses the session itself."""
    from dashboard import auth

    monkeypatch.setattr(auth, "_host_header", lambda: "attacker.example:8501")
    at = app.run()
    assert not at.exception and not at.metric and not at.text_input and not at.button
    assert [e.value.split("  ")[0] for e in at.error] == ["This dashboard does not answer under this address."]
    monkeypatch.setattr(auth, "_host_header", lambda: "localhost:8501")
    assert app.run().metric
