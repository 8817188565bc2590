"""The nested lists the API offers, as :class:`~resolvers.pagination.Relation` definitions."""

from models import (
    Area,
    Certification,
    ConsentRecord,
    Enrollment,
    Guardianship,
    Match,
    Membership,
    Need,
    Organization,
    Professional,
    Project,
    ProjectClaim,
    ProjectSession,
    RecordCorrection,
    Resident,
)
from resolvers.pagination import Relation

RELATIONS: dict[str, Relation] = {
    "area.children": Relation(Area, "parent_id", order="c.name, c.id"),
    "organization.incubatees": Relation(Organization, "incubated_by_id", order="c.name, c.id"),
    "organization.projects": Relation(Project, "organizer_id", order="c.name, c.id"),
    "organization.memberships": Relation(Membership, "organization_id"),
    "organization.claims": Relation(ProjectClaim, "organization_id"),
    "professional.certifications": Relation(Certification, "professional_id"),
    "professional.memberships": Relation(Membership, "professional_id"),
    "professional.service_areas": Relation(
        Area, "professional_id", order="c.name, c.id", through="professional_service_area", through_child="area_id"
    ),
    "professional.led_projects": Relation(
        Project, "professional_id", order="c.name, c.id", through="project_lead", through_child="project_id"
    ),
    "project.leads": Relation(
        Professional, "project_id", order="c.name, c.id", through="project_lead", through_child="professional_id"
    ),
    "project.sessions": Relation(ProjectSession, "project_id", order="c.starts_at, c.id"),
    "project.claims": Relation(ProjectClaim, "project_id"),
    "session.enrollments": Relation(
        Enrollment, "session_id", order="CASE c.status WHEN 'CONFIRMED' THEN 0 WHEN 'WAITLISTED' THEN 1 ELSE 2 END, "
        "c.waitlist_position, c.id"
    ),
    "resident.needs": Relation(Need, "resident_id", order="c.created_at DESC, c.id DESC"),
    "need.matches": Relation(Match, "need_id", order="c.score IS NULL, c.score DESC, c.id"),
    "professional.matches": Relation(Match, "professional_id", order="c.created_at DESC, c.id DESC"),
    "professional.claims": Relation(ProjectClaim, "professional_id"),
    "resident.guardians": Relation(Guardianship, "child_id"),
    "resident.wards": Relation(Guardianship, "guardian_id"),
    "resident.consents": Relation(ConsentRecord, "resident_id", order="c.granted_at DESC, c.id DESC"),
    "household.members": Relation(Resident, "household_id"),
    "service_record.corrections": Relation(RecordCorrection, "record_id"),
}
