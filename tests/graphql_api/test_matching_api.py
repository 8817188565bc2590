"""``matchCandidates`` through the real GraphQL endpoint: ranking, reasons, exclusions, access, SQL count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Match, Organization, Professional, ProviderBlock
from models.enums import CareCategory, CertificationKind, Gender, MatchStatus, ProviderKind
from resolvers.matching import match_candidates
from tests.factories import make_areas
from tests.factories_matching import (
    as_professional,
    as_resident,
    centre_admin,
    make_carer,
    make_certificate,
    make_elder,
    make_open_need,
    make_service_org,
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


FULL = """query($id: ID!, $excluded: Boolean!) {
  matchCandidates(needId: $id, first: 100, includeExcluded: $excluded) {
    totalEligible
    candidates { score reasons { criterion zh en } breakdown { criterion points maxPoints reasonZh reasonEn }
      provider { __typename ... on Professional { id name profession PRO } ... on Organization { id name ORG } } }
    excluded { failed { code messageZh messageEn }
      provider { __typename ... on Professional { id name profession PRO } ... on Organization { id name ORG } } }
  }
}"""
SHOWN = FULL.replace("PRO", "").replace("ORG", "")  # only columns the ranking's statements read
LOADED = FULL.replace("PRO", "bio yearsExperience").replace("ORG", "kind address")  # columns they do not read


async def _city_with_organizations():
    """A need with eligible and excluded professionals and organizations (one of each kind each way)."""
    _, here, there = await make_areas()
    near = await make_carer(here, "近处的护理员", years_experience=10.0, skills=["助餐配送"])
    await make_carer(here, "另一位护理员", years_experience=2.0)
    await make_carer(here, "男护理员", gender=Gender.MALE)
    far = await make_carer(there, "别的社区")
    await make_service_org(here, "本社区助餐社", [near])
    await make_service_org(there, "别处助餐社", [far])
    need = await make_open_need(await make_elder(here), skills_wanted=["助餐配送"], preferred_gender=Gender.FEMALE,
                                latitude=here.latitude, longitude=here.longitude)
    return need


def _provider_of(kind: str, row) -> dict:
    if kind == ProviderKind.PROFESSIONAL.value:
        return {"__typename": "Professional", "id": gid("Professional", row.id), "name": row.name,
                "profession": row.profession}
    return {"__typename": "Organization", "id": gid("Organization", row.id), "name": row.name}


async def _expected(need, excluded: bool) -> dict:
    """The answer as the engine's own result and the providers' rows give it (what the field-by-field
    resolvers answered before the providers came with the ranking)."""
    result = await match_candidates(centre_admin(), need.id, 100, excluded)

    async def provider(key) -> dict:
        model = Professional if key[0] == ProviderKind.PROFESSIONAL.value else Organization
        return _provider_of(key[0], await model.get(id=key[1]))

    return {
        "totalEligible": result.total_eligible,
        "candidates": [{
            "score": c.score,
            "reasons": [{"criterion": r.criterion.name, "zh": r.zh, "en": r.en} for r in c.reasons],
            "breakdown": [{"criterion": p.criterion.name, "points": p.points, "maxPoints": p.max_points,
                           "reasonZh": p.reason_zh, "reasonEn": p.reason_en} for p in c.breakdown],
            "provider": await provider(c.provider_key),
        } for c in result.candidates],
        "excluded": [{
            "failed": [{"code": e.code.name, "messageZh": e.message_zh, "messageEn": e.message_en}
                       for e in x.exclusions],
            "provider": await provider(x.provider_key),
        } for x in result.excluded],
    }


def _without_waiting(answer: dict) -> dict:
    """The answer with the need's waiting time left out (it grows between two rankings: the urgency
    criterion's points and reason, hence the score, move with the clock)."""
    copy = {**answer, "candidates": []}
    for candidate in answer["candidates"]:
        breakdown = [part for part in candidate["breakdown"] if part["criterion"] != "URGENCY"]
        urgency = next(part["points"] for part in candidate["breakdown"] if part["criterion"] == "URGENCY")
        copy["candidates"].append({**candidate, "breakdown": breakdown,
                                   "score": round(candidate["score"] - urgency, 6)})
    return copy


@pytest.mark.parametrize("excluded", [False, True])
@pytest.mark.parametrize("query", ["shown", "loaded"])
async def test_full_answers_equal_the_engine_result_and_the_provider_rows(gql_as, query, excluded):
    need = await _city_with_organizations()
    data = await gql_as(centre_admin()).ok(SHOWN if query == "shown" else LOADED,
                                           {"id": gid("Need", need.id), "excluded": excluded})
    ranking = data["matchCandidates"]
    if query == "loaded":  # the extra fields come from the loaded rows: checked, then left out
        for entry in ranking["candidates"] + ranking["excluded"]:
            professional = entry["provider"]["__typename"] == "Professional"
            extra = ("bio", "yearsExperience") if professional else ("kind", "address")
            assert all(entry["provider"].pop(field) is not None for field in extra)
    expected = await _expected(need, excluded)
    assert {c["provider"]["__typename"] for c in ranking["candidates"]} == {"Professional", "Organization"}
    if excluded:
        assert {e["provider"]["__typename"] for e in ranking["excluded"]} == {"Professional", "Organization"}
        assert {e["provider"]["name"] for e in ranking["excluded"]} == {"男护理员", "别的社区", "别处助餐社"}
    else:
        assert ranking["excluded"] == []
    assert _without_waiting(ranking) == _without_waiting(expected)


async def test_providers_in_the_answer_cost_no_statement_when_the_ranking_read_them(gql_as, sql):
    need = await _city_with_organizations()
    client = gql_as(centre_admin())
    bare = "query($id: ID!) { matchCandidates(needId: $id, first: 10) { candidates { score } } }"
    counts = {}
    for name, query in (("bare", bare), ("shown", SHOWN), ("loaded", LOADED)):
        variables = {"id": gid("Need", need.id)} | ({"excluded": True} if name != "bare" else {})
        await client.ok(query, variables)  # the account's statements of a first request, once
        with sql() as counter:
            await client.ok(query, variables)
        counts[name] = counter.count
    rank_all = await _count_ranking(sql, need, excluded=True)
    rank_bare = await _count_ranking(sql, need, excluded=False)
    assert counts["shown"] - rank_all == counts["bare"] - rank_bare  # the providers come with the ranking
    assert counts["loaded"] == counts["shown"] + 2  # one statement per kind for the columns it did not read


async def _count_ranking(sql, need, excluded: bool) -> int:
    with sql() as counter:
        await match_candidates(centre_admin(), need.id, 10, excluded)
    return counter.count
