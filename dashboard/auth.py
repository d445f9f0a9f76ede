"""The dashboard's login gate (docs/access.md). The rules live in engine.access; this draws them.

- `broken()` first, before anything else is drawn: when the login configuration cannot be trusted
  (a secrets file Streamlit cannot read, `password = 12345678`, an incomplete [auth] section, or a
  server that listens beyond this machine with no login), the page shows one fixed error - no
  traceback, no path - and nothing else. The reason goes to the server's log.
- A password (SEGROI_PASSWORD or `password = "..."` in the secrets): compared in constant time,
  remembered for the session, throttled per session and per server (engine.access.throttle);
  wrong attempts are logged without the password.
- Or Streamlit's OIDC login (`[auth]` in the secrets, `st.login()`), then only the accounts in
  `allowed_users` (engine.access.accounts).
- Requests whose Host header is not allowed are refused here too (the server-level check is in
  dashboard/serve.py; this one covers a plain `streamlit run`).
- An exception nobody foresaw shows its type only, never its message, traceback or the server's
  paths (`client.showErrorDetails = "type"`, also on `segroi dashboard`'s command line); the details
  go to the server's log. Widgets drawn before the login (the language switch) take whatever a
  visitor's own client sends, so this matters before anyone has logged in.
With no login configured on a localhost server, the dashboard is open.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import time

import streamlit as st

from engine.access import accounts, hosts, login, throttle
from engine.report import escape
from engine.report.i18n import t

_log = logging.getLogger("segroi.access")
clock = time.monotonic  # the throttles' clock; tests replace it
SERVER = throttle.Throttle(throttle.SERVER, now=lambda: clock())
_SESSION_KEY = "_segroi_login"


class _Passed:
    """Marks a session that gave the right password (an object no browser message can forge)."""


def _secrets() -> dict:
    """Streamlit's own merged secrets; {} when no secrets file exists; LoginConfigError for anything
    it cannot read (parse error, unreadable file, a folder where a file should be ...)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return {}
        raise login.LoginConfigError(f"the secrets could not be read: {exc}") from None
    except Exception as exc:
        raise login.LoginConfigError(f"the secrets could not be read: {type(exc).__name__}: {exc}") from None


def _address():
    from streamlit import config

    return config.get_option("server.address")


def current() -> login.Login:
    """The login this server asks for; LoginConfigError when that cannot be trusted."""
    return login.check(_address(), _secrets(), os.environ)


def _host_header() -> str | None:
    """The Host header of the browser's websocket request (None when there are no request headers,
    as in an in-process test run)."""
    try:
        return st.context.headers.get("host")
    except Exception:
        return None


def _host_refused() -> bool:
    header = _host_header()
    return header is not None and not hosts.allowed(header, hosts.extra_names(_address()))


ERROR_DETAILS = "type"


def quiet_errors() -> None:
    """Uncaught exceptions show their type only in the browser (Streamlit's default shows the traceback)."""
    from streamlit import config

    if config.get_option("client.showErrorDetails") not in (ERROR_DETAILS, "none"):
        st.set_option("client.showErrorDetails", ERROR_DETAILS)


def broken() -> bool:
    """True (and the error drawn) when no page may be shown because the login cannot be trusted."""
    quiet_errors()
    try:
        current()
        if not _host_refused():
            return False
        _log.warning("refused a session whose Host header is not an allowed name")
        st.error(t("ui.host_refused", "en") + "  \n" + t("ui.host_refused", "ja"), icon=":material/lock:")
        return True
    except login.LoginConfigError as exc:
        _log.error("login configuration refused, no page is shown: %s", exc)
    except Exception as exc:  # anything unforeseen closes the door as well
        _log.error("login configuration could not be checked (%s), no page is shown", type(exc).__name__)
    st.error(t("ui.login_broken", "en") + "  \n" + t("ui.login_broken", "ja"), icon=":material/lock:")
    return True


def _session_throttle() -> throttle.Throttle:
    found = st.session_state.get("_segroi_throttle")
    if not isinstance(found, throttle.Throttle):
        found = throttle.Throttle(throttle.SESSION, now=lambda: clock())
        st.session_state["_segroi_throttle"] = found
    return found


def _session_tag() -> str:
    """A short, unlinkable tag of the browser session for the log."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from engine.access.uploads import session_tag

    return session_tag(getattr(get_script_run_ctx(), "session_id", None))


def _client() -> str:
    """The visitor's address as Streamlit sees it (behind a proxy: as the proxy reports it)."""
    try:
        return str(st.context.ip_address or "this machine")
    except Exception:
        return "unknown"


def _matches(given: str, secret: str) -> bool:
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(secret.encode()).digest())


def _password_gate(secret: str, lang: str) -> bool:
    if isinstance(st.session_state.get(_SESSION_KEY), _Passed):
        return True
    mine = _session_throttle()
    with st.form("login"):
        st.write(t("ui.password_prompt", lang))
        given = st.text_input(t("ui.password", lang), type="password")
        ok = st.form_submit_button(t("ui.login", lang), type="primary")
    if not ok:
        return False
    outcome = throttle.attempt(lambda: _matches(given or "", secret), mine, SERVER)
    if outcome.wait > 0:  # locked: nothing is checked, not even the right password
        st.error(t("ui.password_wait", lang, seconds=math.ceil(outcome.wait)))
        return False
    if outcome.ok:
        st.session_state[_SESSION_KEY] = _Passed()
        st.rerun()
    lock = outcome.lock
    _log.warning(
        "wrong dashboard password from %s (session %s: %d in a row; server: %d); locked for %.0f s",
        _client(),
        _session_tag(),
        mine.failures,
        SERVER.failures,
        lock,
    )
    message = t("ui.password_wrong", lang)
    if lock:
        message += " " + t("ui.password_wait", lang, seconds=math.ceil(lock))
    st.error(message)
    return False


def _oidc_gate(rules, lang: str) -> bool:
    if not getattr(st.user, "is_logged_in", False):
        st.info(t("ui.login_prompt", lang))
        st.button(t("ui.login", lang), on_click=st.login, type="primary", key="btn_login")
        return False
    email = st.user.get("email")
    if not accounts.allowed(email, rules, st.user.get("email_verified")):
        _log.warning("signed-in account refused by allowed_users")
        st.error(t("ui.account_refused", lang, email=escape.md(email or "?")))
        st.button(t("ui.logout", lang), on_click=st.logout, key="btn_logout")
        return False
    st.sidebar.button(t("ui.logout", lang), on_click=st.logout, key="btn_logout")
    return True


def gate(lang: str) -> bool:
    """True when the visitor may see the pages; otherwise draws the login and returns False.
    (Call `broken()` first; a configuration that cannot be read here also returns False.)"""
    try:
        found = current()
    except Exception:
        return False
    if found.kind == "oidc":
        return _oidc_gate(found.allowed, lang)
    if found.kind == "password":
        return _password_gate(found.password, lang)
    return True
