"""Triggers announcing account and child-data-approval changes on PostgreSQL (``NOTIFY linli_account``), so
workers may keep the accounts they read until one changes (``models.account_events``; idempotent)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.account_events import account_event_sql


async def add_account_events(apps, schema_editor):
    for statement in account_event_sql(schema_editor.client.capabilities.dialect):
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0004_derived_matching_columns")]

    operations = [
        ops.RunPython(add_account_events, ops.RunPython.noop),
    ]
