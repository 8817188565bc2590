"""Professional services: the directory with filters, create and update with validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, RawSQL
from tortoise.transactions import in_transaction

from models import Area, Organization, Professional
from models.enums import CareCategory, ProfessionalStatus
from resolvers.availability import clean_availability
from resolvers.certifications import local_today
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.identifiers import InvalidIdentifier, normalize_phone
from resolvers.json_lists import filter_list_contains
from resolvers.keyset_pages import Keyset
from resolvers.memberships import sync_memberships

MAX_TAGS = 30
MAX_IDS = 50


@dataclass(frozen=True, slots=True)
class ProfessionalFilter:
    """Criteria of the professional directory; every one is optional."""

    search: str | None = None
    category: CareCategory | None = None
    area_id: int | None = None
    organization_id: int | None = None
    association_member: bool | None = None
    status: ProfessionalStatus | None = None


ORDERINGS = {"NAME": ("name", "id"), "CREATED_AT": ("-created_at", "-id")}
KEYSETS = {"NAME": Keyset("NAME", "name", descending=False, text=True),
           "CREATED_AT": Keyset("CREATED_AT", "created_at", descending=True)}
"""The directory's orders as keysets: its pages seek by the name or time in their cursors."""


def _skills_text() -> RawSQL:
    """The skills JSON list as text, so a substring search works on SQLite and PostgreSQL alike."""
    return RawSQL('CAST("professional"."skills" AS TEXT)')


def professional_queryset(criteria: ProfessionalFilter, order: str = "NAME"):
    """The filtered, ordered directory (not yet executed)."""
    qs = Professional.all()
    text = (criteria.search or "").strip()
    if text:
        qs = qs.annotate(skills_text=_skills_text()).filter(
            Q(name__icontains=text) | Q(profession__icontains=text) | Q(skills_text__icontains=text)
        )
    if criteria.category is not None:
        qs = filter_list_contains(qs, "categories", criteria.category.value)
    if criteria.area_id is not None:
        qs = qs.filter(service_areas__id=criteria.area_id)
    if criteria.organization_id is not None:
        qs = qs.filter(memberships__organization_id=criteria.organization_id)
    if criteria.association_member is not None:
        qs = qs.filter(is_association_member=criteria.association_member)
    if criteria.status is not None:
        qs = qs.filter(status=criteria.status)
    return qs.order_by(*ORDERINGS[order])


async def create_professional(data: dict[str, Any]) -> Professional:
    """Validate and insert a professional with service areas and memberships; all or nothing."""
    values, links = await _validated(data, current=None)
    async with in_transaction():
        professional = await Professional.create(**values)
        await _write_links(professional, links)
    return professional


async def update_professional(professional_id: int, data: dict[str, Any]) -> Professional:
    """Apply the given fields to a professional, all or nothing."""
    professional = await Professional.get_or_none(id=professional_id)
    if professional is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No professional with this ID.", "id")
    values, links = await _validated(data, current=professional)
    async with in_transaction():
        if values:
            await Professional.filter(id=professional_id).update(**values)
        await _write_links(professional, links)
    await professional.refresh_from_db()
    return professional


async def _write_links(professional: Professional, links: dict[str, list]) -> None:
    if "areas" in links:
        await professional.service_areas.clear()
        if links["areas"]:
            await professional.service_areas.add(*links["areas"])
    if "organization_ids" in links:
        await sync_memberships(professional.id, links["organization_ids"])


async def _validated(data: dict[str, Any], current: Professional | None) -> tuple[dict, dict]:
    """Column values and link lists (``areas``, ``organization_ids``) of valid input, or ValidationFailed."""
    checker = Checker()
    values: dict[str, Any] = {}
    for field, length in (("name", 50), ("profession", 80)):
        if field in data or current is None:
            values[field] = checker.require_text(data.get(field), field, length)
    _check_plain(checker, data, values)
    _check_numbers(checker, data, values)
    _check_phone(checker, data, values)
    _check_association(checker, data, values, current)
    if "availability" in data:
        values["availability"] = clean_availability(checker, data["availability"] or [])
    links = await _check_links(checker, data)
    checker.check()
    return values, links


def _check_plain(checker: Checker, data: dict, values: dict) -> None:
    for field in ("gender", "status"):
        if field in data and (data[field] is not None or field == "gender"):
            values[field] = data[field]
    if "bio" in data:
        values["bio"] = (data["bio"] or "").strip()
        if len(values["bio"]) > 2000:
            checker.add(ErrorCode.TOO_LONG, "`bio` has at most 2000 characters.", "bio")
    if "categories" in data:
        values["categories"] = sorted({CareCategory(c).value for c in data["categories"] or []})
    for field in ("skills", "languages"):
        if field in data:
            values[field] = _clean_tags(checker, data[field] or [], field)
    if data.get("birth_date") and data["birth_date"] > local_today():
        checker.add(ErrorCode.INVALID, "`birthDate` cannot be in the future.", "birthDate")
    if "birth_date" in data:
        values["birth_date"] = data["birth_date"]


def _clean_tags(checker: Checker, tags: list[str], field: str) -> list[str]:
    """Stripped, de-duplicated short texts in their given order."""
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
    if len(cleaned) > MAX_TAGS:
        checker.add(ErrorCode.TOO_LONG, f"`{field}` has at most {MAX_TAGS} entries.", field)
    if any(len(t) > 40 for t in cleaned):
        checker.add(ErrorCode.TOO_LONG, f"Each entry of `{field}` has at most 40 characters.", field)
    return cleaned


def _check_numbers(checker: Checker, data: dict, values: dict) -> None:
    if "max_concurrent_assignments" in data:
        value = data["max_concurrent_assignments"]
        if value is None or not 1 <= value <= 50:
            checker.add(ErrorCode.OUT_OF_RANGE, "`maxConcurrentAssignments` must be between 1 and 50.",
                        "maxConcurrentAssignments")
        values["max_concurrent"] = value
    if "years_experience" in data:
        value = data["years_experience"] or 0
        if not 0 <= value <= 80:
            checker.add(ErrorCode.OUT_OF_RANGE, "`yearsExperience` must be between 0 and 80.", "yearsExperience")
        values["years_experience"] = value
    if "service_radius_km" in data:
        value = data["service_radius_km"]
        if value is not None and not 0 <= value <= 100:
            checker.add(ErrorCode.OUT_OF_RANGE, "`serviceRadiusKm` must be between 0 and 100.", "serviceRadiusKm")
        values["travel_km"] = value
    if "latitude" in data:
        lat, lng = data["latitude"], data["longitude"]
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
            checker.add(ErrorCode.OUT_OF_RANGE, "`location` must be valid WGS-84 degrees.", "location")
        values["latitude"], values["longitude"] = lat, lng


def _check_phone(checker: Checker, data: dict, values: dict) -> None:
    if data.get("phone"):
        try:
            values["phone"] = normalize_phone(data["phone"])
        except InvalidIdentifier as exc:
            checker.add(ErrorCode.INVALID_PHONE, str(exc), "phone")
    elif "phone" in data:
        values["phone"] = None


def _check_association(checker: Checker, data: dict, values: dict, current: Professional | None) -> None:
    for field in ("is_association_member", "association_role", "joined_association_on"):
        if field in data and (data[field] is not None or field != "is_association_member"):
            values[field] = data[field]
    member = values.get("is_association_member", current.is_association_member if current else False)
    if not member and "association_role" not in data and current is not None and current.association_role:
        values["association_role"] = None
    role = values.get("association_role", current.association_role if current else None)
    if role is not None and not member:
        checker.add(ErrorCode.INVALID, "Only association members hold an association role.", "associationRole")


async def _check_links(checker: Checker, data: dict) -> dict[str, list]:
    links: dict[str, list] = {}
    if "service_area_ids" in data:
        ids = list(dict.fromkeys(data["service_area_ids"] or []))
        areas = await Area.filter(id__in=ids) if ids else []
        if len(ids) > MAX_IDS:
            checker.add(ErrorCode.TOO_LONG, f"`serviceAreaIds` has at most {MAX_IDS} entries.", "serviceAreaIds")
        elif len(areas) != len(ids):
            checker.add(ErrorCode.NOT_FOUND, "Some of `serviceAreaIds` name no area.", "serviceAreaIds")
        links["areas"] = list(areas)
    if "organization_ids" in data:
        ids = list(dict.fromkeys(data["organization_ids"] or []))
        found = await Organization.filter(id__in=ids).count() if ids else 0
        if len(ids) > MAX_IDS:
            checker.add(ErrorCode.TOO_LONG, f"`organizationIds` has at most {MAX_IDS} entries.", "organizationIds")
        elif found != len(ids):
            checker.add(ErrorCode.NOT_FOUND, "Some of `organizationIds` name no organization.", "organizationIds")
        links["organization_ids"] = ids
    return links
