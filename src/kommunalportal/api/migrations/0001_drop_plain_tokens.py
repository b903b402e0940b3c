"""The API's first tokens (Django REST framework's authtoken) kept their keys in plain text; their table goes.
Those keys stopped working when the digest tokens (django-rest-knox) replaced them; nothing is carried over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
