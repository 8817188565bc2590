"""Columns the database derives for the matching pre-filter on PostgreSQL (a professional's served communities
and weekly minutes, a match's need window and resident, kept by triggers and a generated column), the
covering match indexes that read them, and the list indexes added since 0003 (all idempotent: the same
statements as ``models.matching.extra_index_sql`` and ``models.list_indexes.list_index_sql``)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.list_indexes import list_index_sql
from models.matching import extra_index_sql


async def add_derived_columns_and_indexes(apps, schema_editor):
    dialect = schema_editor.client.capabilities.dialect
    for statement in [*extra_index_sql(dialect), *list_index_sql(dialect)]:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_time_bank_notifications_step_times")]

    operations = [
        ops.RunPython(add_derived_columns_and_indexes, ops.RunPython.noop),
    ]
