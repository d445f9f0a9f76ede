"""The dashboard tests' fixtures; they and the page helpers live in apptest_pages.py."""

from apptest_pages import app, seeded  # noqa: F401 (fixtures)
