"""Which accounts an OIDC login lets in, after the identity provider has signed them in.

Rules (from `allowed_users` in the secrets, or SEGROI_ALLOWED_USERS):
    lead@hospital.org     that address only
    hospital.org          any address @hospital.org, not @cardio.hospital.org
    *.hospital.org        any address at a subdomain of hospital.org (not hospital.org itself)
    *                     every account the identity provider signs in (a single-tenant provider)
Letters compare without regard to case. An address must hold exactly one @ and a well-formed domain;
the domain is compared whole, so evil-hospital.org, hospital.org.evil.com and
"lead@hospital.org"@evil.com never match hospital.org. An address the provider marks as not verified
(email_verified false) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import SegroiError

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})+")
_LOCAL = re.compile(r"[^@\s\"(),:;<>\[\]\\]+")


@dataclass(frozen=True)
class Rule:
    kind: str  # "address", "domain", "subdomains" or "any"
    value: str

    def __str__(self) -> str:
        return {"any": "*", "subdomains": f"*.{self.value}"}.get(self.kind, self.value)


def _split(address: str) -> tuple[str, str] | None:
    """(local part, domain) in lower case, or None when `address` is not one well-formed address."""
    if not isinstance(address, str) or address.count("@") != 1:
        return None
    local, domain = address.lower().split("@")
    if not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain):
        return None
    return local, domain


def parse_rule(entry) -> Rule:
    if not isinstance(entry, str):
        raise SegroiError(f"allowed_users: {entry!r} is not text (an e-mail address or a domain)")
    text = entry.strip()
    if text == "*":
        return Rule("any", "*")
    if "@" in text:
        if _split(text) is None:
            raise SegroiError(f"allowed_users: {text!r} is not an e-mail address")
        return Rule("address", text.lower())
    sub = text.startswith("*.")
    domain = text[2:] if sub else text
    if not _DOMAIN.fullmatch(domain.lower()):
        raise SegroiError(
            f"allowed_users: {text!r} is not an e-mail address or a domain "
            "(write lead@hospital.org, hospital.org, *.hospital.org or *)"
        )
    return Rule("subdomains" if sub else "domain", domain.lower())


def parse_rules(entries) -> tuple[Rule, ...]:
    if isinstance(entries, str):
        entries = [e for e in re.split(r"[,\s]+", entries) if e]
    if not isinstance(entries, (list, tuple)):
        raise SegroiError("allowed_users must be a list of e-mail addresses or domains")
    return tuple(dict.fromkeys(parse_rule(e) for e in entries))


def allowed(email, rules, verified=None) -> bool:
    """True when the signed-in `email` matches one of `rules` (see the module's docstring)."""
    if verified is False or str(verified).lower() == "false":
        return False
    parts = _split(email) if email is not None else None
    for rule in rules:
        if rule.kind == "any":
            return True
        if parts is None:
            continue
        local, domain = parts
        if rule.kind == "address" and f"{local}@{domain}" == rule.value:
            return True
        if rule.kind == "domain" and domain == rule.value:
            return True
        if rule.kind == "subdomains" and domain.endswith("." + rule.value):
            return True
    return False
