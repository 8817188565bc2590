"""Organization services: list with filters, create and update with validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Area, Organization
from models.enums import AreaKind, CareCategory, IncubationStage, OrganizationKind, OrganizationStatus
from resolvers.errors import Checker, DomainError, ErrorCode
from resolvers.identifiers import InvalidIdentifier, normalize_phone, normalize_uscc
from resolvers.json_lists import filter_list_contains


@dataclass(frozen=True, slots=True)
class OrganizationFilter:
    """Criteria of the organization directory; every one is optional."""

    search: str | None = None
    kind: OrganizationKind | None = None
    status: OrganizationStatus | None = None
    incubation_stage: IncubationStage | None = None
    incubated_by_id: int | None = None
    area_id: int | None = None
    category: CareCategory | None = None


ORDERINGS = {"NAME": ("name", "id"), "CREATED_AT": ("-created_at", "-id"), "ID": ("id",)}


def organization_queryset(criteria: OrganizationFilter, order: str = "NAME"):
    """The filtered, ordered directory (not yet executed)."""
    qs = Organization.all()
    if criteria.search:
        qs = qs.filter(Q(name__icontains=criteria.search.strip()) | Q(description__icontains=criteria.search.strip()))
    for field in ("kind", "status", "incubation_stage", "incubated_by_id", "area_id"):
        value = getattr(criteria, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    if criteria.category is not None:
        qs = filter_list_contains(qs, "categories", criteria.category.value)
    return qs.order_by(*ORDERINGS[order])


async def create_organization(data: dict[str, Any]) -> Organization:
    """Validate and insert an organization; raises ValidationFailed and writes nothing on bad input."""
    values = await _validated(data, current=None)
    async with in_transaction():
        return await Organization.create(**values)


async def update_organization(organization_id: int, data: dict[str, Any]) -> Organization:
    """Apply the given fields to an organization, all or nothing."""
    organization = await Organization.get_or_none(id=organization_id)
    if organization is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No organization with this ID.", "id")
    values = await _validated(data, current=organization)
    async with in_transaction():
        await Organization.filter(id=organization_id).update(**values)
    await organization.refresh_from_db()
    return organization


async def _validated(data: dict[str, Any], current: Organization | None) -> dict[str, Any]:
    checker = Checker()
    values: dict[str, Any] = {}
    if "name" in data or current is None:
        values["name"] = checker.require_text(data.get("name"), "name", 120)
        if values["name"] and await _others(current).filter(name=values["name"]).exists():
            checker.add(ErrorCode.DUPLICATE, "Another organization already has this name.", "name")
    if data.get("uscc"):
        try:
            values["uscc"] = normalize_uscc(data["uscc"])
        except InvalidIdentifier as exc:
            checker.add(ErrorCode.INVALID_USCC, str(exc), "uscc")
        else:
            if await _others(current).filter(uscc=values["uscc"]).exists():
                checker.add(ErrorCode.DUPLICATE, "Another organization is registered with this code.", "uscc")
    elif "uscc" in data:
        values["uscc"] = None
    if data.get("contact_phone"):
        try:
            values["contact_phone"] = normalize_phone(data["contact_phone"])
        except InvalidIdentifier as exc:
            checker.add(ErrorCode.INVALID_PHONE, str(exc), "contactPhone")
    elif "contact_phone" in data:
        values["contact_phone"] = None
    await _check_area(checker, data, values, required=current is None)
    await _check_incubation(checker, data, values, current)
    for field in ("kind", "status", "categories", "description", "contact_name", "address",
                  "latitude", "longitude", "registered_on"):
        if field in data and data[field] is not None:
            values[field] = data[field]
    if "categories" in values:
        values["categories"] = sorted({CareCategory(c).value for c in values["categories"]})
    checker.check()
    if current is None and "kind" not in values:
        raise DomainError(ErrorCode.REQUIRED, "`kind` is required.", "kind")
    return values


def _others(current: Organization | None):
    """Organizations other than ``current`` (for uniqueness checks)."""
    return Organization.exclude(id=current.id) if current else Organization.all()


async def _check_area(checker: Checker, data: dict, values: dict, *, required: bool) -> None:
    area_id = data.get("area_id")
    if area_id is None:
        if required:
            checker.add(ErrorCode.REQUIRED, "`areaId` is required.", "areaId")
        return
    if not await Area.filter(id=area_id).exists():
        checker.add(ErrorCode.NOT_FOUND, "No area with this ID.", "areaId")
    values["area_id"] = area_id


async def _check_incubation(checker: Checker, data: dict, values: dict, current: Organization | None) -> None:
    hub_id = data.get("incubated_by_id")
    if hub_id is not None:
        hub = await Organization.get_or_none(id=hub_id)
        if hub is None:
            checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "incubatedById")
        elif current is not None and hub.id == current.id:
            checker.add(ErrorCode.INVALID, "An organization cannot incubate itself.", "incubatedById")
        elif hub.kind != OrganizationKind.HUB_CENTRE:
            checker.add(ErrorCode.INVALID, "Only a hub centre incubates organizations.", "incubatedById")
        values["incubated_by_id"] = hub_id
    for field in ("incubation_stage", "incubation_started_on", "graduated_on"):
        if field in data:
            values[field] = data[field]
    started: date | None = values.get("incubation_started_on", current.incubation_started_on if current else None)
    graduated: date | None = values.get("graduated_on", current.graduated_on if current else None)
    if started and graduated and graduated < started:
        checker.add(ErrorCode.INVALID_RANGE, "Graduation cannot come before incubation started.", "graduatedOn")
    if values.get("incubation_stage") == IncubationStage.GRADUATED and not graduated:
        checker.add(ErrorCode.REQUIRED, "A graduated organization needs `graduatedOn`.", "graduatedOn")


async def community_exists(area_id: int) -> bool:
    """True when ``area_id`` is a community (used by services that file things in a community)."""
    return await Area.filter(id=area_id, kind=AreaKind.COMMUNITY).exists()
