"""Open data for partners: the public directory as Open Referral HSDS 3.0 records (JSON), by table.

The export holds organizations (not dissolved) with their identifiers (USCC), public phone numbers and
offices, their projects as services (with the communities they serve as service areas), the sessions
that are not over or cancelled as schedules at their venues, and the care categories as a taxonomy
linked to services and organizations by attributes. Every record is an HSDS 3.0 object of the schema
named in :data:`TABLES` (``tests/test_open_data.py`` validates them against the published schemas).

Nothing else is read: no resident, no enrollment, no professional, no need, no contact person. Four
statements, whatever the size of the directory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import Area, Organization, Project, ProjectSession
from models.enums import OrganizationKind, OrganizationStatus, SessionStatus, TargetGroup, label
from resolvers import hsds_records as hsds

HSDS_VERSION = "3.0.0"
#: The export's tables and the HSDS 3.0 schema of their records.
TABLES = {
    "organizations": "organization", "organization_identifiers": "organization_identifier", "phones": "phone",
    "locations": "location", "addresses": "address", "services": "service", "service_areas": "service_area",
    "service_at_locations": "service_at_location", "schedules": "schedule", "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term", "attributes": "attribute",
}
ORGANIZATION_FIELDS = ("id", "name", "kind", "uscc", "incubated_by_id", "registered_on", "categories", "description",
                       "contact_phone", "address", "area_id", "latitude", "longitude")
PROJECT_FIELDS = ("id", "name", "organizer_id", "category", "target_group", "min_age", "max_age", "description",
                  "status", "area_id")
SESSION_FIELDS = ("id", "project_id", "title", "kind", "starts_at", "ends_at", "venue")


async def hsds_export(now: datetime | None = None) -> dict[str, Any]:
    """The whole export: a few facts about it, then one list of records per HSDS table."""
    now = (now or datetime.now(UTC)).astimezone(hsds.HZ)
    areas = {a["id"]: a for a in await Area.all().values("id", "name", "kind", "code", "parent_id")}
    organizations = await (Organization.exclude(status=OrganizationStatus.DISSOLVED).order_by("id")
                           .values(*ORGANIZATION_FIELDS))
    projects = await Project.filter(organizer_id__in=[o["id"] for o in organizations]).order_by("id").values(
        *PROJECT_FIELDS)
    sessions = await (ProjectSession.filter(project_id__in=[p["id"] for p in projects], ends_at__gte=now)
                      .exclude(status=SessionStatus.CANCELLED).order_by("starts_at", "id").values(*SESSION_FIELDS))
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    _organizations(tables, organizations, areas)
    _services(tables, projects, {o["id"]: o for o in organizations}, areas)
    _schedules(tables, sessions, {p["id"]: p for p in projects})
    taxonomy, terms = hsds.taxonomy()
    tables["taxonomies"], tables["taxonomy_terms"] = [taxonomy], terms
    hub = next((o["name"] for o in organizations if o["kind"] == OrganizationKind.HUB_CENTRE), "邻里 Linli")
    return {"hsds_version": HSDS_VERSION, "generated_at": now.isoformat(timespec="seconds"),
            "publisher": {"name": hub, "description": "社区服务公开目录（不含任何居民个人信息）"}, **tables}


def _organizations(tables: dict, rows: list[dict], areas: dict[int, dict]) -> None:
    exported = {row["id"] for row in rows}
    for row in rows:
        link = hsds.hsds_id("organization", row["id"])
        tables["organizations"].append(hsds.organization(row, exported))
        if row["uscc"]:
            tables["organization_identifiers"].append(hsds.identifier(row))
        if row["contact_phone"]:
            tables["phones"].append(hsds.phone(row))
        if row["address"] or row["latitude"] is not None:
            location, address = hsds.office(row, areas[row["area_id"]]["name"])
            tables["locations"].append(location)
            if address:
                tables["addresses"].append(address)
        for category in row["categories"] or ():
            tables["attributes"].append(hsds.category_attribute("organization", row["id"], link, category))


def _top(area: dict, areas: dict[int, dict]) -> dict:
    """The subdistrict an area belongs to (itself when it is one)."""
    while area["parent_id"] is not None and area["parent_id"] in areas:
        area = areas[area["parent_id"]]
    return area


def _services(tables: dict, rows: list[dict], organizers: dict[int, dict], areas: dict[int, dict]) -> None:
    for row in rows:
        row = {**row, "eligibility": label(TargetGroup(row["target_group"]))}
        tables["services"].append(hsds.service(row))
        served = areas[row["area_id"]] if row["area_id"] else _top(areas[organizers[row["organizer_id"]]["area_id"]],
                                                                    areas)
        tables["service_areas"].append(hsds.service_area(row, served))
        tables["attributes"].append(hsds.category_attribute("service", row["id"], hsds.hsds_id("service", row["id"]),
                                                            row["category"]))


def _schedules(tables: dict, sessions: list[dict], projects: dict[int, dict]) -> None:
    venues: dict[tuple[int, str], str] = {}
    at_locations: dict[tuple[int, str], str] = {}
    for row in sessions:
        organizer_id = projects[row["project_id"]]["organizer_id"]
        if (organizer_id, row["venue"]) not in venues:
            location = hsds.venue(organizer_id, row["venue"])
            venues[(organizer_id, row["venue"])] = location["id"]
            tables["locations"].append(location)
        location_id = venues[(organizer_id, row["venue"])]
        if (row["project_id"], location_id) not in at_locations:
            link = hsds.hsds_id("service-at-location", f"{row['project_id']}:{location_id}")
            at_locations[(row["project_id"], location_id)] = link
            tables["service_at_locations"].append({"id": link, "service_id": hsds.hsds_id("service", row["project_id"]),
                                                   "location_id": location_id})
        tables["schedules"].append(hsds.schedule(row, location_id, at_locations[(row["project_id"], location_id)]))
