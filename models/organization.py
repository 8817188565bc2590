"""Organizations: the hub centre, the association, incubated service organizations and partners."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import IncubationStage, OrganizationKind, OrganizationStatus


class Organization(TimestampedModel):
    """A social organization that serves residents or coordinates those that do."""

    name = fields.CharField(max_length=120, unique=True)
    kind = fields.CharEnumField(OrganizationKind, max_length=20, db_index=True)
    uscc = fields.CharField(
        max_length=18, null=True, unique=True, description="Unified Social Credit Code (GB 32100-2015)"
    )
    incubated_by = fields.ForeignKeyField(
        "models.Organization", related_name="incubatees", null=True, on_delete=fields.RESTRICT
    )
    incubation_stage = fields.CharEnumField(IncubationStage, max_length=20, null=True, db_index=True)
    incubation_started_on = fields.DateField(null=True)
    graduated_on = fields.DateField(null=True)
    registered_on = fields.DateField(null=True)
    categories = fields.JSONField(default=list, description="Care categories the organization serves")
    description = fields.TextField(default="")
    contact_name = fields.CharField(max_length=50, default="")
    contact_phone = fields.CharField(max_length=20, null=True)
    address = fields.CharField(max_length=200, default="")
    area = fields.ForeignKeyField("models.Area", related_name="organizations", on_delete=fields.RESTRICT)
    status = fields.CharEnumField(OrganizationStatus, max_length=20, default=OrganizationStatus.ACTIVE)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)

    class Meta:
        table = "organization"
        ordering = ["id"]
