"""The static cost of an operation: computed before execution, capped per operation, reported in extensions."""

import pytest
from graphql import parse

from graphql_api.cost import MUTATION_COST, operation_cost
from graphql_api.schema import schema
from tests.graphql_api.edge import codes, endpoint, settings

NODES = "edges { node { id name } }"


def cost(query: str, variables: dict | None = None, operation: str | None = None) -> int | None:
    return operation_cost(schema._schema, parse(query), operation, variables)


@pytest.mark.parametrize(("query", "variables", "expected"), [
    ("{ __typename }", None, 1),
    ("{ areas { totalCount } }", None, 1),
    (f"{{ areas {{ {NODES} }} }}", None, 1 + 20 * 2),
    (f"{{ areas(first: 5) {{ {NODES} }} }}", None, 1 + 5 * 2),
    (f"{{ areas(last: 10) {{ {NODES} }} }}", None, 1 + 10 * 2),
    (f"query($n: Int) {{ areas(first: $n) {{ {NODES} }} }}", {"n": 50}, 1 + 50 * 2),
    (f"query($n: Int) {{ areas(first: $n) {{ {NODES} }} }}", {}, 1 + 20 * 2),
    (f"{{ areas(first: 1000) {{ {NODES} }} }}", None, 1 + 100 * 2),
    (f"{{ areas(first: 0) {{ {NODES} }} }}", None, 1),
    ("{ organizations(first: 10) { edges { node { projects(first: 10) { edges { node { id } } } } } } }", None,
     1 + 10 * (1 + 1 + (1 + 10 * 2))),
    (f"{{ areas {{ ...A }} }} fragment A on AreaConnection {{ {NODES} }}", None, 1 + 20 * 2),
    (f"{{ areas {{ ...A ...A }} }} fragment A on AreaConnection {{ {NODES} }}", None, 1 + 20 * 2),
    (f"{{ areas {{ ... on AreaConnection {{ {NODES} }} }} }}", None, 1 + 20 * 2),
    ("mutation { __typename }", None, MUTATION_COST),
])
def test_connections_cost_their_page_size_times_their_selections(query, variables, expected):
    assert cost(query, variables) == expected


def test_the_named_operation_is_costed_and_fragment_bombs_stay_linear():
    query = f"query Small {{ __typename }} query Big {{ areas(first: 100) {{ {NODES} }} }}"
    assert cost(query, operation="Small") == 1 and cost(query, operation="Big") == 201
    assert cost(query) is None
    bomb = "query { ...F0 } " + " ".join(
        f"fragment F{i} on Query {{ areas(first: 2) {{ edges {{ node {{ id }} }} }} ...F{i + 1} }}" for i in range(50)
    ) + " fragment F50 on Query { __typename }"
    assert cost(bomb) == 50 * 5


async def test_cost_is_reported_and_capped(db):
    async with endpoint() as edge:
        response = await edge.post(f"{{ areas(first: 10) {{ {NODES} }} }}")
        assert not codes(response)
        assert response.json()["extensions"]["cost"] == {
            "requested": 21, "limit": 5000, "budget": 50000, "remaining": 50000 - 21,
            "resetAfter": response.json()["extensions"]["cost"]["resetAfter"],
        }
        nested = "{ organizations(first: 100) { edges { node { projects(first: 100) { edges { node { id } } } } } } }"
        refused = await edge.post(nested)
        assert codes(refused) == ["COST_LIMIT_EXCEEDED"] and refused.json()["data"] is None
        assert "20301" in refused.json()["errors"][0]["message"]
        assert refused.json()["extensions"]["cost"] == {"requested": 20301, "limit": 5000}
    async with endpoint(settings(max_cost=20)) as edge:
        assert codes(await edge.post(f"{{ areas(first: 10) {{ {NODES} }} }}")) == ["COST_LIMIT_EXCEEDED"]
        assert not codes(await edge.post(f"{{ areas(first: 5) {{ {NODES} }} }}"))
