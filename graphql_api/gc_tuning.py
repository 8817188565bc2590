"""Garbage collector settings of a serving process.

CPython's cyclic collector runs a young-generation pass every 700 net allocations, a middle one every 10 of
those and a full pass, over every tracked object, every 10 middle ones. An answer allocates tens of
thousands of short-lived objects (rows, GraphQL objects, response paths), nearly all freed by reference
counting, so the default thresholds run collections constantly, the full ones walking the schema, the
cached documents and the loaded modules. A serving process therefore moves everything alive at start-up
out of the collector's sight with ``gc.freeze()`` and collects the young generation every
``GEN0_THRESHOLD`` allocations instead: the benchmark's nested shapes lose about a third of their CPU time
(the README's "Performance and scale").

An answer leaves no reference cycle behind (``tests/bench/test_hot_paths.py`` checks it: the loaders' closures
and graphql-core's helpers of the executor used to form cycles holding the whole answer), so reference
counting frees it when it is sent and the collector has nearly nothing to find. The collector's count of
objects (allocations less deallocations) therefore grows only by what stays alive, and at 50,000 a young
collection is rare (none in 900 concurrent Q3 answers of ``bench.profile --concurrency 10``, 54 at 10,000,
about 0.4 ms of CPU per answer), while a worker's peak memory under load stays about 100 MB (``bench.run``).
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 50_000
OLDER_THRESHOLDS = (10, 10)


def tune_garbage_collector() -> None:
    """Freeze what is alive now and space the collections out (call once the app has started)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, *OLDER_THRESHOLDS)
