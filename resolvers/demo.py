"""The deterministic demo data of Hemu Subdistrict (和睦街道), faithful to shared/domain/STORY.md.

``load_demo_data`` fills an empty database in one transaction: the subdistrict and its communities,
the hub centre, the association and the 15 organizations the hub incubated, ~40 association members,
the five projects with their sessions, ~300 residents, open needs in every care category and a
history of served ones, every need with its event history (served ones with their service records).
The same ``seed`` and ``today`` always give the same rows; dates are placed around ``today`` so the demo
always has upcoming sessions and open needs.
"""

from __future__ import annotations

import random
from datetime import date

from tortoise.transactions import in_transaction

from models import Area, Membership, Organization
from models.enums import AreaKind, Gender, IncubationStage, MembershipRole, OrganizationKind
from resolvers.demo_catalog import BASE_ADDRESS, COMMUNITIES, INCUBATED, PARTNERS, SUBDISTRICT, OrgSpec
from resolvers.demo_context import DemoContext
from resolvers.demo_events import create_need_histories
from resolvers.demo_needs import create_needs
from resolvers.demo_people import create_professionals
from resolvers.demo_projects import create_projects, member
from resolvers.demo_residents import create_residents
from resolvers.demo_time_bank import create_time_bank
from resolvers.residents import local_today

DEMO_SEED = 20260118
HUB, ASSOCIATION = "和诚社会组织服务中心", "和睦街道新联会"
CIVIL_AFFAIRS_SOCIAL_GROUP, PRIVATE_NON_ENTERPRISE, PUBLIC_INSTITUTION = "51", "52", "12"


async def load_demo_data(*, today: date | None = None, seed: int = DEMO_SEED) -> dict[str, int]:
    """Create the demo subdistrict; return how many rows of each kind were created."""
    ctx = DemoContext(rng=random.Random(seed), today=today or local_today())
    async with in_transaction():
        await _create_areas(ctx)
        await create_professionals(ctx)
        await _create_organizations(ctx)
        await create_residents(ctx)
        await create_projects(ctx)
        await create_needs(ctx)
        await create_need_histories(ctx)
        await create_time_bank(ctx)
    return ctx.counts


async def _create_areas(ctx: DemoContext) -> None:
    subdistrict = await Area.create(name=SUBDISTRICT.name, kind=AreaKind.SUBDISTRICT,
                                    latitude=SUBDISTRICT.latitude, longitude=SUBDISTRICT.longitude)
    ctx.areas[subdistrict.name] = subdistrict
    for place in COMMUNITIES:
        ctx.areas[place.name] = await Area.create(name=place.name, kind=AreaKind.COMMUNITY, parent=subdistrict,
                                                  latitude=place.latitude, longitude=place.longitude)
    ctx.counts["areas"] = len(ctx.areas)


async def _create_organizations(ctx: DemoContext) -> None:
    """The hub, the association, the 15 incubated organizations (with members) and the partners."""
    president = next(p for p in ctx.professionals if p.association_role == "PRESIDENT")
    secretary = member(ctx, "家庭教育指导师", 0)
    hub = await _organization(
        ctx, OrgSpec(HUB, (), SUBDISTRICT.name, "", "枢纽型社会组织，入驻同心荟新联阵地，统筹社区民生服务类"
                     "社会组织力量，培育孵化社会组织，坚持社会化、平台化、资源化、项目化。"),
        OrganizationKind.HUB_CENTRE, uscc=ctx.uscc(PRIVATE_NON_ENTERPRISE), address=BASE_ADDRESS,
        registered_on=ctx.day(-2200), contact=secretary,
    )
    await _organization(
        ctx, OrgSpec(ASSOCIATION, (), SUBDISTRICT.name, "", "和睦街道新的社会阶层人士联谊会，汇聚养老、托育、医疗、"
                     "家庭教育等领域专业人才，以“1+4”工作机制聚焦“一老一小”。"),
        OrganizationKind.ASSOCIATION, uscc=ctx.uscc(CIVIL_AFFAIRS_SOCIAL_GROUP), address=BASE_ADDRESS,
        registered_on=ctx.day(-1500), contact=president,
    )
    memberships = [Membership(professional_id=secretary.id, organization_id=hub.id, role=MembershipRole.ADMIN,
                              joined_on=ctx.day(-1200))]
    founders: set[int] = set()
    for spec in INCUBATED:
        founder = next(p for p in ctx.professionals if p.profession == spec.founder and p.id not in founders)
        founders.add(founder.id)
        organization = await _incubated(ctx, spec, hub, founder)
        memberships += _memberships(ctx, spec, organization, founder)
    for spec in PARTNERS:
        await _organization(ctx, spec, OrganizationKind.PARTNER, uscc=ctx.uscc(PUBLIC_INSTITUTION),
                            registered_on=ctx.day(-5000), contact=None)
    await Membership.bulk_create(memberships)
    ctx.counts.update(organizations=len(ctx.organizations), memberships=len(memberships))


async def _incubated(ctx: DemoContext, spec: OrgSpec, hub: Organization, founder) -> Organization:
    started = ctx.day(-ctx.rng.randint(400, 1100) if spec.graduated else -ctx.rng.randint(60, 700))
    graduated = ctx.day(-ctx.rng.randint(30, 300)) if spec.graduated else None
    return await _organization(
        ctx, spec, OrganizationKind.INCUBATED, incubated_by=hub,
        incubation_stage=IncubationStage.GRADUATED if spec.graduated else IncubationStage.INCUBATING,
        incubation_started_on=started, graduated_on=graduated, registered_on=graduated,
        uscc=ctx.uscc(PRIVATE_NON_ENTERPRISE) if spec.graduated else None, contact=founder,
    )


async def _organization(ctx: DemoContext, spec: OrgSpec, kind: OrganizationKind, *, contact, **values):
    community = ctx.areas[spec.community]
    lat, lng = ctx.near(community.latitude, community.longitude, 0.3)
    values.setdefault("area", community)
    values.setdefault("address", f"{spec.community}{ctx.rng.choice(('邻里中心', '党群服务中心', '服务站'))}"
                                 f"{ctx.rng.randint(1, 3)}楼")
    organization = await Organization.create(
        name=spec.name, kind=kind, categories=[c.value for c in spec.categories], description=spec.description,
        contact_name=contact.name if contact else ctx.person_name(ctx.rng.choice(list(Gender)), "adult"),
        contact_phone=contact.phone if contact else ctx.phone(), latitude=lat, longitude=lng, **values,
    )
    ctx.organizations[organization.name] = organization
    return organization


def _memberships(ctx: DemoContext, spec: OrgSpec, organization: Organization, founder) -> list[Membership]:
    """The founder administers the organization; one to three members offering its categories join."""
    wanted = {c.value for c in spec.categories}
    candidates = [p for p in ctx.professionals if p.id != founder.id and wanted & set(p.categories)]
    joined = ctx.rng.sample(candidates, k=min(len(candidates), ctx.rng.randint(1, 3)))
    since = organization.incubation_started_on
    return [Membership(professional_id=founder.id, organization_id=organization.id, role=MembershipRole.ADMIN,
                       joined_on=since)] + [
        Membership(professional_id=p.id, organization_id=organization.id, role=MembershipRole.MEMBER,
                   joined_on=ctx.day(-ctx.rng.randint(0, (ctx.today - since).days))) for p in joined
    ]
