"""Database triggers that refuse UPDATE and DELETE on the audit trail, on SQLite and PostgreSQL alike."""

from django.db import migrations

from kommunalportal.core.db_triggers import create_append_only_triggers, drop_append_only_triggers


def create_triggers(apps, schema_editor):
    create_append_only_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    drop_append_only_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
