"""The public read cache: repeated public reads skip the database, and a write is seen at once after it."""

from graphql_api.public_cache import ALL_TABLES, PublicCache, PublicReads, tables_written
from graphql_api.schema import schema
from graphql_api.settings import Settings
from models import Professional
from resolvers.rows import rows_by_id
from tests.factories import gid, make_areas, make_hub
from tests.factories_accounts import signed_in_admin
from tests.factories_people import make_professional

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
