"""Benchmark: the whole phase-1 round for 443 communes from an empty database, against rendering the
same 443 Bescheid PDFs alone in the same run.

    .venv/bin/python bench/phase1_round.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/phase1_round.py

Stages of the round: allocation (programme, call, 443 envelopes), submission of 443 applications (each
checked, frozen as a version), the automatic checks and preparation of 443 approvals in one bulk action,
release of 443 decisions with their Bescheid PDFs in one bulk action. Baseline: typst rendering the 443
Bescheide from the same data, nothing else, in the same run.

Before the round and not counted in it, like the signatories' accounts: the communes' drafts (their data
entry: a draft, 1–3 measures, the financing plan, one service call each). Their time is printed too.
Without DATABASE_URL it runs on a throw-away SQLite file in a temporary folder.
"""

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunalportal.config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = tmp
    call_command("migrate", verbosity=0)
    call_command("load_registry", verbosity=0)

    from kommunalportal.accounts.models import User
    from kommunalportal.demo.round import draft_round, release_round, submit_drafts
    from kommunalportal.demo.services import load_demo_people
    from kommunalportal.documents.pdf import render_pdf
    from kommunalportal.grants import applications as svc
    from kommunalportal.grants.documents import decision_data
    from kommunalportal.grants.models import Application, GrantDecision
    from kommunalportal.grants.services import publish_call, publish_envelopes

    load_demo_people()
    manager = User.objects.get(username="programm")
    reviewer = User.objects.get(username="pruefung")
    times: dict[str, float] = {}

    def stage(name, action):
        start = time.perf_counter()
        result = action()
        times[name] = time.perf_counter() - start
        return result

    def allocate():
        from kommunalportal.demo.services import phase_one_call, shh_programme

        shh_programme(manager)
        call = phase_one_call(manager)
        publish_envelopes(call=call, actor=manager)
        return publish_call(call=call, actor=manager)

    call = stage("allocation (443 envelopes)", allocate)
    # The communes' signatories and their drafts exist before the round: timed, but not part of it.
    from kommunalportal.demo.round import signatory_for

    for envelope in call.envelopes.select_related("organisation"):
        signatory_for(envelope.organisation)
    start = time.perf_counter()
    drafts = draft_round(call)
    drafting = time.perf_counter() - start

    stage("submission (443 applications)", lambda: submit_drafts(drafts))
    stage(
        "checks + 443 approvals prepared (bulk)",
        lambda: svc.prepare_approvals_in_bulk(
            applications=Application.objects.filter(call=call).order_by("reference"), actor=reviewer
        ),
    )
    stage("release: 443 decisions + Bescheid PDFs (bulk)", lambda: release_round(call, releaser=manager))
    decided = GrantDecision.objects.filter(released_at__isnull=False).select_related("application")
    if decided.count() != 443 or sum(d.approved_amount for d in decided) != Decimal("16000000.00"):
        sys.exit(f"the round is incomplete: {decided.count()} decisions")

    data = [decision_data(d) for d in decided]
    start = time.perf_counter()
    for item in data:
        render_pdf("decision", item)
    baseline = time.perf_counter() - start

    total = sum(times.values())
    print(f"database: {connection.vendor}; baseline: rendering the same 443 Bescheid PDFs alone")
    print(f"{'stage':<48} {'seconds':>8} {'× baseline':>11}")
    print(f"{'baseline: 443 Bescheid PDFs':<48} {baseline:8.2f} {1:11.2f}")
    for name, seconds in times.items():
        print(f"{name:<48} {seconds:8.2f} {seconds / baseline:11.2f}")
    print(f"{'whole round':<48} {total:8.2f} {total / baseline:11.2f}")
    print(f"{'(before the round: 443 drafts)':<48} {drafting:8.2f} {drafting / baseline:11.2f}")


if __name__ == "__main__":
    main()
