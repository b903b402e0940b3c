"""The eligible uses of "Starke Heimat Hessen" as the starting list of measure categories (editable data)."""

from django.db import migrations

CATEGORIES = [
    (
        "it-infrastructure",
        "IT-Infrastruktur und Arbeitsplätze (auch Homeoffice)",
        "IT infrastructure and workplaces (home office too)",
    ),
    ("specialist-applications", "Fachanwendungen", "Specialist applications"),
    ("e-file", "Digitale Akte (E-Akte)", "Digital records (e-file)"),
    ("online-services", "Online-Dienste (OZG)", "Online services (OZG)"),
    ("website", "Internetauftritt", "Website"),
    ("strategy", "Digitalisierungsstrategie", "Digitalisation strategy"),
    ("skills", "Digitale Kompetenzen der Beschäftigten", "Staff digital skills"),
]


def add_categories(apps, schema_editor):
    category = apps.get_model("grants", "MeasureCategory")
    for position, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        category.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "position": position})


def remove_categories(apps, schema_editor):
    apps.get_model("grants", "MeasureCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_programmes_calls_envelopes")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
