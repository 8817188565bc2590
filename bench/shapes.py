"""The fixed query shapes of the load benchmark, and the variables each request of a run uses.

Every shape is one named GraphQL operation. The same request body goes to the GraphQL endpoint and to
the raw ceiling (:mod:`bench.raw_server`), which answers each operation name with hand-written SQL and
must return the same ``data`` (``bench.run`` checks that before it measures).

- ``Q1OpenNeeds``: 50 open needs of a community, newest first, each with its resident's (masked) name and
  its community.
- ``Q2NeedProposals``: one need with its 10 best proposals, each provider's name and profession.
- ``Q3OrganizationMembers``: a page of 20 organizations, each with 10 of its members' names and professions.
- ``Dashboard``: the staff work queues of a community (three queues, 20 needs each, with their lengths).
- ``MatchCandidates``: the matching engine's 10 best candidates of an open need, with name and profession.
- ``NeedCreate``: file a need for a resident (a write: a need and its first event).
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from models.enums import OPEN_NEED_STATUSES

OPEN = sorted(status.value for status in OPEN_NEED_STATUSES)
PROVIDER = "provider { __typename ... on Professional { id name profession } ... on Organization { id name } }"

Q1 = """query Q1OpenNeeds($community: ID!) {
  needs(filter: {communityId: $community, openOnly: true}, orderBy: NEWEST, first: 50) {
    totalCount
    edges { node { id title category status createdAt resident { id displayName } community { id name } } }
  }
}"""
Q2 = """query Q2NeedProposals($need: ID!) {
  node(id: $need) {
    ... on Need {
      id title status
      matches(first: 10) { totalCount edges { node { id score status PROVIDER } } }
    }
  }
}""".replace("PROVIDER", PROVIDER)
Q3 = """query Q3OrganizationMembers($after: String) {
  organizations(first: 20, after: $after, orderBy: NAME) {
    totalCount
    edges { node { id name memberships(first: 10) {
      totalCount edges { node { role professional { id name profession } } } } } }
  }
}"""
QUEUE = "(first: 20) { totalCount edges { node { id title urgency createdAt } } }"
DASHBOARD = f"""query Dashboard($community: ID!) {{
  needQueues(communityId: $community) {{
    awaitingTriage{QUEUE}
    awaitingMatch{QUEUE}
    unanswered{QUEUE}
  }}
}}"""
CANDIDATES = """query MatchCandidates($need: ID!) {
  matchCandidates(needId: $need, first: 10) { totalEligible candidates { score PROVIDER } }
}""".replace("PROVIDER", PROVIDER)
NEED_CREATE = """mutation NeedCreate($input: NeedCreateInput!) {
  needCreate(input: $input) { need { id title category status urgency } errors { field code } }
}"""


def global_id(type_name: str, pk: int) -> str:
    """The API's global ID of a row."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def cursor(position: int) -> str:
    """The API's cursor of a 0-based position (``resolvers.pagination.encode_cursor``)."""
    return base64.b64encode(f"cursor:{position}".encode()).decode()


@dataclass(frozen=True, slots=True)
class Shape:
    """One operation of the benchmark and how to draw the variables of its requests."""

    name: str
    label: str
    query: str
    samples: Callable[[asyncpg.Connection, random.Random, int], Any]
    target: float | None = None
    cached: bool = False
    write: bool = False


async def _communities(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[dict]:
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM area WHERE kind = 'COMMUNITY' ORDER BY id")]
    return [{"community": global_id("Area", rng.choice(ids))} for _ in range(count)]


async def _proposed_needs(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[dict]:
    ids = [r["need_id"] for r in await conn.fetch(
        "SELECT need_id FROM match WHERE status = 'PROPOSED' GROUP BY need_id HAVING COUNT(*) >= 8 "
        "ORDER BY need_id LIMIT 5000")]
    return [{"need": global_id("Need", rng.choice(ids))} for _ in range(count)]


async def _open_needs(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[dict]:
    ids = [r["id"] for r in await conn.fetch(
        "SELECT id FROM need WHERE status = ANY($1::text[]) ORDER BY id LIMIT 5000", ["SUBMITTED", "TRIAGED"])]
    return [{"need": global_id("Need", rng.choice(ids))} for _ in range(count)]


async def _organization_pages(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[dict]:
    total = await conn.fetchval("SELECT COUNT(*) FROM organization")
    starts = list(range(0, max(total - 20, 1), 20))
    return [{"after": cursor(start - 1) if (start := rng.choice(starts)) else None} for _ in range(count)]


async def _new_needs(conn: asyncpg.Connection, rng: random.Random, count: int) -> list[dict]:
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM resident WHERE age_band IN "
                                             "('SENIOR_60_79', 'SENIOR_80_PLUS') ORDER BY id LIMIT 5000")]
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return [{"input": {
        "residentId": global_id("Resident", rng.choice(ids)), "category": "MEALS", "title": "助餐配送",
        "windowStart": (start + timedelta(hours=i % 48)).isoformat(),
        "windowEnd": (start + timedelta(hours=i % 48 + 1)).isoformat(), "urgency": "NORMAL",
    }} for i in range(count)]


SHAPES = (
    Shape("Q1OpenNeeds", "Q1: 50 open needs of a community, resident and community", Q1, _communities, 0.20),
    Shape("Q2NeedProposals", "Q2: a need, its 10 best proposals, provider name and profession", Q2,
          _proposed_needs, 0.25),
    Shape("Q3OrganizationMembers", "Q3: 20 organizations x 10 members, name and profession", Q3,
          _organization_pages, 0.15),
    Shape("Dashboard", "Staff dashboard: three work queues of a community", DASHBOARD, _communities),
    Shape("MatchCandidates", "matchCandidates: the engine's 10 best for an open need", CANDIDATES, _open_needs),
    Shape("NeedCreate", "needCreate (mutation)", NEED_CREATE, _new_needs, write=True),
    Shape("Q3OrganizationMembers", "Q3 with the public cache on", Q3, _organization_pages, cached=True),
)
BY_NAME = {shape.name: shape.query for shape in SHAPES}
