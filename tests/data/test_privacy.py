"""Planted patient identifiers never reach frames, problems, inspect output, logs or warnings."""

from __future__ import annotations

import json
import logging
import warnings

import pytest
from datafiles import PHI, gradient, region, write_dicom
from engine.cli import main
from engine.data import inspect, load, study_hash

NEEDLES = [v for v in PHI.values()] + ["ZYXWVU", "QWERTYUIOP", "8675309", "1923-04-17"]


def _plant(tmp_path):
    write_dicom(
        tmp_path / "cine.dcm",
        gradient(16, 16, frames=2),
        regions=[region(0, 0, 15, 15, 0.02, 0.02)],
        study_uid="1.2.826.0.1.3680043.2.99999.1",
    )
    # a scanner that wrote the patient's name/id into fields that do flow into messages and meta
    write_dicom(
        tmp_path / "odd_scanner.dcm", gradient(16, 16), Manufacturer=PHI["PatientID"], StationName=PHI["PatientName"]
    )
    write_dicom(tmp_path / "refused.dcm", gradient(16, 16), PhotometricInterpretation=PHI["PatientName"])
    write_dicom(tmp_path / "nouid.dcm", gradient(16, 16), study_uid=None)
    write_dicom(tmp_path / "bad_region.dcm", gradient(16, 16), regions=[region(0, 0, 9, 9, -1.0, 0.02)])


def _assert_clean(text: str):
    for needle in NEEDLES:
        assert needle.lower() not in text.lower(), needle


def test_no_patient_identifier_in_any_output(tmp_path, capsys, caplog):
    _plant(tmp_path)
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = load(tmp_path)
        entries = inspect(tmp_path)
        assert main(["inspect", str(tmp_path)]) == 1
        assert main(["inspect", str(tmp_path), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert len(result.frames) == 5 and len(result.problems) == 1
    assert "an unrecognised value" in result.problems[0].reason  # the free-text value is not echoed
    dumped = json.dumps([[f.meta, f.study, f.source, f.name, f.view, f.phase] for f in result.frames], default=str)
    _assert_clean(dumped)
    _assert_clean(json.dumps([p.__dict__ for p in result.problems + result.skipped]))
    _assert_clean(json.dumps(entries, default=str))
    _assert_clean(out + err)
    _assert_clean("\n".join(r.getMessage() for r in caplog.records))
    _assert_clean("\n".join(str(w.message) for w in seen))


def test_study_is_a_salted_hash(tmp_path, monkeypatch):
    _plant(tmp_path)
    uid = "1.2.826.0.1.3680043.2.99999.1"
    frames = load(tmp_path / "cine.dcm").frames
    assert frames[0].study == study_hash(uid) != uid and uid not in json.dumps(frames[0].meta)
    monkeypatch.setenv("SEGROI_SALT", "another-site")
    assert load(tmp_path / "cine.dcm").frames[0].study != frames[0].study


def test_salt_is_created_once_when_unset(tmp_path, monkeypatch):
    from engine.data import privacy

    monkeypatch.delenv("SEGROI_SALT", raising=False)
    monkeypatch.setattr(privacy, "_cached", None)
    monkeypatch.setattr(privacy, "salt_path", lambda: tmp_path / "data" / "salt")
    first = privacy.study_hash("x")
    monkeypatch.setattr(privacy, "_cached", None)
    assert privacy.study_hash("x") == first
    salt = (tmp_path / "data" / "salt").read_text()
    assert len(salt) == 32 and study_hash("x", salt) == first


def test_free_text_values_are_not_echoed_and_the_scrub_ignores_case(tmp_path, capsys):
    """The issue: a patient name written into a free-text tag came back upper-cased in a message, and the
    case-sensitive scrub missed it."""
    import pydicom

    from engine.data.privacy import scrub

    name = "Kowalczyk^Marianne"
    write_dicom(tmp_path / "photometric.dcm", gradient(16, 16), PatientName=name, PhotometricInterpretation=name)
    odd_uid = write_dicom(tmp_path / "uid.dcm", gradient(16, 16), PatientName=name)
    ds = pydicom.dcmread(odd_uid)
    ds.file_meta.TransferSyntaxUID = name.lower()
    ds.save_as(odd_uid, implicit_vr=False, little_endian=True, enforce_file_format=True)
    result = load(tmp_path)
    assert len(result.problems) == 2, result.problems
    reasons = " ".join(p.reason for p in result.problems)
    assert main(["inspect", str(tmp_path), "--format", "json"]) == 1
    out = reasons + " ".join(capsys.readouterr())
    for needle in ("kowalczyk", "marianne"):
        assert needle not in out.lower(), out
    assert "an unrecognised value" in reasons and "with an unreadable UID" in reasons
    assert scrub("DOE^JOHN was seen by doe^john", ["Doe^John"]) == "[removed] was seen by [removed]"
    assert scrub("a.b (x) a*b", ["a.b", "a*b"]) == "[removed] (x) [removed]"  # values, not patterns
    assert scrub("nothing", []) == "nothing"


@pytest.mark.parametrize("content", ["", "\n", "   \n"])
def test_an_emptied_salt_file_is_an_error_not_an_empty_key(tmp_path, monkeypatch, content):
    """An emptied salt file used to key every hash and pseudonym with "" - a key anyone knows."""
    from engine.annotation.session import pseudonym
    from engine.data import privacy
    from engine.errors import SegroiError

    monkeypatch.delenv("SEGROI_SALT", raising=False)
    monkeypatch.setattr(privacy, "_cached", None)
    (tmp_path / "salt").write_text(content)
    monkeypatch.setattr(privacy, "salt_path", lambda: tmp_path / "salt")
    with pytest.raises(SegroiError, match="is empty"):
        pseudonym("Dr Alice Smith")
    with pytest.raises(SegroiError, match="is empty"):
        privacy.study_hash("1.2.3")
    monkeypatch.setenv("SEGROI_SALT", "  ")
    with pytest.raises(SegroiError, match="SEGROI_SALT is empty"):
        privacy.study_hash("1.2.3")
