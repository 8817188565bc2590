"""What residents tell matching about providers: blocks of providers they do not want again."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ProviderKind


class ProviderBlock(TimestampedModel):
    """A resident who blocked a provider is not offered that provider again (exactly one provider is set)."""

    resident = fields.ForeignKeyField("models.Resident", related_name="provider_blocks", on_delete=fields.CASCADE)
    provider_kind = fields.CharEnumField(ProviderKind, max_length=20)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="blocked_by", null=True, on_delete=fields.CASCADE
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="blocked_by", null=True, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=200, default="", description="Why, in the resident's words (optional)")

    class Meta:
        table = "provider_block"
        ordering = ["id"]
        unique_together = (("resident", "professional"), ("resident", "organization"))


SERVICE_AREA_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "idx_professional_service_area_area" '
    'ON "professional_service_area" ("area_id", "professional_id")'
)
"""The matching pre-filter finds the professionals serving a community through this index.

Tortoise creates the many-to-many table with a unique index led by ``professional_id`` only, so the
migration adds this one with ``RunSQL`` (the statement works on PostgreSQL and SQLite alike).
"""
