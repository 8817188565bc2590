"""Demo professionals: the association's members, their certificates, availability and service areas."""

from __future__ import annotations

from datetime import timedelta

from matching.categories import CHILD_SAFETY_CERTIFICATIONS, is_child_category
from models import Certification, Professional
from models.enums import (
    AssociationRole,
    CertificationKind,
    Gender,
    ProfessionalStatus,
)
from resolvers.demo_catalog import (
    AVAILABILITY,
    CERT_PREFIX,
    CERT_VALID_YEARS,
    PROFESSIONS,
    VERIFIERS,
    Profession,
)
from resolvers.demo_context import DemoContext

ROLES = {"养老护理员": AssociationRole.PRESIDENT, "家庭教育指导师": AssociationRole.SECRETARY_GENERAL}
"""The first member of these professions holds the association office."""
EXPIRED_CERT_HOLDERS = frozenset({4, 13, 22})
"""Members (1-based roster numbers) whose professional certificate has expired."""
UNVERIFIED_CERT_HOLDERS = frozenset({6, 17, 30})
"""Members whose professional certificate has not been checked against the original yet."""
INACTIVE_MEMBERS = frozenset({7, 38})
WIDE_AREA_PROFESSIONS = frozenset({"全科医生", "IT工程师", "幼儿体育教练"})
"""Professions serving the whole subdistrict rather than a few communities."""


async def create_professionals(ctx: DemoContext) -> None:
    """The ~40 association members, with certificates and service areas."""
    certifications: list[Certification] = []
    number = 0
    for profession in PROFESSIONS:
        for index in range(profession.count):
            number += 1
            role = ROLES.get(profession.name, AssociationRole.MEMBER) if index == 0 else AssociationRole.MEMBER
            professional = await Professional.create(**_fields(ctx, profession, number, role))
            areas = _service_areas(ctx, profession, number)
            await professional.service_areas.add(*areas)
            held = _certifications(ctx, professional, profession, number)
            ctx.serves[professional.id] = {area.id for area in areas}
            ctx.credentials[professional.id] = {c.kind for c in held if _valid_on(c, ctx.today)}
            certifications += held
            ctx.professionals.append(professional)
    await Certification.bulk_create(certifications)
    ctx.counts["professionals"] = len(ctx.professionals)
    ctx.counts["certifications"] = len(certifications)


def _valid_on(certificate: Certification, day) -> bool:
    """Verified and not expired on ``day``."""
    return certificate.verified_by is not None and (certificate.expires_on is None or day <= certificate.expires_on)


def _fields(ctx: DemoContext, profession: Profession, number: int, role: AssociationRole | None) -> dict:
    rng = ctx.rng
    gender = Gender.FEMALE if rng.random() < profession.female_share else Gender.MALE
    officer = role is not AssociationRole.MEMBER
    birth = ctx.birth_date(40, 55) if officer else ctx.birth_date(27, 58)
    years = min(rng.randint(12 if officer else 2, 25), ctx.today.year - birth.year - 22)
    home = ctx.communities()[number % len(ctx.communities())]
    lat, lng = ctx.near(home.latitude, home.longitude, 0.4)
    skills = rng.sample(profession.skills, k=min(len(profession.skills), rng.randint(2, 4)))
    return {
        "name": ctx.person_name(gender, "adult"),
        "gender": gender,
        "birth_date": birth,
        "profession": profession.name,
        "bio": f"{profession.name}，从业{years}年，擅长{'、'.join(skills)}。家住{home.name}。",
        "categories": [c.value for c in profession.categories],
        "skills": skills,
        "languages": _languages(ctx, profession),
        "years_experience": float(years),
        "availability": _availability(ctx, profession.availability),
        "max_concurrent": rng.randint(2, 5),
        "phone": ctx.phone(),
        "latitude": lat,
        "longitude": lng,
        "travel_km": rng.choice((1.5, 2.0, 3.0, 5.0)),
        "is_association_member": True,
        "association_role": role,
        "joined_association_on": ctx.day(-rng.randint(30, 900)),
        "status": ProfessionalStatus.INACTIVE if number in INACTIVE_MEMBERS else ProfessionalStatus.ACTIVE,
    }


def _languages(ctx: DemoContext, profession: Profession) -> list[str]:
    dialect_share = 0.8 if profession.availability in {"day", "clinic"} else 0.45
    languages = ["zh"]
    if ctx.rng.random() < dialect_share:
        languages.append("hangzhou-dialect")
    if ctx.rng.random() < 0.15:
        languages.append("en")
    return languages


def _availability(ctx: DemoContext, preset: str) -> list[dict]:
    """Weekly slots of a preset; some members skip one weekday."""
    skipped = ctx.rng.choice((None, None, None, 0, 2, 4))
    slots = [
        {"weekday": day, "start": start, "end": end}
        for days, start, end in AVAILABILITY[preset]
        for day in days
        if day != skipped
    ]
    return sorted(slots, key=lambda s: (s["weekday"], s["start"]))


def _service_areas(ctx: DemoContext, profession: Profession, number: int) -> list:
    communities = ctx.communities()
    if profession.name in WIDE_AREA_PROFESSIONS:
        return communities
    home = number % len(communities)
    others = [c for i, c in enumerate(communities) if i != home]
    return [communities[home], *ctx.rng.sample(others, k=ctx.rng.randint(1, 3))]


def _certifications(
    ctx: DemoContext, professional: Professional, profession: Profession, number: int
) -> list[Certification]:
    certificates = [
        _certificate(ctx, professional, kind, expired=number in EXPIRED_CERT_HOLDERS,
                     verified=number not in UNVERIFIED_CERT_HOLDERS)
        for kind in profession.certifications
    ]
    if any(is_child_category(c) for c in profession.categories):
        certificates += [
            _certificate(ctx, professional, kind, expired=False, verified=True)
            for kind in sorted(CHILD_SAFETY_CERTIFICATIONS)
        ]
    return certificates


def _certificate(
    ctx: DemoContext, professional: Professional, kind: CertificationKind, *, expired: bool, verified: bool
) -> Certification:
    rng = ctx.rng
    years = CERT_VALID_YEARS[kind]
    if years is None:
        issued, expires = ctx.day(-rng.randint(400, 4000)), None
    else:
        span = int(years * 365)
        age_days = span + rng.randint(10, 90) if expired else rng.randint(20, max(30, span - 60))
        issued = ctx.day(-age_days)
        expires = issued + timedelta(days=span)
    checked = issued + timedelta(days=rng.randint(1, 10))
    return Certification(
        professional_id=professional.id,
        kind=kind,
        number=f"{CERT_PREFIX[kind]}{issued:%Y}{professional.id:03d}{rng.randrange(1000):03d}",
        issued_on=issued,
        expires_on=expires,
        verified_by=rng.choice(VERIFIERS) if verified else None,
        verified_at=ctx.at((checked - ctx.today).days, "10:00") if verified else None,
    )
