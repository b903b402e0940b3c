from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kommunalportal.core.workflow import diagram
from kommunalportal.grants.workflow import (
    ALLOWED_TRANSITIONS,
    DRAWDOWN_TRANSITIONS,
    PAYMENT_RUN_TRANSITIONS,
    PROOF_TRANSITIONS,
    RECOVERY_TRANSITIONS,
)

DIAGRAMS = {
    "grant-application.mmd": ALLOWED_TRANSITIONS,
    "drawdown.mmd": DRAWDOWN_TRANSITIONS,
    "payment-run.mmd": PAYMENT_RUN_TRANSITIONS,
    "proof-of-use.mmd": PROOF_TRANSITIONS,
    "recovery.mmd": RECOVERY_TRANSITIONS,
}


class Command(BaseCommand):
    help = "Write the state diagrams of the workflows into docs/state-diagrams/ (Mermaid)."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.PROJECT_DIR) / "docs" / "state-diagrams"
        folder.mkdir(parents=True, exist_ok=True)
        for name, transitions in DIAGRAMS.items():
            (folder / name).write_text(diagram(transitions), encoding="utf-8")
            self.stdout.write(f"wrote docs/state-diagrams/{name}")
