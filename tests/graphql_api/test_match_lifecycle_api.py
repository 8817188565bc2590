"""Proposing, accepting, declining and dispatching matches through the real GraphQL endpoint."""

from __future__ import annotations

import asyncio

from models import Match, Need
from models.enums import CareCategory, MatchStatus, NeedStatus
from tests.factories import make_areas
from tests.factories_matching import (
    as_org_admin,
    as_professional,
    as_resident,
    centre_admin,
    make_carer,
    make_elder,
    make_open_need,
    make_service_org,
    staff,
)
from tests.factories_residents import gid

PROPOSE = """mutation($need: ID!, $provider: ID!) { matchPropose(input: {needId: $need, providerId: $provider}) {
  match { id status score proposedBy need { status }
          provider { ... on Professional { name } ... on Organization { name } }
          scoreBreakdown { criterion points maxPoints reasonZh } }
  errors { field code message } } }"""
ACCEPT = """mutation($id: ID!) { matchAccept(id: $id) { match { status respondedAt need { status } }
  errors { field code message } } }"""
DECLINE = """mutation($id: ID!, $reason: String) { matchDecline(id: $id, reason: $reason) {
  match { status declineReason need { status } } errors { field code } } }"""
DISPATCH = """mutation($id: ID!, $member: ID) { matchDispatch(id: $id, professionalId: $member) {
  match { id status provider { ... on Professional { name } } need { status } } errors { field code message } } }"""


async def _propose(client, need, provider, type_name="Professional") -> dict:
    data = await client.ok(PROPOSE, {"need": gid("Need", need.id), "provider": gid(type_name, provider.id)})
    return data["matchPropose"]


async def test_staff_propose_an_eligible_provider_with_the_score_breakdown(gql_as):
    _, here, _ = await make_areas()
    carer = await make_carer(here, "张护理员")
    need = await make_open_need(await make_elder(here))
    payload = await _propose(gql_as(staff(here.id)), need, carer)
    assert payload["errors"] == []
    match = payload["match"]
    assert (match["status"], match["proposedBy"], match["need"]["status"]) == ("PROPOSED", "staff#1", "PROPOSED")
    assert match["provider"] == {"name": "张护理员"}
    points = sum(part["points"] for part in match["scoreBreakdown"])
    assert 0 < match["score"] <= 1 and abs(match["score"] * 100 - points) < 0.01
    assert match["scoreBreakdown"][0] == {"criterion": "PROXIMITY", "points": 25.0, "maxPoints": 25.0,
                                          "reasonZh": "同一社区"}


async def test_a_resident_may_not_propose_and_nothing_is_written(gql_as):
    _, here, _ = await make_areas()
    carer = await make_carer(here, "张护理员")
    elder = await make_elder(here)
    need = await make_open_need(elder)
    payload = await _propose(gql_as(as_resident(elder)), need, carer)
    assert payload["match"] is None and payload["errors"][0]["code"] == "FORBIDDEN"
    assert await Match.all().count() == 0 and (await Need.get(id=need.id)).status == NeedStatus.SUBMITTED


async def test_an_ineligible_provider_is_refused_naming_every_broken_constraint(gql_as):
    _, here, there = await make_areas()
    carer = await make_carer(there, "别处的", (CareCategory.CLEANING,))
    need = await make_open_need(await make_elder(here))
    payload = await _propose(gql_as(centre_admin()), need, carer)
    error = payload["errors"][0]
    assert (payload["match"], error["code"], error["field"]) == (None, "NOT_ELIGIBLE", "providerId")
    assert "CATEGORY: Does not offer Meals" in error["message"] and "PLACE: Does not serve" in error["message"]
    assert await Match.all().count() == 0 and (await Need.get(id=need.id)).status == NeedStatus.SUBMITTED


async def test_the_provider_accepts_other_proposals_are_withdrawn(gql_as):
    _, here, _ = await make_areas()
    first, second = await make_carer(here, "甲"), await make_carer(here, "乙")
    need = await make_open_need(await make_elder(here))
    admin = gql_as(centre_admin())
    chosen = (await _propose(admin, need, first))["match"]["id"]
    other = (await _propose(admin, need, second))["match"]["id"]
    refused = (await gql_as(as_professional(second)).ok(ACCEPT, {"id": chosen}))["matchAccept"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    accepted = (await gql_as(as_professional(first)).ok(ACCEPT, {"id": chosen}))["matchAccept"]
    assert accepted["errors"] == []
    assert (accepted["match"]["status"], accepted["match"]["need"]["status"]) == ("ACCEPTED", "ACCEPTED")
    assert accepted["match"]["respondedAt"] is not None
    late = (await gql_as(as_professional(second)).ok(ACCEPT, {"id": other}))["matchAccept"]
    assert late["errors"][0]["code"] == "INVALID_STATE"
    assert await Match.filter(status=MatchStatus.WITHDRAWN).count() == 1


async def test_declining_reopens_the_need_and_excludes_the_provider(gql_as):
    _, here, _ = await make_areas()
    carer = await make_carer(here, "甲")
    need = await make_open_need(await make_elder(here))
    match_id = (await _propose(gql_as(centre_admin()), need, carer))["match"]["id"]
    payload = (await gql_as(as_professional(carer)).ok(DECLINE, {"id": match_id, "reason": "那天要值班"}))
    match = payload["matchDecline"]["match"]
    assert (match["status"], match["declineReason"], match["need"]["status"]) == ("DECLINED", "那天要值班", "MATCHING")
    again = await _propose(gql_as(centre_admin()), need, carer)
    assert again["errors"][0]["code"] == "NOT_ELIGIBLE" and "DECLINED" in again["errors"][0]["message"]


async def test_concurrent_accepts_of_overlapping_needs_book_the_professional_once(gql_as):
    _, here, _ = await make_areas()
    carer = await make_carer(here, "忙碌的护理员", max_concurrent=3)
    needs = [await make_open_need(await make_elder(here, name), hour=9) for name in ("王奶奶", "李爷爷")]
    admin = gql_as(centre_admin())
    ids = [(await _propose(admin, need, carer))["match"]["id"] for need in needs]
    client = gql_as(as_professional(carer))
    results = await asyncio.gather(*(client.ok(ACCEPT, {"id": match_id}) for match_id in ids))
    outcomes = sorted(r["matchAccept"]["errors"][0]["code"] if r["matchAccept"]["errors"] else "OK" for r in results)
    assert outcomes == ["CONFLICT", "OK"]
    assert await Match.filter(status=MatchStatus.ACCEPTED).count() == 1
    assert sorted(n.status for n in await Need.all()) == [NeedStatus.ACCEPTED, NeedStatus.PROPOSED]


async def test_an_accepted_organization_match_is_dispatched_to_its_best_member(gql_as):
    _, here, there = await make_areas()
    near = await make_carer(here, "本社区成员", years_experience=8.0)
    far = await make_carer(there, "外社区成员")
    organization = await make_service_org(here, "助餐服务社", [near, far])
    need = await make_open_need(await make_elder(here))
    match_id = (await _propose(gql_as(staff(here.id)), need, organization, "Organization"))["match"]["id"]
    admin = gql_as(as_org_admin(organization))
    assert (await admin.ok(ACCEPT, {"id": match_id}))["matchAccept"]["errors"] == []
    outsider = (await gql_as(as_professional(near)).ok(DISPATCH, {"id": match_id}))["matchDispatch"]
    assert outsider["errors"][0]["code"] == "FORBIDDEN"
    not_member = (await admin.ok(DISPATCH, {"id": match_id, "member": gid("Professional", 999)}))["matchDispatch"]
    assert not_member["errors"][0]["code"] == "NOT_FOUND"
    named = (await admin.ok(DISPATCH, {"id": match_id, "member": gid("Professional", far.id)}))["matchDispatch"]
    assert named["errors"][0]["code"] == "NOT_ELIGIBLE" and "PLACE" in named["errors"][0]["message"]
    dispatched = (await admin.ok(DISPATCH, {"id": match_id}))["matchDispatch"]
    assert dispatched["errors"] == []
    assert (dispatched["match"]["provider"], dispatched["match"]["status"]) == ({"name": "本社区成员"}, "PROPOSED")
    child = await Match.get(dispatched_from_id=(await Match.get(organization_id=organization.id)).id)
    assert gid("Match", child.id) == dispatched["match"]["id"]
    twice = (await admin.ok(DISPATCH, {"id": match_id}))["matchDispatch"]
    assert twice["errors"][0]["code"] == "INVALID_STATE"
    member_accepts = (await gql_as(as_professional(near)).ok(ACCEPT, {"id": gid("Match", child.id)}))["matchAccept"]
    assert member_accepts["errors"] == []
    assert (member_accepts["match"]["status"], member_accepts["match"]["need"]["status"]) == ("ACCEPTED", "ACCEPTED")
