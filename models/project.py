"""Projects, their claims (项目认领), sessions and enrollments."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import (
    CareCategory,
    ClaimStatus,
    EnrollmentStatus,
    ProjectStatus,
    SessionKind,
    SessionStatus,
    TargetGroup,
)


class Project(TimestampedModel):
    """A public-welfare project run by an organization, e.g. 爱有方 preschool care."""

    name = fields.CharField(max_length=120, unique=True)
    organizer = fields.ForeignKeyField("models.Organization", related_name="projects", on_delete=fields.RESTRICT)
    category = fields.CharEnumField(CareCategory, max_length=30, db_index=True)
    target_group = fields.CharEnumField(TargetGroup, max_length=20)
    min_age = fields.IntField(null=True)
    max_age = fields.IntField(null=True)
    description = fields.TextField(default="")
    status = fields.CharEnumField(ProjectStatus, max_length=20, default=ProjectStatus.ACTIVE, db_index=True)
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)
    area = fields.ForeignKeyField("models.Area", related_name="projects", null=True, on_delete=fields.RESTRICT)
    leads = fields.ManyToManyField("models.Professional", related_name="led_projects", through="project_lead")

    class Meta:
        table = "project"
        ordering = ["id"]


class ProjectClaim(TimestampedModel):
    """A professional or an organization that claimed a project (项目认领): exactly one is set."""

    project = fields.ForeignKeyField("models.Project", related_name="claims", on_delete=fields.CASCADE)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="claims", null=True, on_delete=fields.CASCADE
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="claims", null=True, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ClaimStatus, max_length=20, default=ClaimStatus.ACTIVE)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "project_claim"
        ordering = ["id"]
        unique_together = (("project", "professional"), ("project", "organization"))


class ProjectSession(TimestampedModel):
    """One occurrence of a project: a class, a reading session, a sports meet, a lecture."""

    project = fields.ForeignKeyField("models.Project", related_name="sessions", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=120)
    kind = fields.CharEnumField(SessionKind, max_length=20)
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    venue = fields.CharField(max_length=120)
    capacity = fields.IntField()
    status = fields.CharEnumField(SessionStatus, max_length=20, default=SessionStatus.SCHEDULED)

    class Meta:
        table = "project_session"
        ordering = ["starts_at", "id"]


class Enrollment(TimestampedModel):
    """A resident's place in a session: confirmed, or waitlisted with a position."""

    session = fields.ForeignKeyField("models.ProjectSession", related_name="enrollments", on_delete=fields.CASCADE)
    resident = fields.ForeignKeyField("models.Resident", related_name="enrollments", on_delete=fields.CASCADE)
    status = fields.CharEnumField(EnrollmentStatus, max_length=20)
    waitlist_position = fields.IntField(null=True)

    class Meta:
        table = "enrollment"
        ordering = ["id"]
        unique_together = (("session", "resident"),)
