"""NVML energy arithmetic with a fake NVML: counter, sampling fallback, idle subtraction."""

from __future__ import annotations

import time

import pytest

from engine.profiling import energy as en
from engine.profiling.device import NvmlEnergySource
from engine.profiling.nvml import Nvml, NvmlError, NvmlUnsupported


class ManualClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t

    def sleep(self, seconds):
        self.t += seconds


def test_counter_reads_millijoules_as_joules_and_differences_them(fake_nvml):
    clock = ManualClock()
    fake = fake_nvml(watts=250.0, clock=clock)
    nv = Nvml(module=fake)
    meter = en.CounterMeter(nv.total_energy_joules, en.NVML_COUNTER, clock=clock)
    meter.start()
    clock.sleep(4.0)
    reading = meter.stop()
    assert reading.joules == pytest.approx(1000.0)  # 250 W x 4 s, not the counter's absolute value
    assert reading.seconds == pytest.approx(4.0)
    assert reading.watts == pytest.approx(250.0)
    assert reading.method == "nvml_energy_counter"


def test_source_uses_counter_when_supported_and_sampling_when_not(fake_nvml, fake_sampler_factory):
    assert NvmlEnergySource(Nvml(module=fake_nvml())).method == "nvml_energy_counter"
    fake = fake_nvml(watts=180.0, counter_supported=False)
    source = NvmlEnergySource(Nvml(module=fake), sample_interval=0.005, sampler_factory=fake_sampler_factory(180.0))
    try:
        assert source.method == "nvml_power_sampling" and source.power_kind == "average"
        meter = source.meter()
        meter.start()
        time.sleep(0.1)
        reading = meter.stop()
    finally:
        source.close()
    assert reading.method == "nvml_power_sampling"
    # Every 5 ms over 100 ms: about 20 samples inside the window (fewer on a busy machine).
    assert reading.samples >= 3
    assert fake.power_calls == 0  # the measured process read no power itself: the other process did
    # Constant power: the integral over the window is power x its length.
    assert reading.joules == pytest.approx(180.0 * reading.seconds, rel=1e-9)
    assert reading.seconds >= 0.1


def test_sampling_prefers_instant_power_where_the_driver_has_it(fake_nvml, fake_sampler_factory):
    fake = fake_nvml(watts=90.0, counter_supported=False, instant_supported=True)
    # The averaged reading says 500 W: a window at 90 W shows that the instant field was sampled.
    source = NvmlEnergySource(
        Nvml(module=fake),
        sample_interval=0.005,
        sampler_factory=fake_sampler_factory(90.0, instant_supported=True, average_watts=500.0),
    )
    try:
        assert source.power_kind == "instant"
        meter = source.meter()
        meter.start()
        time.sleep(0.03)
        reading = meter.stop()
    finally:
        source.close()
    assert reading.joules == pytest.approx(90.0 * reading.seconds, rel=1e-9)
    plain = NvmlEnergySource(Nvml(module=fake_nvml(counter_supported=False)), sampler_factory=fake_sampler_factory(1.0))
    plain.close()
    assert plain.power_kind == "average"


def test_a_sampler_that_cannot_start_leaves_energy_not_measured(fake_nvml):
    import sys

    from engine.profiling.sampler import ProcessPowerSampler

    def broken(index, uuid, kind, interval):  # a child that exits at once
        return ProcessPowerSampler([sys.executable, "-c", "import sys; sys.exit('no NVML in here')"], interval)

    source = NvmlEnergySource(Nvml(module=fake_nvml(counter_supported=False)), sampler_factory=broken)
    assert source.method == "not_measured"
    assert "did not start sampling: no NVML in here" in source.error
    assert source.meter().method == "not_measured"


def test_unsupported_is_told_apart_from_other_nvml_errors(fake_nvml):
    fake = fake_nvml(counter_supported=False)
    nv = Nvml(module=fake)
    with pytest.raises(NvmlUnsupported):
        nv.total_energy_joules()
    assert not nv.energy_counter_supported()

    def broken(handle):
        raise fake_nvml.NVMLError(999)

    fake.nvmlDeviceGetPowerUsage = broken
    with pytest.raises(NvmlError) as info:
        nv.power_watts()
    assert not isinstance(info.value, NvmlUnsupported)


def test_nvml_that_does_not_start_is_an_nvml_error(fake_nvml):
    class NoDriver(fake_nvml):
        def nvmlInit(self):
            raise fake_nvml.NVMLError(12)

    with pytest.raises(NvmlError, match="did not start"):
        Nvml(module=NoDriver())


def test_info_queries_are_plain_values(fake_nvml):
    fake = fake_nvml()
    with Nvml(module=fake) as nv:
        assert nv.name() == "Fake GPU 80GB"
        assert nv.driver_version() == "580.12"
        assert nv.cuda_driver_version() == "13.0"
        clocks = nv.clocks()
        assert clocks["sm_mhz"] == 1980 and clocks["memory_max_mhz"] == 2619
        assert clocks["power_limit_w"] == 700.0 and clocks["pstate"] == 0
        assert nv.memory_total_bytes() == 80 * 2**30
    assert fake.shutdowns == 1


def test_idle_power_over_a_window(fake_nvml):
    clock = ManualClock()
    fake = fake_nvml(watts=71.0, clock=clock)
    meter = en.CounterMeter(Nvml(module=fake).total_energy_joules, en.NVML_COUNTER, clock=clock)
    assert en.idle_power(meter, 2.0, sleep=clock.sleep) == pytest.approx(71.0)
    assert en.idle_power(en.NullMeter(clock=clock), 2.0, sleep=clock.sleep) is None


def test_per_item_raw_and_idle_subtracted():
    raw, net = en.per_item(1000.0, 100, idle_watts=50.0, seconds=4.0)
    assert raw == pytest.approx(10.0)
    assert net == pytest.approx((1000.0 - 200.0) / 100)
    assert en.per_item(1000.0, 100) == (pytest.approx(10.0), None)
    assert en.per_item(None, 100, 50.0, 4.0) == (None, None)


def test_integrate_power_trapezoid():
    assert en.integrate_power([0.0, 1.0, 2.0], [0.0, 100.0, 200.0]) == pytest.approx(200.0)
    assert en.integrate_power([5.0], [300.0]) == 0.0
    with pytest.raises(ValueError):
        en.integrate_power([0.0, 2.0, 1.0], [1.0, 1.0, 1.0])


def test_meters_refuse_stop_before_start():
    for meter in (en.CounterMeter(lambda: 0.0, "x"), en.NullMeter(), en.SampledPowerMeter(lambda: 1.0)):
        with pytest.raises(RuntimeError):
            meter.stop()


def test_the_nvml_match_says_whether_the_uuid_was_found(fake_nvml):
    class ByUuid(fake_nvml):
        def nvmlDeviceGetHandleByUUID(self, uuid):
            assert uuid == "GPU-1234"  # CUDA's bare UUID gets NVML's prefix
            return ("handle", "by-uuid")

    assert Nvml(module=ByUuid(), uuid="1234").match == "uuid"
    fell_back = Nvml(module=fake_nvml(), index=0, uuid="1234").match
    assert fell_back.startswith("index 0 (uuid GPU-1234 not found")
    assert Nvml(module=fake_nvml(), index=0).match == "index 0 (no uuid given)"


def test_counter_update_interval_is_the_median_gap_between_changes():
    clock = ManualClock()
    start = clock()

    def counter():  # moves in 100 ms steps
        return int((clock() - start) / 0.1)

    out = en.update_interval(counter, 1.0, clock=clock, sleep=clock.sleep, poll=0.001)
    assert out["interval"] == pytest.approx(0.1, abs=0.002)
    assert out["changes"] in (9, 10, 11)
    flat = en.update_interval(lambda: 5, 0.1, clock=clock, sleep=clock.sleep)
    assert flat["interval"] is None and flat["changes"] == 0
