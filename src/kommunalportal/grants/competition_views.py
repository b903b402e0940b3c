"""Pages of competitive calls: criteria, partners of joint projects, jury scores and the ranking."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.core.errors import DomainError
from kommunalportal.organisations.selectors import organisation_by_key

from . import competition
from .application_views import _done, _refused
from .selectors import applications_visible_to, calls_visible_to


def _call_or_404(user: Any, public_id: str) -> Any:
    """The call, for ministry staff only: communes do not learn that the jury pages exist."""
    if not is_ministry_user(user):
        raise Http404
    return get_object_or_404(calls_visible_to(user), public_id=public_id)


@login_required
@require_POST
def criteria(request: HttpRequest, public_id: str) -> HttpResponse:
    """Criteria as lines "name; weight"."""
    user: Any = request.user
    call = _call_or_404(user, public_id)
    parsed: list[tuple[str, Decimal]] = []
    try:
        for line in request.POST.get("criteria", "").splitlines():
            if line.strip():
                name, _sep, weight = line.rpartition(";")
                parsed.append((name.strip(), Decimal(weight.strip().replace(",", "."))))
        competition.set_criteria(call=call, actor=user, criteria=parsed)
        messages.success(request, _("The jury's criteria are saved."))
    except (InvalidOperation, ValueError):
        messages.error(
            request, _("Write one criterion per line: name; weight (for example “Nutzen für die Bürger; 3”).")
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("grants:call", public_id=call.public_id)


@login_required
@require_POST
def fund_ranking(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    call = _call_or_404(user, public_id)
    try:
        result = competition.prepare_approvals_down_the_ranking(call=call, actor=user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("grants:call", public_id=call.public_id)
    count = len(result.done)
    messages.success(
        request, ngettext("%(count)d approval prepared.", "%(count)d approvals prepared.", count) % {"count": count}
    )
    for reference, reason in result.skipped.items():
        messages.warning(request, f"{reference}: {reason}")
    return redirect("grants:call", public_id=call.public_id)


@login_required
@require_POST
def partner_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    organisation = organisation_by_key(request.POST.get("partner", "").strip())
    try:
        share = (Decimal(request.POST.get("share_percent", "").replace(",", ".")) / 100).quantize(Decimal("0.0001"))
    except InvalidOperation:
        return _refused(request, application, DomainError(_("Give the partner's share in percent.")))
    if organisation is None:
        return _refused(request, application, DomainError(_("There is no commune with this official key.")))
    try:
        competition.add_partner(application=application, actor=user, organisation=organisation, share_rate=share)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The partner is added."))


@login_required
@require_POST
def score(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    scores: dict[int, int] = {}
    try:
        for criterion in application.call.criteria.all():
            scores[criterion.pk] = int(request.POST.get(f"score_{criterion.pk}", ""))
    except ValueError:
        return _refused(request, application, DomainError(_("Give a score for every criterion.")))
    try:
        competition.score_application(application=application, juror=user, scores=scores)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("Your scores are saved."))
