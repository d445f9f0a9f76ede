"""What login the dashboard asks for, read so that any doubt closes the door.

A login is *required* when the server listens beyond this machine: its address is not one of
LOCAL_HOSTS, or `segroi dashboard` said so through SEGROI_LOGIN_REQUIRED=1. It is *configured* as
- a password: SEGROI_PASSWORD, or `password = "..."` in Streamlit's secrets; or
- Streamlit's OIDC login: an `[auth]` section in the secrets, plus `allowed_users` (accounts.py).
Anything malformed is an error, never "no login": a secrets file that cannot be read or parsed, a
password that is not a non-empty string (`password = 12345678`), an empty SEGROI_PASSWORD, an
incomplete [auth] section, an OIDC login without an allow-list, both a password and OIDC at once.

Streamlit merges its secrets files in order, a later file's top-level keys replacing an earlier
one's; `read_secrets_files` does the same, so `segroi dashboard` checks what the server will use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.access import accounts
from engine.errors import SegroiError

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
REQUIRED_ENV = "SEGROI_LOGIN_REQUIRED"
PASSWORD_ENV = "SEGROI_PASSWORD"
ALLOWED_USERS_ENV = "SEGROI_ALLOWED_USERS"
OIDC_FIELDS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


class LoginConfigError(SegroiError):
    """The login configuration cannot be trusted. The message is for the operator (it may name files);
    visitors are shown a fixed sentence instead."""


@dataclass(frozen=True)
class Login:
    kind: str  # "none", "password" or "oidc"
    password: str | None = None
    allowed: tuple[accounts.Rule, ...] = ()
    where: str = ""  # where it is configured, for the operator

    def describe(self) -> str:
        if self.kind == "password":
            return f"password ({self.where})"
        if self.kind == "oidc":
            return f"OIDC login ({self.where}; accounts: {', '.join(map(str, self.allowed))})"
        return "no login"


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return "not text"


def is_local_address(address) -> bool:
    """True when the server listens on this machine only. No address means every interface."""
    if not isinstance(address, str):
        return False
    text = address.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return text in LOCAL_HOSTS


def login_required(address, env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get(REQUIRED_ENV) == "1" or not is_local_address(address)


def read_secrets_files(paths) -> tuple[dict, list[Path]]:
    """(merged secrets, files read) as Streamlit reads them; a missing file is skipped, any other
    failure (unreadable, a folder, not UTF-8, not TOML) raises LoginConfigError naming the file."""
    import tomllib

    merged: dict = {}
    read: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not str(path).endswith(".toml"):
            raise LoginConfigError(f"secrets path {path} is not a .toml file")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            raise LoginConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise LoginConfigError(f"{path} is not valid TOML: {exc}") from None
        merged.update(data)
        read.append(path)
    return merged, read


def configured(secrets: Mapping, env: Mapping[str, str] | None = None, where: str = "the secrets") -> Login:
    """The login that `secrets` (already merged) and the environment set up; LoginConfigError when
    any part of it is malformed."""
    env = os.environ if env is None else env
    if not isinstance(secrets, Mapping):
        raise LoginConfigError(f"{where} do not hold a table of settings")
    password, source = None, ""
    if PASSWORD_ENV in env:
        password, source = env[PASSWORD_ENV], PASSWORD_ENV
        if not password.strip():
            raise LoginConfigError(f"{PASSWORD_ENV} is set but empty")
    if "password" in secrets:
        value = secrets["password"]
        if not isinstance(value, str):
            raise LoginConfigError(
                f'password in {where} is {_kind(value)}, not text: write it in quotes, password = "..."'
            )
        if not value.strip():
            raise LoginConfigError(f"password in {where} is empty")
        if password is None:
            password, source = value, where
    auth = secrets.get("auth")
    if auth is None:
        if password is not None:
            return Login("password", password=password, where=source)
        return Login("none")
    if password is not None:
        raise LoginConfigError(f"both a password ({source}) and an OIDC [auth] section ({where}) are set; keep one")
    if not isinstance(auth, Mapping):
        raise LoginConfigError(f"auth in {where} is not a section ([auth])")
    missing = [k for k in OIDC_FIELDS if not (isinstance(v := auth.get(k), str) and v.strip())]
    if missing:
        raise LoginConfigError(f"the [auth] section in {where} lacks {', '.join(missing)}")
    entries: list = []
    if "allowed_users" in secrets:
        value = secrets["allowed_users"]
        entries += [value] if isinstance(value, str) else (value if isinstance(value, (list, tuple)) else [value])
    if env.get(ALLOWED_USERS_ENV, "").strip():
        entries += [e for e in env[ALLOWED_USERS_ENV].replace(",", " ").split() if e]
    try:
        rules = accounts.parse_rules(entries)
    except SegroiError as exc:
        raise LoginConfigError(str(exc)) from None
    if not rules:
        raise LoginConfigError(
            f"the OIDC login in {where} lets in whoever the identity provider signs in: list who may enter "
            'with allowed_users = ["lead@hospital.org", "hospital.org"] in the secrets (or "*" for every '
            f"account of a provider that only holds your staff), or {ALLOWED_USERS_ENV}"
        )
    return Login("oidc", allowed=rules, where=where)


def check(address, secrets: Mapping, env: Mapping[str, str] | None = None, where: str = "the secrets") -> Login:
    """`configured(...)`, and a LoginConfigError when the address needs a login and none is set up."""
    env = os.environ if env is None else env
    login = configured(secrets, env, where)
    if login.kind == "none" and login_required(address, env):
        raise LoginConfigError(
            f"the dashboard listens on {address or 'every interface'} but no login is configured: set "
            f'{PASSWORD_ENV}, or password = "..." (or an OIDC [auth] section) in the secrets; see docs/access.md'
        )
    return login
