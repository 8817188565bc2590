"""Document limits, each answered with its own code before the document is validated or executed in full."""

import time

import pytest
from graphql import parse

from graphql_api.limits import SelectionShape
from resolvers.access import Role, Viewer
from tests.graphql_api.edge import GRAPHQL_RESPONSE, codes, endpoint, production

pytestmark = pytest.mark.usefixtures("db")


def incubators(levels: int) -> str:
    """``organizations`` with ``levels`` nested ``incubatedBy``: depth ``levels + 3``."""
    inner = "id"
    for _ in range(levels):
        inner = f"incubatedBy {{ {inner} }}"
    return f"{{ organizations {{ edges {{ node {{ {inner} }} }} }} }}"


def test_depth_follows_graphql_depth_limit_and_fragments():
    shape = SelectionShape(parse("{ a { b { c } } } fragment F on T { x { ...G } } fragment G on T { y { z } }"))
    operation = parse("{ a { b { c } } }").definitions[0]
    assert shape.depth(operation.selection_set) == 2
    assert SelectionShape(parse("{ a { ...F } } fragment F on T { b { c { d } } }")).depth(
        parse("{ a { ...F } } fragment F on T { b { c { d } } }").definitions[0].selection_set) == 3
    assert shape.depth(parse("{ __schema { types { fields { name } } } }").definitions[0].selection_set) == 0


def test_aliases_count_fragments_wherever_spread_and_stay_linear():
    doc = parse("query { ...A x { ...A } } fragment A on T { a: f b: g ...B } fragment B on T { c: h }")
    assert SelectionShape(doc).aliases(doc.definitions[0].selection_set) == 6
    chain = "query { ...F0 } " + " ".join(f"fragment F{i} on Q {{ a{i}: f ...F{i + 1} x {{ ...F{i + 1} }} }}"
                                           for i in range(60)) + " fragment F60 on Q { z: f }"
    started = time.perf_counter()
    doc = parse(chain)
    assert SelectionShape(doc).aliases(doc.definitions[0].selection_set) > 2**60
    assert time.perf_counter() - started < 1


async def test_depth_limit():
    async with endpoint() as edge:
        assert not codes(await edge.post(incubators(7)))  # depth 10
        refused = await edge.post(incubators(8))
        assert codes(refused) == ["DEPTH_LIMIT_EXCEEDED"] and refused.json()["data"] is None
        deep = "fragment Up on Organization { " + incubators(8)[len("{ organizations { edges { node { "):-8] + " }"
        via_fragment = await edge.post("{ organizations { edges { node { ...Up } } } } " + deep)
        assert codes(via_fragment) == ["DEPTH_LIMIT_EXCEEDED"]
        nested = await edge.post("{a" * 900 + "}" * 900)
        assert codes(nested) == ["DEPTH_LIMIT_EXCEEDED"]


async def test_alias_limit_counts_fragments():
    async with endpoint() as edge:
        fifteen = " ".join(f"a{i}: __typename" for i in range(15))
        assert not codes(await edge.post(f"{{ {fifteen} }}"))
        assert codes(await edge.post(f"{{ {fifteen} extra: __typename }}")) == ["ALIAS_LIMIT_EXCEEDED"]
        fragment = "fragment Names on Area { " + " ".join(f"n{i}: name" for i in range(8)) + " }"
        once = "{ areas { edges { node { ...Names } } } } " + fragment
        assert not codes(await edge.post(once))
        twice = "{ areas { edges { node { ...Names } } } organizations { edges { node { area { ...Names } } } } } "
        assert codes(await edge.post(twice + fragment)) == ["ALIAS_LIMIT_EXCEEDED"]


async def test_token_limit_stops_the_parser_early():
    async with endpoint() as edge:
        assert "TOKEN_LIMIT_EXCEEDED" not in codes(await edge.post("{ " + "__typename " * 1990 + "}"))
        started = time.perf_counter()
        huge = await edge.post("{ " + "__typename " * 5000 + "}")  # 55 KB, 5,000 tokens
        assert time.perf_counter() - started < 1
        assert codes(huge) == ["TOKEN_LIMIT_EXCEEDED"]
        comments = await edge.post("#\n" * 2500 + "{ __typename }")
        assert codes(comments) == ["TOKEN_LIMIT_EXCEEDED"]


async def test_input_lists_in_literals_and_variables():
    async with endpoint() as edge:
        literal = await edge.post("{ needs(filter: {status: [" + "SUBMITTED " * 101 + "]}) { totalCount } }")
        assert codes(literal) == ["INPUT_LIST_TOO_LONG"]
        query = "query($s: [NeedStatus!]) { needs(filter: {status: $s}) { totalCount } }"
        assert codes(await edge.post(query, {"s": ["SUBMITTED"] * 101})) == ["INPUT_LIST_TOO_LONG"]
        nested = await edge.post("query($x: String) { __typename }", {"x": "a", "y": {"z": [[0] * 101]}})
        assert codes(nested) == ["INPUT_LIST_TOO_LONG"]
        assert "INPUT_LIST_TOO_LONG" not in codes(await edge.post(query, {"s": ["SUBMITTED"] * 100}))


async def test_page_size_limit():
    async with endpoint() as edge:
        assert codes(await edge.post("{ areas(first: 101) { totalCount } }")) == ["PAGE_SIZE_EXCEEDED"]
        assert not codes(await edge.post("{ areas(first: 100) { totalCount } }"))


async def test_overlapping_fields_validation_is_budgeted():
    async with endpoint() as edge:
        started = time.perf_counter()
        repeated = await edge.post("{ " + "areas { totalCount } " * 450 + "}")
        assert codes(repeated) == ["VALIDATION_LIMIT_EXCEEDED"]
        assert time.perf_counter() - started < 1.5
        assert not codes(await edge.post("{ " + "areas { totalCount } " * 20 + "}"))


INTROSPECTION = ["{ __schema { queryType { name } } }", '{ __type(name: "Area") { name } }']


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_introspection_is_closed_in_production_except_for_centre_admins(query):
    async with endpoint(production()) as edge:
        refused = await edge.post(query, accept=GRAPHQL_RESPONSE)
        assert refused.status_code == 400 and codes(refused) == ["INTROSPECTION_DISABLED"]
        assert not codes(await edge.post("{ __typename }"))
    async with endpoint(production(), viewer=Viewer(role=Role.PARTNER, api_key_id=1)) as edge:
        assert codes(await edge.post(query)) == ["INTROSPECTION_DISABLED"]
    async with endpoint(production(), viewer=Viewer(role=Role.CENTRE_ADMIN, account_id=1)) as edge:
        assert not codes(await edge.post(query))
    async with endpoint() as edge:
        assert not codes(await edge.post(query))


async def test_graphiql_only_outside_production():
    async with endpoint(production()) as edge:
        page = await edge.get({}, accept="text/html")
        assert page.status_code == 404 and codes(page) == ["NOT_FOUND"]
    async with endpoint() as edge:
        page = await edge.get({}, accept="text/html")
        assert page.status_code == 200 and "graphiql" in page.text.lower()


MISSPELLED = [
    ("{ areaz { totalCount } }", None, "'areas'"),
    ("{ areas(frist: 1) { totalCount } }", None, "first"),
    ("query($k: AreaKnd) { areas(kind: $k) { totalCount } }", None, "AreaKind"),
    ("{ areas(kind: COMUNITY) { totalCount } }", None, "COMMUNITY"),
    ("query($k: AreaKind) { areas(kind: $k) { totalCount } }", {"k": "COMUNITY"}, "COMMUNITY"),
    ('{ organizations(filter: {serch: "x"}) { totalCount } }', None, "search"),
    ("query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }", {"f": {"serch": "x"}}, "search"),
    ("{ areas { edges { node { nme } } } }", None, "name"),
]


@pytest.mark.parametrize(("query", "variables", "hint"), MISSPELLED)
async def test_no_did_you_mean_hints(query, variables, hint):
    async with endpoint() as edge:
        response = await edge.post(query, variables)
        assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
        message = response.json()["errors"][0]["message"]
        assert "Did you mean" not in response.text and hint not in message, message


def test_only_a_batch_of_needs_may_be_longer_than_other_lists():
    from graphql_api.limits import variables_fit
    from graphql_api.schema import schema

    def fits(query: str, variables: dict) -> bool:
        return variables_fit(schema._schema, parse(query), variables, 100)

    assign = "mutation($i: MatchAssignInput!) { matchAssign(input: $i) { written } }"
    assert fits(assign, {"i": {"needIds": ["TmVlZDox"] * 2000, "dryRun": True}})
    assert not fits(assign, {"i": {"needIds": ["TmVlZDox"] * 2001, "dryRun": True}})
    by_variable = "mutation($ids: [ID!]!) { matchAssign(input: {needIds: $ids}) { written } }"
    assert fits(by_variable, {"ids": ["TmVlZDox"] * 2000})
    assert not fits(by_variable, {"ids": ["TmVlZDox"] * 2001})
    twice = ("mutation($ids: [ID!]!) { matchAssign(input: {needIds: $ids}) { written } accountCreate(input: "
             '{username: "a", password: "b", displayName: "c", role: STAFF, areaIds: $ids}) { errors { code } } }')
    assert not fits(twice, {"ids": ["TmVlZDox"] * 101})  # also a list of communities: 100 at most
    assert not fits("query($s: [NeedStatus!]) { needs(filter: {status: $s}) { totalCount } }",
                    {"s": ["SUBMITTED"] * 101})
    assert not fits(by_variable, {"ids": ["x"] * 50, "undeclared": [0] * 101})
