"""Indexes of the matching pre-filter that model ``Meta`` cannot declare (GIN on PostgreSQL)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models.matching import extra_index_sql


async def add_matching_indexes(apps, schema_editor):
    for statement in extra_index_sql(schema_editor.client.capabilities.dialect):
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [
        ops.RunPython(add_matching_indexes, ops.RunPython.noop),
    ]
