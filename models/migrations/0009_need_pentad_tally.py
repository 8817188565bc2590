"""The pentad tally on PostgreSQL (``models.need_tally``): needs per five days, kept by the tallies' triggers,
so a period that starts or ends a few days into a dekad reads one pentad instead of up to five days of cells.
Counted once from the needs already there. Idempotent."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.need_tally import PENTAD_UPGRADE_SQL


async def add_pentad_tally(apps, schema_editor):
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    for statement in PENTAD_UPGRADE_SQL:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0008_account_sessions_and_areas")]

    operations = [
        ops.RunPython(add_pentad_tally, ops.RunPython.noop),
    ]
