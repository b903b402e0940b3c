from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from .selectors import documents_visible_to


@login_required
def download(request: HttpRequest, public_id: str) -> FileResponse:
    user: Any = request.user
    document = documents_visible_to(user).filter(public_id=public_id).first()
    if document is None:
        raise Http404
    filename = f"{document.title}.pdf".replace("/", "-")
    response = FileResponse(document.file.open("rb"), content_type="application/pdf", filename=filename)
    response["X-Content-SHA256"] = document.sha256
    return response
