"""Project services: the project list with filters, create and update with validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Area, Organization, Professional, Project
from models.enums import CareCategory, ProjectStatus, TargetGroup
from resolvers.errors import Checker, DomainError, ErrorCode

MAX_AGE = 120
MAX_LEADS = 20


@dataclass(frozen=True, slots=True)
class ProjectFilter:
    """Criteria of the project list; every one is optional."""

    search: str | None = None
    category: CareCategory | None = None
    target_group: TargetGroup | None = None
    status: ProjectStatus | None = None
    organizer_id: int | None = None
    area_id: int | None = None


ORDERINGS = {"NAME": ("name", "id"), "CREATED_AT": ("-created_at", "-id"), "STARTS_ON": ("starts_on", "id")}


def project_queryset(criteria: ProjectFilter, order: str = "NAME"):
    """The filtered, ordered project list (not yet executed)."""
    qs = Project.all()
    text = (criteria.search or "").strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text))
    for field in ("category", "target_group", "status", "organizer_id", "area_id"):
        value = getattr(criteria, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs.order_by(*ORDERINGS[order])


async def create_project(data: dict[str, Any]) -> Project:
    """Validate and insert a project with its leads; writes nothing on bad input."""
    values, leads = await _validated(data, current=None)
    async with in_transaction():
        project = await Project.create(**values)
        if leads:
            await project.leads.add(*leads)
    return project


async def update_project(project_id: int, data: dict[str, Any]) -> Project:
    """Apply the given fields to a project, all or nothing (``lead_ids`` replaces the leads)."""
    project = await Project.get_or_none(id=project_id)
    if project is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No project with this ID.", "id")
    values, leads = await _validated(data, current=project)
    async with in_transaction():
        if values:
            await Project.filter(id=project_id).update(**values)
        if leads is not None:
            await project.leads.clear()
            if leads:
                await project.leads.add(*leads)
    await project.refresh_from_db()
    return project


async def _validated(data: dict[str, Any], current: Project | None) -> tuple[dict, list | None]:
    checker = Checker()
    values: dict[str, Any] = {}
    if "name" in data or current is None:
        values["name"] = checker.require_text(data.get("name"), "name", 120)
        others = Project.exclude(id=current.id) if current else Project.all()
        if values["name"] and await others.filter(name=values["name"]).exists():
            checker.add(ErrorCode.DUPLICATE, "Another project already has this name.", "name")
    for field in ("category", "target_group", "status", "description"):
        if data.get(field) is not None:
            values[field] = data[field]
    for field in ("starts_on", "ends_on"):
        if field in data:
            values[field] = data[field]
    await _check_refs(checker, data, values, current)
    _check_ages(checker, data, values, current)
    starts = values.get("starts_on", current.starts_on if current else None)
    ends = values.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        checker.add(ErrorCode.INVALID_RANGE, "`endsOn` cannot come before `startsOn`.", "endsOn")
    leads = await _check_leads(checker, data)
    checker.check()
    return values, leads


async def _check_refs(checker: Checker, data: dict, values: dict, current: Project | None) -> None:
    if "organizer_id" in data or current is None:
        organizer_id = data.get("organizer_id")
        if organizer_id is None:
            checker.add(ErrorCode.REQUIRED, "`organizerId` is required.", "organizerId")
        elif not await Organization.filter(id=organizer_id).exists():
            checker.add(ErrorCode.NOT_FOUND, "No organization with this ID.", "organizerId")
        values["organizer_id"] = organizer_id
    if data.get("area_id") is not None:
        if not await Area.filter(id=data["area_id"]).exists():
            checker.add(ErrorCode.NOT_FOUND, "No area with this ID.", "areaId")
        values["area_id"] = data["area_id"]
    elif "area_id" in data:
        values["area_id"] = None


def _check_ages(checker: Checker, data: dict, values: dict, current: Project | None) -> None:
    for field, name in (("min_age", "minAge"), ("max_age", "maxAge")):
        if field not in data:
            continue
        if data[field] is not None and not 0 <= data[field] <= MAX_AGE:
            checker.add(ErrorCode.OUT_OF_RANGE, f"`{name}` must be between 0 and {MAX_AGE}.", name)
        values[field] = data[field]
    low = values.get("min_age", current.min_age if current else None)
    high = values.get("max_age", current.max_age if current else None)
    if low is not None and high is not None and 0 <= low and high <= MAX_AGE and low > high:
        checker.add(ErrorCode.INVALID_RANGE, "`minAge` cannot be above `maxAge`.", "maxAge")


async def _check_leads(checker: Checker, data: dict) -> list[Professional] | None:
    if "lead_ids" not in data:
        return None
    ids = list(dict.fromkeys(data["lead_ids"] or []))
    if len(ids) > MAX_LEADS:
        checker.add(ErrorCode.TOO_LONG, f"`leadIds` has at most {MAX_LEADS} entries.", "leadIds")
        return []
    leads = await Professional.filter(id__in=ids) if ids else []
    if len(leads) != len(ids):
        checker.add(ErrorCode.NOT_FOUND, "Some of `leadIds` name no professional.", "leadIds")
    return list(leads)


def project_is_open(project: Project) -> bool:
    """True while a project can be claimed and hold sessions (planned or active)."""
    return project.status in (ProjectStatus.PLANNED, ProjectStatus.ACTIVE)

