"""The matching service layer: facts from rows, the SQL pre-filter, batch writes, and the demo subdistrict."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

import resolvers.match_assign as batch
from matching import Criterion, check, rank, to_local
from models import Area, Match, Need, Organization, Professional
from models.enums import CareCategory, CertificationKind, Gender, MatchStatus, NeedStatus, ProviderKind
from resolvers.demo import load_demo_data
from resolvers.errors import DomainError, ErrorCode
from resolvers.match_assign import match_assign
from resolvers.matching import match_candidates, rank_need
from resolvers.matching_candidates import organizations_by_id, organizations_offering, professionals_by_id
from resolvers.matching_facts import FactsAsOf
from resolvers.matching_needs import need_profiles
from resolvers.matching_profiles import matching_config
from tests.factories import make_areas
from tests.factories_matching import (
    centre_admin,
    local,
    make_carer,
    make_certificate,
    make_elder,
    make_open_need,
    make_service_org,
)
from tests.factories_residents import gid

pytestmark = pytest.mark.usefixtures("db")
C, K = CareCategory, CertificationKind
HOURS = (("08:00", "12:00"), ("08:00", "20:00"), ("12:00", "20:00"), ("11:00", "12:00"))
SKILLS = ["助浴", "喂饭", "康复训练"]
DEMO_CANDIDATES = """query($id: ID!) { matchCandidates(needId: $id, first: 3) {
  candidates { score reasons { zh en } provider { __typename } } } }"""


async def _history(carer: Professional, resident, status: MatchStatus, days: int, **values) -> Match:
    need = await make_open_need(resident, days=days, status=NeedStatus.COMPLETED)
    return await Match.create(need=need, provider_kind=ProviderKind.PROFESSIONAL, professional=carer, status=status,
                              proposed_by="engine", **values)


async def test_track_record_bookings_and_continuity_come_from_the_matches():
    _, here, _ = await make_areas()
    carer = await make_carer(here, "老练的护理员", max_concurrent=3)
    regular, other = await make_elder(here, "常客"), await make_elder(here, "别人")
    await _history(carer, regular, MatchStatus.COMPLETED, -40, rating=5)
    await _history(carer, regular, MatchStatus.COMPLETED, -10, rating=4)
    await _history(carer, other, MatchStatus.COMPLETED, -5, no_show=True)
    await _history(carer, other, MatchStatus.DECLINED, -3)
    await _history(carer, other, MatchStatus.WITHDRAWN, -2, responded_at=local(-3, 9))
    await _history(carer, other, MatchStatus.WITHDRAWN, -2)
    booked = await _history(carer, other, MatchStatus.ACCEPTED, 1)
    [profile] = await professionals_by_id([carer.id], FactsAsOf.of([regular.id, other.id], 4.0))
    assert (profile.completed, profile.no_shows, profile.cancelled) == (3, 1, 2)
    assert (profile.rating_sum, profile.rating_count) == (9.0, 2)
    assert (profile.active_assignments, profile.recent_assignments) == (1, 3)
    need = await Need.get(id=booked.need_id)
    assert [(w.start, w.end) for w in profile.booked] == [(to_local(need.window_start), to_local(need.window_end))]
    assert profile.served_resident_ratings == {regular.id: 4.5, other.id: 4.0}
    assert profile.community_ids == {here.id} and profile.gender == "F"


async def test_an_organization_serves_its_area_and_its_members_communities():
    subdistrict, here, there = await make_areas()
    nurse = await make_carer(there, "护士成员", (C.MEDICAL,), (K.NURSE,), languages=["zh", "hangzhou-dialect"],
                             max_concurrent=4)
    organization = await make_service_org(here, "社区医养服务社", [nurse], (C.MEDICAL,))
    [profile] = await organizations_offering([C.MEDICAL], FactsAsOf.of([], 4.0))
    assert profile.community_ids == {here.id, there.id}
    assert profile.languages == {"zh", "hangzhou-dialect"} and profile.max_concurrent == 4
    assert {c.kind for c in profile.certifications} == {K.NURSE} and profile.always_available
    organization.area_id = subdistrict.id
    await organization.save()
    [wide] = await organizations_offering([C.MEDICAL], FactsAsOf.of([], 4.0))
    assert wide.community_ids == {subdistrict.id, here.id, there.id}


async def test_the_sql_pre_filter_never_drops_an_eligible_provider():
    """Random carers, organizations and needs: ranking the pre-filtered rows (with only the facts each need
    looks at) equals ranking every professional and organization with all their facts."""
    _, here, there = await make_areas()
    await Area.filter(id=there.id).update(latitude=here.latitude + 0.02, longitude=here.longitude + 0.02)
    rng = random.Random(7)
    categories = [C.MEALS, C.BATHING, C.MEDICAL, C.FAMILY_READING]
    kinds = [K.ELDER_CARE_WORKER, K.NURSE, K.DOCTOR, K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD]
    for i in range(120):
        carer = await make_carer(
            rng.choice((here, there)), f"护理员{i:02d}", tuple(rng.sample(categories, 2)),
            latitude=here.latitude + rng.uniform(-0.05, 0.05), longitude=here.longitude + rng.uniform(-0.05, 0.05),
            travel_km=rng.choice((None, 1.0, 2.5, 5.0)), gender=rng.choice(list(Gender)),
            languages=rng.choice((["zh"], ["zh", "hangzhou-dialect"])), skills=rng.sample(SKILLS, rng.randint(0, 2)),
            birth_date=date(rng.choice((1970, 1990, 2010)), 6, 1),
            availability=[dict(zip(("weekday", "start", "end"), (d, *rng.choice(HOURS)), strict=True))
                          for d in rng.choices(range(7), k=6)],
        )
        for kind in rng.sample(kinds, rng.randint(0, 4)):
            await make_certificate(carer, kind, expires_on=date.today() + timedelta(days=rng.choice((-1, 2, 900))),
                                   verified=rng.random() < 0.8)
    carers = await Professional.all()
    organizations = [await make_service_org(rng.choice((here, there)), f"服务社{k}",
                                            rng.sample(carers, rng.randint(2, 6)), tuple(rng.sample(categories, 2)))
                     for k in range(6)]
    everyone = await professionals_by_id([c.id for c in carers], FactsAsOf.of([], 4.0))
    everyone += await organizations_by_id([o.id for o in organizations], FactsAsOf.of([], 4.0))
    config = matching_config()
    ranked_organizations = 0
    for j in range(40):
        located = j % 3 != 0
        need = await make_open_need(
            await make_elder(rng.choice((here, there)), f"老人{j}"), rng.choice(categories), days=rng.randint(1, 7),
            hour=rng.choice((8, 11, 12, 15)), latitude=here.latitude + rng.uniform(-0.04, 0.04) if located else None,
            longitude=here.longitude + rng.uniform(-0.04, 0.04) if located else None,
            preferred_gender=rng.choice((None, Gender.FEMALE)), languages=rng.choice(([], ["hangzhou-dialect"])),
            skills_wanted=rng.choice(([], SKILLS[:1], SKILLS)),
        )
        [profile] = await need_profiles([need])
        expected = rank(profile, everyone, config)
        ranked = await rank_need(centre_admin(), need.id, 100, include_excluded=j % 4 == 0)
        found = ranked.result
        assert ranked.shown == await _stored_columns([*found.candidates, *found.excluded])
        assert [c.provider_key for c in found.candidates] == [c.provider_key for c in expected.candidates]
        assert [_but_urgency(c.breakdown) for c in found.candidates] == [
            _but_urgency(c.breakdown) for c in expected.candidates]  # urgency moves with the clock
        assert found.total_eligible == expected.total_eligible
        ranked_organizations += sum(c.provider_key[0] == "ORGANIZATION" for c in found.candidates)
    assert ranked_organizations  # organizations were among the candidates compared


async def _stored_columns(listed: list) -> dict:
    """What ``rank_need`` shows of the listed providers, as the ORM reads their rows."""
    shown = {}
    for item in listed:
        kind, provider_id = item.provider_key
        if kind == ProviderKind.PROFESSIONAL.value:
            row = await Professional.get(id=provider_id)
            shown[item.provider_key] = {"id": row.id, "name": row.name, "profession": row.profession}
        else:
            row = await Organization.get(id=provider_id)
            shown[item.provider_key] = {"id": row.id, "name": row.name, "area_id": row.area_id,
                                        "incubated_by_id": row.incubated_by_id}
    return shown


def _but_urgency(breakdown: tuple) -> list:
    """The components that depend on the provider (the need's urgency grows with the waiting time)."""
    return [c for c in breakdown if c.criterion is not Criterion.URGENCY]


async def test_a_batch_is_written_in_one_transaction_or_not_at_all(monkeypatch):
    _, here, _ = await make_areas()
    await make_carer(here, "甲", max_concurrent=5)
    needs = [await make_open_need(await make_elder(here, f"老人{i}"), days=1 + i) for i in range(3)]
    async def cancelled_meanwhile(result, needs_):
        await Need.filter(id=needs[1].id).update(status=NeedStatus.CANCELLED)
        return result

    monkeypatch.setattr(batch, "_out_of_place", cancelled_meanwhile)
    with pytest.raises(DomainError) as failure:
        await match_assign(centre_admin(), [n.id for n in needs], dry_run=False)
    assert failure.value.code is ErrorCode.CONFLICT
    assert await Match.all().count() == 0
    assert [n.status for n in await Need.all().order_by("id")] == [
        NeedStatus.SUBMITTED, NeedStatus.CANCELLED, NeedStatus.SUBMITTED]


async def test_a_batch_names_at_most_2000_needs():
    with pytest.raises(DomainError) as failure:
        await match_assign(centre_admin(), list(range(1, 2002)))
    assert (failure.value.code, failure.value.field) == (ErrorCode.OUT_OF_RANGE, "needIds")


async def test_the_batch_statement_count_does_not_grow_with_the_batch(sql):
    _, here, _ = await make_areas()
    for i in range(6):
        await make_carer(here, f"护理员{i}")
    counts = {}
    for size in (3, 30):
        needs = [await make_open_need(await make_elder(here, f"老人{size}-{i}"), days=1 + i % 5) for i in range(size)]
        with sql() as counter:
            outcome = await match_assign(centre_admin(), [n.id for n in needs])
        assert outcome.result.assignments
        counts[size] = counter.count
    assert counts[3] == counts[30]


async def test_the_demo_ranks_a_meaningful_candidate_for_every_care_category(gql_as):
    await load_demo_data()
    client = gql_as(centre_admin())
    covered: dict[CareCategory, int] = defaultdict(int)
    open_needs = await Need.filter(status__in=[NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING])
    for need in open_needs:
        ranking = (await client.ok(DEMO_CANDIDATES, {"id": gid("Need", need.id)}))["matchCandidates"]
        best = ranking["candidates"][0] if ranking["candidates"] else None
        if best and best["reasons"] and all(r["zh"] and r["en"] for r in best["reasons"]):
            covered[need.category] += 1
    assert set(covered) == set(CareCategory)
    assert sum(covered.values()) == len(open_needs)


async def test_an_inactive_member_is_never_a_candidate():
    _, here, _ = await make_areas()
    carer = await make_carer(here, "休息中", status="INACTIVE")
    need = await make_open_need(await make_elder(here))
    assert (await match_candidates(centre_admin(), need.id)).total_eligible == 0
    [profile] = await need_profiles([need])
    [inactive] = await professionals_by_id([carer.id], FactsAsOf.of([], 4.0), active_only=False)
    assert check(profile, inactive, matching_config()) == []


async def test_why_not_lists_the_professionals_out_of_reach_of_a_located_need():
    _, here, there = await make_areas()
    near = await make_carer(there, "邻近的", latitude=here.latitude + 0.005, longitude=here.longitude, travel_km=2.0)
    far = await make_carer(there, "太远的", latitude=here.latitude + 0.05, longitude=here.longitude, travel_km=2.0)
    need = await make_open_need(await make_elder(here), latitude=here.latitude, longitude=here.longitude)
    found = await match_candidates(centre_admin(), need.id, first=10, include_excluded=True)
    assert [c.provider_key for c in found.candidates] == [("PROFESSIONAL", near.id)]
    assert [(e.provider_key, [x.code.value for x in e.exclusions]) for e in found.excluded] == [
        (("PROFESSIONAL", far.id), ["PLACE"])]
