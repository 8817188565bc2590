"""Idempotency keys of creating mutations: a retried request returns the first result and creates nothing."""

from tortoise import fields
from tortoise.models import Model


class IdempotencyKey(Model):
    """A caller's key for one creating operation, written in the same transaction as what it created.

    ``owner`` scopes the key to the caller (``account:<id>`` or ``apikey:<id>``), so two callers may
    use the same key. ``request_hash`` tells a genuine retry from a reuse of the key for another request,
    and ``response`` names what was created (``{"model": "Need", "id": 12}``), re-read on every replay.
    """

    id = fields.BigIntField(primary_key=True)
    owner = fields.CharField(max_length=40)
    operation = fields.CharField(max_length=60)
    key = fields.CharField(max_length=100)
    request_hash = fields.CharField(max_length=64, description="SHA-256 hex digest of the request's arguments")
    response = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotency_key"
        ordering = ["id"]
        unique_together = (("owner", "operation", "key"),)
