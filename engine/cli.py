"""The `segroi` command.

Each subcommand lives in `engine/commands/<name>.py`, which defines `register(subparsers)`
(adding its parser with `set_defaults(func=...)`) and keeps heavy imports (torch,
streamlit) inside the function that runs, so `segroi --help` stays fast.
Errors a user can act on are raised as `SegroiError` and printed as one line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from engine import __version__
from engine.errors import SegroiError

COMMANDS = [
    "cost", "demo", "scenario", "profile", "inspect", "train_ssl", "segment", "evaluate",
    "annotate_sim", "report", "dashboard", "runs", "phantom", "qc",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segroi",
        description="Measure and compare the cost of SAM and label-free SSL echo segmentation.",
    )
    parser.add_argument("--version", action="version", version=f"segroi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"engine.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"engine.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SegroiError as exc:
        print(f"segroi {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"segroi {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
