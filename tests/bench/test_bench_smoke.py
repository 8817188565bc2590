"""The load benchmark runs end to end on a small city: both servers answer every shape alike, and the table is written.

``bench.run --smoke`` seeds ``linli_load_smoke`` once (300 professionals, 6,000 needs; kept between runs,
reseeded only when the city changes), starts the three servers and drives each shape for a second. The
figures of so short a run mean nothing; what is checked is that the harness works: no failed request, the
GraphQL endpoint and the raw ceiling return the same ``data``, statements and memory are measured.
PostgreSQL only; about a minute.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import asyncpg
import pytest

from bench import run, seed_city, write_cost
from bench.shapes import SHAPES
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="the benchmark runs on PostgreSQL")


def test_the_smoke_run_writes_a_table_of_every_shape(tmp_path, capsys):
    output = tmp_path / "latest.md"
    started = datetime.now(UTC)
    run.main(["--smoke", "--output", str(output)])
    printed = capsys.readouterr()
    removed = re.search(r"removed the ([\d,]+) needs the run filed", printed.out + printed.err)
    assert removed and int(removed[1].replace(",", "")) > 0
    assert asyncio.run(_needs_filed_since(started)) == 0  # the city stays as it was seeded
    report = output.read_text(encoding="utf-8")
    assert "Problems seen" not in report, report
    rows = [line for line in report.splitlines() if line.startswith("| ") and not line.startswith(("| shape", "| ---"))]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [shape.label for shape in SHAPES]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        graphql_rps, raw_rps, statements, rss = cells[1], cells[2], cells[8], cells[9]
        assert float(graphql_rps.replace(",", "")) > 0 and float(raw_rps.replace(",", "")) > 0, row
        assert float(statements.split(" / ")[1]) > 0 and float(rss) > 0, row


async def _needs_filed_since(moment: datetime) -> int:
    conn = await asyncpg.connect(seed_city.asyncpg_url(run.SMOKE_URL))
    try:
        return await conn.fetchval(  # bench.shapes' needCreate title (the city's are "<category>需求")
            "SELECT count(*) FROM need WHERE created_at >= $1 AND title = '助餐配送'", moment)
    finally:
        await conn.close()


def test_the_write_cost_script_times_both_sides_and_leaves_the_tallies_exact(tmp_path, capsys):
    run.main(["--smoke", "--output", str(tmp_path / "latest.md"), "--shapes", "Q2NeedProposals"])  # the city
    write_cost.main(["--database-url", run.SMOKE_URL, "--inserts", "8"])
    printed = capsys.readouterr().out
    assert "triggers on : median" in printed and "triggers off: median" in printed
    assert "tallies equal to a count of the needs afterwards: True" in printed
