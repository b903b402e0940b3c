from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from .models import file_format
from .selectors import documents_visible_to


@login_required
def download(request: HttpRequest, public_id: str) -> FileResponse:
    user: Any = request.user
    document = get_object_or_404(documents_visible_to(user), public_id=public_id)
    extension, media_type = file_format(document.kind)
    filename = f"{document.title}.{extension}".replace("/", "-")
    # PDFs open in the browser; data files (the SEPA file for the treasury) are saved, not shown.
    response = FileResponse(
        document.file.open("rb"), content_type=media_type, filename=filename, as_attachment=extension != "pdf"
    )
    response["X-Content-SHA256"] = document.sha256
    return response
