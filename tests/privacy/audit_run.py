"""Running every segroi command over the planted files, as a user would.

`prepare(root)` writes the planted DICOMs; `run_steps(audit, STEPS)` runs each step as
`segroi ...` in a subprocess with its own store file and no SEGROI_SALT (so the salt file is
created as on a fresh install), and keeps stdout, stderr, the DEBUG log and the files each step
wrote. A step whose command module is missing from engine/commands, or whose input step failed,
does not run and is recorded with the reason: the test of that step fails with it (an audit that
cannot run a command has not shown that command keeps identifiers out).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from planted import BROKEN_NAME, ODD_NAME, write_broken, write_odd, write_scans

HERE = Path(__file__).resolve().parent

STEP_TIMEOUT_S = 240


@dataclass
class Step:
    id: str
    module: str  # engine/commands/<module>.py
    argv: list[str]  # after `segroi`; {placeholders} filled from Audit paths
    needs: tuple[str, ...] = ()  # steps whose outputs this one reads
    outputs: tuple[str, ...] = ()  # files or folders it writes (placeholders too)
    rc: int = 0
    script: bool = False  # run through the installed `segroi` console script itself
    wave: int = 0  # steps of one wave run at the same time; waves run in order


# The damaged files go to every command that takes several inputs: their error messages are made
# from headers full of identifiers, one with the patient's name in a free-text tag the reader quotes
# upper-cased (a case-sensitive scrub missed it). Tiny sizes so the whole audit runs in about a minute on a
# shared 2-core machine. Steps of one wave run side by side (the store takes its write lock only
# for short transactions); the PDFs come after every data command, so they hold what those stored.
STEPS = [
    Step("inspect", "inspect", ["inspect", "{scans}", "{damaged}", "{odd}"], rc=1, script=True, wave=1),
    Step("inspect-json", "inspect", ["inspect", "--format", "json", "{scans}", "{damaged}", "{odd}"], rc=1, wave=1),
    Step("demo", "demo", ["demo"], wave=1),
    Step(
        "annotate-sim-manual",
        "annotate_sim",
        ["annotate-sim", "--task", "manual", "--data", "{scans}", "--truth", "{truth}", "--seed", "3"],
        wave=1,
    ),
    Step("qc", "qc", ["qc", "--format", "json", "--data", "{scans}", "{damaged}", "{odd}"], wave=1),
    Step(
        "phantom",
        "phantom",
        ["phantom", "--out", "{out}/phantom", "--studies", "1", "--size", "64"],
        outputs=("{out}/phantom",),
        wave=1,
    ),
    Step(
        "train-ssl",
        "train_ssl",
        [
            "train-ssl",
            "--data",
            "{scans}",
            "{damaged}",
            "{odd}",
            "--out",
            "{out}/ssl.pt",
            "--image-size",
            "64",
            "--width",
            "4",
            "--levels",
            "3",
            "--epochs",
            "2",
            "--rounds",
            "2",
            "--device",
            "cpu",
            "--threads",
            "1",
            "--min-qc-frames",
            "1",
            "--min-qc-share",
            "0",
            "--min-qc-ratio",
            "0",
        ],
        outputs=("{out}/ssl.pt",),
        wave=2,
    ),
    Step(
        "segment-ssl",
        "segment",
        [
            "segment",
            "--model",
            "ssl",
            "--weights",
            "{out}/ssl.pt",
            "--data",
            "{scans}",
            "{damaged}",
            "{odd}",
            "--out",
            "{out}/labels",
        ],
        needs=("train-ssl",),
        outputs=("{out}/labels",),
        wave=3,
    ),
    Step(
        "evaluate-ssl",
        "evaluate",
        [
            "evaluate",
            "--model",
            "ssl",
            "--weights",
            "{out}/ssl.pt",
            "--data",
            "{scans}",
            "{damaged}",
            "{odd}",
            "--truth",
            "{truth}",
        ],
        needs=("train-ssl",),
        wave=3,
    ),
    Step(
        "annotate-sim-ssl",
        "annotate_sim",
        [
            "annotate-sim",
            "--task",
            "ssl",
            "--weights",
            "{out}/ssl.pt",
            "--data",
            "{scans}",
            "--truth",
            "{truth}",
            "--format",
            "json",
        ],
        needs=("train-ssl",),
        wave=3,
    ),
    Step("qc-labels", "qc", ["qc", "--data", "{scans}", "--labels", "{out}/labels"], needs=("segment-ssl",), wave=4),
    Step(
        "profile",
        "profile",
        [
            "profile",
            "--models",
            "ssl_unet",
            "--ssl-weights",
            "{out}/ssl.pt",
            "--device",
            "cpu",
            "--seconds",
            "0.3",
            "--warmup",
            "0.1",
            "--idle-seconds",
            "0",
            "--no-progress",
            "--format",
            "json",
        ],
        needs=("train-ssl",),
        wave=4,
    ),
    Step(
        "report-en",
        "report",
        ["report", "--out", "{out}/meeting.pdf"],
        needs=("demo",),
        outputs=("{out}/meeting.pdf",),
        wave=4,
    ),
    Step(
        "report-ja",
        "report",
        ["report", "--out", "{out}/meeting_ja.pdf", "--lang", "ja"],
        needs=("demo",),
        outputs=("{out}/meeting_ja.pdf",),
        wave=4,
    ),
    Step("cost", "cost", ["cost", "--scenario", "reference", "--format", "json"], needs=("demo",), wave=4),
    Step("scenario", "scenario", ["scenario", "list"], needs=("demo",), wave=4),
    Step("runs-json", "runs", ["runs", "--format", "json"], wave=5),
    Step("runs", "runs", ["runs"], script=True, wave=5),
]

# Commands that no step runs, and why. Every name in engine.cli.COMMANDS is in STEPS or here.
NOT_RUN = {
    "dashboard": "serves the pages; the dashboard tests render every page over the audit's store",
}


@dataclass
class Result:
    step: Step
    not_run: str | None = None  # why it did not run (the step's test fails with this)
    argv: list[str] = field(default_factory=list)
    rc: int | None = None
    stdout: str = ""
    stderr: str = ""
    log: str = ""
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)


@dataclass
class Audit:
    root: Path
    scans: Path  # the planted DICOMs (all readable)
    truth: Path  # label PNGs named as `segment` writes them
    damaged: Path  # one planted DICOM with its pixel data cut short
    out: Path  # where commands write files
    db: Path
    data_home: Path  # XDG_DATA_HOME of the commands: the salt file lives here
    files: list[dict]
    results: dict[str, Result] = field(default_factory=dict)

    @property
    def store_dir(self) -> Path:
        return self.db.parent

    @property
    def salt(self) -> str:
        return (self.data_home / "segroi" / "salt").read_text().strip()

    def fill(self, text: str) -> str:
        return text.format(
            scans=self.scans,
            truth=self.truth,
            damaged=self.damaged / BROKEN_NAME,
            odd=self.damaged / ODD_NAME,
            out=self.out,
        )

    def env(self, log: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEGROI_")}
        env.update(
            SEGROI_DB=str(self.db),
            XDG_DATA_HOME=str(self.data_home),
            SEGROI_AUDIT_LOG=str(log),
            SEGROI_DATA_ROOTS=str(self.root),  # the dashboard's Annotate page reads the planted folder
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            PYTHONWARNINGS="always",
        )
        return env


def command_built(module: str) -> bool:
    return importlib.util.find_spec(f"engine.commands.{module}") is not None


def _console_script() -> list[str]:
    exe = Path(sys.executable).with_name("segroi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "engine.cli"]


def _start(audit: Audit, step: Step) -> tuple[Result, subprocess.Popen | None]:
    result = Result(step)
    if not command_built(step.module):
        result.not_run = f"engine/commands/{step.module}.py is missing: the command cannot be audited"
        return result, None
    for need in step.needs:
        before = audit.results.get(need)
        if before is None or before.not_run or before.rc != before.step.rc:
            why = f"did not run ({before.not_run})" if before and before.not_run else "failed"
            result.not_run = f"needs the output of step {need!r}, which {why}"
            return result, None
    logs = audit.root / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{step.id}.log").touch()
    args = [audit.fill(a) for a in step.argv]
    head = _console_script() if step.script else [sys.executable, str(HERE / "launch.py")]
    result.argv = head + args
    with open(logs / f"{step.id}.stdout", "w") as out, open(logs / f"{step.id}.stderr", "w") as err:
        proc = subprocess.Popen(
            result.argv, cwd=audit.root, env=audit.env(logs / f"{step.id}.log"), stdout=out, stderr=err
        )
    return result, proc


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _finish(audit: Audit, result: Result) -> None:
    logs = audit.root / "logs"
    step = result.step
    result.stdout, result.stderr = _read(logs / f"{step.id}.stdout"), _read(logs / f"{step.id}.stderr")
    result.log = _read(logs / f"{step.id}.log")
    for out in step.outputs:
        path = Path(audit.fill(out))
        if path.is_dir():
            result.outputs += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            result.outputs.append(path)


def run_steps(audit: Audit, steps: list[Step]) -> None:
    for wave in sorted({s.wave for s in steps}):
        running = {}
        for step in (s for s in steps if s.wave == wave):
            result, proc = _start(audit, step)
            audit.results[step.id] = result
            if proc is not None:
                running[step.id] = (result, proc, time.monotonic())
        while running:
            time.sleep(0.05)
            for key, (result, proc, started) in list(running.items()):
                late = time.monotonic() - started > STEP_TIMEOUT_S
                if proc.poll() is None and not late:
                    continue
                if late and proc.poll() is None:
                    proc.kill()
                    proc.wait()
                result.rc = proc.returncode
                result.seconds = time.monotonic() - started
                _finish(audit, result)
                if late:
                    result.stderr += f"\n[audit: killed after {STEP_TIMEOUT_S} s]"
                del running[key]


def prepare(root: Path) -> Audit:
    """The work folder: planted scans, their label PNGs, one damaged file, empty output folders."""
    audit = Audit(
        root=root,
        scans=root / "scans",
        truth=root / "truth",
        damaged=root / "damaged",
        out=root / "out",
        db=root / "store" / "segroi.duckdb",
        data_home=root / "data_home",
        files=[],
    )
    for d in (audit.damaged, audit.out, audit.db.parent, audit.data_home):
        d.mkdir(parents=True)
    audit.files = write_scans(audit.scans, audit.truth)
    write_broken(audit.damaged / BROKEN_NAME)
    write_odd(audit.damaged / ODD_NAME)
    return audit
