"""The operator command line: `kommunalportal <command>` is `manage.py <command>` for an installed portal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunalportal.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kommunalportal", *sys.argv[1:]])
