"""Endpoints for signed-in people: applications, the money of each grant, drawdowns. A commune's staff see
their own commune's, the ministry everyone's, exactly as on the pages."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from kommunalportal.grants.models import Application, Drawdown, Measure
from kommunalportal.grants.selectors import applications_visible_to, drawdowns_visible_to, money_of

from . import filters, serializers
from .endpoints import SignedInEndpoint
from .problems import problem_responses

SIGNED_IN = ["signed in"]


class SignedInList(ListModelMixin, SignedInEndpoint):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


def _applications(user: Any, given: dict[str, Any]) -> QuerySet[Application]:
    applications = applications_visible_to(user)
    if "programme" in given:
        applications = applications.filter(call__programme=given["programme"])
    if "call" in given:
        applications = applications.filter(call=given["call"])
    if "commune" in given:
        applications = applications.filter(organisation=given["commune"])
    if "status" in given:
        applications = applications.filter(status=given["status"])
    return applications


def _with_measures(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("category").order_by("pk"))
    )


@extend_schema_view(
    get=extend_schema(
        tags=SIGNED_IN,
        summary="Applications",
        description="The applications the caller may see (a commune's staff: their commune's, drafts included; "
        "the ministry: all), by reference.",
        parameters=[filters.ApplicationFilters],
        responses={200: serializers.ApplicationSerializer, **problem_responses(400, 401)},
    )
)
class ApplicationList(SignedInList):
    serializer_class = serializers.ApplicationSerializer

    def get_queryset(self) -> Any:
        given = filters.ApplicationFilters.check(self.request)
        return _with_measures(_applications(self.request.user, given)).order_by("reference")


@extend_schema(
    tags=SIGNED_IN,
    summary="An application",
    description="404 if it does not exist or the caller may not see it: the two look the same.",
    responses={200: serializers.ApplicationSerializer, **problem_responses(401, 404)},
)
class ApplicationDetail(SignedInEndpoint):
    serializer_class = serializers.ApplicationSerializer

    def get(self, request: Any, version: str, public_id: str) -> Response:
        application = _with_measures(applications_visible_to(request.user)).filter(public_id=public_id).first()
        if application is None:
            raise NotFound()
        return Response(self.get_serializer(application).data)


@extend_schema_view(
    get=extend_schema(
        tags=SIGNED_IN,
        summary="Money per grant",
        description="For each granted application the caller may see: approved, drawn (requested or approved, "
        "not yet paid), paid, proven, open and to repay, in euros. Ordered by call deadline, commune, reference.",
        parameters=[filters.MoneyFilters],
        responses={200: serializers.GrantMoneySerializer, **problem_responses(400, 401)},
    )
)
class MoneyList(SignedInList):
    serializer_class = serializers.GrantMoneySerializer

    def get_queryset(self) -> Any:
        given = filters.MoneyFilters.check(self.request)
        return money_of(_applications(self.request.user, given))


def _drawdowns(user: Any) -> QuerySet[Drawdown]:
    return drawdowns_visible_to(user).select_related("application__call", "application__organisation")


@extend_schema_view(
    get=extend_schema(
        tags=SIGNED_IN,
        summary="Drawdowns",
        description="The drawdowns the caller may see, newest first.",
        parameters=[filters.DrawdownFilters],
        responses={200: serializers.DrawdownSerializer, **problem_responses(400, 401)},
    )
)
class DrawdownList(SignedInList):
    serializer_class = serializers.DrawdownSerializer

    def get_queryset(self) -> Any:
        given = filters.DrawdownFilters.check(self.request)
        drawdowns = _drawdowns(self.request.user)
        if "application" in given:
            drawdowns = drawdowns.filter(application=given["application"])
        if "call" in given:
            drawdowns = drawdowns.filter(application__call=given["call"])
        if "commune" in given:
            drawdowns = drawdowns.filter(application__organisation=given["commune"])
        if "status" in given:
            drawdowns = drawdowns.filter(status=given["status"])
        return drawdowns.order_by("-requested_at", "-pk")


@extend_schema(
    tags=SIGNED_IN,
    summary="A drawdown",
    description="404 if it does not exist or the caller may not see it.",
    responses={200: serializers.DrawdownSerializer, **problem_responses(401, 404)},
)
class DrawdownDetail(SignedInEndpoint):
    serializer_class = serializers.DrawdownSerializer

    def get(self, request: Any, version: str, public_id: str) -> Response:
        drawdown = _drawdowns(request.user).filter(public_id=public_id).first()
        if drawdown is None:
            raise NotFound()
        return Response(self.get_serializer(drawdown).data)
