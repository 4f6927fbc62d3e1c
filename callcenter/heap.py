"""The garbage collector and a long-running server."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Take what startup built (libraries, settings, flows, the CRM's mappings: over 100,000
    objects) out of the cyclic garbage collector's view. Its full passes otherwise walk all of
    them, stopping every call and every socket on the event loop for 80-150 ms at a time (measured
    with bench/desktop_bench.py); they stay alive and are still freed by reference counting."""
    gc.collect()
    gc.freeze()
