"""The elder-care time bank (养老服务时间银行): accounts, their append-only ledger, and family ties.

- ``TimeBankAccount``: a personal account held by a professional (who earns hours by serving) or by a
  resident (who receives transfers and spends hours on services), or the one pool account that serves
  priority elders. ``balance_minutes`` is derived: it always equals the sum of the account's entries and
  is changed only in the transaction that writes them.
- ``TimeBankEntry``: one ledger line, in whole minutes (credits positive, debits negative), with the
  balance after it. Never edited or deleted. There is no cash value anywhere.
- ``FamilyTie``: a resident a staff member verified as the holder's spouse or direct relative (or the
  holder themself as a resident), to whom hours may be transferred.
"""

from tortoise import fields
from tortoise.models import Model

from models.base import TimestampedModel
from models.enums import FamilyRelation, TimeBankAccountKind, TimeBankEntryKind


class TimeBankAccount(TimestampedModel):
    """A time-bank account: a professional's or a resident's, or the pool (exactly one holder, or none)."""

    key = fields.CharField(
        max_length=40, unique=True, description="Holder key, one account each: POOL, P:<professional>, R:<resident>"
    )
    kind = fields.CharEnumField(TimeBankAccountKind, max_length=10, default=TimeBankAccountKind.PERSONAL)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="time_bank_accounts", null=True, on_delete=fields.RESTRICT
    )
    resident = fields.ForeignKeyField(
        "models.Resident", related_name="time_bank_accounts", null=True, on_delete=fields.RESTRICT
    )
    balance_minutes = fields.IntField(default=0, description="Sum of the entries, never below zero")

    class Meta:
        table = "time_bank_account"
        ordering = ["id"]


class TimeBankEntry(Model):
    """One line of the time-bank ledger: append-only, in whole minutes, with the balance after it."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("models.TimeBankAccount", related_name="entries", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(TimeBankEntryKind, max_length=20)
    minutes = fields.IntField(description="Credits positive, debits negative")
    balance_after = fields.IntField(description="The account's balance in minutes after this entry")
    counterpart = fields.ForeignKeyField(
        "models.TimeBankAccount", related_name="counterpart_entries", null=True, on_delete=fields.RESTRICT,
        description="The other account of a transfer, donation or excess over the cap",
    )
    service_record = fields.ForeignKeyField(
        "models.ServiceRecord", related_name="time_bank_entries", null=True, on_delete=fields.RESTRICT,
        description="The confirmed service a deposit (and its excess) came from",
    )
    need = fields.ForeignKeyField(
        "models.Need", related_name="time_bank_entries", null=True, on_delete=fields.RESTRICT,
        description="The need a spend paid for",
    )
    actor_account_id = fields.IntField(null=True, description="Who made the entry, null for the service itself")
    actor_role = fields.CharField(max_length=20)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "time_bank_entry"
        ordering = ["id"]
        unique_together = (("service_record", "kind"), ("need", "kind"))
        indexes = (("account_id", "id"),)


class FamilyTie(TimestampedModel):
    """A resident verified as the account holder's spouse, direct relative, or the holder themself."""

    account = fields.ForeignKeyField("models.TimeBankAccount", related_name="family_ties", on_delete=fields.RESTRICT)
    relative = fields.ForeignKeyField("models.Resident", related_name="family_ties", on_delete=fields.RESTRICT)
    relation = fields.CharEnumField(FamilyRelation, max_length=20)
    verified_by_account_id = fields.IntField(null=True, description="The staff member who checked the documents")
    note = fields.CharField(max_length=200, default="", description="Which document was checked, e.g. 户口本")

    class Meta:
        table = "family_tie"
        ordering = ["id"]
        unique_together = (("account", "relative"),)
