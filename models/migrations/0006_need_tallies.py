"""The need tallies on PostgreSQL (``models.need_tally``): exact totals and monthly statistics kept by
statement-level triggers on ``need``, counted once from the needs already there (idempotent)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.need_tally import BACKFILL_SQL, need_tally_sql


async def add_need_tallies(apps, schema_editor):
    statements = need_tally_sql(schema_editor.client.capabilities.dialect)
    for statement in [*statements, *(BACKFILL_SQL if statements else ())]:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_account_events")]

    operations = [
        ops.RunPython(add_need_tallies, ops.RunPython.noop),
    ]
