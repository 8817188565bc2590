"""The direct path (graphql_api.direct) answers exactly as Strawberry's view: same status, headers and body.

Each case is sent to two fresh apps on the same database, one with the direct path and one without
(``direct_path=False``: every request through Strawberry's view and ``schema.execute``), and the whole
HTTP answers are compared. A spy counts the requests the direct path answered, so a case meant for it
cannot silently fall back (and one meant for the long way cannot slip onto it).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest

import graphql_api.queries.directory as directory
from graphql_api import direct
from graphql_api.document_cache import DOCUMENTS, document_key
from graphql_api.settings import DEV_SECRET, Limits
from models.enums import AccountRole
from resolvers.access import Role, Viewer
from resolvers.tokens import issue_access_token
from tests.factories import gid, make_areas, make_hub
from tests.factories_accounts import make_account
from tests.factories_residents import make_need, make_resident
from tests.graphql_api.edge import GRAPHQL_RESPONSE, endpoint, settings

pytestmark = pytest.mark.usefixtures("db")

ORGANIZATIONS = """query Directory($first: Int!) {
  organizations(first: $first, orderBy: NAME) {
    totalCount edges { cursor node { id name kind incubatedBy { name } } } pageInfo { hasNextPage endCursor }
  }
}"""
NEED = """query OneNeed($id: ID!) {
  node(id: $id) { __typename ... on Need { id title status resident { id displayName phoneMasked } } }
}"""
TWO_OPERATIONS = "query A { areas { totalCount } } query B { __typename } mutation C { __typename }"
KEPT_HEADERS = ("content-type", "retry-after", "cache-control", "allow")


def _normal(value: Any) -> Any:
    """The answer with what legitimately differs between two runs replaced (correlation ids, seconds left)."""
    if isinstance(value, dict):
        return {k: ("<varies>" if k in {"correlationId", "resetAfter"} else _normal(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"[0-9a-f]{32}", "<id>", value)
    return value


async def _send(edge: Any, case: dict) -> tuple:
    headers = {k: v for k, v in (("accept", case.get("accept")), ("authorization", case.get("auth"))) if v}
    if "raw" in case:
        response = await edge.http.post("/graphql", content=case["raw"],
                                        headers={"content-type": case.get("content_type", "application/json"),
                                                 **headers})
    elif case.get("get"):
        response = await edge.http.get("/graphql", params={"query": case["query"]}, headers=headers)
    else:
        body = {k: case[k] for k in ("query", "variables", "operationName", "extensions") if k in case}
        response = await edge.http.post("/graphql", json=body, headers=headers)
    kept = {name: response.headers.get(name) for name in KEPT_HEADERS}
    return response.status_code, kept, _normal(response.json())


async def both_ways(monkeypatch, cases: list[dict], viewer: Viewer | None = None, **overrides: Any) -> list[tuple]:
    """Send ``cases`` to an app with the direct path and to one without; assert the answers are the same and
    that the direct path answered exactly the cases marked ``direct``. Returns the answers."""
    answered: list[int] = []
    real_run = direct.run

    async def spied(*args: Any, **kwargs: Any) -> Any:
        answered.append(1)
        return await real_run(*args, **kwargs)

    monkeypatch.setattr(direct, "run", spied)
    overrides.setdefault("rate_window_seconds", 86400)  # no budget window rolls over between the two sides
    runs = []
    for direct_path in (True, False):
        answered.clear()
        async with endpoint(settings(direct_path=direct_path, **overrides), viewer) as edge:
            runs.append([await _send(edge, case) for case in cases])
        expected = sum(1 for case in cases if case.get("direct")) if direct_path else 0
        assert len(answered) == expected, f"direct path answered {len(answered)} of the cases, expected {expected}"
    for case, fast, slow in zip(cases, runs[0], runs[1], strict=True):
        assert fast == slow, f"{case}: direct {fast} != long way {slow}"
    return runs[0]


async def test_ordinary_queries_answer_the_same_both_ways(monkeypatch):
    _, one, _ = await make_areas()
    await make_hub(one, incubatees=3)
    need = await make_need(await make_resident(one, phone="13812345678"))
    answers = await both_ways(monkeypatch, [
        {"query": ORGANIZATIONS, "variables": {"first": 2}, "operationName": "Directory", "direct": True},
        {"query": ORGANIZATIONS, "variables": {"first": 50}, "direct": True},
        {"query": NEED, "variables": {"id": gid("Need", need.id)}, "direct": True},
        {"query": NEED, "variables": {"id": "not-a-global-id"}, "direct": True},  # a coded error with a path
        {"query": NEED, "variables": {}, "direct": True},  # a missing variable: a request error
        {"query": NEED, "variables": {"id": {"not": "an id"}}, "accept": GRAPHQL_RESPONSE, "direct": True},
        {"query": TWO_OPERATIONS, "operationName": "A", "direct": True},
        {"query": TWO_OPERATIONS, "operationName": "B", "accept": GRAPHQL_RESPONSE, "direct": True},
        {"query": "{ __typename }", "accept": "application/json, application/graphql-response+json", "direct": True},
    ], viewer=Viewer(role=Role.CENTRE_ADMIN, account_id=1))
    assert answers[0][0] == 200 and len(answers[0][2]["data"]["organizations"]["edges"]) == 2
    assert answers[2][2]["data"]["node"]["resident"]["phoneMasked"] == "138****5678"
    assert answers[3][2]["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert answers[4][0] == 200 and answers[4][2]["data"] is None
    assert answers[5][0] == 400 and "data" not in answers[5][2]
    assert answers[7][1]["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_everything_unusual_takes_the_long_way_and_answers_the_same(monkeypatch):
    cases = [
        {"query": "{ areas { totalCount } }", "get": True},
        {"query": TWO_OPERATIONS, "operationName": "C"},  # a mutation
        {"query": TWO_OPERATIONS},  # no operation chosen
        {"query": "{ nope }"}, {"query": "{ areas "}, {"query": ""},
        {"query": "{ areas { totalCount } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        {"query": "{ a" * 20 + "}" * 20},
        {"query": "{ areas(first: 101) { totalCount } }", "direct": True},  # refused by the field: PAGE_SIZE_EXCEEDED
        {"query": "{ " + "areas { totalCount } " * 450 + "}"},  # over the cost ceiling
        {"query": "query($x: [Int]) { __typename }", "variables": {"x": list(range(101))}},
        {"query": "{ __typename }", "variables": [1]}, {"query": "{ __typename }", "operationName": 3},
        {"raw": b"{", "query": None}, {"raw": b"[]"}, {"raw": b'"text"'},
        {"raw": b'{"query": "{ __typename }"}', "content_type": "text/plain"},
        {"query": "{ __typename }", "accept": "multipart/mixed;deferSpec=20220824, application/json"},
        {"query": "{ __schema { queryType { name } } }", "direct": True},
    ]
    answers = await both_ways(monkeypatch, cases)
    assert answers[8][2]["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    introspection = [{"query": cases[-1]["query"]}]  # refused outside development to all but centre admins
    refused = await both_ways(monkeypatch, introspection, env="production", secret_key="s" * 48,
                              database_url="postgres://linli@db:5432/linli")
    assert refused[0][2]["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


async def test_credentials_are_read_once_and_refused_ones_take_the_long_way(monkeypatch):
    account = await make_account(AccountRole.CENTRE_ADMIN, "direct-staff")
    valid = f"Bearer {issue_access_token(account, DEV_SECRET)[0]}"
    answers = await both_ways(monkeypatch, [
        {"query": "{ me { username } }", "auth": valid, "direct": True},
        {"query": "{ me { username } }", "auth": "Bearer not-a-token"},
        {"query": "{ __typename }", "auth": "Bearer not-a-token"},  # credential-free: runs anonymously
        {"query": "{ me { username } }", "auth": "Basic abc"},
    ])
    assert answers[0][2]["data"] == {"me": {"username": "direct-staff"}}
    assert answers[1][2]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_rate_limits_answer_429_the_same_both_ways(monkeypatch):
    costly = {"query": ORGANIZATIONS, "variables": {"first": 40}, "direct": True}
    cost = (await both_ways(monkeypatch, [costly]))[0][2]["extensions"]["cost"]["requested"]
    assert cost > 40
    cases = [costly, costly, {"query": "{ __typename }", "direct": True}, {"query": "{ __typename }", "direct": True}]
    answers = await both_ways(monkeypatch, cases, rate_points=2 * cost + 1)
    assert [a[0] for a in answers] == [200, 200, 200, 429]
    assert answers[1][2]["extensions"]["cost"]["remaining"] == 1
    assert answers[3][1]["retry-after"] and answers[3][2]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    refused = await both_ways(monkeypatch, [costly, costly], rate_points=cost + 10)  # the rest of the cost refused
    assert refused[1][0] == 429 and refused[1][2]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused[1][2]["extensions"]["cost"]["remaining"] == 9  # the point paid on arrival stays spent


async def test_unexpected_errors_and_timeouts_answer_the_same(monkeypatch, caplog):
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError('relation "area" does not exist')

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(5)

    monkeypatch.setattr(directory, "paginate", broken)
    with caplog.at_level(logging.ERROR):
        masked = await both_ways(monkeypatch, [{"query": "{ areas { totalCount } }", "direct": True}])
    assert masked[0][2]["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert caplog.text.count('relation "area" does not exist') >= 2  # logged on both ways
    monkeypatch.setattr(directory, "paginate", slow)
    timed_out = await both_ways(monkeypatch, [{"query": "{ areas { totalCount } }", "direct": True}],
                                execution_timeout_seconds=0.2)
    assert timed_out[0][2]["errors"][0]["extensions"]["code"] == "TIMEOUT"


async def test_documents_validated_either_way_are_shared_and_failures_not_kept():
    limits = Limits()
    query = "query Shared { areas { totalCount } }"
    async with endpoint(settings(direct_path=False)) as edge:
        await edge.post(query)
    assert DOCUMENTS.get(document_key(query, limits))[1] is True  # the long way's entry, found by the direct path
    bad = "query Bad { areas { nope } }"
    async with endpoint(settings()) as edge:
        await edge.post(bad)
    entry = DOCUMENTS.get(document_key(bad, limits))
    assert entry is None or entry[1] is False
