"""Benchmarks of Linli at city scale: ``seed_city`` loads generated data, ``matching_bench`` times matching.

Not part of the test suite; see ``bench/README.md`` for the commands and the figures they print.
"""
