"""The API's index, its OpenAPI document and the browsable docs (Swagger UI served from /static/)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.reverse import reverse

from . import serializers
from .endpoints import PublicEndpoint
from .problems import ProblemRenderingMixin, problem_responses

ENDPOINTS = {
    "programmes": "api:programmes",
    "calls": "api:calls",
    "communes": "api:communes",
    "awards": "api:awards",
    "indicators": "api:indicators",
    "applications": "api:applications",
    "money": "api:money",
    "drawdowns": "api:drawdowns",
    "token": "api:token",
    "schema": "api:schema",
    "docs": "api:docs",
}


@extend_schema(
    tags=["meta"],
    summary="The endpoints of this version",
    description="Links to every endpoint, the OpenAPI document and the browsable docs.",
    responses={200: serializers.ApiRootSerializer, **problem_responses()},
)
class ApiRoot(PublicEndpoint):
    serializer_class = serializers.ApiRootSerializer

    def get(self, request: Any, version: str) -> Response:
        links = {name: reverse(view, request=request) for name, view in ENDPOINTS.items()}
        return Response(self.get_serializer(links).data)


class SchemaView(ProblemRenderingMixin, SpectacularAPIView):
    """The OpenAPI 3 document of the version in the path (YAML; JSON with ?format=json). The same for everyone."""

    authentication_classes = ()


class DocsView(ProblemRenderingMixin, SpectacularSwaggerSplitView):
    """Swagger UI over the document; its script comes from the same address (?script), its assets from /static/."""

    authentication_classes = ()
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
