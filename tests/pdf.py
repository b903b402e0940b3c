"""Reading generated PDFs in tests: their text, with whitespace and soft hyphens normalised."""

import io
import re

import pypdf

from kommunalportal.documents.models import Document


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00ad", "-"))
