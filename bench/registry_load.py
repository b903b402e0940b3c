"""Benchmark: loading Hessen's registry, as ratios against parsing the same files in the same run.

    .venv/bin/python bench/registry_load.py [--rounds 5]

Baseline: parsing and validating the two CSV files (no database). Measured: a first load into an empty
database (448 organisations, each with its audit event) and a second, idempotent load (nothing changes).
Runs on a throw-away SQLite database in a temporary folder; with DATABASE_URL naming PostgreSQL, on a
database `<name>_registry` beside the named one, created and dropped by the script.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from scratch import postgres_scratch  # noqa: E402  (beside this script)


def timed(action: Callable[[], object], rounds: int, before: Callable[[], object] | None = None) -> float:
    samples = []
    for _ in range(rounds):
        if before:
            before()
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds

    # Never the database DATABASE_URL names (the benchmark empties the registry and the audit trail):
    # a new SQLite file in a temporary folder, or on PostgreSQL a database `<name>_registry` beside it.
    url = os.environ.get("DATABASE_URL", "")
    fresh, drop = postgres_scratch(url, "registry") if url.startswith("postgres") else (None, lambda: None)
    os.environ["DATABASE_URL"] = fresh() if fresh else f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunalportal.config.settings.test")
    try:
        measure(rounds)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def measure(rounds: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kommunalportal.core.db_triggers import create_append_only_triggers, drop_append_only_triggers
    from kommunalportal.core.models import AuditEvent
    from kommunalportal.organisations.models import Organisation
    from kommunalportal.organisations.registry import parse_districts, parse_municipalities
    from kommunalportal.organisations.services import import_registry

    call_command("migrate", verbosity=0)
    data = Path(settings.REGISTRY_DATA_DIR)
    municipalities, districts = data / "gemeinden.csv", data / "kreise.csv"

    def parse() -> None:
        parse_districts(districts, parse_municipalities(municipalities))

    def load() -> None:
        import_registry(municipalities_path=municipalities, districts_path=districts, actor="bench")

    def empty() -> None:
        # The audit trail refuses deletion; lift its guard for this throw-away database only.
        drop_append_only_triggers(connection)
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
        Organisation.objects.update(district=None)
        Organisation.objects.all().delete()
        create_append_only_triggers(connection)

    baseline = timed(parse, rounds)
    first = timed(load, rounds, before=empty)
    again = timed(load, rounds)
    print(f"database: {connection.vendor}, rounds: {rounds}, median times")
    print(f"{'parse + validate (baseline)':<32} {baseline * 1000:8.1f} ms   1.00x")
    print(f"{'first load (448 + audit)':<32} {first * 1000:8.1f} ms {first / baseline:6.2f}x")
    print(f"{'second load (no change)':<32} {again * 1000:8.1f} ms {again / baseline:6.2f}x")


if __name__ == "__main__":
    main()
