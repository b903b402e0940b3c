"""What the API shows of each thing: read-only, with public ids and official keys, amounts as decimal strings in
euros (never floats), and no people (no names, no user accounts) anywhere."""

from typing import Any

from rest_framework import serializers

from kommunalportal.grants.models import Call, CallShape, CallStatus, DrawdownStatus, FinancingType
from kommunalportal.grants.workflow import ApplicationStatus
from kommunalportal.organisations.models import COMMUNE_KINDS


def money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in euros, as a string with two decimal places ("15000.00")."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def rate(**kwargs: Any) -> serializers.DecimalField:
    """A share between 0 and 1 ("0.7500" is 75 %)."""
    return serializers.DecimalField(max_digits=5, decimal_places=4, **kwargs)


class ProgrammeRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()


class CallRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class CommuneRefSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The official key (AGS; a district: its 5-digit key).")
    name = serializers.CharField(source="short_name")


class ApplicationRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    title = serializers.CharField()


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.HyperlinkedIdentityField(view_name="api:programme", lookup_field="public_id")
    code = serializers.CharField(help_text="The short code used in references, e.g. SHH.")
    name = serializers.CharField()
    description = serializers.CharField()
    legal_basis = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class CallSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.HyperlinkedIdentityField(view_name="api:call", lookup_field="public_id")
    name = serializers.CharField()
    programme = ProgrammeRefSerializer()
    year = serializers.IntegerField(source="year.year", help_text="The budget year.")
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in (CallStatus.PUBLISHED, CallStatus.CLOSED)])
    shape = serializers.ChoiceField(choices=CallShape.choices)
    budget_amount = money()
    opens_on = serializers.DateField()
    deadline_on = serializers.DateField(help_text="The application deadline.")
    proof_of_use_due_on = serializers.DateField()
    eligible_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="The kinds of commune that may apply (see the communes' kind)."
    )
    categories = serializers.SerializerMethodField(help_text="The codes of the measure categories it funds.")
    financing_type = serializers.ChoiceField(choices=FinancingType.choices)
    funding_rate = rate(allow_null=True)
    min_own_share_rate = rate()
    min_grant_amount = money()
    max_grant_amount = money(allow_null=True)
    max_duration_months = serializers.IntegerField(allow_null=True)
    drawdown_window_days = serializers.IntegerField(help_text="Drawn funds must be spent within this time.")

    def get_categories(self, call: Call) -> list[str]:
        return [category.code for category in call.categories.all()]  # prefetched


class CommuneSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The official key (AGS, 8 digits; a district: 5 digits).")
    url = serializers.HyperlinkedIdentityField(view_name="api:commune", lookup_field="key")
    name = serializers.CharField(help_text="The official name.")
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in COMMUNE_KINDS])
    district = serializers.CharField(source="district.key", allow_null=True, help_text="The key of its district.")
    administrative_region = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    population_on = serializers.DateField(allow_null=True, help_text="The day the population was counted.")
    area_km2 = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    is_active = serializers.BooleanField(help_text="False once the commune no longer appears in the official data.")


class AwardSerializer(serializers.Serializer):
    """A granted application as the public sees it (`monitor.figures.awards`)."""

    number = serializers.CharField(help_text="The number of the first grant decision.")
    awarded_on = serializers.DateField(help_text="The day the first approval was released.")
    amount = money(help_text="The grant in force (after amendments).")
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    categories = serializers.ListField(child=serializers.CharField(), help_text="Codes of the measure categories.")
    commune = CommuneRefSerializer(source="application.organisation")
    programme = ProgrammeRefSerializer(source="application.call.programme")
    call = CallRefSerializer(source="application.call")
    year = serializers.IntegerField(source="application.call.year.year", help_text="The budget year.")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    url = serializers.HyperlinkedIdentityField(view_name="api:indicator", lookup_field="code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    unit = serializers.CharField()
    description = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    programme = serializers.UUIDField(allow_null=True)
    call = serializers.UUIDField(allow_null=True)


class IndicatorValuesSerializer(IndicatorSerializer):
    scope = ScopeSerializer(help_text="The programme or call the values cover (null: all).")
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=None, decimal_places=None),
        help_text="The value of every commune that has one, by official key (decimal strings).",
    )


class MeasureSerializer(serializers.Serializer):
    category = serializers.CharField(source="category.code")
    title = serializers.CharField()
    description = serializers.CharField()
    planned_costs_amount = money()
    approved_amount = money(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.HyperlinkedIdentityField(view_name="api:application", lookup_field="public_id")
    reference = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    commune = CommuneRefSerializer(source="organisation")
    programme = ProgrammeRefSerializer(source="call.programme")
    call = CallRefSerializer()
    requested_amount = money()
    own_share_amount = money()
    third_party_amount = money()
    total_costs_amount = money()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    measures = MeasureSerializer(many=True)


class GrantMoneySerializer(serializers.Serializer):
    """One grant's money (`grants.selectors.money_of`)."""

    application = ApplicationRefSerializer()
    commune = CommuneRefSerializer(source="application.organisation")
    programme = ProgrammeRefSerializer(source="application.call.programme")
    call = CallRefSerializer(source="application.call")
    approved = money(help_text="The grant in force.")
    drawn = money(help_text="Requested or approved drawdowns, not yet paid.")
    paid = money()
    proven = money(allow_null=True, help_text="Justified by the accepted proof of use (null: none yet).")
    open = money(help_text="Approved minus drawn minus paid.")
    to_repay = money(help_text="Recovery decisions in hearing or issued, not yet repaid.")


class DrawdownSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=DrawdownStatus.choices)
    application = ApplicationRefSerializer()
    commune = CommuneRefSerializer(source="application.organisation")
    call = CallRefSerializer(source="application.call")
    expenses_amount = money(help_text="The expenses due that the drawdown is for.")
    amount = money()
    purpose = serializers.CharField()
    spend_by = serializers.DateField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class TokenSerializer(serializers.Serializer):
    """A token as issued (`services.IssuedToken`): the only time its key is shown."""

    token = serializers.CharField(source="key", help_text='Send it as "Authorization: Token <token>".')
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(help_text="From then on the token no longer works; renew it before.")


class TokenStateSerializer(serializers.Serializer):
    has_token = serializers.BooleanField(help_text="Whether the caller has a token that works (not expired).")
    created = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class ApiRootSerializer(serializers.Serializer):
    """The endpoints of this version."""

    programmes = serializers.URLField()
    calls = serializers.URLField()
    communes = serializers.URLField()
    awards = serializers.URLField()
    indicators = serializers.URLField()
    applications = serializers.URLField()
    money = serializers.URLField()
    drawdowns = serializers.URLField()
    token = serializers.URLField()
    schema = serializers.URLField()
    docs = serializers.URLField()
