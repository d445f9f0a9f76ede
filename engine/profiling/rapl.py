"""CPU energy from Linux RAPL counters (/sys/class/powercap/intel-rapl*).

Each zone has `energy_uj`, a microjoule counter that wraps to 0 after `max_energy_range_uj`.
We count the package zones (`package-N`) and their `dram` subzones, never the `core`/`uncore`
subzones (already inside the package figure) or `psys` (the whole platform, which contains the
packages). The counters are often readable by root only (since the 2020 "Platypus" side-channel
fix); then `find_zones` returns nothing and the CPU path records energy as not measured.
A RAPL figure is the whole socket's energy: other processes on the machine count too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path("/sys/class/powercap")


@dataclass(frozen=True)
class Zone:
    path: Path
    name: str
    max_range_uj: int

    def read_uj(self) -> int:
        return int((self.path / "energy_uj").read_text().strip())

    @property
    def package(self) -> int:
        """The CPU package the zone belongs to (N of intel-rapl:N, or of its subzone intel-rapl:N:M)."""
        return int(self.path.name.split(":")[1])

    @property
    def dram(self) -> bool:
        return self.name == "dram"


def _zone(path: Path) -> Zone | None:
    try:
        name = (path / "name").read_text().strip()
        max_range = int((path / "max_energy_range_uj").read_text().strip())
        int((path / "energy_uj").read_text().strip())  # readable at all?
    except (OSError, ValueError):
        return None
    if max_range <= 0:
        return None
    return Zone(path, name, max_range)


def find_zones(root: Path | str = DEFAULT_ROOT) -> list[Zone]:
    """Readable package and dram zones under `root`; empty when RAPL is absent or unreadable."""
    root = Path(root)
    zones = []
    try:
        tops = sorted(p for p in root.glob("intel-rapl:*") if p.name.count(":") == 1)
    except OSError:
        return []
    for top in tops:
        zone = _zone(top)
        if zone is None or not zone.name.startswith("package"):
            continue
        zones.append(zone)
        for sub in sorted(top.glob(f"{top.name}:*")):
            subzone = _zone(sub)
            if subzone is not None and subzone.name == "dram":
                zones.append(subzone)
    return zones


def delta_uj(start: int, end: int, max_range_uj: int) -> int:
    """Energy between two readings of one counter, allowing for one wrap past max_range_uj."""
    if end >= start:
        return end - start
    return end + max_range_uj - start


class RaplReader:
    """Cumulative joules over the chosen zones, unwrapped between successive reads.

    Read at least once per wrap period (minutes to hours at typical package power) to unwrap
    correctly; the profiler reads at the start and end of windows of seconds.
    """

    def __init__(self, zones: list[Zone]):
        if not zones:
            raise ValueError("no RAPL zones to read")
        self.zones = zones
        self._last = [z.read_uj() for z in zones]
        self._totals_uj = [0] * len(zones)

    @property
    def names(self) -> list[str]:
        return [z.name for z in self.zones]

    def read_joules(self) -> float:
        """Joules of every zone together since the reader was made."""
        return sum(self.read_zones())

    def read_zones(self) -> list[float]:
        """Joules of each zone (in `zones` order) since the reader was made."""
        for i, zone in enumerate(self.zones):
            now = zone.read_uj()
            self._totals_uj[i] += delta_uj(self._last[i], now, zone.max_range_uj)
            self._last[i] = now
        return [t / 1e6 for t in self._totals_uj]
