"""Demo needs: open requests in every care category, and a history of served ones with their matches.

The history gives later features something to work with: five seniors received the same service
three times from the same professional (continuity), four one-off services were served (each after
another member declined), three upcoming services are accepted (booked windows), and 爱有方 helped
one mother. Every open need can be taken by at least one active member (it is drawn again until so).
"""

from __future__ import annotations

from datetime import timedelta

from matching.categories import CHILD_SAFETY_CERTIFICATIONS, REQUIRED_CERTIFICATIONS, is_child_category
from models import Match, Need, Professional, Resident
from models.enums import (
    AgeBand,
    CareCategory,
    MatchStatus,
    Mobility,
    NeedStatus,
    ProfessionalStatus,
    ProviderKind,
    Urgency,
)
from resolvers.demo_context import DemoContext
from resolvers.demo_need_catalog import (
    EXTRA_NEEDS,
    HISTORY,
    MOTHER_IN_DIFFICULTY,
    NEEDS,
    OTHER_HISTORY,
    SLOTS,
    NeedSpec,
)
from resolvers.demo_projects import member
from resolvers.residents import age_on

C = CareCategory
SENIORS = frozenset({AgeBand.SENIOR_60_79, AgeBand.SENIOR_80_PLUS})
OPEN_STATUSES = (NeedStatus.SUBMITTED, NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.TRIAGED,
                 NeedStatus.MATCHING)
ACCEPTED_UPCOMING = (C.MEALS, C.CLEANING, C.INFANT_CARE)
SORTER = "街道分拣员"
MAX_DRAWS = 40


async def create_needs(ctx: DemoContext) -> None:
    """Served and accepted needs with their matches first, then the open needs."""
    matches: list[Match] = []
    regulars: dict[CareCategory, Resident] = {}
    for category in HISTORY:
        regulars[category] = ctx.rng.choice(_pool(ctx, category, urgent=False))
        professional = ctx.rng.choice(qualified(ctx, category, regulars[category]))
        for offset in (-56, -35, -14):
            matches += await _served(ctx, category, regulars[category], offset, professional)
    for category in OTHER_HISTORY:
        resident = ctx.rng.choice(_pool(ctx, category, urgent=False))
        matches += await _served(ctx, category, resident, -ctx.rng.randint(10, 60), declined=True)
    for category in ACCEPTED_UPCOMING:
        matches += await _accepted(ctx, category, ctx.rng.choice(_pool(ctx, category, urgent=False)))
    matches += await _mother_in_difficulty(ctx)
    open_needs = _open_needs(ctx, regulars)
    await Need.bulk_create(open_needs)
    await Match.bulk_create(matches)
    served = len(HISTORY) * 3 + len(OTHER_HISTORY) + len(ACCEPTED_UPCOMING) + 1
    ctx.counts.update(needs=served + len(open_needs), open_needs=len(open_needs), matches=len(matches))


def qualified(ctx: DemoContext, category: CareCategory, resident: Resident | None) -> list[Professional]:
    """Active members offering the category and holding its certificates (near the resident if any is)."""
    needed = REQUIRED_CERTIFICATIONS[category]
    fits = [
        p for p in ctx.professionals
        if p.status is ProfessionalStatus.ACTIVE and category.value in p.categories
        and (not needed or needed & ctx.credentials[p.id])
        and (not is_child_category(category) or CHILD_SAFETY_CERTIFICATIONS <= ctx.credentials[p.id])
    ]
    local = [p for p in fits if resident and resident.community_id in ctx.serves[p.id]]
    return local or fits


def _pool(ctx: DemoContext, category: CareCategory, urgent: bool) -> list[Resident]:
    """Who asks for a category: seniors (80+ living alone when urgent), a child, or a parent."""
    residents = ctx.residents
    if category is C.PARENTING_GUIDANCE:
        by_id = {r.id: r for r in residents}
        ids = {ctx.guardians_of[r.id][0] for r in residents
               if r.age_band in {AgeBand.INFANT_0_3, AgeBand.PRESCHOOL_3_6}}
        return [by_id[i] for i in sorted(ids)]
    bands = {
        C.INFANT_CARE: {AgeBand.INFANT_0_3},
        C.PRESCHOOL_CARE: {AgeBand.PRESCHOOL_3_6},
        C.FAMILY_READING: {AgeBand.PRESCHOOL_3_6},
        C.PARENT_CHILD_ACTIVITY: {AgeBand.INFANT_0_3, AgeBand.PRESCHOOL_3_6},
    }.get(category, SENIORS)
    pool = [r for r in residents if r.age_band in bands]
    if category is C.DIGITAL_HELP:
        pool = [r for r in pool if r.mobility is not Mobility.BEDRIDDEN]
    if urgent:
        pool = [r for r in pool if r.age_band is AgeBand.SENIOR_80_PLUS and r.lives_alone] or pool
    return pool


def _need_values(
    ctx: DemoContext, category: CareCategory, spec: NeedSpec, resident: Resident, offset: int, **extra
) -> dict:
    """The fields of a need on the first day at or after ``offset`` the template's slot allows."""
    weekdays, start, end = SLOTS[spec.slot]
    while ctx.day(offset).weekday() not in weekdays:
        offset += 1
    community = next(c for c in ctx.communities() if c.id == resident.community_id)
    lat, lng = ctx.near(community.latitude, community.longitude, 0.5)
    same_gender = spec.same_gender and ctx.rng.random() < 0.7
    dialect = spec.dialect or resident.languages == ["hangzhou-dialect"]
    values = {
        "resident_id": resident.id, "category": category, "title": spec.title, "description": spec.description,
        "urgency": ctx.rng.choices((Urgency.LOW, Urgency.NORMAL), weights=(1, 4))[0],
        "window_start": ctx.at(offset, start), "window_end": ctx.at(offset, end),
        "community_id": community.id, "latitude": lat, "longitude": lng,
        "required_certifications": [k.value for k in spec.certifications],
        "languages": ["hangzhou-dialect"] if dialect else [],
        "preferred_gender": resident.gender if same_gender else None,
        "skills_wanted": list(spec.skills),
        "requested_by_staff": None if resident.phone or resident.age_band not in SENIORS else "社区网格员",
    }
    return {**values, **extra}


def _open_needs(ctx: DemoContext, regulars: dict[CareCategory, Resident]) -> list[Need]:
    """About 60 open needs, at least four in every category; regular clients ask again."""
    needs = []
    for category in CareCategory:
        specs, taken = NEEDS[category], set()
        for index in range(4 + (category in EXTRA_NEEDS)):
            spec = specs[index % len(specs)]
            regular = regulars.get(category) if index == 0 else None
            values = _covered_need(ctx, category, spec, regular, taken)
            taken.add(values["resident_id"])
            needs.append(Need(**values, status=ctx.rng.choice(OPEN_STATUSES)))
    return needs


def _covered_need(
    ctx: DemoContext, category: CareCategory, spec: NeedSpec, regular: Resident | None, taken: set[int]
) -> dict:
    """A need at least one active member could take (drawn again, up to 40 times, until one could)."""
    pool = [r for r in _pool(ctx, category, spec.urgent) if r.id not in taken]
    for attempt in range(MAX_DRAWS):
        resident = regular or ctx.rng.choice(pool)
        offset = 1 + attempt // 8 if spec.urgent else ctx.rng.randint(1, 7)
        extra = {"urgency": ctx.rng.choice((Urgency.HIGH, Urgency.CRITICAL))} if spec.urgent else {}
        values = _need_values(ctx, category, spec, resident, offset, **extra)
        if _covered(ctx, category, values):
            return values
    raise RuntimeError(f"No demo provider can take a {category} need: check the catalogs.")


def _covered(ctx: DemoContext, category: CareCategory, values: dict) -> bool:
    """Some qualified member serves the community, meets the need's wishes and is free in its window."""
    start, end = values["window_start"], values["window_end"]
    for professional in qualified(ctx, category, None):
        held = {kind.value for kind in ctx.credentials[professional.id]}
        if (values["community_id"] in ctx.serves[professional.id]
                and set(values["required_certifications"]) <= held
                and (not values["languages"] or set(values["languages"]) & set(professional.languages))
                and values["preferred_gender"] in (None, professional.gender)
                and any(slot["weekday"] == start.weekday() and slot["start"] <= f"{start:%H:%M}"
                        and f"{end:%H:%M}" <= slot["end"] for slot in professional.availability)):
            return True
    return False


async def _served(
    ctx: DemoContext, category: CareCategory, resident: Resident, offset: int,
    professional: Professional | None = None, declined: bool = False,
) -> list[Match]:
    """A past need, served and closed in a loop (CLOSED when older than three weeks)."""
    spec = NEEDS[category][0]
    status = NeedStatus.CLOSED if offset < -21 else NeedStatus.COMPLETED
    need = await Need.create(**_need_values(ctx, category, spec, resident, offset, status=status))
    return _matches(ctx, need, category, resident, professional, MatchStatus.COMPLETED, declined)


async def _accepted(ctx: DemoContext, category: CareCategory, resident: Resident) -> list[Match]:
    """An upcoming need a professional has accepted: its window is booked."""
    spec = NEEDS[category][0]
    need = await Need.create(**_need_values(ctx, category, spec, resident, 2, status=NeedStatus.ACCEPTED))
    return _matches(ctx, need, category, resident, None, MatchStatus.ACCEPTED, False)


def _matches(
    ctx: DemoContext, need: Need, category: CareCategory, resident: Resident,
    professional: Professional | None, status: MatchStatus, declined: bool,
) -> list[Match]:
    candidates = qualified(ctx, category, resident)
    chosen = professional or ctx.rng.choice(candidates)
    responded = need.window_start - timedelta(days=1, hours=ctx.rng.randint(1, 6))
    rows = []
    others = [p for p in candidates if p.id != chosen.id]
    if declined and others:
        rows.append(_match(ctx, need, ctx.rng.choice(others), MatchStatus.DECLINED, responded - timedelta(hours=3)))
    rows.append(_match(ctx, need, chosen, status, responded))
    return rows


def _match(ctx: DemoContext, need: Need, professional: Professional, status: MatchStatus, responded) -> Match:
    return Match(
        need_id=need.id, provider_kind=ProviderKind.PROFESSIONAL, professional_id=professional.id,
        score=round(ctx.rng.uniform(0.62, 0.95), 2), status=status,
        proposed_by=ctx.rng.choice(("engine", "engine", SORTER)), responded_at=responded,
    )


async def _mother_in_difficulty(ctx: DemoContext) -> list[Match]:
    """The mother 爱有方 helped: a closed need served by the secretary-general and a childcare centre."""
    children = [r for r in ctx.residents if r.age_band is AgeBand.PRESCHOOL_3_6]
    single = [c for c in children if len(ctx.guardians_of[c.id]) == 1] or children
    child = single[0]
    mother = next(r for r in ctx.residents if r.id == ctx.guardians_of[child.id][0])
    spec = MOTHER_IN_DIFFICULTY
    mother_area = next(c for c in ctx.communities() if c.id == mother.community_id)
    lat, lng = ctx.near(mother_area.latitude, mother_area.longitude, 0.5)
    age = age_on(child.birth_date, ctx.today)
    need = await Need.create(
        resident_id=mother.id, requested_by_staff="爱有方项目组", category=C.PARENTING_GUIDANCE,
        title=spec.title, description=spec.description.format(age=age), urgency=Urgency.HIGH,
        window_start=ctx.at(-40, "09:00"), window_end=ctx.at(-12, "17:00"), community_id=mother.community_id,
        latitude=lat, longitude=lng, skills_wanted=list(spec.skills), status=NeedStatus.CLOSED,
    )
    responded = ctx.at(-41, "16:00")
    helper = member(ctx, "家庭教育指导师", 0)
    return [
        Match(need_id=need.id, provider_kind=ProviderKind.PROFESSIONAL, professional_id=helper.id, score=0.93,
              status=MatchStatus.COMPLETED, proposed_by="爱有方项目组", responded_at=responded),
        Match(need_id=need.id, provider_kind=ProviderKind.ORGANIZATION,
              organization_id=ctx.organizations["彩虹托育服务中心"].id, score=0.88,
              status=MatchStatus.COMPLETED, proposed_by="爱有方项目组", responded_at=responded),
    ]
