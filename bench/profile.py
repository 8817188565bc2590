"""Profile one shape in-process: the real app behind httpx's ASGI transport, under cProfile.

    .venv/bin/python -m bench.profile Q3OrganizationMembers --requests 200      # the top functions by own time
    .venv/bin/python -m bench.profile all --requests 100                        # ms per request of every shape
    .venv/bin/python -m bench.profile Q3OrganizationMembers --plain --concurrency 10   # 10 in flight, as bench.run
    .venv/bin/python -m bench.profile Q2NeedProposals --callers rows_by_id      # who calls the matching functions

No sockets and no other process: the CPU time per request is the app's own work (the database's time
shows as waiting in the event loop), which stays steady on a machine too busy for wall-clock figures.
Used to find what each optimization in ``bench/README.md`` removed. Each run also prints the cyclic garbage
collector's collections per generation and their CPU time (an answer that leaves reference cycles shows here).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import random
import time

import asyncpg
import httpx
from tortoise import Tortoise

from bench import seed_city
from bench.run import DEFAULT_URL
from bench.server import BENCH_SECRET, SERVER_LIMITS, staff_token
from bench.shapes import SHAPES, Shape
from graphql_api.app import create_app
from graphql_api.gc_tuning import tune_garbage_collector
from graphql_api.settings import Limits, Settings

BEST: dict[str, list[float]] = {}
CALLS: dict[str, float] = {}


class GcWatch:
    """Collections of the cyclic garbage collector per generation, and their CPU time, since ``reset``."""

    def __init__(self) -> None:
        self.reset()
        gc.callbacks.append(self.callback)

    def reset(self) -> None:
        self.counts, self.times, self.started = [0, 0, 0], [0.0, 0.0, 0.0], 0.0

    def callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        else:
            self.counts[info["generation"]] += 1
            self.times[info["generation"]] += time.process_time() - self.started

    def summary(self, requests: int) -> str:
        return (f"  garbage collector: {sum(self.times) / requests * 1000:.2f} ms per request; collections "
                f"of generations 0/1/2: {'/'.join(str(c) for c in self.counts)}, taking "
                f"{'/'.join(f'{t * 1000:.0f}' for t in self.times)} ms")


async def run(args: argparse.Namespace) -> None:
    if args.shape != "all":
        await profile(args, next(s for s in SHAPES if s.name == args.shape))
        return
    for shape in SHAPES:
        if not shape.cached and not shape.write:
            await profile(args, shape)
    print("\n".join(f"{name}: {min(cpus):.2f} ms of CPU per request (best of {len(cpus)} runs), "
                    f"{CALLS.get(name, 0):,.0f} Python calls per request" for name, cpus in BEST.items()))


async def profile(args: argparse.Namespace, shape: Shape) -> None:

    conn = await asyncpg.connect(seed_city.asyncpg_url(args.database_url))
    variables = await shape.samples(conn, random.Random(1), 50)
    await conn.close()
    limits = Limits(rate_points=10**9, max_cost=int(SERVER_LIMITS["LINLI_MAX_COST"]))
    settings = Settings(database_url=args.database_url, secret_key=BENCH_SECRET, limits=limits,
                        public_cache=args.cached, load_demo_data=False, redis_url=args.redis_url)
    await Tortoise.init(config=settings.tortoise_config(statement_timeout=True), _enable_global_fallback=True)
    headers = {"Authorization": f"Bearer {await staff_token()}"}
    app = create_app(settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        bodies = [{"query": shape.query, "variables": v, "operationName": shape.name} for v in variables]

        async def once(i: int) -> None:
            answer = (await http.post("/graphql", json=bodies[i % len(bodies)], headers=headers)).json()
            assert not answer.get("errors"), answer["errors"]

        for i in range(20):
            await once(i)
        collector = GcWatch()
        tune_garbage_collector()  # as the serving app does once it has started
        profiler = cProfile.Profile() if args.shape != "all" and not args.plain else None
        for _ in range(args.runs):
            started, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            collector.reset()
            for i in range(0, args.requests, args.concurrency):
                await asyncio.gather(*(once(j) for j in range(i, min(i + args.concurrency, args.requests))))
            if profiler:
                profiler.disable()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(collector.summary(args.requests), flush=True)
            BEST.setdefault(shape.name, []).append(cpu / args.requests * 1000)
            print(f"{shape.name}: {cpu / args.requests * 1000:.2f} ms of CPU per request, "
                  f"{elapsed / args.requests * 1000:.2f} ms wall ({args.concurrency} at a time"
                  f"{', profiled' if profiler else ''})",
                  flush=True)
        gc.callbacks.remove(collector.callback)
        counter = cProfile.Profile()  # function calls: a measure of the work that a busy machine does not skew
        counter.enable()
        for i in range(20):
            await once(i)
        counter.disable()
        CALLS[shape.name] = pstats.Stats(counter).total_calls / 20
    await Tortoise.close_connections()
    if profiler:
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
    if args.plain:
        print(f"{shape.name}: best {min(BEST[shape.name]):.2f} ms of CPU per request, "
              f"{CALLS[shape.name]:,.0f} Python calls per request")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--redis-url", default=None, help="the shared cache (default: this process's memory)")
    parser.add_argument("--cached", action="store_true")
    parser.add_argument("--callers", help="also print the callers of the functions matching this pattern")
    parser.add_argument("--runs", type=int, default=1, help="measure this many times (all: the best is shown)")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once (the load driver: 10)")
    parser.add_argument("--plain", action="store_true", help="only the CPU per request, without the profiler")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
