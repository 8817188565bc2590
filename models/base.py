"""The abstract base every Linli table shares: an integer key and created/updated timestamps."""

from tortoise import fields
from tortoise.models import Model

from models import sqlite_time  # noqa: F401  (UTC text for datetimes on SQLite)


class TimestampedModel(Model):
    """Primary key plus ``created_at`` / ``updated_at`` maintained by the ORM."""

    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True
