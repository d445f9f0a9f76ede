"""The dashboard's login gate, used when it is served beyond localhost (docs/access.md).

- A password: `SEGROI_PASSWORD` in the environment, or `password = "..."` in Streamlit's
  secrets (.streamlit/secrets.toml). Compared in constant time; remembered for the session.
- Or Streamlit's built-in OIDC login: an `[auth]` section in secrets.toml (redirect_uri,
  cookie_secret, client_id, client_secret, server_metadata_url); then `st.login()`.
With neither set, the dashboard is open (and `segroi dashboard` keeps it on localhost).
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from engine.report.i18n import t


def _secret(name: str):
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all: nothing configured
        return None


def password() -> str | None:
    return os.environ.get("SEGROI_PASSWORD") or _secret("password") or None


def oidc_configured() -> bool:
    auth = _secret("auth")
    return bool(auth) and bool(auth.get("client_id"))


def gate(lang: str) -> bool:
    """True when the visitor may see the pages; otherwise draws the login and returns False."""
    if oidc_configured():
        if getattr(st.user, "is_logged_in", False):
            st.sidebar.button(t("ui.logout", lang), on_click=st.logout, key="btn_logout")
            return True
        st.info(t("ui.login_prompt", lang))
        st.button(t("ui.login", lang), on_click=st.login, type="primary", key="btn_login")
        return False
    secret = password()
    if not secret or st.session_state.get("authenticated"):
        return True
    with st.form("login"):
        st.write(t("ui.password_prompt", lang))
        given = st.text_input(t("ui.password", lang), type="password")
        ok = st.form_submit_button(t("ui.login", lang), type="primary")
    if ok:
        if hmac.compare_digest(given.encode(), secret.encode()):
            st.session_state["authenticated"] = True
            st.rerun()
        st.error(t("ui.password_wrong", lang))
    return False
