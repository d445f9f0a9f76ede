"""OIDC allow-list matching (engine.access.accounts): whole domains, case, and the usual tricks."""

from __future__ import annotations

import pytest

from engine.access.accounts import allowed, parse_rules
from engine.errors import SegroiError

RULES = parse_rules(["Lead@Hospital.org", "clinic.example", "*.trust.nhs.example"])


@pytest.mark.parametrize(
    "email",
    [
        "lead@hospital.org",
        "LEAD@HOSPITAL.ORG",
        "Lead@hospital.ORG",
        "anyone@clinic.example",
        "Anyone@CLINIC.example",
        "a@cardio.trust.nhs.example",
        "a@x.y.trust.nhs.example",
    ],
)
def test_listed_accounts_get_in(email):
    assert allowed(email, RULES)


@pytest.mark.parametrize(
    "email",
    [
        "other@hospital.org",  # only the listed address of that domain
        "lead@evil-hospital.org",
        "lead@evilhospital.org",
        "lead@hospital.org.evil.com",
        "lead@hospital.org@evil.com",
        '"lead@hospital.org"@evil.com',
        "lead@hospital.org ",
        " lead@hospital.org",
        "lead @hospital.org",
        "lead@hospital.org\n",
        "anyone@sub.clinic.example",  # a bare domain does not cover its subdomains
        "anyone@clinic.example.evil.com",
        "anyone@evilclinic.example",
        "anyone@clinic-example",
        "a@trust.nhs.example",  # *.domain covers subdomains only
        "a@eviltrust.nhs.example",
        "a@trust.nhs.example.evil.com",
        "",
        "@clinic.example",
        "anyone@",
        "nobody",
        None,
        42,
    ],
)
def test_everyone_else_is_refused(email):
    assert not allowed(email, RULES)


def test_an_unverified_address_is_refused_and_star_lets_everyone_in():
    assert not allowed("lead@hospital.org", RULES, verified=False)
    assert not allowed("lead@hospital.org", RULES, verified="false")
    assert allowed("lead@hospital.org", RULES, verified=True)
    everyone = parse_rules(["*"])
    assert allowed("x@anywhere.example", everyone) and not allowed("x@anywhere.example", everyone, verified=False)
    assert not allowed("x@anywhere.example", ())


@pytest.mark.parametrize("entry", ["hospital", "@hospital.org", "a@b@c.org", "*.", "*", "-x.org", "a b.org", 3])
def test_rules_are_checked(entry):
    if entry == "*":
        assert [str(r) for r in parse_rules([entry])] == ["*"]
        return
    with pytest.raises(SegroiError):
        parse_rules([entry])
