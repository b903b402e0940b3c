"""Public endpoints: programmes, calls, communes, awards and indicators, without a login."""

from types import SimpleNamespace
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from kommunalportal.grants.models import Call, Programme
from kommunalportal.monitor.figures import Award, Scope, awards
from kommunalportal.monitor.indicators import INDICATORS, INDICATORS_BY_CODE, Indicator
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation
from kommunalportal.organisations.selectors import communes, organisation_by_key, search_communes

from . import filters, serializers
from .endpoints import PublicEndpoint
from .problems import problem_responses
from .selectors import public_calls, public_programmes

PUBLIC = ["public"]


class PublicList(ListModelMixin, PublicEndpoint):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        tags=PUBLIC,
        summary="Programmes",
        description="The funding programmes that have a published call, newest first.",
        responses={200: serializers.ProgrammeSerializer, **problem_responses(400)},
    )
)
class ProgrammeList(PublicList):
    serializer_class = serializers.ProgrammeSerializer

    def get_queryset(self) -> Any:
        return public_programmes()


@extend_schema(
    tags=PUBLIC,
    summary="A programme",
    description="A programme with a published call, by its id.",
    responses={200: serializers.ProgrammeSerializer, **problem_responses(404)},
)
class ProgrammeDetail(PublicEndpoint):
    serializer_class = serializers.ProgrammeSerializer

    def get(self, request: Any, version: str, public_id: str) -> Response:
        programme: Programme | None = public_programmes().filter(public_id=public_id).first()
        if programme is None:
            raise NotFound()
        return Response(self.get_serializer(programme).data)


@extend_schema_view(
    get=extend_schema(
        tags=PUBLIC,
        summary="Calls",
        description="The published calls (open or closed), newest first; drafts are not public.",
        parameters=[filters.CallFilters],
        responses={200: serializers.CallSerializer, **problem_responses(400)},
    )
)
class CallList(PublicList):
    serializer_class = serializers.CallSerializer

    def get_queryset(self) -> Any:
        given = filters.CallFilters.check(self.request)
        calls = public_calls()
        if "programme" in given:
            calls = calls.filter(programme=given["programme"])
        if "status" in given:
            calls = calls.filter(status=given["status"])
        return calls


@extend_schema(
    tags=PUBLIC,
    summary="A call",
    description="A published call (open or closed), by its id.",
    responses={200: serializers.CallSerializer, **problem_responses(404)},
)
class CallDetail(PublicEndpoint):
    serializer_class = serializers.CallSerializer

    def get(self, request: Any, version: str, public_id: str) -> Response:
        call: Call | None = public_calls().filter(public_id=public_id).first()
        if call is None:
            raise NotFound()
        return Response(self.get_serializer(call).data)


@extend_schema_view(
    get=extend_schema(
        tags=PUBLIC,
        summary="Communes",
        description="The registry's active communes (municipalities, towns, district-free cities and districts) "
        "by name. A district filter gives the district and its municipalities.",
        parameters=[filters.CommuneFilters],
        responses={200: serializers.CommuneSerializer, **problem_responses(400)},
    )
)
class CommuneList(PublicList):
    serializer_class = serializers.CommuneSerializer

    def get_queryset(self) -> Any:
        given = filters.CommuneFilters.check(self.request)
        return search_communes(district=given.get("district"), kind=given.get("kind", ""))


@extend_schema(
    tags=PUBLIC,
    summary="A commune",
    description="A commune of the registry by its official key (also one that no longer exists).",
    parameters=[OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description="The official key.")],
    responses={200: serializers.CommuneSerializer, **problem_responses(404)},
)
class CommuneDetail(PublicEndpoint):
    serializer_class = serializers.CommuneSerializer

    def get(self, request: Any, version: str, key: str) -> Response:
        commune: Organisation | None = organisation_by_key(key)
        if commune is None or commune.kind not in COMMUNE_KINDS:
            raise NotFound()
        return Response(self.get_serializer(commune).data)


@extend_schema_view(
    get=extend_schema(
        tags=PUBLIC,
        summary="Awards",
        description="Every granted application, oldest first: the commune, the amount in force, the purpose. "
        "No people. A district filter gives the awards of the district and of its municipalities.",
        parameters=[filters.AwardFilters],
        responses={200: serializers.AwardSerializer, **problem_responses(400)},
    )
)
class AwardList(PublicList):
    serializer_class = serializers.AwardSerializer

    def get_queryset(self) -> Any:
        given = filters.AwardFilters.check(self.request)
        commune = given.get("commune")
        result: list[Award] = awards(_scope(given, year=given.get("year")), organisation=commune and commune.pk)
        district = given.get("district")
        if district is not None:
            result = [a for a in result if district.pk in (a.organisation.pk, a.organisation.district_id)]
        return result


def _scope(given: dict[str, Any], *, year: int | None = None) -> Scope:
    programme, call = given.get("programme"), given.get("call")
    return Scope(programme=programme and programme.pk, call=call and call.pk, year=year)


@extend_schema_view(
    get=extend_schema(
        tags=PUBLIC,
        summary="Indicators",
        description="The indicators per commune that the monitor's map shows.",
        responses={200: serializers.IndicatorSerializer, **problem_responses(400)},
    )
)
class IndicatorList(PublicList):
    serializer_class = serializers.IndicatorSerializer

    def get_queryset(self) -> Any:
        return list(INDICATORS)


@extend_schema(
    tags=PUBLIC,
    summary="An indicator's values",
    description="The value of every commune that has one, by official key; for one programme or call if asked.",
    parameters=[
        OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, enum=[i.code for i in INDICATORS]),
        filters.IndicatorScope,
    ],
    responses={200: serializers.IndicatorValuesSerializer, **problem_responses(400, 404)},
)
class IndicatorDetail(PublicEndpoint):
    serializer_class = serializers.IndicatorValuesSerializer

    def get(self, request: Any, version: str, code: str) -> Response:
        indicator: Indicator | None = INDICATORS_BY_CODE.get(code)
        if indicator is None:
            raise NotFound()
        given = filters.IndicatorScope.check(request)
        values = indicator.compute(_scope(given))
        keys = dict(communes().values_list("pk", "key"))
        programme, call = given.get("programme"), given.get("call")
        shown = SimpleNamespace(
            code=indicator.code,
            label=indicator.label,
            unit=indicator.unit,
            description=indicator.description,
            scope={"programme": programme and programme.public_id, "call": call and call.public_id},
            values=dict(sorted((keys[pk], value) for pk, value in values.items() if pk in keys)),
        )
        return Response(self.get_serializer(shown).data)
