"""Accounts remember the sign-ins ended within an access token's lifetime (``Account.ended_sessions``): a
logout stops that sign-in's access tokens at once, not when they expire. The comment of ``area_ids`` says
what an empty list means (no community, for staff)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_need_dekad_tally')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Account',
            name='area_ids',
            field=fields.JSONField(default=list, description='Communities (a subdistrict: with its communities) a staff member serves, none when empty (a centre admin serves all whatever this holds)', encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Account',
            name='ended_sessions',
            field=fields.JSONField(default=dict, description="Sign-ins ended (logout, a reused refresh token) within an access token's lifetime (refresh family: when), whose access tokens stop at once", encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
