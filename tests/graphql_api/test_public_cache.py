"""The public read cache: repeated public reads skip the database, and a write is seen at once after it."""

import uuid

from graphql_api.public_cache import ALL_TABLES, PublicCache, PublicReads, tables_written
from graphql_api.schema import schema
from graphql_api.settings import Settings
from models import Professional
from resolvers.rows import Row, rows_by_id
from tests.factories import gid, make_areas, make_hub
from tests.factories_accounts import signed_in_admin
from tests.factories_people import make_professional
from tests.graphql_api.test_cache import REDIS_URL

DIRECTORY = """{ organizations(first: 50) { totalCount edges { node { id name
  memberships(first: 10) { totalCount edges { node { professional { name profession } } } } } } } }"""
RENAME = """mutation($id: ID!, $name: String!) {
  organizationUpdate(id: $id, input: {name: $name}) { organization { name } errors { code } } }"""
JOIN = """mutation($input: MembershipAddInput!) { membershipAdd(input: $input) { errors { code } } }"""


async def test_a_repeated_directory_read_sends_no_statement_for_its_public_rows(gql, sql):
    _, community, _ = await make_areas()
    await make_hub(community, incubatees=3)
    _, headers = await signed_in_admin(gql)
    first = await gql.ok(DIRECTORY, headers=headers)
    with sql() as counter:
        again = await gql.ok(DIRECTORY, headers=headers)
    assert again == first
    public = [s for s in counter.statements if '"organization"' in s or '"membership"' in s]
    assert public == [], public  # only the caller's account is read


async def test_a_write_is_read_back_at_once_through_the_cache(gql):
    _, community, _ = await make_areas()
    hub = await make_hub(community, incubatees=2)
    professional = await make_professional()
    _, headers = await signed_in_admin(gql)
    await gql.ok(DIRECTORY, headers=headers)  # the cache now holds the directory and its member lists
    renamed = await gql.ok(RENAME, {"id": gid("Organization", hub.id), "name": "和诚中心"}, headers=headers)
    assert renamed["organizationUpdate"]["errors"] == []
    joined = await gql.ok(JOIN, {"input": {"professionalId": gid("Professional", professional.id),
                                           "organizationId": gid("Organization", hub.id)}}, headers=headers)
    assert joined["membershipAdd"]["errors"] == []
    nodes = {e["node"]["id"]: e["node"] for e in (await gql.ok(DIRECTORY, headers=headers))["organizations"]["edges"]}
    hub_node = nodes[gid("Organization", hub.id)]
    assert hub_node["name"] == "和诚中心"
    member = {"professional": {"name": "林晓雯", "profession": "幼儿教师"}}
    assert hub_node["memberships"]["edges"] == [{"node": member}]


def test_every_mutation_names_the_public_tables_it_may_write():
    mutations = schema.as_str().split("type Mutation", 1)[1].split("\n}", 1)[0]
    names = [line.strip().split("(")[0] for line in mutations.splitlines() if line.startswith("  ") and "(" in line
             and not line.strip().startswith('"')]
    assert "organizationUpdate" in names and "needCreate" in names
    assert tables_written("organizationUpdate") == ("organization",)
    assert tables_written("needCreate") == tables_written("matchPropose") == ()
    assert tables_written("someFutureMutation") == ALL_TABLES  # unknown: everything is invalidated
    assert all(set(tables_written(name)) <= set(ALL_TABLES) for name in names)


async def test_rows_kept_in_memory_share_nothing_mutable_between_requests(db):
    professional = await make_professional()
    shared = PublicCache(Settings(env="test", redis_url=""))
    try:
        def load(ids):
            return rows_by_id(Professional, ids)

        first = (await PublicReads(shared).rows("professional", [professional.id], load))[professional.id]
        first.categories.append("CHANGED IN PLACE")  # a request that misuses its row
        for _ in range(2):  # read from the cache: a fresh copy each time
            again = (await PublicReads(shared).rows("professional", [professional.id], load))[professional.id]
            assert "CHANGED IN PLACE" not in again.categories
            assert list(again.categories) == list(professional.categories) and again.name == professional.name
            again.categories.append("CHANGED IN PLACE")
    finally:
        await shared.close()


async def test_workers_keep_redis_entries_yet_read_every_write_and_lost_generations_never_return(db):
    """Two workers' caches on one real Redis: each keeps what it read in its own memory, a write through one is
    read by the other at once (a new generation, a new key), and generations lost with Redis start anew."""
    namespace = f"linli-test-{uuid.uuid4().hex}"
    settings = Settings(env="test", redis_url=REDIS_URL, cache_namespace=namespace)
    one, other = PublicCache(settings), PublicCache(settings)
    rows = {}
    loads = []

    async def load(ids):
        loads.append(list(ids))
        return {i: Row(dict(rows[i])) for i in ids}

    try:
        rows[1] = {"id": 1, "name": "和睦助老服务社"}
        assert (await PublicReads(one).rows("organization", [1], load))[1].name == "和睦助老服务社"
        assert (await PublicReads(other).rows("organization", [1], load))[1].name == "和睦助老服务社"
        assert loads == [[1]]  # the second worker found it in Redis
        redis_reads = await _count_redis_gets(other, lambda: PublicReads(other).rows("organization", [1], load))
        assert redis_reads == ["gen:organization"]  # kept in the worker: only the generation is read
        rows[1] = {"id": 1, "name": "和睦为老服务中心"}
        await one.bump(["organization"])  # a write through the first worker
        assert (await PublicReads(other).rows("organization", [1], load))[1].name == "和睦为老服务中心"
        before = (await one.generations(["organization"]))[0]
        await one.cache.clear()  # Redis lost everything (a restart without persistence)
        after = (await other.generations(["organization"]))[0]
        assert after > before  # the old keys, still kept in the workers' memory, are never read again
        rows[1] = {"id": 1, "name": "和睦社区服务中心"}
        assert (await PublicReads(other).rows("organization", [1], load))[1].name == "和睦社区服务中心"
    finally:
        await one.cache.clear()
        await one.close()
        await other.close()


async def _count_redis_gets(cache: PublicCache, read) -> list[str]:
    """The keys a read asks Redis for."""
    asked = []
    original = cache.cache.multi_get

    async def multi_get(keys, *args, **kwargs):
        asked.extend(k.split("|")[0] for k in keys)
        return await original(keys, *args, **kwargs)

    cache.cache.multi_get = multi_get
    try:
        await read()
    finally:
        cache.cache.multi_get = original
    return asked
