"""``matchAssign`` through the real GraphQL endpoint: dry runs write nothing, real runs write everything."""

from __future__ import annotations

from models import Match, Need
from models.enums import MatchStatus, NeedStatus
from tests.factories import make_areas
from tests.factories_matching import as_resident, centre_admin, make_carer, make_elder, make_open_need, staff
from tests.factories_residents import gid

ASSIGN = """mutation($ids: [ID!]!, $dry: Boolean!) { matchAssign(input: {needIds: $ids, dryRun: $dry}) {
  totalScore method optimal written providersConsidered
  assignments { score need { id } provider { ... on Professional { name } } }
  unassigned { code messageZh messageEn exclusion need { id } }
  errors { field code message } } }"""


async def _batch(here, needs: int = 3):
    """Two carers (one assignment each) and ``needs`` overlapping needs: one need must wait."""
    await make_carer(here, "甲", max_concurrent=1, years_experience=10.0)
    await make_carer(here, "乙", max_concurrent=1)
    return [await make_open_need(await make_elder(here, f"老人{i}"), hour=9 + i % 2) for i in range(needs)]


async def _assign(client, needs, dry: bool) -> dict:
    return (await client.ok(ASSIGN, {"ids": [gid("Need", n.id) for n in needs], "dry": dry}))["matchAssign"]


async def test_a_dry_run_reports_the_optimal_assignment_and_writes_nothing(gql_as):
    _, here, _ = await make_areas()
    needs = await _batch(here)
    client = gql_as(staff(here.id))
    first = await _assign(client, needs, dry=True)
    assert first["errors"] == [] and first["written"] is False
    assert (first["method"], first["optimal"], first["providersConsidered"]) == ("LINEAR_SUM_ASSIGNMENT", True, 2)
    assert len(first["assignments"]) == 2
    assert abs(first["totalScore"] - sum(a["score"] for a in first["assignments"])) < 1e-6
    [left] = first["unassigned"]
    assert (left["code"], left["exclusion"]) == ("CAPACITY_EXHAUSTED", None)
    assert left["messageEn"] == "The eligible providers (2) all went to better-matching needs"
    assert await Match.all().count() == 0
    assert {n.status for n in await Need.all()} == {NeedStatus.SUBMITTED}
    second = await _assign(client, needs, dry=True)
    assert [(a["need"]["id"], a["provider"]["name"]) for a in second["assignments"]] == [
        (a["need"]["id"], a["provider"]["name"]) for a in first["assignments"]]


async def test_a_real_run_writes_every_proposal_and_need_status(gql_as):
    _, here, _ = await make_areas()
    needs = await _batch(here)
    payload = await _assign(gql_as(centre_admin()), needs, dry=False)
    assert payload["errors"] == [] and payload["written"] is True
    matches = await Match.all().order_by("need_id")
    assert [(m.status, m.proposed_by) for m in matches] == [(MatchStatus.PROPOSED, "engine")] * 2
    assert all(m.score_breakdown["components"] for m in matches)
    assigned = {int(m.need_id) for m in matches}
    statuses = {n.id: n.status for n in await Need.all()}
    assert {statuses[i] for i in assigned} == {NeedStatus.PROPOSED}
    assert [s for i, s in statuses.items() if i not in assigned] == [NeedStatus.SUBMITTED]


async def test_needs_without_any_eligible_provider_say_why(gql_as):
    _, here, there = await make_areas()
    await make_carer(there, "别处的")
    need = await make_open_need(await make_elder(here))
    payload = await _assign(gql_as(centre_admin()), [need], dry=True)
    [left] = payload["unassigned"]
    assert (left["code"], left["exclusion"]) == ("NO_ELIGIBLE_PROVIDER", "PLACE")
    assert left["messageZh"] == "没有符合条件的服务者，最常见原因：不在服务范围内"


async def test_only_open_needs_in_the_callers_communities_and_only_by_staff(gql_as):
    _, here, there = await make_areas()
    needs = await _batch(here, needs=2)
    elder = await make_elder(here, "居民")
    refused = await _assign(gql_as(as_resident(elder)), needs, dry=True)
    assert (refused["errors"][0]["code"], refused["totalScore"]) == ("FORBIDDEN", None)
    other = await _assign(gql_as(staff(there.id)), needs, dry=True)
    assert other["errors"][0]["code"] == "FORBIDDEN"
    await Need.filter(id=needs[0].id).update(status=NeedStatus.PROPOSED)
    closed = await _assign(gql_as(centre_admin()), needs, dry=False)
    assert (closed["errors"][0]["code"], closed["errors"][0]["field"]) == ("INVALID_STATE", "needIds")
    assert await Match.all().count() == 0


async def test_a_batch_may_hold_more_needs_than_other_lists_but_no_more_than_its_own_limit(gql_as):
    """Lists in variables hold at most 100 items (``LINLI_MAX_INPUT_LIST``), except a batch's needs: up to 2,000."""
    _, here, _ = await make_areas()
    await make_carer(here, "甲", max_concurrent=200)
    needs = [await make_open_need(await make_elder(here, f"老人{i}"), hour=8 + i % 10) for i in range(120)]
    client = gql_as(staff(here.id))
    payload = await _assign(client, needs, dry=True)
    assert payload["errors"] == [] and len(payload["assignments"]) + len(payload["unassigned"]) == 120
    body = await client.execute(ASSIGN, {"ids": [gid("Need", needs[0].id)] * 2001, "dry": True})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INPUT_LIST_TOO_LONG"]
    assert "MatchAssignInput.needIds 2,000" in body["errors"][0]["message"]
    elsewhere = """query($s: [NeedStatus!]) { needs(filter: {status: $s}) { totalCount } }"""
    body = await client.execute(elsewhere, {"s": ["SUBMITTED"] * 120})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INPUT_LIST_TOO_LONG"]
