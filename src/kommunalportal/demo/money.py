"""The money after the Bescheide of 2020, as it happened: the communes enter their bank accounts, draw
their grants from October 2020 to spring 2021, are paid in monthly payment runs, prove the use of the
money in 2021, and one commune repays a shortfall with interest in 2022. Built through the same services
as the pages, at the historical dates and with a fixed random seed."""

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from kommunalportal.accounts.models import User
from kommunalportal.core import clock
from kommunalportal.core.money import CENT, round_commercial, split_largest_remainder
from kommunalportal.grants import payments, proofs
from kommunalportal.grants.models import (
    Application,
    Call,
    DecisionKind,
    Drawdown,
    GrantDecision,
    PaymentRun,
    ProofOfUse,
    Recovery,
    RecoveryKind,
)
from kommunalportal.grants.rules import drawdown_amount
from kommunalportal.grants.workflow import GRANTED
from kommunalportal.organisations.models import Organisation, OrganisationKind

from .round import signatory_for

SEED = 2021
# Frankfurt am Main has money left and no proof of use yet; Bruchköbel repaid a shortfall with interest;
# Ronneburg drew its €7,500 at once and its proof of use was accepted.
FRANKFURT, BRUCHKOEBEL, RONNEBURG = "06412000", "06435006", "06435024"

# The payment runs of the state treasury: executed on a Wednesday, put together a week before and released
# the day after, the outcome recorded two days after the execution.
EXECUTION_DAYS = (
    date(2020, 10, 28), date(2020, 11, 25), date(2020, 12, 16), date(2021, 1, 27),
    date(2021, 2, 24), date(2021, 3, 24), date(2021, 4, 28), date(2021, 5, 26),
)  # fmt: skip
FIRST_REQUEST_ON = date(2020, 10, 1)
# In December 2020 one transfer bounced: the commune's account had been closed.
FAILING_RUN = 2
FAILURE_REASON = "Konto erloschen"
# Sparkassen, Helaba and a Volksbank in Hessen: their bank codes give the BIC; the account numbers are made up.
BANK_CODES = ("50050000", "50850049", "50190000", "50650023")

DRAWING_RATE = 0.9  # nine communes in ten draw money before the summer of 2021
FULL_DRAW_RATE = 0.8  # most of them draw the whole grant
PROOFS = 50  # proofs of use submitted in 2021
SHORTFALLS = 1  # besides Bruchköbel's
OVERRUNS = 5  # actual costs above the plan: the grant stays as approved
PROOFS_FROM, PROOFS_UNTIL = date(2021, 5, 3), date(2021, 11, 30)


@contextmanager
def _on(day: date) -> Iterator[None]:
    """What happens inside happens at noon on `day`, as far as the services' stamps go."""
    with clock.replaying(clock.noon(day)):
        yield


def _weekdays(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def _working_day(day: date, *, step: int = 1) -> date:
    """`day` itself if it is a working day, else the next one (`step` 1) or the one before (`step` -1)."""
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Staff:
    reviewer: User  # approves drawdowns, reviews proofs, starts the recovery
    second_reviewer: User  # issues the recovery decision
    officer: User  # confirms accounts, puts the runs together, records the outcome and the repayment
    releaser: User  # releases the runs

    @classmethod
    def of_the_ministry(cls) -> "Staff":
        users = {
            u.username: u for u in User.objects.filter(username__in=["pruefung", "pruefung2", "zahlung", "zahlung2"])
        }
        return cls(users["pruefung"], users["pruefung2"], users["zahlung"], users["zahlung2"])


@dataclass
class Grant:
    """One commune's granted application of the round, with what it plans to draw and to prove."""

    application: Application
    amount: Decimal
    signatory: User
    draws: list[tuple[int, Decimal]] = field(default_factory=list)  # (run, amount), in the order of the runs
    proof_factor: Decimal | None = None  # actual costs as a share of the planned ones; None: no proof yet

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation


def account_holder(organisation: Organisation) -> str:
    """The name a commune's account is held in: Stadt Bruchköbel, Gemeinde Ronneburg, Main-Kinzig-Kreis."""
    name = organisation.short_name
    if organisation.kind == OrganisationKind.DISTRICT:
        return name if name.lower().endswith("kreis") else f"Landkreis {name}"
    if organisation.kind in (OrganisationKind.TOWN, OrganisationKind.DISTRICT_FREE_CITY):
        return f"Stadt {name}"
    return f"Gemeinde {name}"


def demo_iban(organisation: Organisation, *, attempt: int = 1) -> str:
    """A made-up but valid IBAN at a Hessian bank, the same for a commune on every run and unique to it: 9,
    the official key after the state's 06 (a district's filled up with 9s), the attempt (a second account
    after the first was closed), 0, and a national check digit that fits."""
    bank_code = BANK_CODES[(int(organisation.key) + attempt - 1) % len(BANK_CODES)]
    stem = f"9{organisation.key[2:].ljust(6, '9')}{attempt}0"
    for digit in range(10):
        candidate = str(IBAN.generate("DE", bank_code=bank_code, account_code=f"{stem}{digit}"))
        try:
            IBAN(candidate, validate_bban=True)
        except SchwiftyException:
            continue
        return candidate
    return str(IBAN.generate("DE", bank_code=bank_code, account_code=f"{stem}0"))  # a bank without a check method


def granted(call: Call) -> list[Grant]:
    """The round's granted applications with the amount of their Bescheid, by official key."""
    amounts = dict(
        GrantDecision.objects.filter(application__call=call, released_at__isnull=False)
        .exclude(kind=DecisionKind.REJECTION)
        .order_by("released_at")
        .values_list("application_id", "approved_amount")
    )
    applications = (
        Application.objects.filter(call=call, status__in=GRANTED)
        .select_related("organisation", "call")
        .prefetch_related("measures")
        .order_by("organisation__key")
    )
    return [Grant(a, amounts[a.pk], signatory_for(a.organisation)) for a in applications if a.pk in amounts]


def _shares(runs: list[int], total: Decimal, rng: random.Random) -> list[tuple[int, Decimal]]:
    """`total` drawn in the given runs: an earlier draw takes 40 to 70 % of it, the last one the rest."""
    draws, left = [], total
    for n, run in enumerate(runs):
        amount = left if n == len(runs) - 1 else _cents(total * Decimal(rng.randint(40, 70)) / 100)
        draws.append((run, amount))
        left -= amount
    return draws


def plan(grants: list[Grant], rng: random.Random) -> None:
    """Who draws how much in which run, and who proves the use of the money with which actual costs."""
    last_run = len(EXECUTION_DAYS) - 1
    for grant in grants:
        key = grant.organisation.key
        if key == FRANKFURT:
            grant.draws = [(0, _cents(grant.amount * Decimal("0.30"))), (3, _cents(grant.amount * Decimal("0.25")))]
        elif key == BRUCHKOEBEL:
            grant.draws = _shares([1, 5], grant.amount, rng)
        elif key == RONNEBURG:
            grant.draws = [(1, grant.amount)]
        elif rng.random() < DRAWING_RATE:
            first = rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
            runs = [first] if rng.random() < 0.6 else [first, min(first + rng.randint(2, 4), last_run)]
            total = (
                grant.amount
                if rng.random() < FULL_DRAW_RATE
                else _cents(grant.amount * Decimal(rng.randint(50, 85)) / 100)
            )
            grant.draws = _shares(runs, total, rng)
    # The proofs of use: communes that drew everything by April 2021; Frankfurt has not sent its proof yet.
    done = [
        g for g in grants
        if g.draws and sum(a for _, a in g.draws) == g.amount and g.draws[-1][0] < last_run
        and g.organisation.key not in (FRANKFURT, BRUCHKOEBEL, RONNEBURG)
    ]  # fmt: skip
    chosen = rng.sample(done, k=min(PROOFS - 2, len(done)))
    for n, grant in enumerate(chosen):
        if n < SHORTFALLS:
            grant.proof_factor = Decimal(rng.randint(85, 95)) / 100
        elif n < SHORTFALLS + OVERRUNS:
            grant.proof_factor = Decimal(rng.randint(103, 112)) / 100
        else:
            grant.proof_factor = Decimal(1)
    by_key = {g.organisation.key: g for g in grants}
    by_key[BRUCHKOEBEL].proof_factor = Decimal("0.88")
    by_key[RONNEBURG].proof_factor = Decimal(1)


def expenses_for(call: Call, amount: Decimal) -> Decimal:
    """The largest expenses whose drawdown under the call's financing type is `amount`: under Anteilfinanzierung
    each cent of expenses adds less than a cent, so every amount in cents is reached."""

    def drawn(expenses: Decimal) -> Decimal:
        return drawdown_amount(financing_type=call.financing_type, funding_rate=call.funding_rate, expenses=expenses)

    expenses = _cents(amount / (call.funding_rate or Decimal(1)))  # its drawdown is at most `amount`
    while drawn(expenses + CENT) <= amount:
        expenses += CENT
    return expenses


def open_account(grant: Grant, staff: Staff, *, on: date, attempt: int = 1) -> None:
    """The commune's signatory enters its account, a payment officer confirms it the next working day."""
    on = _working_day(on)
    with _on(on):
        account = payments.propose_payee_account(
            organisation=grant.organisation, actor=grant.signatory, holder=account_holder(grant.organisation),
            iban=demo_iban(grant.organisation, attempt=attempt), bic="",
        )  # fmt: skip
    with _on(_working_day(on + timedelta(days=1))):
        payments.confirm_payee_account(account=account, actor=staff.officer)


@dataclass(frozen=True)
class RunDays:
    created_on: date
    released_on: date
    executed_on: date
    settled_on: date

    @classmethod
    def of(cls, run: int) -> "RunDays":
        executed = EXECUTION_DAYS[run]
        return cls(executed - timedelta(days=7), executed - timedelta(days=6), executed, executed + timedelta(days=2))

    @property
    def requests_from(self) -> date:
        return FIRST_REQUEST_ON if self.executed_on == EXECUTION_DAYS[0] else self.created_on - timedelta(days=21)


PURPOSES = (
    "Rechnung des Dienstleisters für {title}",
    "Abschlagszahlung an den Auftragnehmer: {title}",
    "Lizenzen und Einrichtung: {title}",
)


def request_and_approve(grant: Grant, amount: Decimal, run: int, staff: Staff, rng: random.Random) -> Drawdown:
    """The commune asks for the amount on a working day before the run; a reviewer approves it days later."""
    days = RunDays.of(run)
    window = _weekdays(days.requests_from, days.created_on - timedelta(days=2))
    requested_on = rng.choice(window)
    approved_on = rng.choice(_weekdays(requested_on + timedelta(days=1), days.created_on - timedelta(days=1)))
    titles = [m.title for m in grant.application.measures.all()]
    purpose = rng.choice(PURPOSES).format(title=rng.choice(titles) if titles else grant.application.title)
    with _on(requested_on):
        drawdown = payments.request_drawdown(
            application=grant.application, actor=grant.signatory, expenses=expenses_for(grant.application.call, amount),
            purpose=purpose, will_spend_in_time=True, today=requested_on,
        )  # fmt: skip
    with _on(approved_on):
        return payments.approve_drawdown(drawdown=drawdown, actor=staff.reviewer)


def pay_in_runs(grants: list[Grant], staff: Staff, rng: random.Random) -> list[PaymentRun]:
    """Month by month: the requests, their approval, the run put together, released, paid; one transfer bounces
    in December 2020 and is paid in January, to the commune's new account."""
    by_run: dict[int, list[tuple[Grant, Decimal]]] = defaultdict(list)
    for grant in grants:
        for run, amount in grant.draws:
            by_run[run].append((grant, amount))
    runs: list[PaymentRun] = []
    returned: list[Drawdown] = []  # bounced in the last run, paid in this one
    for run in range(len(EXECUTION_DAYS)):
        days = RunDays.of(run)
        requests = sorted(by_run[run], key=lambda item: item[0].organisation.key)
        drawdowns = [request_and_approve(grant, amount, run, staff, rng) for grant, amount in requests]
        drawdowns = sorted(drawdowns, key=lambda d: d.requested_at) + returned
        if not drawdowns:
            continue
        with _on(days.created_on):
            payment_run = payments.create_payment_run(
                actor=staff.officer, execution_on=days.executed_on, drawdowns=drawdowns
            )
        with _on(days.released_on):
            payments.release_payment_run(run=payment_run, actor=staff.releaser)
        failed: dict[str, str] = {}
        returned = []
        if run == FAILING_RUN:
            bounced = rng.choice(
                [i for i in payment_run.items.select_related("drawdown__application__organisation")
                 if i.drawdown.application.organisation.key not in (FRANKFURT, BRUCHKOEBEL, RONNEBURG)]
            )  # fmt: skip
            failed = {bounced.end_to_end_id: FAILURE_REASON}
        with _on(days.settled_on):
            payments.record_payment_outcome(run=payment_run, actor=staff.officer, failed=failed)
        if failed:
            returned = [Drawdown.objects.get(pk=bounced.drawdown_id)]
            commune = next(g for g in grants if g.application.pk == bounced.drawdown.application_id)
            open_account(commune, staff, on=days.settled_on + timedelta(days=3), attempt=2)
        runs.append(payment_run)
    return runs


REPORT = (
    "Umgesetzt wurden: {titles}. Die Maßnahmen sind abgeschlossen und im Regelbetrieb; die Beschäftigten "
    "wurden eingewiesen. {costs}"
)
COSTS = {
    "lower": "Die Ausschreibung ergab günstigere Angebote als geplant, die Ausgaben blieben unter dem Ansatz.",
    "higher": "Die Ausgaben lagen über dem Ansatz; den Mehrbetrag trägt die Kommune aus eigenen Mitteln.",
    "planned": "Die Ausgaben entsprachen dem Finanzierungsplan.",
}


def prove(grant: Grant, staff: Staff, *, submitted_on: date, reviewed_on: date) -> ProofOfUse:
    """The commune's proof of use with its actual costs per measure, and the reviewer's settlement."""
    factor = grant.proof_factor or Decimal(1)
    call = grant.application.call
    measures = list(grant.application.measures.all())
    planned = {m.pk: m.planned_costs_amount for m in measures}
    actual_total = round_commercial(sum(planned.values(), Decimal(0)) * factor)
    actual = split_largest_remainder(actual_total, planned)
    covered = min(grant.amount, round_commercial(actual_total * (call.funding_rate or Decimal(1))))
    costs = "lower" if factor < 1 else "higher" if factor > 1 else "planned"
    with _on(submitted_on):
        proof = proofs.submit_proof(
            application=grant.application, actor=grant.signatory,
            report=REPORT.format(titles=", ".join(m.title for m in measures), costs=COSTS[costs]),
            actual_costs=actual, own_share=actual_total - covered, third_party=Decimal(0),
            receipts=f"Belegliste mit {len(measures) * 4} Rechnungen; die Belege liegen bei der Kommune vor.",
        )  # fmt: skip
    with _on(reviewed_on):
        return proofs.review_proof(proof=proof, actor=staff.reviewer)


def prove_use(grants: list[Grant], staff: Staff, rng: random.Random) -> list[ProofOfUse]:
    """The proofs of use of 2021, each reviewed a few weeks after it came in."""
    submitted = []
    for grant in grants:
        if grant.proof_factor is None:
            continue
        if grant.organisation.key == BRUCHKOEBEL:
            days = (date(2021, 9, 20), date(2021, 10, 18))
        elif grant.organisation.key == RONNEBURG:
            days = (date(2021, 7, 12), date(2021, 8, 9))
        else:
            paid_on = EXECUTION_DAYS[grant.draws[-1][0]]
            on = rng.choice(_weekdays(max(PROOFS_FROM, paid_on + timedelta(days=30)), PROOFS_UNTIL))
            days = (on, rng.choice(_weekdays(on + timedelta(days=14), on + timedelta(days=42))))
        submitted.append((days, grant))
    return [
        prove(grant, staff, submitted_on=submitted_on, reviewed_on=reviewed_on)
        for (submitted_on, reviewed_on), grant in sorted(submitted, key=lambda item: item[0])
    ]


# Bruchköbel's recovery: heard in November 2021, to be repaid by Christmas, repaid only in March 2022.
RECOVERY_STARTED_ON, STATEMENT_ON, RECOVERY_ISSUED_ON = date(2021, 11, 3), date(2021, 11, 12), date(2021, 11, 24)
REPAID_ON, REPAYMENT_RECORDED_ON = date(2022, 3, 8), date(2022, 3, 10)


def recover(proof: ProofOfUse, grant: Grant, staff: Staff) -> Recovery:
    """The shortfall claimed back: hearing, the commune's statement, the decision by a second reviewer, and the
    repayment with interest under § 49a VwVfG from the day the money was paid."""
    paid_on = max(d.paid_on for d in grant.application.drawdowns.all() if d.paid_on is not None)
    with _on(RECOVERY_STARTED_ON):
        recovery = proofs.start_recovery(
            application=grant.application, actor=staff.reviewer, kind=RecoveryKind.SHORTFALL,
            principal=proof.shortfall_amount or Decimal(0), interest_from=paid_on, proof=proof,
            reason="Laut Verwendungsnachweis lagen die zuwendungsfähigen Ausgaben unter dem Ansatz des "
            "Finanzierungsplans; die Zuwendung ermäßigt sich entsprechend (Nr. 2 ANBest-GK). Der überzahlte "
            "Betrag ist nach § 49a HVwVfG zu erstatten und vom Tag der Auszahlung an zu verzinsen.",
        )  # fmt: skip
    with _on(STATEMENT_ON):
        proofs.record_statement(
            recovery=recovery, actor=grant.signatory,
            statement=f"Die {account_holder(grant.organisation)} erkennt den Erstattungsbetrag an. Die Minderausgaben "
            "beruhen auf günstigeren Angeboten in der Ausschreibung.",
        )  # fmt: skip
    with _on(RECOVERY_ISSUED_ON):
        proofs.issue_recovery(recovery=recovery, actor=staff.second_reviewer)
    with _on(REPAYMENT_RECORDED_ON):
        return proofs.record_repayment(recovery=recovery, actor=staff.officer, repaid_on=REPAID_ON)


def pay_out_round(call: Call, *, seed: int = SEED) -> list[PaymentRun]:
    """The 2020 round after its Bescheide: accounts, drawdowns in monthly payment runs, proofs of use in 2021
    and Bruchköbel's recovery with interest in 2022."""
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not security)
    staff = Staff.of_the_ministry()
    grants = granted(call)
    plan(grants, rng)
    for grant in grants:
        if grant.draws:
            first = RunDays.of(grant.draws[0][0])
            open_account(grant, staff, on=_working_day(first.requests_from - timedelta(days=6), step=-1))
    runs = pay_in_runs(grants, staff, rng)
    settled = prove_use(grants, staff, rng)
    bruchkoebel = next(g for g in grants if g.organisation.key == BRUCHKOEBEL)
    recover(next(p for p in settled if p.application_id == bruchkoebel.application.pk), bruchkoebel, staff)
    return runs
