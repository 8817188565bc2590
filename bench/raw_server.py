"""The raw ceiling: a minimal Starlette + asyncpg endpoint answering the benchmark's shapes with hand-written SQL.

``POST /graphql`` takes the same body as the real endpoint and dispatches on ``operationName``
(:mod:`bench.shapes`); each handler returns exactly the ``data`` the GraphQL endpoint returns (global IDs,
masked names, ISO times in Hangzhou time), as ``orjson`` bytes. There is no GraphQL, no ORM, no token
check and no rate limit: it is what this stack (uvicorn, Starlette, asyncpg, PostgreSQL) can do at most.
The one exception is ``MatchCandidates``: the ranking is the matching engine's own Python code, called
in-process here (its provider names then come from one SQL statement), so that shape's ratio measures
the GraphQL layer around the engine. ``GET /bench-stats`` reports the requests served and the SQL
statements sent, as the real endpoint does with ``LINLI_BENCH=1``.

    DATABASE_URL=postgres://... .venv/bin/python -m uvicorn bench.raw_server:app --port 8802
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.shapes import OPEN, global_id
from graphql_api.bench_stats import Counters, count_statements
from resolvers.identifiers import mask_name

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN_SQL = ", ".join(f"'{status}'" for status in OPEN)  # literals: the partial index of open needs applies
STATS = Counters()


def iso(moment: datetime) -> str:
    """A timestamp as the GraphQL endpoint writes it."""
    return moment.astimezone(SHANGHAI).isoformat()


async def _no_reset(connection: asyncpg.Connection) -> None:
    """Nothing to undo between checkouts: no session state is ever changed."""


class Db:
    """The pool, counting the statements sent through it."""

    pool: asyncpg.Pool

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        STATS.statements += 1
        return await self.pool.fetch(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        STATS.statements += 1
        return await self.pool.fetchval(sql, *args)


DB = Db()


def _provider(row: asyncpg.Record) -> dict:
    if row["professional_id"] is not None:
        return {"__typename": "Professional", "id": global_id("Professional", row["professional_id"]),
                "name": row["pname"], "profession": row["profession"]}
    return {"__typename": "Organization", "id": global_id("Organization", row["organization_id"]),
            "name": row["oname"]}


async def open_needs(variables: dict) -> dict:
    community = int(_pk(variables["community"]))
    total = await DB.fetchval(f"SELECT COUNT(*) FROM need WHERE community_id = $1 AND status IN ({OPEN_SQL})",
                              community)
    rows = await DB.fetch(
        "SELECT n.id, n.title, n.category, n.status, n.created_at, n.resident_id, r.name AS rname, a.name AS aname "
        "FROM need n JOIN resident r ON r.id = n.resident_id JOIN area a ON a.id = n.community_id "
        f"WHERE n.community_id = $1 AND n.status IN ({OPEN_SQL}) ORDER BY n.created_at DESC, n.id DESC LIMIT 50",
        community)
    edges = [{"node": {
        "id": global_id("Need", r["id"]), "title": r["title"], "category": r["category"], "status": r["status"],
        "createdAt": iso(r["created_at"]),
        "resident": {"id": global_id("Resident", r["resident_id"]), "displayName": mask_name(r["rname"])},
        "community": {"id": global_id("Area", community), "name": r["aname"]},
    }} for r in rows]
    return {"needs": {"totalCount": total, "edges": edges}}


async def need_proposals(variables: dict) -> dict:
    need_id = int(_pk(variables["need"]))
    need = (await DB.fetch("SELECT id, title, status, (SELECT COUNT(*) FROM match WHERE need_id = $1) AS total "
                           "FROM need WHERE id = $1", need_id))[0]
    rows = await DB.fetch(
        "SELECT m.id, m.score, m.status, m.professional_id, m.organization_id, p.name AS pname, p.profession, "
        "o.name AS oname FROM match m LEFT JOIN professional p ON p.id = m.professional_id "
        "LEFT JOIN organization o ON o.id = m.organization_id WHERE m.need_id = $1 "
        "ORDER BY m.score IS NULL, m.score DESC, m.id LIMIT 10", need_id)
    edges = [{"node": {"id": global_id("Match", r["id"]), "score": r["score"], "status": r["status"],
                       "provider": _provider(r)}} for r in rows]
    return {"node": {"id": global_id("Need", need["id"]), "title": need["title"], "status": need["status"],
                     "matches": {"totalCount": need["total"], "edges": edges}}}


async def organization_members(variables: dict) -> dict:
    after = variables.get("after")
    offset = int(_pk(after, "cursor")) + 1 if after else 0
    total = await DB.fetchval("SELECT COUNT(*) FROM organization")
    orgs = await DB.fetch("SELECT id, name FROM organization ORDER BY name, id OFFSET $1 LIMIT 20", offset)
    members = await DB.fetch(
        "SELECT * FROM (SELECT ms.organization_id, ms.role, p.id, p.name, p.profession, "
        "ROW_NUMBER() OVER (PARTITION BY ms.organization_id ORDER BY ms.id) AS rn, "
        "COUNT(*) OVER (PARTITION BY ms.organization_id) AS total FROM membership ms "
        "JOIN professional p ON p.id = ms.professional_id WHERE ms.organization_id = ANY($1::int[])) t "
        "WHERE rn <= 10 ORDER BY organization_id, rn", [o["id"] for o in orgs])
    by_org: dict[int, dict] = {o["id"]: {"totalCount": 0, "edges": []} for o in orgs}
    for m in members:
        page = by_org[m["organization_id"]]
        page["totalCount"] = m["total"]
        page["edges"].append({"node": {"role": m["role"], "professional": {
            "id": global_id("Professional", m["id"]), "name": m["name"], "profession": m["profession"]}}})
    edges = [{"node": {"id": global_id("Organization", o["id"]), "name": o["name"], "memberships": by_org[o["id"]]}}
             for o in orgs]
    return {"organizations": {"totalCount": total, "edges": edges}}


QUEUES = {
    "awaitingTriage": "status = 'SUBMITTED'",
    "awaitingMatch": "status IN ('TRIAGED', 'MATCHING')",
    "unanswered": "status = 'PROPOSED' AND id IN (SELECT need_id FROM match WHERE status = 'PROPOSED' "
                  "AND created_at < NOW() - INTERVAL '24 hours')",
}


async def dashboard(variables: dict) -> dict:
    community = int(_pk(variables["community"]))
    queues = {}
    for name, condition in QUEUES.items():
        where = f"community_id = $1 AND {condition}"
        total = await DB.fetchval(f"SELECT COUNT(*) FROM need WHERE {where}", community)
        rows = await DB.fetch(f"SELECT id, title, urgency, created_at FROM need WHERE {where} "
                              "ORDER BY created_at, id LIMIT 20", community)
        queues[name] = {"totalCount": total, "edges": [{"node": {
            "id": global_id("Need", r["id"]), "title": r["title"], "urgency": r["urgency"],
            "createdAt": iso(r["created_at"])}} for r in rows]}
    return {"needQueues": queues}


async def match_candidates(variables: dict) -> dict:
    from resolvers.access import Role, Viewer
    from resolvers.matching import match_candidates as rank

    ranking = await rank(Viewer(role=Role.CENTRE_ADMIN, account_id=0), int(_pk(variables["need"])), 10)
    keys = [c.provider_key for c in ranking.candidates]
    pros = [pk for kind, pk in keys if kind == "PROFESSIONAL"]
    orgs = [pk for kind, pk in keys if kind != "PROFESSIONAL"]
    rows = await DB.fetch(
        "SELECT 'PROFESSIONAL' AS kind, id, name, profession FROM professional WHERE id = ANY($1::int[]) "
        "UNION ALL SELECT 'ORGANIZATION', id, name, NULL FROM organization WHERE id = ANY($2::int[])", pros, orgs)
    named = {(r["kind"], r["id"]): r for r in rows}
    candidates = []
    for candidate in ranking.candidates:
        row = named[candidate.provider_key]
        provider = ({"__typename": "Professional", "id": global_id("Professional", row["id"]), "name": row["name"],
                     "profession": row["profession"]} if row["kind"] == "PROFESSIONAL" else
                    {"__typename": "Organization", "id": global_id("Organization", row["id"]), "name": row["name"]})
        candidates.append({"score": candidate.score, "provider": provider})
    return {"matchCandidates": {"totalEligible": ranking.total_eligible, "candidates": candidates}}


async def need_create(variables: dict) -> dict:
    data = variables["input"]
    resident_id = int(_pk(data["residentId"]))
    async with DB.pool.acquire() as conn, conn.transaction():
        STATS.statements += 3
        community = await conn.fetchval("SELECT community_id FROM resident WHERE id = $1", resident_id)
        need_id = await conn.fetchval(
            "INSERT INTO need (created_at, updated_at, category, title, description, urgency, window_start, "
            "window_end, required_certifications, languages, skills_wanted, status, community_id, resident_id) "
            "VALUES (NOW(), NOW(), $1, $2, '', $3, $4, $5, '[]', '[]', '[]', 'SUBMITTED', $6, $7) RETURNING id",
            data["category"], data["title"], data["urgency"], datetime.fromisoformat(data["windowStart"]),
            datetime.fromisoformat(data["windowEnd"]), community, resident_id)
        await conn.execute("INSERT INTO need_event (need_id, actor_account_id, actor_role, from_status, to_status, "
                           "reason, created_at) VALUES ($1, NULL, 'CENTRE_ADMIN', NULL, 'SUBMITTED', '', NOW())",
                           need_id)
    need = {"id": global_id("Need", need_id), "title": data["title"], "category": data["category"],
            "status": "SUBMITTED", "urgency": data["urgency"]}
    return {"needCreate": {"need": need, "errors": []}}


HANDLERS = {
    "Q1OpenNeeds": open_needs, "Q2NeedProposals": need_proposals, "Q3OrganizationMembers": organization_members,
    "Dashboard": dashboard, "MatchCandidates": match_candidates, "NeedCreate": need_create,
}


def _pk(value: str, prefix: str | None = None) -> str:
    """The key inside a global ID or a cursor."""
    import base64

    kind, _, key = base64.b64decode(value).decode().partition(":")
    assert prefix is None or kind == prefix, value
    return key


async def graphql(request: Request) -> Response:
    STATS.requests += 1
    body = orjson.loads(await request.body())
    data = await HANDLERS[body["operationName"]](body.get("variables") or {})
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def stats(request: Request) -> Response:
    return Response(STATS.as_json(), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette):
    from tortoise import Tortoise

    from graphql_api.settings import Settings

    url = os.environ["DATABASE_URL"]
    DB.pool = await asyncpg.create_pool(url.replace("postgres://", "postgresql://", 1), min_size=5, max_size=5,
                                        reset=_no_reset)
    await Tortoise.init(config=Settings(database_url=url).tortoise_config(), _enable_global_fallback=True)
    count_statements(STATS)
    try:
        yield
    finally:
        await Tortoise.close_connections()
        await DB.pool.close()


async def health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"]), Route("/bench-stats", stats),
                        Route("/healthz", health)], lifespan=lifespan)
