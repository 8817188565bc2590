"""``matchCandidates`` through the real GraphQL endpoint: ranking, reasons, exclusions, access, SQL count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Match, ProviderBlock
from models.enums import CareCategory, CertificationKind, Gender, MatchStatus, ProviderKind
from tests.factories import make_areas
from tests.factories_matching import (
    as_professional,
    as_resident,
    centre_admin,
    make_carer,
    make_certificate,
    make_elder,
    make_open_need,
    staff,
)
from tests.factories_residents import gid

C, K = CareCategory, CertificationKind
CANDIDATES = """query($id: ID!, $first: Int!, $excluded: Boolean!) {
  matchCandidates(needId: $id, first: $first, includeExcluded: $excluded) {
    totalEligible need { title }
    candidates { score reasons { criterion zh en }
      breakdown { criterion points maxPoints reasonZh reasonEn }
      provider { __typename ... on Professional { id name } ... on Organization { id name } } }
    excluded { provider { ... on Professional { name } ... on Organization { name } }
      failed { code messageZh messageEn } }
  }
}"""


async def _rank(client, need, first=10, excluded=False) -> dict:
    data = await client.ok(CANDIDATES, {"id": gid("Need", need.id), "first": first, "excluded": excluded})
    return data["matchCandidates"]


def _excluded(ranking: dict) -> dict[str, list[str]]:
    return {e["provider"]["name"]: [f["code"] for f in e["failed"]] for e in ranking["excluded"]}


async def test_candidates_are_ranked_with_a_breakdown_and_bilingual_reasons(gql_as):
    _, here, there = await make_areas()
    await make_carer(here, "近处的护理员", years_experience=10.0, skills=["助餐配送"])
    await make_carer(there, "远处的护理员", latitude=here.latitude + 0.01, longitude=here.longitude, travel_km=3.0)
    need = await make_open_need(await make_elder(here), skills_wanted=["助餐配送"],
                                latitude=here.latitude, longitude=here.longitude)
    ranking = await _rank(gql_as(staff(here.id)), need)
    assert ranking["totalEligible"] == 2
    assert [c["provider"]["name"] for c in ranking["candidates"]] == ["近处的护理员", "远处的护理员"]
    best = ranking["candidates"][0]
    assert best["score"] == pytest.approx(sum(part["points"] for part in best["breakdown"]))
    assert {part["criterion"] for part in best["breakdown"]} == {
        "PROXIMITY", "SKILL", "CONTINUITY", "RELIABILITY", "FAIRNESS", "URGENCY"}
    assert best["reasons"][0] == {"criterion": "PROXIMITY", "zh": "同一社区", "en": "In the same community"}
    far = ranking["candidates"][1]["breakdown"][0]
    assert far["reasonZh"].startswith("距离约1.1公里") and far["points"] < far["maxPoints"]
    assert ranking["excluded"] == []


async def test_include_excluded_explains_why_not_each_provider(gql_as):
    _, here, there = await make_areas()
    await make_carer(here, "合格护理员", (C.BATHING,), (K.ELDER_CARE_WORKER,))
    await make_carer(here, "无证护理员", (C.BATHING,))
    await make_carer(here, "男护理员", (C.BATHING,), (K.NURSE,), gender=Gender.MALE)
    await make_carer(there, "别的社区", (C.BATHING,), (K.NURSE,))
    await make_carer(here, "只会普通话", (C.BATHING,), (K.NURSE,), languages=["zh"])
    need = await make_open_need(await make_elder(here), C.BATHING, preferred_gender=Gender.FEMALE,
                                languages=["zh", "hangzhou-dialect"])
    ranking = await _rank(gql_as(centre_admin()), need, excluded=True)
    assert [c["provider"]["name"] for c in ranking["candidates"]] == ["合格护理员", "只会普通话"]
    assert _excluded(ranking) == {"无证护理员": ["QUALIFICATION"], "男护理员": ["GENDER"], "别的社区": ["PLACE"]}
    reasons = {e["provider"]["name"]: e["failed"][0] for e in ranking["excluded"]}
    assert reasons["无证护理员"]["messageZh"] == "缺少有效资质：养老护理员或护士"
    assert reasons["男护理员"]["messageEn"] == "The resident prefers a female carer"


async def test_blocked_and_declined_providers_are_excluded(gql_as):
    _, here, _ = await make_areas()
    blocked = await make_carer(here, "被屏蔽的")
    declined = await make_carer(here, "婉拒过的")
    await make_carer(here, "可以的")
    elder = await make_elder(here)
    need = await make_open_need(elder)
    await ProviderBlock.create(resident=elder, provider_kind=ProviderKind.PROFESSIONAL, professional=blocked)
    await Match.create(need=need, provider_kind=ProviderKind.PROFESSIONAL, professional=declined,
                       status=MatchStatus.DECLINED, proposed_by="engine")
    ranking = await _rank(gql_as(centre_admin()), need, excluded=True)
    assert [c["provider"]["name"] for c in ranking["candidates"]] == ["可以的"]
    assert _excluded(ranking) == {"被屏蔽的": ["BLOCKED"], "婉拒过的": ["DECLINED"]}


async def test_an_expired_or_unverified_certificate_does_not_count(gql_as):
    _, here, _ = await make_areas()
    expired = await make_carer(here, "证书过期", (C.MEDICAL,))
    await make_certificate(expired, K.NURSE, expires_on=date.today() - timedelta(days=1))
    unverified = await make_carer(here, "未核验", (C.MEDICAL,))
    await make_certificate(unverified, K.DOCTOR, verified=False)
    ends_too_soon = await make_carer(here, "服务前到期", (C.MEDICAL,))
    await make_certificate(ends_too_soon, K.NURSE, expires_on=date.today() + timedelta(days=1))
    await make_carer(here, "有效证书", (C.MEDICAL,), (K.DOCTOR,))
    need = await make_open_need(await make_elder(here), C.MEDICAL, days=3)
    ranking = await _rank(gql_as(centre_admin()), need, excluded=True)
    assert [c["provider"]["name"] for c in ranking["candidates"]] == ["有效证书"]
    assert _excluded(ranking) == {"证书过期": ["QUALIFICATION"], "未核验": ["QUALIFICATION"],
                                  "服务前到期": ["QUALIFICATION"]}


async def test_children_need_carers_with_both_child_safety_checks(gql_as):
    _, here, _ = await make_areas()
    await make_carer(here, "缺无犯罪记录", (C.FAMILY_READING,), (K.HEALTH_CERTIFICATE,))
    await make_carer(here, "齐全", (C.FAMILY_READING,), (K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD))
    need = await make_open_need(await make_elder(here, "李妈妈"), C.FAMILY_READING)
    ranking = await _rank(gql_as(centre_admin()), need, excluded=True)
    assert [c["provider"]["name"] for c in ranking["candidates"]] == ["齐全"]
    assert _excluded(ranking) == {"缺无犯罪记录": ["CHILD_SAFETY"]}


@pytest.mark.parametrize(("viewer", "code"), [
    (None, "UNAUTHENTICATED"), ("resident", "FORBIDDEN"), ("professional", "FORBIDDEN"), ("other_staff", "FORBIDDEN"),
])
async def test_only_staff_serving_the_community_rank_candidates(gql, gql_as, viewer, code):
    _, here, there = await make_areas()
    carer = await make_carer(here, "护理员")
    elder = await make_elder(here)
    need = await make_open_need(elder)
    client = {None: gql, "resident": gql_as(as_resident(elder)), "professional": gql_as(as_professional(carer)),
              "other_staff": gql_as(staff(there.id))}[viewer]
    body = await client.execute(CANDIDATES, {"id": gid("Need", need.id), "first": 5, "excluded": False})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code


async def test_staff_of_the_subdistrict_serve_its_communities(gql_as):
    subdistrict, here, _ = await make_areas()
    await make_carer(here, "护理员")
    need = await make_open_need(await make_elder(here))
    ranking = await _rank(gql_as(staff(subdistrict.id)), need)
    assert ranking["totalEligible"] == 1


async def test_first_is_capped_at_100(gql_as):
    _, here, _ = await make_areas()
    need = await make_open_need(await make_elder(here))
    body = await gql_as(centre_admin()).execute(CANDIDATES, {"id": gid("Need", need.id), "first": 101,
                                                            "excluded": False})
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_statement_count_does_not_grow_with_the_number_of_candidates(gql_as, sql):
    _, here, _ = await make_areas()
    need = await make_open_need(await make_elder(here), latitude=here.latitude, longitude=here.longitude)
    client = gql_as(centre_admin())
    counts, made = {}, 0
    for total in (10, 60):
        for i in range(made, total):
            await make_carer(here, f"护理员{i:02d}", (C.MEALS,), (K.HEALTH_CERTIFICATE,))
        made = total
        with sql() as counter:
            ranking = await _rank(client, need, first=100, excluded=True)
        assert len(ranking["candidates"]) == total
        counts[total] = counter.count
    print(f"\nmatchCandidates: {counts[10]} statements for 10 candidates, {counts[60]} for 60")
    assert counts[10] == counts[60]
