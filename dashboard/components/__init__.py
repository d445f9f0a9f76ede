"""Streamlit components of the dashboard, each in its own folder (plain HTML/JS, no build step)."""
