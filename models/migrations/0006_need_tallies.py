"""The need tallies on PostgreSQL (``models.need_tally``): exact totals and statistics kept by statement-level
triggers on ``need``, counted once from the needs already there; and the list indexes again
(``models.list_indexes``, for the professional directory's orders). Idempotent."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.list_indexes import list_index_sql
from models.need_tally import BACKFILL_SQL, need_tally_sql


async def add_need_tallies(apps, schema_editor):
    dialect = schema_editor.client.capabilities.dialect
    statements = need_tally_sql(dialect)
    for statement in [*list_index_sql(dialect), *statements, *(BACKFILL_SQL if statements else ())]:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_account_events")]

    operations = [
        ops.RunPython(add_need_tallies, ops.RunPython.noop),
    ]
