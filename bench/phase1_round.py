"""Benchmark: the whole phase-1 round for 443 communes from an empty database, against rendering the
same 443 Bescheid PDFs alone in the same run.

    .venv/bin/python bench/phase1_round.py [--rounds 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/phase1_round.py

Stages of the round: allocation (programme, call, 443 envelopes), submission of 443 applications (each
checked, frozen as a version), the automatic checks and preparation of 443 approvals in one bulk action,
release of 443 decisions with their Bescheid PDFs in one bulk action. Baseline: typst rendering the 443
Bescheide from the same data, nothing else, in the same run.

Before the round and not counted in it, like the signatories' accounts: the communes' drafts (their data
entry: a draft, 1–3 measures, the financing plan, one service call each). Their time is printed too.

The round runs several times (`--rounds`, each in its own process on its own empty database: a new SQLite
file in a temporary folder, or on PostgreSQL a database `<name>_round` that the script creates next to
the one DATABASE_URL names and drops afterwards). Each round's ratios are against its own baseline; the
script prints every round and the median of each ratio, because a single baseline of a few seconds
varies by 10–20 % on a shared machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from scratch import postgres_scratch  # noqa: E402  (beside this script)

BASELINE = "baseline: 443 Bescheid PDFs"
ROUND = "whole round"
DRAFTS = "(before the round: 443 drafts)"


def one_round() -> dict[str, float]:
    """One round on the empty database DATABASE_URL names; the seconds of each stage and of the baseline."""
    tmp = tempfile.mkdtemp(prefix="kp-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunalportal.config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import get_resolver

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
    # A server process has its URL configuration loaded after its first request; the release's messages
    # link to the applications, and the first link would otherwise import every view inside the round.
    get_resolver().check()
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

    return {"vendor": connection.vendor, BASELINE: baseline, **times, ROUND: sum(times.values()), DRAFTS: drafting}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single round, as JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_round()))
        return
    url = os.environ.get("DATABASE_URL", "")
    fresh, drop = postgres_scratch(url, "round") if url.startswith("postgres") else (None, lambda: None)
    rounds = []
    try:
        for _ in range(args.rounds):
            database = fresh() if fresh else f"sqlite:///{tempfile.mkdtemp(prefix='kp-bench-')}/bench.sqlite3"
            output = subprocess.run(  # noqa: S603  (this script itself, with a database it chose)
                [sys.executable, __file__, "--one"], env={**os.environ, "DATABASE_URL": database},
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            rounds.append(json.loads(output.strip().splitlines()[-1]))
    finally:
        drop()
    stages = [k for k in rounds[0] if k != "vendor"]
    print(f"database: {rounds[0]['vendor']}; {len(rounds)} rounds, each against its own baseline")
    print(f"{'stage':<48} {'seconds (each round)':>22} {'× baseline (each round)':>26} {'median ×':>9}")
    for name in stages:
        seconds = " ".join(f"{r[name]:6.2f}" for r in rounds)
        ratios = [r[name] / r[BASELINE] for r in rounds]
        each = " ".join(f"{x:5.2f}" for x in ratios)
        print(f"{name:<48} {seconds:>22} {each:>26} {statistics.median(ratios):9.2f}")


if __name__ == "__main__":
    main()
