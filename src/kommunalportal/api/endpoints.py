"""The two kinds of endpoint: public ones (no login; the same for everyone) and those for signed-in people
(a token or the session), which show each caller what the pages would show them."""

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated

from .authentication import SIGNED_IN
from .pagination import Pagination


class PublicEndpoint(GenericAPIView):
    """Public data: no credentials are read, so a caller sees exactly what a visitor sees."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    pagination_class: type[Pagination] | None = Pagination


class SignedInEndpoint(GenericAPIView):
    """Non-public data: a token or a session (with the second factor where one is owed); anonymous callers get 401.
    Every read starts from a `*_visible_to(user)` selector, so "not yours" and "not there" are the same 404."""

    authentication_classes = SIGNED_IN
    permission_classes = (IsAuthenticated,)
    pagination_class: type[Pagination] | None = Pagination
