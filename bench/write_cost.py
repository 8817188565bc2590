"""What the need tallies' triggers cost a write: single-row need inserts, each committed, with and without them.

    .venv/bin/python -m bench.write_cost                 # on the benchmark city (bench.run seeds it)
    .venv/bin/python -m bench.write_cost --inserts 1000

Each round inserts copies of the city's newest need one at a time (its own transaction, as ``needCreate``
commits), then deletes them; the rounds alternate between the triggers on and off (``ALTER TABLE ... DISABLE
TRIGGER``, so the role must own the table), and the tallies are checked against a recount at the end. Prints
the median and p90 milliseconds per insert of each side.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

import asyncpg

from bench import seed_city
from bench.progress import Progress
from bench.run import DEFAULT_URL

TRIGGERS = ("linli_need_tally_insert", "linli_need_tally_update", "linli_need_tally_delete")


async def timed_inserts(conn: asyncpg.Connection, sql: str, values: list, count: int, bar: Progress) -> list[float]:
    """Milliseconds of each insert and commit; the rows are deleted afterwards (in one statement)."""
    ids, times = [], []
    for _ in range(count):
        started = time.perf_counter()
        async with conn.transaction():
            ids.append(await conn.fetchval(sql, *values))
        times.append((time.perf_counter() - started) * 1000)
        bar.advance(1)
    await conn.execute("DELETE FROM need WHERE id = ANY($1)", ids)
    return times


async def switch(conn: asyncpg.Connection, on: bool) -> None:
    for name in TRIGGERS:
        await conn.execute(f"ALTER TABLE need {'ENABLE' if on else 'DISABLE'} TRIGGER {name}")


async def run(args: argparse.Namespace) -> None:
    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    try:
        row = await conn.fetchrow("SELECT * FROM need ORDER BY id DESC LIMIT 1")
        if row is None:
            sys.exit("The city has no needs: seed it first (.venv/bin/python -m bench.run seeds it).")
        columns = [name for name in row.keys() if name != "id"]
        sql = (f"INSERT INTO need ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
               f"VALUES ({', '.join(f'${i + 1}' for i in range(len(columns)))}) RETURNING id")
        values = [row[c] for c in columns]
        times: dict[bool, list[float]] = {True: [], False: []}
        rounds = 4
        with Progress("single-row inserts", args.inserts * 2) as bar:
            for i in range(rounds):
                on = i % 2 == 0
                await switch(conn, on)
                try:
                    times[on] += await timed_inserts(conn, sql, values, args.inserts * 2 // rounds, bar)
                finally:
                    await switch(conn, True)
        exact = await conn.fetchval("SELECT (SELECT COALESCE(SUM(n), 0) FROM need_tally) = (SELECT count(*) FROM need)")
    finally:
        await conn.close()
    for on in (True, False):
        ms = sorted(times[on])
        print(f"triggers {'on ' if on else 'off'}: median {statistics.median(ms):.3f} ms, "
              f"p90 {ms[int(len(ms) * 0.9)]:.3f} ms per insert and commit ({len(ms)} inserts)")
    print(f"tallies equal to a count of the needs afterwards: {exact}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--inserts", type=int, default=400, help="inserts per side")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
