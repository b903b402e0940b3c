from typing import Any

from django.db.models import QuerySet

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES
from kommunalportal.accounts.selectors import organisations_of

from .models import Document


def documents_visible_to(user: Any) -> QuerySet[Document]:
    """Ministry staff see every document; a commune sees the documents issued to it."""
    if is_ministry_user(user):
        return Document.objects.all()
    return Document.objects.filter(organisation__in=organisations_of(user, roles=COMMUNE_ROLES))
