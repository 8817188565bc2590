"""A plain progress bar on stderr (no dependency), redrawn at most ten times a second."""

from __future__ import annotations

import sys
import time

WIDTH = 30


class Progress:
    """``with Progress("needs", total) as bar: bar.advance(n)``."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(1, total), 0
        self.started = self.drawn = time.perf_counter()

    def __enter__(self) -> Progress:
        self._draw()
        return self

    def advance(self, count: int) -> None:
        """Count ``count`` more items done."""
        self.done += count
        if time.perf_counter() - self.drawn > 0.1:
            self._draw()

    def __exit__(self, *exc: object) -> None:
        self._draw()
        sys.stderr.write(f" {time.perf_counter() - self.started:.1f} s\n")
        sys.stderr.flush()

    def _draw(self) -> None:
        self.drawn = time.perf_counter()
        filled = int(WIDTH * min(1.0, self.done / self.total))
        sys.stderr.write(f"\r{self.label:<28} [{'#' * filled}{'.' * (WIDTH - filled)}] "
                         f"{self.done:>9,}/{self.total:,}")
        sys.stderr.flush()
