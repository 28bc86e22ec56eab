"""The server process's own housekeeping: one BLAS thread per matrix product, and a full garbage
collection now and then. ``configure`` is called by every page's setup; it is cheap after the first time.
"""

from __future__ import annotations

import gc
import time

import streamlit as st
from threadpoolctl import threadpool_limits

from .settings import SERVER_BLAS_THREADS

GC_EVERY = 10.0  # seconds between full garbage collections in a server process


@st.cache_resource
def _process_setup() -> dict:
    # Every matrix product outside a training step too (evaluation, the lessons): see SERVER_BLAS_THREADS.
    threadpool_limits(SERVER_BLAS_THREADS, user_api="blas")
    return {"last_collection": time.monotonic()}


def configure() -> None:
    """Limit BLAS threads for the process (once), and collect garbage if it is time."""
    _process_setup()
    collect_garbage_now_and_then()


def collect_garbage_now_and_then() -> None:
    """A full garbage collection at most every GC_EVERY seconds per process, from whichever
    session runs then. Streamlit's own after every run (``runner.postScriptGC``) is off: 50-100 ms
    seven times a second per playing learner. With no full collection at all, Python's collector
    seldom reaches the oldest generation with NumPy, pandas and Plotly loaded, and the server grew
    30-45 MB per round of 20 learners in the load benchmark (with this: +73, then +22 MB; whether
    the rest is garbage or the allocator keeping freed memory was not settled)."""
    clock, now = _process_setup(), time.monotonic()
    if now - clock["last_collection"] >= GC_EVERY:
        clock["last_collection"] = now
        gc.collect()
