"""One module per `segroi` subcommand (see engine/cli.py)."""
