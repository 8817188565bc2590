"""Residents, their households, guardianships and consent records.

Personal fields (phone, address, ID number, birth date, health notes) live here; the API never
exposes this model wholesale: the GraphQL layer builds a minimized, masked view of it.
"""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AgeBand, ConsentPurpose, Gender, GuardianRelation, Mobility


class Household(TimestampedModel):
    """A household (户) at one address in a community."""

    community = fields.ForeignKeyField("models.Area", related_name="households", on_delete=fields.RESTRICT)
    address = fields.CharField(max_length=200, description="Personal: building, unit, room")

    class Meta:
        table = "household"
        ordering = ["id"]


class Resident(TimestampedModel):
    """A person living in the subdistrict who may request services or join projects."""

    name = fields.CharField(max_length=50, db_index=True)
    gender = fields.CharEnumField(Gender, max_length=10, null=True)
    birth_date = fields.DateField(null=True, description="Personal")
    age_band = fields.CharEnumField(AgeBand, max_length=20, db_index=True)
    household = fields.ForeignKeyField(
        "models.Household", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    community = fields.ForeignKeyField("models.Area", related_name="residents", on_delete=fields.RESTRICT)
    phone = fields.CharField(max_length=20, null=True, description="Personal")
    id_number = fields.CharField(max_length=18, null=True, unique=True, description="Personal, sensitive")
    health_notes = fields.TextField(null=True, description="Personal, sensitive")
    lives_alone = fields.BooleanField(default=False, db_index=True)
    mobility = fields.CharEnumField(Mobility, max_length=20, default=Mobility.INDEPENDENT)
    languages = fields.JSONField(default=list)
    interests = fields.JSONField(default=list, description="Care categories or topics of interest")

    class Meta:
        table = "resident"
        ordering = ["id"]


class Guardianship(TimestampedModel):
    """A guardian's link to a child (under 18): children's data needs a guardian's consent."""

    guardian = fields.ForeignKeyField("models.Resident", related_name="wards", on_delete=fields.CASCADE)
    child = fields.ForeignKeyField("models.Resident", related_name="guardians", on_delete=fields.CASCADE)
    relation = fields.CharEnumField(GuardianRelation, max_length=20)

    class Meta:
        table = "guardianship"
        ordering = ["id"]
        unique_together = (("guardian", "child"),)


class ConsentRecord(TimestampedModel):
    """Consent to one purpose under one policy version, by the resident or their guardian."""

    resident = fields.ForeignKeyField("models.Resident", related_name="consents", on_delete=fields.CASCADE)
    purpose = fields.CharEnumField(ConsentPurpose, max_length=30)
    policy_version = fields.CharField(max_length=20)
    granted_by = fields.ForeignKeyField(
        "models.Resident", related_name="consents_given", null=True, on_delete=fields.SET_NULL,
        description="The guardian who consented for a child, null when the resident consented",
    )
    granted_at = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consent_record"
        ordering = ["id"]
