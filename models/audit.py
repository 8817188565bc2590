"""The audit trail of personal-data access, and staff approvals to see children's data.

Audit records are append-only: the API offers no way to change or delete them (PIPL: keep access
logs at least 6 months, processing records at least 3 years).
"""

from tortoise import fields
from tortoise.models import Model

from models.base import TimestampedModel
from models.enums import AuditAction


class AuditRecord(Model):
    """Who read or changed whose personal data, which fields, for what purpose, when."""

    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_account_id = fields.IntField(null=True, db_index=True)
    actor_api_key_id = fields.IntField(null=True)
    actor_role = fields.CharField(max_length=20)
    subject = fields.ForeignKeyField(
        "models.Resident", related_name="audit_records", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharEnumField(AuditAction, max_length=20)
    fields_accessed = fields.JSONField(default=list)
    purpose = fields.CharField(max_length=200, default="")

    class Meta:
        table = "audit_record"
        ordering = ["-id"]


class ChildDataApproval(TimestampedModel):
    """A centre admin's approval for one staff account to see one child's personal data, until it expires."""

    staff_account_id = fields.IntField(db_index=True)
    child = fields.ForeignKeyField("models.Resident", related_name="data_approvals", on_delete=fields.CASCADE)
    approved_by_account_id = fields.IntField()
    purpose = fields.CharField(max_length=200)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "child_data_approval"
        ordering = ["-id"]
