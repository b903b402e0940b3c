"""Who may do what in the grants domain."""

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kommunalportal.accounts.policies import has_role, is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES, Role
from kommunalportal.core.policies import Decision

from .models import CallStatus


def can_manage_programmes(user: Any) -> Decision:
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only programme managers set up programmes and calls."))


def can_view_programme_administration(user: Any) -> Decision:
    if is_ministry_user(user):
        return Decision.allow()
    return Decision.deny(_("Only ministry staff see the administration of programmes."))


def _holds(user: Any, roles: set[Role], organisation: Any) -> bool:
    return any(has_role(user, role, organisation) for role in roles)


def can_draft_application(user: Any, organisation: Any) -> Decision:
    if _holds(user, {Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY}, organisation):
        return Decision.allow()
    return Decision.deny(_("Only the commune's applicants and authorised signatories prepare its applications."))


def can_view_application(user: Any, application: Any) -> Decision:
    """Ministry staff and the people of the applying commune (the same rule as `applications_visible_to`)."""
    if is_ministry_user(user) or _holds(user, set(COMMUNE_ROLES), application.organisation):
        return Decision.allow()
    return Decision.deny(_("Only the commune and the ministry see this application."))


def can_submit_application(user: Any, application: Any) -> Decision:
    if has_role(user, Role.MUNICIPAL_SIGNATORY, application.organisation):
        return Decision.allow()
    return Decision.deny(_("Only an authorised signatory of the commune submits its application."))


def can_review(user: Any) -> Decision:
    if has_role(user, Role.REVIEWER):
        return Decision.allow()
    return Decision.deny(_("Only reviewers review applications."))


def can_release_decision(user: Any, decision: Any) -> Decision:
    if not (has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER)):
        return Decision.deny(_("Only reviewers and programme managers release decisions."))
    if decision.prepared_by_id == user.pk:
        return Decision.deny(_("Four eyes: whoever prepared a decision cannot release it."))
    return Decision.allow()


def can_release_decisions(user: Any) -> Decision:
    """Whether the user may release decisions at all (each one still needs someone other than its preparer)."""
    if has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only reviewers and programme managers release decisions."))


def can_score(user: Any) -> Decision:
    """The jury of competitive calls: reviewers and programme managers of the ministry."""
    if has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only members of the jury score applications."))


def call_accepts_applications(call: Any, today: date) -> Decision:
    """A call takes new applications while it is published and between its opening and its deadline."""
    if call.status != CallStatus.PUBLISHED:
        return Decision.deny(_("The call is not open for applications."))
    if not call.opens_on <= today <= call.deadline_on:
        return Decision.deny(
            _("Applications are accepted from %(opens)s to %(deadline)s.")
            % {
                "opens": date_format(call.opens_on, "SHORT_DATE_FORMAT"),
                "deadline": date_format(call.deadline_on, "SHORT_DATE_FORMAT"),
            }
        )
    return Decision.allow()


# The money after the Bescheid.


def can_propose_payee_account(user: Any, organisation: Any) -> Decision:
    if _holds(user, {Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY}, organisation):
        return Decision.allow()
    return Decision.deny(_("Only the commune's applicants and authorised signatories change its bank account."))


def can_confirm_payee_account(user: Any, account: Any) -> Decision:
    """A second person confirms a new account: a payment officer of the ministry, never its proposer."""
    if not has_role(user, Role.PAYMENT_OFFICER):
        return Decision.deny(_("Only payment officers confirm a commune's new bank account."))
    if account.proposed_by_id == user.pk:
        return Decision.deny(_("Four eyes: whoever proposed the account cannot confirm it."))
    return Decision.allow()


def can_request_drawdown(user: Any, application: Any) -> Decision:
    if has_role(user, Role.MUNICIPAL_SIGNATORY, application.organisation):
        return Decision.allow()
    return Decision.deny(_("Only an authorised signatory of the commune requests funds."))


def can_decide_drawdown(user: Any) -> Decision:
    if has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only reviewers and programme managers decide on drawdowns."))


def can_prepare_payment_run(user: Any) -> Decision:
    if has_role(user, Role.PAYMENT_OFFICER):
        return Decision.allow()
    return Decision.deny(_("Only payment officers put payment runs together."))


def can_release_payment_run(user: Any, run: Any) -> Decision:
    if not has_role(user, Role.PAYMENT_OFFICER):
        return Decision.deny(_("Only payment officers release payment runs."))
    if run.created_by_id == user.pk:
        return Decision.deny(_("Four eyes: whoever put a payment run together cannot release it."))
    return Decision.allow()


def can_view_money(user: Any, organisation: Any) -> Decision:
    """A commune's grants, payments and recoveries: its own people and the ministry's staff."""
    if is_ministry_user(user) or _holds(user, set(COMMUNE_ROLES), organisation):
        return Decision.allow()
    return Decision.deny(_("Only the commune and the ministry see its money."))


def can_submit_proof(user: Any, application: Any) -> Decision:
    if has_role(user, Role.MUNICIPAL_SIGNATORY, application.organisation):
        return Decision.allow()
    return Decision.deny(_("Only an authorised signatory of the commune submits the proof of use."))


def can_review_proof(user: Any) -> Decision:
    if has_role(user, Role.REVIEWER):
        return Decision.allow()
    return Decision.deny(_("Only reviewers review proofs of use."))


def can_issue_recovery(user: Any, recovery: Any) -> Decision:
    if not (has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER)):
        return Decision.deny(_("Only reviewers and programme managers issue recovery decisions."))
    if recovery.prepared_by_id == user.pk:
        return Decision.deny(_("Four eyes: whoever started a recovery cannot issue its decision."))
    return Decision.allow()


def can_start_recovery(user: Any) -> Decision:
    if has_role(user, Role.REVIEWER) or has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only reviewers and programme managers start a recovery."))


def can_settle_recovery(user: Any) -> Decision:
    if has_role(user, Role.PAYMENT_OFFICER):
        return Decision.allow()
    return Decision.deny(_("Only payment officers record repayments."))


def can_maintain_base_rates(user: Any) -> Decision:
    if has_role(user, Role.PAYMENT_OFFICER) or has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only payment officers and programme managers maintain the base rate."))
