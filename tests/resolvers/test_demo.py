"""The Hemu demo data: faithful to the story, valid identifiers, consistent rows, deterministic."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date, datetime

from tortoise import connections
from tortoise.context import tortoise_test_context

from matching.categories import CHILD_SAFETY_CERTIFICATIONS, REQUIRED_CERTIFICATIONS, is_child_category
from models import (
    Area,
    Certification,
    ConsentRecord,
    Enrollment,
    Guardianship,
    Household,
    Match,
    Membership,
    Need,
    Organization,
    Professional,
    Project,
    ProjectClaim,
    ProjectSession,
    Resident,
)
from models.enums import (
    AssociationRole,
    CareCategory,
    ConsentPurpose,
    EnrollmentStatus,
    IncubationStage,
    MatchStatus,
    NeedStatus,
    OrganizationKind,
    SessionKind,
    SessionStatus,
)
from resolvers.demo import load_demo_data
from resolvers.demo_catalog import FORBIDDEN_NAMES
from resolvers.demo_context import TIMEZONE, id_check_char, uscc_check_char
from resolvers.demo_project_catalog import AIYOUFANG
from resolvers.identifiers import id_number_birth_date, normalize_id_number, normalize_phone, normalize_uscc
from resolvers.residents import age_band_of, age_on
from tests.conftest import BACKEND, drop_database, fresh_database_url

TODAY = date(2026, 3, 10)
OPEN = (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING)
MODELS = (Area, Organization, Professional, Certification, Membership, Project, ProjectClaim, ProjectSession,
          Household, Resident, Guardianship, ConsentRecord, Enrollment, Need, Match)


def test_check_characters_match_the_rules_vectors():
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_check_char("52330106MJ0A1B2C5") == "W"
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("33010620190315002") == "8"


async def test_counts_follow_the_story(db):
    counts = await load_demo_data()
    hub = await Organization.get(kind=OrganizationKind.HUB_CENTRE)
    assert hub.name == "和诚社会组织服务中心"
    assert await Organization.filter(kind=OrganizationKind.INCUBATED, incubated_by=hub).count() == 15
    assert await Organization.filter(kind=OrganizationKind.ASSOCIATION).count() == 1
    assert await Project.all().count() == 5
    assert await Resident.all().count() >= 200
    assert await Area.filter(parent_id__not_isnull=True).count() >= 5
    for model, key in ((Area, "areas"), (Organization, "organizations"), (Professional, "professionals"),
                       (Resident, "residents"), (Need, "needs"), (Enrollment, "enrollments")):
        assert counts[key] == await model.all().count(), key
    open_categories = set(await Need.filter(status__in=OPEN).values_list("category", flat=True))
    assert open_categories == set(CareCategory)
    assert 55 <= await Need.filter(status__in=OPEN).count() <= 70
    now = datetime.now(TIMEZONE)
    assert await Need.filter(status__in=OPEN, window_start__lte=now).count() == 0
    assert await ProjectSession.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).count() >= 5


async def test_aiyoufang_and_the_association(db):
    await load_demo_data(today=TODAY)
    project = await Project.get(name=AIYOUFANG)
    kinds = Counter(await ProjectSession.filter(project=project, status=SessionStatus.COMPLETED)
                    .values_list("kind", flat=True))
    assert kinds[SessionKind.READING_SESSION] == 10
    assert kinds[SessionKind.SPORTS_MEET] == 4
    assert kinds[SessionKind.LECTURE] >= 1
    assert await ProjectSession.filter(project=project, kind=SessionKind.LECTURE,
                                       status=SessionStatus.SCHEDULED).count() >= 1
    roles = Counter(await Professional.all().values_list("association_role", flat=True))
    assert roles[AssociationRole.PRESIDENT] == 1 and roles[AssociationRole.SECRETARY_GENERAL] == 1
    secretary = await Professional.get(association_role=AssociationRole.SECRETARY_GENERAL)
    assert secretary.id in [p.id for p in await project.leads.all()]
    assert await ProjectClaim.filter(professional_id__not_isnull=True).count() >= 5
    assert await ProjectClaim.filter(organization_id__not_isnull=True).count() >= 5
    mother = await Need.get(title="困境妈妈帮扶")
    assert mother.status is NeedStatus.CLOSED
    assert await Match.filter(need=mother, professional=secretary, status=MatchStatus.COMPLETED).exists()


async def test_names_are_invented(db):
    await load_demo_data(today=TODAY)
    names = [*await Professional.all().values_list("name", flat=True),
             *await Resident.all().values_list("name", flat=True),
             *await Organization.all().values_list("contact_name", flat=True)]
    assert not FORBIDDEN_NAMES & set(names)
    people = [*await Professional.all().values_list("name", flat=True),
              *await Resident.all().values_list("name", flat=True)]
    assert len(people) == len(set(people))


async def test_identifiers_pass_their_checksums(db):
    await load_demo_data(today=TODAY)
    for org in await Organization.all():
        if org.uscc:
            assert normalize_uscc(org.uscc) == org.uscc
        if org.kind is OrganizationKind.INCUBATED:
            graduated = org.incubation_stage is IncubationStage.GRADUATED
            assert (org.uscc is not None) == graduated == (org.graduated_on is not None), org.name
            assert not graduated or org.uscc.startswith("52330105")
    stages = Counter(await Organization.filter(kind=OrganizationKind.INCUBATED)
                     .values_list("incubation_stage", flat=True))
    assert stages[IncubationStage.INCUBATING] > stages[IncubationStage.GRADUATED] > 0
    residents = await Resident.all()
    assert sum(1 for r in residents if r.id_number) >= 30
    for resident in residents:
        if resident.id_number:
            assert normalize_id_number(resident.id_number, today=TODAY) == resident.id_number
            assert id_number_birth_date(resident.id_number) == resident.birth_date
        assert resident.age_band is age_band_of(resident.birth_date, TODAY)
    phones = [*(r.phone for r in residents), *await Professional.all().values_list("phone", flat=True),
              *await Organization.all().values_list("contact_phone", flat=True)]
    for phone in filter(None, phones):
        assert normalize_phone(phone) == phone


async def test_every_child_has_a_guardian_and_consent(db):
    await load_demo_data(today=TODAY)
    guardians = defaultdict(set)
    for guardian_id, child_id in await Guardianship.all().values_list("guardian_id", "child_id"):
        guardians[child_id].add(guardian_id)
    consents = {(c.resident_id, c.granted_by_id) for c in await ConsentRecord.filter(
        purpose=ConsentPurpose.CHILD_DATA, policy_version="2026-01", withdrawn_at__isnull=True)}
    children = [r for r in await Resident.all() if age_on(r.birth_date, TODAY) < 14]
    assert len(children) >= 50
    for child in children:
        assert guardians[child.id], child.name
        assert any((child.id, g) in consents for g in guardians[child.id]), child.name


async def test_child_carers_hold_valid_safety_checks(db):
    await load_demo_data(today=TODAY)
    certificates = defaultdict(list)
    for certificate in await Certification.all():
        certificates[certificate.professional_id].append(certificate)
    for professional in await Professional.all():
        if any(is_child_category(CareCategory(c)) for c in professional.categories):
            valid = {c.kind for c in certificates[professional.id]
                     if c.verified_at and c.expires_on and c.issued_on <= TODAY <= c.expires_on}
            assert CHILD_SAFETY_CERTIFICATIONS <= valid, professional.name
    every = [c for cs in certificates.values() for c in cs]
    assert any(c.expires_on and c.expires_on < TODAY for c in every)
    assert any(c.verified_by is None for c in every)


async def test_enrollments_respect_capacity(db):
    await load_demo_data(today=TODAY)
    waitlisted = 0
    for session in await ProjectSession.all():
        assert 15 <= session.capacity <= 40
        rows = await Enrollment.filter(session=session)
        confirmed = [e for e in rows if e.status is EnrollmentStatus.CONFIRMED]
        positions = sorted(e.waitlist_position for e in rows if e.status is EnrollmentStatus.WAITLISTED)
        assert len(confirmed) <= session.capacity
        assert positions == list(range(1, len(positions) + 1))
        assert not positions or len(confirmed) == session.capacity
        waitlisted += bool(positions)
    assert waitlisted >= 2


async def test_history_of_served_needs(db):
    await load_demo_data(today=TODAY)
    served = await Need.filter(status__in=(NeedStatus.COMPLETED, NeedStatus.CLOSED))
    assert len(served) >= 20
    completed = set(await Match.filter(status=MatchStatus.COMPLETED).values_list("need_id", flat=True))
    assert {n.id for n in served} <= completed
    assert all(n.triaged_at and n.accepted_at for n in served)  # the step columns, from the events
    assert all(n.closed_at for n in served if n.status == NeedStatus.CLOSED)
    for need in await Need.filter(status__in=OPEN):
        assert need.window_start.astimezone(TIMEZONE).date() > TODAY and need.window_end > need.window_start


async def test_every_open_need_has_a_possible_provider(db):
    await load_demo_data(today=TODAY)
    professionals = await Professional.filter(status="ACTIVE").prefetch_related("service_areas", "certifications")
    for need in await Need.filter(status__in=OPEN):
        assert [p for p in professionals if _could_take(p, need)], need.title


def _could_take(professional: Professional, need: Need) -> bool:
    """Offers the category, holds valid certificates, serves the community, speaks, is free in the window."""
    category = CareCategory(need.category)
    held = {c.kind for c in professional.certifications
            if c.verified_by and c.issued_on <= TODAY and (c.expires_on is None or TODAY <= c.expires_on)}
    start, end = need.window_start.astimezone(TIMEZONE), need.window_end.astimezone(TIMEZONE)
    return (
        category.value in professional.categories
        and (not REQUIRED_CERTIFICATIONS[category] or REQUIRED_CERTIFICATIONS[category] & held)
        and (not is_child_category(category) or CHILD_SAFETY_CERTIFICATIONS <= held)
        and set(need.required_certifications) <= {k.value for k in held}
        and (not need.languages or set(need.languages) & set(professional.languages))
        and need.preferred_gender in (None, professional.gender)
        and need.community_id in {a.id for a in professional.service_areas}
        and any(s["weekday"] == start.weekday() and s["start"] <= f"{start:%H:%M}" and f"{end:%H:%M}" <= s["end"]
                for s in professional.availability)
    )


async def test_same_seed_and_day_give_the_same_rows(db):
    await load_demo_data(today=TODAY)
    first = await _digest()
    assert await _digest_of_fresh_load(today=TODAY) == first
    assert await _digest_of_fresh_load(today=TODAY, seed=7) != first


async def _digest_of_fresh_load(**options) -> str:
    """Load the demo into a second, brand-new database and digest it."""
    url = fresh_database_url()
    try:
        async with tortoise_test_context(["models"], db_url=url, timezone="Asia/Shanghai"):
            await load_demo_data(**options)
            return await _digest()
    finally:
        if BACKEND == "postgres":
            await drop_database(url.rsplit("/", 1)[1])


async def _digest() -> str:
    """A stable hash of every demo row (timestamps of insertion left out)."""
    rows: dict[str, list] = {}
    for model in MODELS:
        values = await model.all().order_by("id").values()
        rows[model.__name__] = [{k: v for k, v in row.items() if k not in {"created_at", "updated_at"}}
                                for row in values]
    conn = connections.get("default")
    for table in ("professional_service_area", "project_lead"):
        rows[table] = [sorted(r.items()) for r in await conn.execute_query_dict(
            f'SELECT * FROM "{table}" ORDER BY 1, 2')]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=_plain).encode()).hexdigest()


def _plain(value) -> str:
    return value.astimezone(TIMEZONE).isoformat() if isinstance(value, datetime) else str(value)
