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
CATEGORIES_GIN_SQL = (
    'CREATE INDEX IF NOT EXISTS "idx_professional_categories_gin" ON "professional" USING GIN ("categories")'
)


def extra_index_sql(dialect: str) -> list[str]:
    """Indexes of the matching pre-filter that model ``Meta`` cannot declare, for a database dialect.

    The many-to-many table gets an index led by ``area_id`` (Tortoise's own unique index is led by
    ``professional_id``), on every database. On PostgreSQL the care categories of professionals get a
    GIN index, which answers the ``categories @> '["MEALS"]'`` test. A migration applies them with
    ``RunPython`` (the statements are idempotent).
    """
    return [SERVICE_AREA_INDEX_SQL] + ([CATEGORIES_GIN_SQL] if dialect == "postgres" else [])
