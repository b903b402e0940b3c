"""The base rate (Basiszinssatz, § 247 BGB) as the Deutsche Bundesbank published it, 01.01.2015–01.07.2025,
as the starting table that the ministry keeps up to date (the same values as `interest.PUBLISHED_BASE_RATES`)."""

import datetime
from decimal import Decimal

from django.db import migrations

# Written out here: a migration must not change when the app's code does.
BASE_RATES = [
    (datetime.date(2015, 1, 1), Decimal("-0.0083")),
    (datetime.date(2015, 7, 1), Decimal("-0.0083")),
    (datetime.date(2016, 1, 1), Decimal("-0.0083")),
    (datetime.date(2016, 7, 1), Decimal("-0.0088")),
    (datetime.date(2017, 1, 1), Decimal("-0.0088")),
    (datetime.date(2017, 7, 1), Decimal("-0.0088")),
    (datetime.date(2018, 1, 1), Decimal("-0.0088")),
    (datetime.date(2018, 7, 1), Decimal("-0.0088")),
    (datetime.date(2019, 1, 1), Decimal("-0.0088")),
    (datetime.date(2019, 7, 1), Decimal("-0.0088")),
    (datetime.date(2020, 1, 1), Decimal("-0.0088")),
    (datetime.date(2020, 7, 1), Decimal("-0.0088")),
    (datetime.date(2021, 1, 1), Decimal("-0.0088")),
    (datetime.date(2021, 7, 1), Decimal("-0.0088")),
    (datetime.date(2022, 1, 1), Decimal("-0.0088")),
    (datetime.date(2022, 7, 1), Decimal("-0.0088")),
    (datetime.date(2023, 1, 1), Decimal("0.0162")),
    (datetime.date(2023, 7, 1), Decimal("0.0312")),
    (datetime.date(2024, 1, 1), Decimal("0.0362")),
    (datetime.date(2024, 7, 1), Decimal("0.0337")),
    (datetime.date(2025, 1, 1), Decimal("0.0227")),
    (datetime.date(2025, 7, 1), Decimal("0.0127")),
]


def add_base_rates(apps, schema_editor):
    entry = apps.get_model("grants", "BaseRateEntry")
    for valid_from, rate in BASE_RATES:
        # A rate the ministry already entered for the date is its own record and stays as it is.
        entry.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})


def remove_base_rates(apps, schema_editor):
    entry = apps.get_model("grants", "BaseRateEntry")
    for valid_from, rate in BASE_RATES:
        # Only the seeded rows: none that a person entered or changed.
        entry.objects.filter(valid_from=valid_from, rate=rate, entered_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0010_money_after_the_decision")]

    operations = [migrations.RunPython(add_base_rates, remove_base_rates)]
