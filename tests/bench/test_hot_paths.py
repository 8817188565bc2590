"""The hot-path shortcuts change how answers are computed, never what they say.

- Types built lazily over a row (:mod:`graphql_api.types.row_backed`) hold the same values as over a model
  instance, and answer every field.
- The executor's shortcuts (:mod:`graphql_api.execution`) give the same answer, errors and nulls included,
  as Strawberry's own executor.
- The benchmark's three shapes send as many statements for a small page as for a full one.
"""

from __future__ import annotations

import dataclasses

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import models
from graphql_api.schema import schema
from graphql_api.types.area import Area
from graphql_api.types.need import Match, Need
from graphql_api.types.organization import Organization
from graphql_api.types.professional import Membership, Professional
from graphql_api.types.resident import Resident
from resolvers.rows import rows_by_id
from tests.factories import make_areas
from tests.factories_matching import make_carer, make_elder, make_service_org
from tests.factories_residents import gid, make_match, make_need

TYPES = {Area: models.Area, Organization: models.Organization, Professional: models.Professional,
         Membership: models.Membership, Resident: models.Resident, Need: models.Need, Match: models.Match}
NESTED = """query($n: Int!, $community: ID!) {
  needs(first: $n, filter: {communityId: $community, openOnly: true}) { totalCount edges { cursor node {
    id title category categoryLabel status createdAt hasLocation languages __typename
    resident { id displayName ageBand } community { id name kind }
    matches(first: $n) { totalCount edges { node { id score status provider {
      __typename ... on Professional { id name profession phone } ... on Organization { id name } } } } } } } }
  organizations(first: $n) { edges { node { id name kindLabel location { latitude }
    memberships(first: $n) { totalCount edges { node { role professional { id name profession } } } } } } }
}"""
FORBIDDEN = "query($id: ID!) { node(id: $id) { ... on Resident { id displayName needs { totalCount } } } }"


async def _city():
    _, here, _ = await make_areas()
    carers = [await make_carer(here, f"护工{i}") for i in range(3)]
    organization = await make_service_org(here, "和睦助老服务社", carers)
    elders = [await make_elder(here, f"王奶奶{i}") for i in range(3)]
    for elder in elders:
        need = await make_need(elder)
        await make_match(need, carers[0], score=0.9)
        await make_match(need, organization, score=None)
    return here, elders


async def test_types_over_rows_answer_like_types_over_model_instances(db):
    await _city()
    for graphql_type, model in TYPES.items():
        instances = await model.all()
        rows = await rows_by_id(model, [m.id for m in instances])
        assert instances, model
        for instance in instances:
            over_model, over_row = graphql_type.from_model(instance), graphql_type.from_model(rows[instance.id])
            for field in dataclasses.fields(graphql_type):
                if getattr(field, "base_resolver", None) is None:
                    assert getattr(over_row, field.name) == getattr(over_model, field.name), (model, field.name)
            assert over_row == over_model


@pytest.fixture
def stock_executor():
    """Run the schema with Strawberry's own executor for the duration of a test."""
    def use(stock: bool) -> None:
        schema.execution_context_class = StrawberryGraphQLCoreExecutionContext if stock else fast
    fast = schema.execution_context_class
    yield use
    schema.execution_context_class = fast


async def test_the_fast_executor_answers_like_strawberrys(admin_gql, gql, stock_executor):
    here, elders = await _city()
    variables = {"n": 10, "community": gid("Area", here.id)}
    answers = []
    for stock in (False, True):
        stock_executor(stock)
        answers.append(tuple({k: v for k, v in answer.items() if k != "extensions"} for answer in (  # budgets move
            await admin_gql.execute(NESTED, variables),
            await gql.execute(FORBIDDEN, {"id": gid("Resident", elders[0].id)}))))
    assert answers[0] == answers[1]
    assert answers[0][0]["data"]["needs"]["totalCount"] == 3
    assert answers[0][1]["data"] == {"node": None}  # an anonymous caller: refused, as before


async def test_the_benchmark_shapes_send_as_many_statements_for_any_page_size(admin_gql, sql):
    here, _ = await _city()
    counts = {}
    for n in (2, 10):  # from 2 on, every page holds both kinds of provider
        with sql() as counter:
            await admin_gql.ok(NESTED, {"n": n, "community": gid("Area", here.id)})
        counts[n] = counter.count
    assert counts[2] == counts[10]
