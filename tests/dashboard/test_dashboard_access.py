"""The password gate for a dashboard served beyond localhost."""

from conftest import texts


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


def test_oidc_login_when_auth_is_configured(app, seeded):
    at = app
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://example.org/.well-known/openid-configuration"}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.metric
    assert "Sign in to see this dashboard." in texts(at)
    assert at.button[0].label == "Sign in"
    at.user = {"is_logged_in": True, "email": "cardiology-lead@example.org"}
    at.run()
    assert at.metric and at.button(key="btn_logout").label == "Sign out"
