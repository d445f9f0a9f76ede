import pytest

from engine.costmodel import get_field, set_field


def test_set_creates_objects_and_get_reads_back():
    raw = {"labour": {"engineer_wage_per_hour": 60}}
    set_field(raw, "labour.clinician_wage_per_hour", 37.38)
    set_field(raw, "options.ssl.failure_rate", {"value": 0.1})
    assert raw == {
        "labour": {"engineer_wage_per_hour": 60, "clinician_wage_per_hour": 37.38},
        "options": {"ssl": {"failure_rate": {"value": 0.1}}},
    }
    assert get_field(raw, "options.ssl.failure_rate.value") == 0.1


def test_missing_field_raises_unless_a_default_is_given():
    raw = {"labour": {"engineer_wage_per_hour": 60}}
    with pytest.raises(KeyError):
        get_field(raw, "labour.clinician_wage_per_hour")
    assert get_field(raw, "labour.clinician_wage_per_hour", None) is None
    assert get_field(raw, "labour.engineer_wage_per_hour.value", None) is None  # through a number
