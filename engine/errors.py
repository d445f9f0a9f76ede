"""The error type for problems a user can fix: bad input, impossible assumptions, missing files."""


class SegroiError(Exception):
    """One readable message naming the problem; the CLI prints it without a traceback."""
