"""The `segroi` command.

Each subcommand lives in `engine/commands/<name>.py`, which defines `register(subparsers)`
(adding its parser with `set_defaults(func=...)`) and keeps heavy imports (torch,
streamlit) inside the function that runs, so `segroi --help` stays fast. A module listed in
COMMANDS that cannot be imported is an error, never a command left out.
The command line is recorded here, once: every run the subcommand stores gets it as `runs.command`
(engine.store.command_line), whoever calls `main` (the shell, a test, the dashboard's subprocess).
Errors a user can act on are raised as `SegroiError` and printed as one line; so is any OSError
a command meets (an output path in /proc, a folder where a file should be, a full disk), here in
one place rather than in every command. Control characters in them (a path or a name typed with
an escape sequence or a line break) are printed inert (engine.report.escape.term).
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys

from engine import __version__
from engine.errors import SegroiError
from engine.report.escape import term

COMMANDS = [
    "cost",
    "demo",
    "scenario",
    "profile",
    "inspect",
    "train_ssl",
    "segment",
    "evaluate",
    "annotate_sim",
    "report",
    "dashboard",
    "runs",
    "phantom",
    "qc",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segroi",
        description="Measure and compare the cost of SAM and label-free SSL echo segmentation.",
    )
    parser.add_argument("--version", action="version", version=f"segroi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"engine.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from engine.store import command_line

    words = sys.argv[1:] if argv is None else list(argv)
    try:
        with command_line(shlex.join(["segroi", *words])):
            return int(args.func(args) or 0)
    except SegroiError as exc:
        print(f"segroi {args.command}: error: {term(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"segroi {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"segroi {args.command}: error: {term(os_error(exc))}", file=sys.stderr)
        return 2


def os_error(exc: OSError) -> str:
    """One line for an OSError: the file(s) it names and the system's reason."""
    reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    return f"{' -> '.join(names)}: {reason}" if names else reason


if __name__ == "__main__":
    sys.exit(main())
