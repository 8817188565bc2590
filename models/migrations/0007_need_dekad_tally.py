"""The dekad tally on PostgreSQL (``models.need_tally``): needs per ten days, kept by the tallies' triggers, so
statistics of a period that starts or ends inside a month read a few thousand cells, not a day's cells for each
of its days; the period tallies' counts become INT (their sums stay BIGINT). Counted once from the needs already
there. Idempotent."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.need_tally import DEKAD_UPGRADE_SQL


async def add_dekad_tally(apps, schema_editor):
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    for statement in DEKAD_UPGRADE_SQL:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_need_tallies")]

    operations = [
        ops.RunPython(add_dekad_tally, ops.RunPython.noop),
    ]
