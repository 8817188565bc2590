"""Automatic persisted queries (Apollo's protocol), the known documents, and the persisted-only mode."""

import json
import os
import uuid

import pytest
from graphql import parse, validate

from graphql_api.persisted import load_documents, sha256
from graphql_api.schema import schema
from graphql_api.settings import PERSISTED_DOCUMENTS
from resolvers.access import Role, Viewer
from tests.graphql_api.edge import GRAPHQL_RESPONSE, codes, endpoint, settings

pytestmark = pytest.mark.usefixtures("db")
QUERY = "{ areas { totalCount } }"
REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
KNOWN = (PERSISTED_DOCUMENTS / "Areas.graphql").read_text(encoding="utf-8")


def apq(digest: str, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def test_known_documents_fit_the_schema():
    documents = load_documents(PERSISTED_DOCUMENTS)
    assert sha256(KNOWN) in documents
    for text in documents.values():
        assert validate(schema._schema, parse(text)) == []


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE])
async def test_hash_miss_then_register_then_hash_hit(accept):
    digest = sha256(QUERY)
    async with endpoint() as edge:
        miss = await edge.post(None, extensions=apq(digest), accept=accept)
        assert miss.status_code == 200 and codes(miss) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        registered = await edge.post(QUERY, extensions=apq(digest), accept=accept)
        assert registered.json()["data"] == {"areas": {"totalCount": 0}}
        hit = await edge.post(None, extensions=apq(digest), accept=accept)
        assert hit.status_code == 200 and hit.json()["data"] == {"areas": {"totalCount": 0}}
        over_get = await edge.get({"extensions": json.dumps(apq(digest))})
        assert over_get.status_code == 200 and over_get.json()["data"] == {"areas": {"totalCount": 0}}


async def test_hashes_are_checked_and_invalid_documents_are_not_registered():
    async with endpoint() as edge:
        wrong = await edge.post(QUERY, extensions=apq("0" * 64))
        assert codes(wrong) == ["PERSISTED_QUERY_INVALID"]
        assert codes(await edge.post(QUERY, extensions=apq(sha256(QUERY), version=2))) == ["PERSISTED_QUERY_INVALID"]
        assert codes(await edge.post(QUERY, extensions=apq("not-a-hash"))) == ["PERSISTED_QUERY_INVALID"]
        invalid = "{ nope }"
        assert codes(await edge.post(invalid, extensions=apq(sha256(invalid)))) == ["GRAPHQL_VALIDATION_FAILED"]
        again = await edge.post(None, extensions=apq(sha256(invalid)))
        assert codes(again) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_known_documents_run_by_hash_from_the_start():
    async with endpoint() as edge:
        response = await edge.post(None, {"kind": "COMMUNITY"}, extensions=apq(sha256(KNOWN)))
        assert response.json()["data"] == {"areas": {"totalCount": 0, "edges": []}}


@pytest.mark.parametrize("viewer", [Viewer(), Viewer(role=Role.PARTNER, api_key_id=3)])
async def test_persisted_only_refuses_unknown_documents_for_anonymous_and_partners(viewer):
    async with endpoint(settings(persisted_only=True), viewer=viewer) as edge:
        refused = await edge.post(QUERY, accept=GRAPHQL_RESPONSE)
        assert refused.status_code == 400 and codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
        register = await edge.post(QUERY, extensions=apq(sha256(QUERY)))
        assert codes(register) == ["PERSISTED_QUERY_REQUIRED"]
        assert codes(await edge.post(None, extensions=apq(sha256(QUERY)))) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert not codes(await edge.post(None, {"kind": "COMMUNITY"}, extensions=apq(sha256(KNOWN))))
        assert not codes(await edge.post(KNOWN, {"kind": "COMMUNITY"}))


async def test_persisted_only_still_lets_signed_in_people_register():
    async with endpoint(settings(persisted_only=True), viewer=Viewer(role=Role.RESIDENT, account_id=5)) as edge:
        assert not codes(await edge.post(QUERY))
        assert not codes(await edge.post(QUERY, extensions=apq(sha256(QUERY))))
        assert not codes(await edge.post(None, extensions=apq(sha256(QUERY))))


async def test_registrations_are_shared_through_redis():
    shared = settings(redis_url=REDIS_URL, cache_namespace=f"linli-test-{uuid.uuid4().hex}")
    query = f'{{ areas(kind: COMMUNITY) {{ totalCount }} __typename }} # {uuid.uuid4().hex}'
    async with endpoint(shared) as a, endpoint(shared) as b:
        assert codes(await b.post(None, extensions=apq(sha256(query)))) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert not codes(await a.post(query, extensions=apq(sha256(query))))
        assert (await b.post(None, extensions=apq(sha256(query)))).json()["data"]["__typename"] == "Query"
        await a.app.state.cache.delete(f"apq:{sha256(query)}")
