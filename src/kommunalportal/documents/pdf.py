"""PDFs from typst templates (ADR 0004): the data goes in as JSON through typst's sys.inputs."""

import json
from pathlib import Path
from typing import Any

import typst
from django.core.serializers.json import DjangoJSONEncoder

TEMPLATES = Path(__file__).resolve().parent / "typst"


def render_pdf(template: str, data: dict[str, Any]) -> bytes:
    """Compile `typst/<template>.typ` with `data`; the template reads it as `json(bytes(sys.inputs.data))`."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return typst.compile(
        TEMPLATES / f"{template}.typ",
        root=TEMPLATES,
        sys_inputs={"data": payload},
        ignore_system_fonts=True,  # the embedded fonts make every machine produce the same document
    )
