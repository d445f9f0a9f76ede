"""Study ids become salted hashes; patient tags never leave a DICOM header.

Salt: `SEGROI_SALT` when set (a site that wants the same hash on several machines sets
it), else a random salt written once to `salt` in the user data dir (beside the default
store), readable by the user only, through a private temporary file (no planted link is
followed). The hash is HMAC-SHA256(salt, id), 16 hex characters: stable per install,
useless for looking a patient up without the salt. The same salt keys annotator pseudonyms
(engine.annotation.session.pseudonym).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from engine.errors import SegroiError

# DICOM keywords whose values identify a patient (or lead straight to one). Their values
# are never copied; they are also scrubbed from any message a library might produce.
PHI_KEYWORDS = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientBirthTime",
    "OtherPatientIDs",
    "OtherPatientNames",
    "OtherPatientIDsSequence",
    "PatientBirthName",
    "PatientMotherBirthName",
    "PatientAddress",
    "PatientTelephoneNumbers",
    "MedicalRecordLocator",
    "AccessionNumber",
    "IssuerOfPatientID",
    "ReferringPhysicianName",
    "PerformingPhysicianName",
    "OperatorsName",
    "InstitutionName",
    "InstitutionAddress",
    "StationName",
)

PERSON_NAMES = ("PatientName", "OtherPatientNames", "PatientBirthName", "PatientMotherBirthName")

_cached: str | None = None


def salt_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("segroi", appauthor=False)) / "salt"


def _blank(where: str) -> SegroiError:
    return SegroiError(
        f"{where} is empty, so it cannot key study hashes and annotator pseudonyms (anyone could "
        "compute them): restore it from a backup, or remove it to start a new salt (hashes stored "
        "so far will then no longer match)"
    )


def default_salt() -> str:
    """The install's salt. An empty one (a blank SEGROI_SALT, an emptied salt file) is an error, never
    an empty key."""
    global _cached
    env = os.environ.get("SEGROI_SALT")
    if env:
        if not env.strip():
            raise _blank("SEGROI_SALT")
        return env
    if _cached:
        return _cached
    path = salt_path()
    try:
        found = path.read_text()
    except FileNotFoundError:
        found = None
    if found is not None and not found.strip():
        raise _blank(f"the salt file {path}")
    _cached = found.strip() if found is not None else None
    if not _cached:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fresh = secrets.token_hex(16)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".salt.")  # 0600, a new random name
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(fresh)
            try:
                os.link(tmp, path)  # first writer wins; a racing process reads the winner
            except FileExistsError:
                pass
            except OSError:
                tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        _cached = path.read_text().strip()
        if not _cached:
            raise _blank(f"the salt file {path}")
    return _cached


def study_hash(identifier: str, salt: str | None = None) -> str:
    key = (salt if salt is not None else default_salt()).encode()
    return hmac.new(key, str(identifier).encode(), hashlib.sha256).hexdigest()[:16]


def phi_values(ds) -> list[str]:
    """Patient-identifying strings in a dataset (for scrubbing messages), longest first."""
    found: set[str] = set()
    for kw in PHI_KEYWORDS:
        try:
            value = ds.get(kw)
        except Exception:
            continue
        if value is None or kw.endswith("Sequence"):
            continue
        items = value if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else [value]
        for item in items:
            text = str(item).strip()
            if len(text) >= 3:
                found.add(text)
            if kw in PERSON_NAMES:  # a name part can appear on its own ("DOE" from "DOE^JOHN")
                found.update(p for p in text.replace("^", " ").split() if len(p) >= 3)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets_: list[str]) -> str:
    """`text` with every value of `secrets_` replaced by [removed], whatever its case (a library may
    upper-case a value it quotes)."""
    import re

    found = sorted({s for s in secrets_ if s}, key=len, reverse=True)
    if not found:
        return text
    return re.sub("|".join(re.escape(s) for s in found), "[removed]", text, flags=re.IGNORECASE)
