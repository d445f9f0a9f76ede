"""Plotly figures to PNG through kaleido, with one Chromium kept alive per process.

kaleido's first image starts Chromium (about 2-4 s); later ones take a fraction of a second.
`png()` starts kaleido's process-wide server on first use and serialises calls with a lock,
because Streamlit renders pages from several threads and the server takes one job at a time.
"""

from __future__ import annotations

import threading
import warnings

_lock = threading.Lock()
_started = False


def start() -> None:
    """Start the shared Chromium now (the dashboard does this in the background at start-up)."""
    global _started
    import kaleido

    with _lock:
        if not _started:
            kaleido.start_sync_server(silence_warnings=True)
            _started = True


def stop() -> None:
    global _started
    import kaleido

    with _lock:
        if _started:
            kaleido.stop_sync_server(silence_warnings=True)
            _started = False


def png(fig, width: int = 900, height: int = 420, scale: float = 2.0) -> bytes:
    import plotly.io as pio

    start()
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "kopts ignored while a server runs" is expected here
        return pio.to_image(fig, format="png", width=width, height=height, scale=scale)
