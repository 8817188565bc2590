"""Garbage collector settings of a serving process.

CPython's cyclic collector runs a young-generation pass every 700 net allocations and, every 10 of those, an
older pass that walks every tracked object. An answer allocates tens of thousands of short-lived objects
(rows, GraphQL objects, response paths), nearly all freed by reference counting, so the default thresholds
run collections constantly, each walking the schema, the cached documents and the loaded modules. A
serving process therefore moves everything alive at start-up (the schema, the modules) out of the
collector's sight with ``gc.freeze()`` and collects the young generation every ``GEN0_THRESHOLD``
allocations instead: the benchmark's nested shapes lose about a third of their CPU time (``bench/README.md``),
and memory stays well under the 150 MB budget because the cycles an answer leaves are few and small.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000
OLDER_THRESHOLDS = (10, 10)


def tune_garbage_collector() -> None:
    """Freeze what is alive now and space the collections out (call once the app has started)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *OLDER_THRESHOLDS)
