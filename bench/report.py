"""The Markdown report of a load run: one row per shape, every figure next to the raw ceiling's."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Side:
    """What one server did for one shape: the driver's figures and the server's own counters."""

    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statements: float = 0.0
    failures: int = 0
    rss_mb: float = 0.0
    cpu_ms: float = 0.0
    requests: int = 0
    seconds: float = 0.0

    def merge(self, other: Side) -> Side:
        """Two slices of a run as one: rates, and means (latency percentiles too) weighted by requests."""
        total = self.requests + other.requests
        if not self.requests:
            return other
        weigh = lambda a, b: (a * self.requests + b * other.requests) / total  # noqa: E731
        return Side(rps=total / (self.seconds + other.seconds), p50_ms=weigh(self.p50_ms, other.p50_ms),
                    p99_ms=weigh(self.p99_ms, other.p99_ms), statements=weigh(self.statements, other.statements),
                    failures=self.failures + other.failures, rss_mb=max(self.rss_mb, other.rss_mb),
                    cpu_ms=weigh(self.cpu_ms, other.cpu_ms), requests=total, seconds=self.seconds + other.seconds)


@dataclass
class Row:
    """One shape, measured through the GraphQL endpoint and the raw ceiling in the same run."""

    label: str
    graphql: Side
    raw: Side
    target: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """GraphQL throughput as a share of the raw ceiling's."""
        return self.graphql.rps / self.raw.rps if self.raw.rps else 0.0


def _verdict(row: Row) -> str:
    if row.target is None:
        return "-"
    return f"{row.target:.0%} {'met' if row.ratio >= row.target else 'MISSED'}"


def table(rows: list[Row]) -> str:
    """The results table."""
    lines = [
        "| shape | GraphQL req/s | raw req/s | ratio | target | GraphQL p50 / p99 ms | raw p50 / p99 ms "
        "| CPU ms per request (GraphQL / raw) | SQL per request (GraphQL / raw) | GraphQL peak RSS MB |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        g, r = row.graphql, row.raw
        lines.append(
            f"| {row.label} | {g.rps:,.0f} | {r.rps:,.0f} | {row.ratio:.0%} | {_verdict(row)} "
            f"| {g.p50_ms:.1f} / {g.p99_ms:.1f} | {r.p50_ms:.1f} / {r.p99_ms:.1f} "
            f"| {g.cpu_ms:.1f} / {r.cpu_ms:.1f} | {g.statements:.1f} / {r.statements:.1f} | {g.rss_mb:.0f} |"
        )
    return "\n".join(lines)


def document(rows: list[Row], context: dict[str, str]) -> str:
    """The whole report: how it was measured, then the table and any failures."""
    head = ["# Load benchmark: GraphQL endpoint against the raw ceiling", ""]
    head += [f"- {name}: {value}" for name, value in context.items()]
    failures = [f"- {row.label}: {note}" for row in rows for note in row.notes]
    tail = ["", "Problems seen:", *failures] if failures else []
    return "\n".join([*head, "", table(rows), *tail, ""])
