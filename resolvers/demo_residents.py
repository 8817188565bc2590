"""Demo residents: households of seniors and young families, guardianships and consent records.

Every child gets a guardian (PARENT, and GRANDPARENT when one lives with the family) and a CHILD_DATA
consent given by that guardian (PIPL Art. 31); adults consent to service matching themselves, and
seniors with health notes to the use of health data.
"""

from __future__ import annotations

from models import ConsentRecord, Guardianship, Household, Resident
from models.enums import AgeBand, ConsentPurpose, Gender, GuardianRelation, Mobility
from resolvers.demo_catalog import COMMUNITIES
from resolvers.demo_context import DemoContext
from resolvers.residents import age_band_of

POLICY_VERSION = "2026-01"
HOUSEHOLD_PLAN = (("senior_alone", 5), ("senior_couple", 4), ("young_family", 9), ("school_family", 2),
                  ("adults", 2))
HEALTH_NOTES = ("高血压，需按时服药", "2型糖尿病，饮食需低糖", "轻度认知障碍，容易忘事", "膝关节退行性病变，行走较慢",
                "髋关节置换术后康复期", "听力下降，需大声慢说", "冠心病，随身携带硝酸甘油")
SENIOR_INTERESTS = ("DIGITAL_HELP", "HEALTH_CHECK", "COMPANIONSHIP", "MEALS")
PARENT_INTERESTS = ("PARENTING_GUIDANCE", "FAMILY_READING", "PARENT_CHILD_ACTIVITY")
CHILD_BANDS = frozenset({AgeBand.INFANT_0_3, AgeBand.PRESCHOOL_3_6, AgeBand.CHILD_6_14, AgeBand.MINOR_14_18})


async def create_residents(ctx: DemoContext) -> None:
    """Households in every community, their members, guardianships and consents."""
    plans = [(community, kind) for community in ctx.communities() for kind, n in HOUSEHOLD_PLAN
             for _ in range(n + ctx.rng.choice((-1, 0, 0, 1)))]
    households = [Household(community_id=community.id, address=_address(ctx, community.name))
                  for community, _ in plans]
    await Household.bulk_create(households)
    ids = dict(await Household.filter(address__in=[h.address for h in households]).values_list("address", "id"))
    families: list[tuple[list[Resident], list[Resident], Resident | None]] = []
    for (community, kind), household in zip(plans, households, strict=True):
        adults, children, grandparent = _members(ctx, kind, community.id, ids[household.address])
        families.append((adults, children, grandparent))
        ctx.residents += [*adults, *children, *([grandparent] if grandparent else [])]
    await Resident.bulk_create(ctx.residents)
    resident_ids = dict(await Resident.filter(name__in=[r.name for r in ctx.residents]).values_list("name", "id"))
    for resident in ctx.residents:
        resident.id = resident_ids[resident.name]
    guardianships = [g for adults, children, gp in families for g in _guardianships(ctx, adults, children, gp)]
    await Guardianship.bulk_create(guardianships)
    consents = _consents(ctx)
    await ConsentRecord.bulk_create(consents)
    ctx.counts.update(households=len(households), residents=len(ctx.residents),
                      guardianships=len(guardianships), consents=len(consents))


def _address(ctx: DemoContext, community: str) -> str:
    estates = next(place.estates for place in COMMUNITIES if place.name == community)
    rng = ctx.rng
    return ctx.unique(lambda: f"{rng.choice(estates)}{rng.randint(1, 30)}幢{rng.randint(1, 3)}单元"
                               f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室")


def _members(
    ctx: DemoContext, kind: str, community_id: int, household_id: int
) -> tuple[list[Resident], list[Resident], Resident | None]:
    """(adults or seniors, children, co-resident grandparent) of one household."""
    rng = ctx.rng

    def person(gender: Gender, low: int, high: int, **extra) -> Resident:
        return _resident(ctx, gender, low, high, community_id, household_id, **extra)

    if kind == "senior_alone":
        old = rng.random() < 0.5
        gender = Gender.FEMALE if rng.random() < 0.7 else Gender.MALE
        return [person(gender, 80, 95, lives_alone=True) if old else person(gender, 65, 79, lives_alone=True)], [], None
    if kind == "senior_couple":
        return [person(Gender.MALE, 63, 88), person(Gender.FEMALE, 62, 86)], [], None
    if kind == "adults":
        return [person(rng.choice(list(Gender)), 22, 55) for _ in range(rng.randint(1, 2))], [], None
    parents = [person(Gender.FEMALE, 27, 40)]
    if rng.random() < 0.9:
        parents.append(person(Gender.MALE, 28, 42))
    if kind == "school_family":
        children = [person(rng.choice(list(Gender)), 6, 13)]
    else:
        children = [person(rng.choice(list(Gender)), 0, 5)]
        if rng.random() < 0.35:
            children.append(person(rng.choice(list(Gender)), 0, 2))
    grandparent = person(rng.choice(list(Gender)), 58, 72) if rng.random() < 0.3 else None
    return parents, children, grandparent


def _resident(
    ctx: DemoContext, gender: Gender, low: int, high: int, community_id: int, household_id: int, **extra
) -> Resident:
    rng = ctx.rng
    birth = ctx.birth_date(low, high)
    band = age_band_of(birth, ctx.today)
    generation = "child" if band in CHILD_BANDS else "senior" if high >= 60 else "adult"
    senior = band in {AgeBand.SENIOR_60_79, AgeBand.SENIOR_80_PLUS}
    adult = band not in CHILD_BANDS
    has_phone = adult and rng.random() < (0.6 if band is AgeBand.SENIOR_80_PLUS else 0.92)
    return Resident(
        name=ctx.person_name(gender, generation),
        gender=gender,
        birth_date=birth,
        age_band=band,
        household_id=household_id,
        community_id=community_id,
        phone=ctx.phone() if has_phone else None,
        id_number=ctx.id_number(birth, gender) if adult and rng.random() < 0.35 else None,
        health_notes=rng.choice(HEALTH_NOTES) if senior and rng.random() < 0.3 else None,
        mobility=_mobility(ctx, band),
        languages=_languages(ctx, generation),
        interests=_interests(ctx, generation),
        **extra,
    )


def _mobility(ctx: DemoContext, band: AgeBand) -> Mobility:
    if band is AgeBand.SENIOR_80_PLUS:
        return ctx.rng.choices(list(Mobility), weights=(40, 35, 15, 10))[0]
    if band is AgeBand.SENIOR_60_79:
        return ctx.rng.choices(list(Mobility), weights=(80, 18, 2, 0))[0]
    return Mobility.INDEPENDENT


def _languages(ctx: DemoContext, generation: str) -> list[str]:
    roll = ctx.rng.random()
    if generation == "senior":
        return ["hangzhou-dialect"] if roll < 0.15 else ["zh"] if roll < 0.3 else ["zh", "hangzhou-dialect"]
    if generation == "adult":
        return ["zh", "en"] if roll < 0.1 else ["zh", "hangzhou-dialect"] if roll < 0.5 else ["zh"]
    return ["zh"]


def _interests(ctx: DemoContext, generation: str) -> list[str]:
    pool = {"senior": SENIOR_INTERESTS, "adult": PARENT_INTERESTS}.get(generation, ())
    return ctx.rng.sample(pool, k=ctx.rng.randint(1, 2)) if pool else []


def _guardianships(
    ctx: DemoContext, adults: list[Resident], children: list[Resident], grandparent: Resident | None
) -> list[Guardianship]:
    rows = []
    for child in children:
        guardians = [(parent, GuardianRelation.PARENT) for parent in adults]
        if grandparent is not None:
            guardians.append((grandparent, GuardianRelation.GRANDPARENT))
        ctx.guardians_of[child.id] = [guardian.id for guardian, _ in guardians]
        rows += [Guardianship(guardian_id=g.id, child_id=child.id, relation=rel) for g, rel in guardians]
    return rows


def _consents(ctx: DemoContext) -> list[ConsentRecord]:
    rows = []
    for resident in ctx.residents:
        granted_at = ctx.at(-ctx.rng.randint(20, 300), ctx.rng.choice(("09:30", "14:10", "20:15")))
        guardian_id = ctx.guardians_of.get(resident.id, [None])[0]
        purposes = [ConsentPurpose.SERVICE_MATCHING]
        if guardian_id is not None:
            purposes.append(ConsentPurpose.CHILD_DATA)
        if resident.health_notes:
            purposes.append(ConsentPurpose.HEALTH_DATA)
        if resident.id_number:
            purposes.append(ConsentPurpose.IDENTITY)
        if resident.phone and ctx.rng.random() < 0.5:
            purposes.append(ConsentPurpose.NOTIFICATIONS)
        rows += [ConsentRecord(resident_id=resident.id, purpose=purpose, policy_version=POLICY_VERSION,
                               granted_by_id=guardian_id, granted_at=granted_at) for purpose in purposes]
    return rows

