from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunalportal.organisations.registry import RegistryFileError
from kommunalportal.organisations.services import import_registry


class Command(BaseCommand):
    help = "Load or update Hessen's districts and municipalities from the official files (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        data = Path(settings.REGISTRY_DATA_DIR)
        parser.add_argument("--municipalities", type=Path, default=data / "gemeinden.csv")
        parser.add_argument("--districts", type=Path, default=data / "kreise.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_registry(
                municipalities_path=options["municipalities"],
                districts_path=options["districts"],
                actor="load_registry",
            )
        except RegistryFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{error.path.name}: {problem}")
            raise CommandError(f"{error.path.name}: nothing was loaded ({len(error.problems)} problem(s))") from None
        if options["verbosity"] > 1:  # a first load makes hundreds of them
            for key in report.created:
                self.stdout.write(f"appeared: {key}", self.style.SUCCESS)
        for key, fields in report.changed.items():
            self.stdout.write(f"changed:  {key} ({', '.join(fields)})", self.style.WARNING)
        for key in report.vanished:
            self.stdout.write(f"vanished: {key} (kept, marked inactive)", self.style.WARNING)
        self.stdout.write(
            f"registry: {len(report.created)} appeared, {len(report.changed)} changed, "
            f"{len(report.vanished)} vanished, {report.unchanged} unchanged"
        )
