from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Message
from .services import mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    messages = Message.objects.filter(recipient=user).select_related("organisation")
    page = Paginator(messages, 25).get_page(request.GET.get("seite"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    message = get_object_or_404(Message.objects.filter(recipient=user), pk=pk)
    mark_read(message=message, actor=user)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return redirect("notifications:inbox")
