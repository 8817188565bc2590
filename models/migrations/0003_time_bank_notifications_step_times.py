"""Time bank, family ties, session attendance, the notification outbox, the need's step times (backfilled)
the list queries' indexes (a partial index of open needs per community) and the matching pre-filter's new
indexes."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AttendanceMethod, FamilyRelation, NotificationKind, NotificationStatus, TimeBankAccountKind, TimeBankEntryKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

from models.list_indexes import list_index_sql
from models.matching import extra_index_sql
from models.step_times import backfill_step_times


async def backfill(apps, schema_editor):
    """Fill triaged_at / accepted_at / closed_at of existing needs from their events."""
    await backfill_step_times(schema_editor.client)


async def add_list_indexes(apps, schema_editor):
    """The indexes model Meta cannot declare: the list queries' partial index and the matching pre-filter's
    newer ones (reach box, covering match indexes), all idempotent."""
    dialect = schema_editor.client.capabilities.dialect
    for statement in [*list_index_sql(dialect), *extra_index_sql(dialect)]:
        await schema_editor.client.execute_script(statement)

class Migration(migrations.Migration):
    dependencies = [('models', '0002_matching_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('kind', fields.CharEnumField(description='MATCH_PROPOSED: MATCH_PROPOSED\nMATCH_ACCEPTED: MATCH_ACCEPTED\nSERVICE_TOMORROW: SERVICE_TOMORROW\nFEEDBACK_REQUESTED: FEEDBACK_REQUESTED', enum_type=NotificationKind, max_length=30)),
                ('need', fields.ForeignKeyField('models.Need', source_field='need_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('recipient', fields.ForeignKeyField('models.Account', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('dedupe_key', fields.CharField(unique=True, description='One message per occasion and person', max_length=160)),
                ('template_id', fields.CharField(default='', description='The WeChat subscription template', max_length=64)),
                ('page', fields.CharField(default='', description='The mini-program page the message opens', max_length=200)),
                ('data', fields.JSONField(default=dict, description='The rendered template values, keyword to text', encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharEnumField(default=NotificationStatus.PENDING, db_index=True, description='PENDING: PENDING\nSENDING: SENDING\nSENT: SENT\nFAILED: FAILED\nSKIPPED: SKIPPED', enum_type=NotificationStatus, max_length=10)),
                ('attempts', fields.IntField(default=0, description='Sends tried so far')),
                ('next_attempt_at', fields.DatetimeField(description="Due for its next send, or the end of a send's lease", auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=200)),
                ('sent_at', fields.DatetimeField(null=True, description='When WeChat acknowledged it', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'One WeChat subscription message to one account, with its delivery state.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='NotificationTrigger',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('kind', fields.CharEnumField(description='MATCH_PROPOSED: MATCH_PROPOSED\nMATCH_ACCEPTED: MATCH_ACCEPTED\nSERVICE_TOMORROW: SERVICE_TOMORROW\nFEEDBACK_REQUESTED: FEEDBACK_REQUESTED', enum_type=NotificationKind, max_length=30)),
                ('need', fields.ForeignKeyField('models.Need', source_field='need_id', db_constraint=True, to_field='id', related_name='notification_triggers', on_delete=OnDelete.CASCADE)),
                ('dedupe_key', fields.CharField(unique=True, description='One trigger per occasion', max_length=120)),
                ('expanded_at', fields.DatetimeField(null=True, description='When the sender turned it into notifications', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_trigger', 'app': 'models', 'indexes': [Index(fields=['expanded_at', 'id'])], 'pk_attr': 'id', 'table_description': "A change people are to be told about, written in the change's own transaction."},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='SessionAttendance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('session', fields.ForeignKeyField('models.ProjectSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendances', on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('models.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name='attendances', on_delete=OnDelete.CASCADE)),
                ('professional', fields.ForeignKeyField('models.Professional', source_field='professional_id', null=True, description='A professional who served at the session (volunteer hours)', db_constraint=True, to_field='id', related_name='attendances', on_delete=OnDelete.CASCADE)),
                ('method', fields.CharEnumField(description='CODE: CODE\nSTAFF: STAFF', enum_type=AttendanceMethod, max_length=10)),
                ('checked_in_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by_account_id', fields.IntField(null=True)),
                ('recorder', fields.CharField(description='Who recorded it (记录人): a name', max_length=60)),
            ],
            options={'table': 'session_attendance', 'app': 'models', 'unique_together': (('session', 'resident'), ('session', 'professional')), 'indexes': [Index(fields=['professional_id', 'checked_in_at'])], 'pk_attr': 'id', 'table_description': 'One person present at one session: a resident who took part, or a professional who served.'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='SessionCheckInCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('session', fields.OneToOneField('models.ProjectSession', source_field='session_id', db_constraint=True, to_field='id', related_name='check_in_code', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=12)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('issued_by_account_id', fields.IntField(null=True)),
            ],
            options={'table': 'session_check_in_code', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The current self check-in code of a session (a new one replaces the old).'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='TimeBankAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('key', fields.CharField(unique=True, description='Holder key, one account each: POOL, P:<professional>, R:<resident>', max_length=40)),
                ('kind', fields.CharEnumField(default=TimeBankAccountKind.PERSONAL, description='PERSONAL: PERSONAL\nPOOL: POOL', enum_type=TimeBankAccountKind, max_length=10)),
                ('professional', fields.ForeignKeyField('models.Professional', source_field='professional_id', null=True, db_constraint=True, to_field='id', related_name='time_bank_accounts', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('models.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name='time_bank_accounts', on_delete=OnDelete.RESTRICT)),
                ('balance_minutes', fields.IntField(default=0, description='Sum of the entries, never below zero')),
            ],
            options={'table': 'time_bank_account', 'app': 'models', 'pk_attr': 'id', 'table_description': "A time-bank account: a professional's or a resident's, or the pool (exactly one holder, or none)."},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='FamilyTie',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('account', fields.ForeignKeyField('models.TimeBankAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='family_ties', on_delete=OnDelete.RESTRICT)),
                ('relative', fields.ForeignKeyField('models.Resident', source_field='relative_id', db_constraint=True, to_field='id', related_name='family_ties', on_delete=OnDelete.RESTRICT)),
                ('relation', fields.CharEnumField(description='SELF: SELF\nSPOUSE: SPOUSE\nPARENT: PARENT\nGRANDPARENT: GRANDPARENT\nCHILD: CHILD\nGRANDCHILD: GRANDCHILD', enum_type=FamilyRelation, max_length=20)),
                ('verified_by_account_id', fields.IntField(null=True, description='The staff member who checked the documents')),
                ('note', fields.CharField(default='', description='Which document was checked, e.g. 户口本', max_length=200)),
            ],
            options={'table': 'family_tie', 'app': 'models', 'unique_together': (('account', 'relative'),), 'pk_attr': 'id', 'table_description': "A resident verified as the account holder's spouse, direct relative, or the holder themself."},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='TimeBankEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.TimeBankAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='DEPOSIT: DEPOSIT\nTRANSFER_OUT: TRANSFER_OUT\nTRANSFER_IN: TRANSFER_IN\nDONATION_OUT: DONATION_OUT\nDONATION_IN: DONATION_IN\nCAP_EXCESS_OUT: CAP_EXCESS_OUT\nCAP_EXCESS_IN: CAP_EXCESS_IN\nSPEND: SPEND', enum_type=TimeBankEntryKind, max_length=20)),
                ('minutes', fields.IntField(description='Credits positive, debits negative')),
                ('balance_after', fields.IntField(description="The account's balance in minutes after this entry")),
                ('counterpart', fields.ForeignKeyField('models.TimeBankAccount', source_field='counterpart_id', null=True, description='The other account of a transfer, donation or excess over the cap', db_constraint=True, to_field='id', related_name='counterpart_entries', on_delete=OnDelete.RESTRICT)),
                ('service_record', fields.ForeignKeyField('models.ServiceRecord', source_field='service_record_id', null=True, description='The confirmed service a deposit (and its excess) came from', db_constraint=True, to_field='id', related_name='time_bank_entries', on_delete=OnDelete.RESTRICT)),
                ('need', fields.ForeignKeyField('models.Need', source_field='need_id', null=True, description='The need a spend paid for', db_constraint=True, to_field='id', related_name='time_bank_entries', on_delete=OnDelete.RESTRICT)),
                ('actor_account_id', fields.IntField(null=True, description='Who made the entry, null for the service itself')),
                ('actor_role', fields.CharField(max_length=20)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'time_bank_entry', 'app': 'models', 'unique_together': (('service_record', 'kind'), ('need', 'kind')), 'indexes': [Index(fields=['account_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One line of the time-bank ledger: append-only, in whole minutes, with the balance after it.'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Match',
            index=Index(fields=['status', 'created_at', 'need_id', 'id']),
        ),
        ops.RemoveIndex(
            model_name='Need',
            name=None,
            fields=['community_id', 'status', 'created_at'],
        ),
        ops.AddField(
            model_name='Need',
            name='accepted_at',
            field=fields.DatetimeField(null=True, description='When the need became ACCEPTED (the first time)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Need',
            name='closed_at',
            field=fields.DatetimeField(null=True, description='When the need became CLOSED (the first time)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Need',
            name='triaged_at',
            field=fields.DatetimeField(null=True, description='When the need became TRIAGED (the first time)', auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Need',
            index=Index(fields=['community_id', 'status', 'created_at', 'id']),
        ),
        ops.AddIndex(
            model_name='Need',
            index=Index(fields=['created_at', 'community_id', 'category', 'status', 'id', 'triaged_at', 'accepted_at', 'closed_at']),
        ),
        ops.AddIndex(
            model_name='NeedEvent',
            index=Index(fields=['to_status', 'need_id', 'created_at']),
        ),
        ops.RunPython(backfill, ops.RunPython.noop),
        ops.RunPython(add_list_indexes, ops.RunPython.noop),
    ]
