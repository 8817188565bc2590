"""The subdistrict and its communities, as a tree."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AreaKind


class Area(TimestampedModel):
    """A subdistrict (街道) or a community (社区) within it."""

    name = fields.CharField(max_length=100, db_index=True)
    kind = fields.CharEnumField(AreaKind, max_length=20)
    code = fields.CharField(max_length=20, null=True, unique=True, description="Administrative division code")
    parent = fields.ForeignKeyField(
        "models.Area", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)

    class Meta:
        table = "area"
        ordering = ["id"]
