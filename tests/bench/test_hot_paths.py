"""The hot-path shortcuts change how answers are computed, never what they say.

- Types built lazily over a row (:mod:`graphql_api.types.row_backed`) hold the same values as over a model
  instance, and answer every field.
- The executor's shortcuts (:mod:`graphql_api.execution`) give the same answer, errors and nulls included,
  as Strawberry's own executor.
- The compiled plans (:mod:`graphql_api.plans`) answer the nested selections, and whatever a plan cannot
  answer (here a null where the schema forbids one, a value its enum refuses) leaves with the same errors as
  Strawberry's executor reports.
- An answer leaves no reference cycle behind: its rows, loaders and context are freed when it is sent, not
  when the cyclic garbage collector runs (which kept every answer alive in memory until then).
- Professionals loaded for a page read only the columns their selection shows, with the same answer as
  over whole rows.
- The benchmark's three shapes send as many statements for a small page as for a full one.
"""

from __future__ import annotations

import dataclasses
import gc

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise import connections

import models
from graphql_api import plans
from graphql_api.context import Context
from graphql_api.execution import LinliExecutor
from graphql_api.loaders import Loaders
from graphql_api.schema import schema
from graphql_api.types.area import Area
from graphql_api.types.need import Match, Need
from graphql_api.types.organization import Organization
from graphql_api.types.professional import Membership, Professional
from graphql_api.types.resident import Resident
from resolvers.pagination import paginate_children
from resolvers.rows import Row, rows_by_id
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


async def test_the_nested_selections_are_answered_by_compiled_plans(admin_gql):
    here, _ = await _city()
    plans._PLANS.clear()
    await admin_gql.ok(NESTED, {"n": 10, "community": gid("Area", here.id)})
    planned = {entry[1][0].name for entry in plans._PLANS.values() if entry[0] is not None}
    assert {"Resident", "Area", "MatchConnection", "MatchEdge", "Match", "Professional",
            "MembershipConnection", "MembershipEdge", "Membership"} <= planned
    assert not {"Need", "NeedEdge"} & planned  # `matches(first:)` runs a resolver: graphql-core's path, plans below


WITH_DIRECTIVE = """query($n: Int!, $with: Boolean!) {
  organizations(first: $n) { edges { node { id name memberships(first: $n) { totalCount edges { node {
    role professional { id name @include(if: $with) profession @skip(if: $with) } } } } } } }
}"""


async def test_a_document_with_directives_has_no_plan_and_follows_its_variables(admin_gql, stock_executor):
    await _city()
    plans._PLANS.clear()
    answers = []
    for stock in (False, True):
        stock_executor(stock)
        answers.append([await admin_gql.ok(WITH_DIRECTIVE, {"n": 5, "with": w}) for w in (True, False, True)])
    assert answers[0] == answers[1]
    members = [a["organizations"]["edges"][0]["node"]["memberships"]["edges"] for a in answers[0]]
    assert set(members[0][0]["node"]["professional"]) == {"id", "name"} == set(members[2][0]["node"]["professional"])
    assert set(members[1][0]["node"]["professional"]) == {"id", "profession"}
    assert not plans._PLANS  # field collection depends on the variables: graphql-core's path every time


async def test_what_a_plan_cannot_answer_leaves_with_strawberrys_errors(admin_gql, stock_executor, monkeypatch):
    here, elders = await _city()
    variables = {"n": 10, "community": gid("Area", here.id)}
    first_need = (await models.Need.filter(resident_id=elders[0].id).first()).id

    async def both() -> list[dict]:
        plans._PLANS.clear()  # plans read ROW_FIELDS when compiled (at run time they never change but here)
        answers = []
        for stock in (False, True):
            stock_executor(stock)
            answer = await admin_gql.execute(NESTED, variables)
            for error in answer["errors"]:  # an internal error's correlation id is new every time
                error["message"] = error["message"].replace(error["extensions"].pop("correlationId", "-"), "<id>")
            answers.append({k: v for k, v in answer.items() if k != "extensions"})
        assert answers[0] == answers[1]
        return answers[0]

    def broken_phone(row):
        if row.name == "护工0":
            raise ValueError("unreadable phone")
        return row.phone

    with monkeypatch.context() as patch:  # a nullable leaf failing: an error, a null, the rest of the answer
        patch.setitem(Professional.ROW_FIELDS, "phone", broken_phone)
        answer = await both()
    assert len(answer["errors"]) == 3 and {e["path"][-1] for e in answer["errors"]} == {"phone"}  # 3 needs
    assert answer["data"]["needs"]["totalCount"] == 3
    with monkeypatch.context() as patch:  # a value outside its enum on the organizations' matches
        patch.setitem(Match.ROW_FIELDS, "status", lambda row: "BOGUS" if row.score is None else row.status)
        answer = await both()
    assert [error["path"][-1] for error in answer["errors"]] == ["status"] and answer["data"] is None
    with monkeypatch.context() as patch:  # a non-null title missing on one need
        patch.setitem(Need.ROW_FIELDS, "title", lambda row: None if row.id == first_need else row.title)
        answer = await both()
    assert [error["path"][-1] for error in answer["errors"]] == ["title"] and answer["data"] is None
    # a stored value its column cannot convert (read by a plan straight from the row, then again by graphql-core)
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    await conn.execute_query(f"UPDATE membership SET role = 'BOGUS' WHERE id = {mark}",
                             [(await models.Membership.first()).id])
    answer = await both()
    assert [error["path"][-1] for error in answer["errors"]] == ["role"] and answer["data"] is None


async def test_an_answer_leaves_no_reference_cycle(admin_gql):
    here, _ = await _city()
    variables = {"n": 10, "community": gid("Area", here.id)}
    await admin_gql.ok(NESTED, variables)
    gc.collect()
    gc.disable()
    try:
        await admin_gql.ok(NESTED, variables)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = {type(o) for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left & {Context, Loaders, LinliExecutor, Row, Need, Match}, left


PROFESSIONAL_FIELDS = " ".join(sorted(set(Professional.FIELD_COLUMNS) - {"__typename"})).replace(
    "availability", "availability { weekday start end }")
EVERY_COLUMN = f"""query($community: ID!) {{
  organizations(first: 5) {{ edges {{ node {{ memberships(first: 5) {{ edges {{ node {{
    professional {{ {PROFESSIONAL_FIELDS} }} second: professional {{ ...more }} }} }} }} }} }} }}
  needs(first: 5, filter: {{communityId: $community}}) {{ edges {{ node {{ matches(first: 5) {{ edges {{ node {{
    provider {{ __typename ... on Professional {{ {PROFESSIONAL_FIELDS} }} ... on Organization {{ name }} }} }} }} }}
  }} }} }}
}}
fragment more on Professional {{ memberships(first: 1) {{ totalCount }} }}"""


async def test_professionals_are_read_with_the_columns_their_selection_needs(admin_gql, monkeypatch):
    import graphql_api.loaders

    here, _ = await _city()
    loads = []

    async def spy(model, ids, fields=None):
        loads.append((model, fields))
        return await rows_by_id(model, ids, fields)

    async def spy_joins(relation, parent_ids, args, joins=(), fields=None):  # rows read with a page (Joined)
        loads.extend((join.model, join.fields) for join in joins if join.model is models.Professional)
        return await paginate_children(relation, parent_ids, args, joins, fields)

    monkeypatch.setattr(graphql_api.loaders, "rows_by_id", spy)
    monkeypatch.setattr(graphql_api.loaders, "paginate_children", spy_joins)
    narrow = await admin_gql.ok(Q3_LIKE, {})
    assert loads == [(models.Professional, ("id", "name", "profession"))]
    variables = {"community": gid("Area", here.id)}
    narrowed = await admin_gql.ok(EVERY_COLUMN, variables)
    assert (models.Professional, None) in loads  # `memberships` is not answered from the row: whole rows
    assert any(fields and "availability" in fields and "latitude" not in fields for _, fields in loads)  # providers
    monkeypatch.setattr(Professional, "FIELD_COLUMNS", {})
    loads.clear()
    assert await admin_gql.ok(EVERY_COLUMN, variables) == narrowed
    assert await admin_gql.ok(Q3_LIKE, {}) == narrow
    assert {fields for model, fields in loads if model is models.Professional} == {None}


def _every_field(graphql_type: type) -> str:
    return " ".join(sorted(set(graphql_type.FIELD_COLUMNS) - {"__typename", "resident", "community"}))


EVERY_NEED_COLUMN = f"""query($community: ID!) {{ needs(first: 5, filter: {{communityId: $community}}) {{
  edges {{ node {{ {_every_field(Need)} resident {{ {_every_field(Resident)} }} community {{ id name }} }} }} }} }}"""


async def test_needs_and_residents_are_read_with_the_columns_their_selection_needs(admin_gql, monkeypatch):
    import graphql_api.loaders
    import resolvers.pagination

    here, _ = await _city()
    loads = []

    async def spy_rows(model, ids, fields=None):
        loads.append((model, fields))
        return await rows_by_id(model, ids, fields)

    read_page = resolvers.pagination.limited_rows

    async def spy_page(queryset, limit, fields):
        loads.append((queryset.model, fields))
        return await read_page(queryset, limit, fields)

    monkeypatch.setattr(graphql_api.loaders, "rows_by_id", spy_rows)
    monkeypatch.setattr(resolvers.pagination, "limited_rows", spy_page)
    variables = {"community": gid("Area", here.id)}
    narrowed = await admin_gql.ok(EVERY_NEED_COLUMN, variables)
    assert dict(loads)[models.Need] and "latitude" in dict(loads)[models.Need] and \
        "closed_at" not in dict(loads)[models.Need]
    assert dict(loads)[models.Resident] and "id_number" in dict(loads)[models.Resident] and \
        "birth_date" not in dict(loads)[models.Resident]
    for graphql_type in (Need, Resident):
        monkeypatch.setattr(graphql_type, "FIELD_COLUMNS", {})
    loads.clear()
    assert await admin_gql.ok(EVERY_NEED_COLUMN, variables) == narrowed
    assert {fields for _, fields in loads} == {None}
    assert len(narrowed["needs"]["edges"]) == 3


EVERY_ORGANIZATION_COLUMN = f"""query($community: ID!) {{ needs(first: 5, filter: {{communityId: $community}}) {{
  edges {{ node {{ matches(first: 5) {{ edges {{ node {{ provider {{ __typename ... on Organization {{
    {_every_field(Organization).replace("location", "location { latitude longitude }")} }} }} }} }} }} }} }} }} }}"""


async def test_organizations_as_providers_are_read_with_the_columns_their_selection_needs(admin_gql, monkeypatch):
    import graphql_api.loaders

    here, _ = await _city()
    joined = []

    async def spy_joins(relation, parent_ids, args, joins=(), fields=None):
        joined.extend(join.fields for join in joins if join.model is models.Organization)
        return await paginate_children(relation, parent_ids, args, joins, fields)

    monkeypatch.setattr(graphql_api.loaders, "paginate_children", spy_joins)
    variables = {"community": gid("Area", here.id)}
    narrowed = await admin_gql.ok(EVERY_ORGANIZATION_COLUMN, variables)
    assert joined and all(f and "description" in f and "area_id" in f for f in joined)
    providers = [e["node"]["provider"] for n in narrowed["needs"]["edges"] for e in n["node"]["matches"]["edges"]]
    assert any(p["__typename"] == "Organization" for p in providers)
    joined.clear()
    narrow = await admin_gql.ok(NESTED, {"n": 5, "community": gid("Area", here.id)})
    assert joined and all(f and "description" not in f for f in joined)
    monkeypatch.setattr(Organization, "FIELD_COLUMNS", {})
    joined.clear()
    assert await admin_gql.ok(EVERY_ORGANIZATION_COLUMN, variables) == narrowed
    assert await admin_gql.ok(NESTED, {"n": 5, "community": gid("Area", here.id)}) == narrow
    assert set(joined) == {None}


MATCH_SELECTIONS = {"scoreBreakdown": "scoreBreakdown { criterion points reasonZh }",
                    "provider": "provider { __typename ... on Professional { name } }", "need": "need { id title }"}
EVERY_MATCH_COLUMN = f"""query($community: ID!) {{ needs(first: 5, filter: {{communityId: $community}}) {{
  edges {{ node {{ matches(first: 5) {{ edges {{ node {{
    {" ".join(MATCH_SELECTIONS.get(f, f) for f in _every_field(Match).split())} }} }} }} }} }} }} }}"""


async def test_proposals_are_read_with_the_columns_their_selection_needs(admin_gql, monkeypatch):
    import graphql_api.loaders

    here, _ = await _city()
    read = []

    async def spy_pages(relation, parent_ids, args, joins=(), fields=None):
        if relation.model is models.Match:
            read.append(fields)
        return await paginate_children(relation, parent_ids, args, joins, fields)

    monkeypatch.setattr(graphql_api.loaders, "paginate_children", spy_pages)
    variables = {"community": gid("Area", here.id)}
    narrowed = await admin_gql.ok(EVERY_MATCH_COLUMN, variables)
    assert read and all(f and "score_breakdown" in f and "professional_id" in f for f in read)
    assert any(e["node"]["matches"]["edges"] for e in narrowed["needs"]["edges"])
    read.clear()
    narrow = await admin_gql.ok(NESTED, {"n": 5, "community": gid("Area", here.id)})
    assert read and all(f and "score_breakdown" not in f and "created_at" not in f for f in read)
    monkeypatch.setattr(Match, "FIELD_COLUMNS", {})
    read.clear()
    assert await admin_gql.ok(EVERY_MATCH_COLUMN, variables) == narrowed
    assert await admin_gql.ok(NESTED, {"n": 5, "community": gid("Area", here.id)}) == narrow
    assert set(read) == {None}


Q3_LIKE = """{ organizations(first: 5) { edges { node { memberships(first: 5) { edges { node {
  professional { id ... on Professional { name } ...profession } } } } } } } }
fragment profession on Professional { profession }"""


async def test_the_benchmark_shapes_send_as_many_statements_for_any_page_size(admin_gql, sql):
    here, _ = await _city()
    counts = {}
    for n in (2, 10):  # from 2 on, every page holds both kinds of provider
        with sql() as counter:
            await admin_gql.ok(NESTED, {"n": n, "community": gid("Area", here.id)})
        counts[n] = counter.count
    assert counts[2] == counts[10]
