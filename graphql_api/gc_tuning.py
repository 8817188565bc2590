"""Garbage collector settings of a serving process.

CPython's cyclic collector runs a young-generation pass every 700 net allocations, a middle one every 10 of
those and a full pass, over every tracked object, every 10 middle ones. An answer allocates tens of
thousands of short-lived objects (rows, GraphQL objects, response paths), nearly all freed by reference
counting, so the default thresholds run collections constantly, the full ones walking the schema, the
cached documents and the loaded modules. A serving process therefore moves everything alive at start-up
out of the collector's sight with ``gc.freeze()`` and collects the young generation every
``GEN0_THRESHOLD`` allocations instead: the benchmark's nested shapes lose about a third of their CPU time
(the README's "Performance and scale"). The peak memory of a worker under load did not move with the
threshold (4,000 or 10,000: the same peak in ``bench.run``): the cycles an answer leaves are few and small.
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
