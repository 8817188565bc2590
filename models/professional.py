"""Professionals who serve, their certifications and their organization memberships."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import (
    AssociationRole,
    CertificationKind,
    Gender,
    MembershipRole,
    ProfessionalStatus,
)


class Professional(TimestampedModel):
    """A person who serves residents: a member of the association or of an organization."""

    name = fields.CharField(max_length=50, db_index=True)
    gender = fields.CharEnumField(Gender, max_length=10, null=True)
    birth_date = fields.DateField(null=True)
    profession = fields.CharField(max_length=80)
    bio = fields.TextField(default="")
    categories = fields.JSONField(default=list, description="Care categories offered")
    skills = fields.JSONField(default=list)
    languages = fields.JSONField(default=list, description="Languages and dialects, e.g. zh, hangzhou-dialect")
    years_experience = fields.FloatField(default=0)
    availability = fields.JSONField(
        default=list, description="Weekly slots: [{weekday: 0-6 (Mon-Sun), start: 'HH:MM', end: 'HH:MM'}]"
    )
    max_concurrent = fields.IntField(default=3)
    phone = fields.CharField(max_length=20, null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    travel_km = fields.FloatField(null=True)
    is_association_member = fields.BooleanField(default=False, db_index=True)
    association_role = fields.CharEnumField(AssociationRole, max_length=20, null=True)
    joined_association_on = fields.DateField(null=True)
    status = fields.CharEnumField(ProfessionalStatus, max_length=20, default=ProfessionalStatus.ACTIVE)
    service_areas = fields.ManyToManyField(
        "models.Area", related_name="professionals", through="professional_service_area"
    )

    class Meta:
        table = "professional"
        ordering = ["id"]
        indexes = (("status", "latitude", "longitude"), ("status", "travel_km"))


class Certification(TimestampedModel):
    """A qualification certificate: only verified, unexpired ones count for matching."""

    professional = fields.ForeignKeyField(
        "models.Professional", related_name="certifications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(CertificationKind, max_length=30)
    number = fields.CharField(max_length=60)
    issued_on = fields.DateField(null=True)
    expires_on = fields.DateField(null=True)
    verified_by = fields.CharField(max_length=60, null=True, description="Who checked the original")
    verified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "certification"
        ordering = ["id"]
        unique_together = (("kind", "number"),)
        indexes = (("professional_id", "kind"),)


class Membership(TimestampedModel):
    """A professional's membership of an organization."""

    professional = fields.ForeignKeyField(
        "models.Professional", related_name="memberships", on_delete=fields.CASCADE
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(MembershipRole, max_length=20, default=MembershipRole.MEMBER)
    joined_on = fields.DateField(null=True)

    class Meta:
        table = "membership"
        ordering = ["id"]
        unique_together = (("professional", "organization"),)
        indexes = (("organization_id", "role"),)
