"""The self-assessment: its data, the services that save and submit a response (policies, freezing, audit),
the form built from the questions, and the pages per persona, with the index page's query count."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import _person, signed_in
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import create_ministry_admin
from kommunalportal.core import clock
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind
from kommunalportal.monitor.forms import ResponseForm, field_name
from kommunalportal.monitor.models import Answer, Question, Questionnaire, Response, ResponseStatus
from kommunalportal.monitor.questionnaire import (
    check_answer,
    display_value,
    questions_of,
    save_draft,
    submit_response,
)

pytestmark = pytest.mark.django_db

D = Decimal
BRUCHKOEBEL = "06435006"


@pytest.fixture
def open_questionnaire(registry) -> Questionnaire:
    """This year's questionnaire, open from a week ago to in three weeks, with the questions of 2024 (as a
    programme manager sets it up in the administration)."""
    today = timezone.localdate()
    questionnaire = Questionnaire.objects.create(
        year=today.year, title="Selbsteinschätzung Digitalisierung", opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=21), is_published=True,
    )  # fmt: skip
    for question in questions_of(Questionnaire.objects.get(year=2024)):
        question.pk, question.questionnaire = None, questionnaire
        question.save()
    return questionnaire


def complete_values(questionnaire: Questionnaire) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {}
    for question in questions_of(questionnaire):
        if question.kind == "number":
            values[question.code] = D(40)
        else:
            values[question.code] = D(1) if question.kind == "yes_no" else D(3)
    return values


def post_data(values: dict[str, Decimal | None], action: str = "speichern") -> dict[str, str]:
    data = {f"frage-{code}": ("" if value is None else str(value)) for code, value in values.items()}
    data["aktion"] = action
    return data


def bruchkoebel_org(organisation):
    return organisation(BRUCHKOEBEL)


# The questionnaires as data


def test_the_questionnaires_2020_to_2024_are_seeded_with_the_same_ten_questions():
    years = list(Questionnaire.objects.order_by("year").values_list("year", flat=True))
    assert years[:5] == [2020, 2021, 2022, 2023, 2024]
    for questionnaire in Questionnaire.objects.filter(year__lte=2024):
        questions = questions_of(questionnaire)
        assert [q.code for q in questions][:3] == ["e-akte", "ozg-online", "fachverfahren"] and len(questions) == 10
        assert questionnaire.is_published and questionnaire.opens_on == date(questionnaire.year, 10, 1)
    # Every indicator area is asked about.
    assert set(Question.objects.values_list("area", flat=True)) == {
        "it-infrastructure", "specialist-applications", "e-file", "online-services", "website", "strategy", "skills",
    }  # fmt: skip


def test_the_database_refuses_a_number_question_without_bounds_and_a_second_questionnaire_a_year():
    questionnaire = Questionnaire.objects.get(year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(questionnaire=questionnaire, code="neu", text="?", kind="number", area="skills")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            questionnaire=questionnaire, code="neu", text="?", kind="number", area="skills",
            min_value=D(5), max_value=D(5),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            questionnaire=questionnaire, code="neu", text="?", kind="yes_no", area="skills", weight=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(year=2024, title="x", opens_on=date(2024, 1, 1), closes_on=date(2024, 2, 1))


def test_one_response_per_commune_and_year_and_a_submitted_one_has_its_time_and_person(
    open_questionnaire, municipal_applicant, organisation
):
    commune = bruchkoebel_org(organisation)
    now = timezone.now()
    Response.objects.create(
        questionnaire=open_questionnaire, organisation=commune, created_at=now, updated_at=now,
        updated_by=municipal_applicant,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            questionnaire=open_questionnaire, organisation=commune, created_at=now, updated_at=now,
            updated_by=municipal_applicant,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(organisation=commune).update(status=ResponseStatus.SUBMITTED)


# Checking answers


@pytest.mark.parametrize(
    ("code", "value", "allowed"),
    [
        ("strategie", D(1), True), ("strategie", D(0), True), ("strategie", D(2), False),
        ("e-akte", D(4), True), ("e-akte", D(5), False), ("e-akte", D("2.5"), False), ("e-akte", D(-1), False),
        ("ozg-online", D("12.5"), True), ("ozg-online", D(100), True), ("ozg-online", D("100.01"), False),
        ("ozg-online", D(-1), False), ("ozg-online", D("1.234"), False),
    ],
)  # fmt: skip
def test_an_answer_must_fit_its_question(code, value, allowed):
    question = Questionnaire.objects.get(year=2024).questions.get(code=code)
    if allowed:
        check_answer(question, value)
    else:
        with pytest.raises(DomainError):
            check_answer(question, value)


def test_answers_are_shown_as_yes_no_the_step_or_the_number_with_its_unit():
    questions = {q.code: q for q in questions_of(Questionnaire.objects.get(year=2024))}
    with translation.override("en"):
        assert display_value(questions["strategie"], D(1)) == "Yes"
        assert display_value(questions["e-akte"], D(3)) == "3 – largely in place"
        assert display_value(questions["ozg-online"], D("12.50")) == "12.5 %"
        assert display_value(questions["ozg-online"], D("40.00")) == "40 %"
        assert display_value(questions["ozg-online"], None) == "–"
    with translation.override("de"):
        assert display_value(questions["ozg-online"], D("12.50")) == "12,5 %"


# Saving and submitting


def test_a_draft_is_saved_changed_and_cleared_with_an_audit_event_each_time(
    open_questionnaire, municipal_applicant, organisation
):
    commune = bruchkoebel_org(organisation)
    response = save_draft(
        questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant,
        values={"e-akte": D(2), "strategie": D(1)},
    )  # fmt: skip
    assert response.status == ResponseStatus.DRAFT and response.updated_by == municipal_applicant
    assert dict(response.answers.values_list("question__code", "value")) == {"e-akte": D(2), "strategie": D(1)}
    again = save_draft(
        questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant,
        values={"e-akte": D(3), "strategie": None, "ozg-online": D("12.5")},
    )  # fmt: skip
    assert again.pk == response.pk
    assert dict(again.answers.values_list("question__code", "value")) == {"e-akte": D(3), "ozg-online": D("12.5")}
    events = list(AuditEvent.objects.filter(action="monitor.response.saved", object_id=str(response.pk)))
    assert len(events) == 2
    assert events[1].before == {"status": "draft", "answers": {"e-akte": "2.00", "strategie": "1.00"}}
    assert events[1].after == {"status": "draft", "answers": {"e-akte": "3.00", "ozg-online": "12.50"}}


def test_submitting_needs_every_answer_and_then_freezes_the_response(
    open_questionnaire, municipal_applicant, municipal_signatory, organisation
):
    commune = bruchkoebel_org(organisation)
    values = complete_values(open_questionnaire)
    incomplete = {**values, "schulung": None}
    with pytest.raises(DomainError, match="1 offen"):
        submit_response(
            questionnaire=open_questionnaire, organisation=commune, actor=municipal_signatory, values=incomplete
        )
    assert not Response.objects.exists()  # nothing of the refused act stays

    moment = timezone.make_aware(datetime.combine(timezone.localdate(), time(9, 30)))
    with clock.replaying(moment):
        response = submit_response(
            questionnaire=open_questionnaire, organisation=commune, actor=municipal_signatory, values=values
        )
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at == moment
    assert response.submitted_by == municipal_signatory and response.answers.count() == 10
    event = AuditEvent.objects.get(action="monitor.response.submitted")
    assert event.object_id == str(response.pk) and event.after["status"] == "submitted"
    assert event.after["answers"]["e-akte"] == "3.00"

    for act in (save_draft, submit_response):
        with pytest.raises(DomainError, match="nicht mehr geändert"):
            act(questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant,
                values={"e-akte": D(0)})  # fmt: skip
    assert Answer.objects.get(response=response, question__code="e-akte").value == D(3)


@pytest.mark.parametrize("persona", ["clerk", "service_designer", "other_commune_applicant", "programme_manager"])
def test_only_the_communes_applicants_and_signatories_fill_in_its_response(
    persona, request, open_questionnaire, organisation
):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        save_draft(
            questionnaire=open_questionnaire, organisation=bruchkoebel_org(organisation), actor=actor,
            values={"e-akte": D(1)},
        )  # fmt: skip
    assert not Response.objects.exists()


def test_a_questionnaire_takes_answers_only_while_it_is_published_and_open(
    open_questionnaire, municipal_applicant, organisation
):
    commune = bruchkoebel_org(organisation)
    closed = Questionnaire.objects.get(year=2024)
    with pytest.raises(DomainError, match="geschlossen"):
        save_draft(questionnaire=closed, organisation=commune, actor=municipal_applicant, values={})
    with clock.replaying(timezone.make_aware(datetime(2024, 9, 30, 12))), pytest.raises(DomainError, match="geöffnet"):
        save_draft(questionnaire=closed, organisation=commune, actor=municipal_applicant, values={})
    with clock.replaying(timezone.make_aware(datetime(2024, 12, 15, 12))):  # the last day
        save_draft(questionnaire=closed, organisation=commune, actor=municipal_applicant, values={"e-akte": D(1)})
    Questionnaire.objects.filter(pk=open_questionnaire.pk).update(is_published=False)
    open_questionnaire.refresh_from_db()
    with pytest.raises(DomainError, match="nicht veröffentlicht"):
        save_draft(questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant, values={})


def test_an_unknown_question_or_a_value_out_of_bounds_is_refused(open_questionnaire, municipal_applicant, organisation):
    commune = bruchkoebel_org(organisation)
    with pytest.raises(DomainError, match="keine Frage"):
        save_draft(questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant,
                   values={"kantine": D(1)})  # fmt: skip
    with pytest.raises(DomainError):
        save_draft(questionnaire=open_questionnaire, organisation=commune, actor=municipal_applicant,
                   values={"ozg-online": D(120)})  # fmt: skip
    assert not Answer.objects.exists()


# The form


def test_the_form_has_a_field_per_question_and_reads_german_numbers(open_questionnaire):
    questions = questions_of(open_questionnaire)
    data = {field_name(q): "" for q in questions} | {"frage-ozg-online": "12,5", "frage-e-akte": "3"}
    with translation.override("de"):
        form = ResponseForm(data, questions=questions)
        assert form.is_valid(), form.errors
    assert form.values()["ozg-online"] == D("12.5") and form.values()["e-akte"] == D(3)
    assert form.values()["strategie"] is None
    assert form.fields["frage-strategie"].widget.input_type == "radio"


def test_the_form_refuses_values_out_of_bounds_and_asks_for_everything_when_submitting(open_questionnaire):
    questions = questions_of(open_questionnaire)
    data = {field_name(q): "" for q in questions} | {"frage-ozg-online": "120", "frage-e-akte": "7"}
    form = ResponseForm(data, questions=questions)
    assert not form.is_valid()
    assert set(form.errors) == {"frage-ozg-online", "frage-e-akte"}
    complete = ResponseForm({field_name(q): "" for q in questions}, questions=questions, complete=True)
    assert not complete.is_valid() and len(complete.errors) == 10


# The pages per persona


def test_anonymous_visitors_are_sent_to_sign_in(client, open_questionnaire):
    for path in ("/monitor/index/fragebogen/", f"/monitor/index/fragebogen/{open_questionnaire.year}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_a_person_without_a_commune_or_the_ministry_is_refused(citizen):
    assert signed_in(citizen).get("/monitor/index/fragebogen/").status_code == 403
    assert signed_in(citizen).get("/monitor/index/fragebogen/2024/").status_code == 403
    assert signed_in(citizen).get(f"/monitor/index/fragebogen/2024/{BRUCHKOEBEL}/").status_code == 404


def test_the_commune_sees_its_questionnaires_and_fills_in_saves_and_submits(
    open_questionnaire, municipal_applicant, organisation
):
    client = signed_in(municipal_applicant)
    year = open_questionnaire.year
    overview = client.get("/monitor/index/fragebogen/").content.decode()
    assert f'data-year="{year}" data-key="{BRUCHKOEBEL}"' in overview and 'data-year="2020"' in overview
    assert f"/monitor/index/fragebogen/{year}/{BRUCHKOEBEL}/" in overview

    page = client.get(f"/monitor/index/fragebogen/{year}/")
    assert page.status_code == 200 and 'name="frage-e-akte"' in page.content.decode()

    address = f"/monitor/index/fragebogen/{year}/{BRUCHKOEBEL}/"
    values = complete_values(open_questionnaire)
    saved = client.post(address, post_data({"e-akte": D(2), **{k: None for k in values if k != "e-akte"}}))
    assert saved.status_code == 302 and saved["Location"] == address
    response = Response.objects.get()
    assert response.status == ResponseStatus.DRAFT and response.answers.count() == 1

    # Submitting with open questions: the page names each; nothing is submitted.
    refused = client.post(address, post_data({**values, "schulung": None}, action="einreichen"))
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert 'href="#id_frage-schulung"' in refused.content.decode()
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT

    submitted = client.post(address, post_data(values, action="einreichen"))
    assert submitted.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == municipal_applicant

    frozen = client.get(address).content.decode()
    assert 'name="frage-e-akte"' not in frozen and 'data-status="submitted"' in frozen
    # A late change is refused with a message, and changes nothing.
    late = client.post(address, post_data({**values, "e-akte": D(0)}), follow=True)
    assert late.status_code == 200 and 'role="alert"' in late.content.decode()
    assert Answer.objects.get(question__code="e-akte").value == D(3)


def test_a_value_that_does_not_fit_shows_an_error_and_saves_nothing(open_questionnaire, municipal_signatory):
    address = f"/monitor/index/fragebogen/{open_questionnaire.year}/{BRUCHKOEBEL}/"
    response = signed_in(municipal_signatory).post(address, {"frage-e-akte": "9", "frage-ozg-online": "viel"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"frage-e-akte", "frage-ozg-online"}
    assert not Response.objects.exists()


def test_another_commune_sees_nothing_of_the_response(open_questionnaire, municipal_applicant, other_commune_applicant):
    client = signed_in(municipal_applicant)
    address = f"/monitor/index/fragebogen/{open_questionnaire.year}/{BRUCHKOEBEL}/"
    client.post(address, post_data(complete_values(open_questionnaire), action="einreichen"))
    other = signed_in(other_commune_applicant)
    assert other.get(address).status_code == 404
    assert other.post(address, post_data({"e-akte": D(0)})).status_code == 404
    assert other.get("/monitor/index/fragebogen/2024/06412000/").status_code == 404
    # Its own page is its own commune's.
    own = other.get(f"/monitor/index/fragebogen/{open_questionnaire.year}/")
    assert own.status_code == 200 and own.context["organisation"].key == "06435024"


def test_the_communes_clerk_reads_the_response_but_cannot_change_it(open_questionnaire, municipal_applicant, clerk):
    address = f"/monitor/index/fragebogen/{open_questionnaire.year}/{BRUCHKOEBEL}/"
    signed_in(municipal_applicant).post(address, post_data({"e-akte": D(2)}))
    client = signed_in(clerk)
    page = client.get(address)
    assert page.status_code == 200 and page.context["form"] is None
    assert 'data-question="e-akte"' in page.content.decode()
    assert client.post(address, post_data({"e-akte": D(0)})).status_code == 403
    assert Answer.objects.get().value == D(2)


def test_the_ministry_reads_every_response_and_changes_none(open_questionnaire, municipal_applicant, programme_manager):
    address = f"/monitor/index/fragebogen/{open_questionnaire.year}/{BRUCHKOEBEL}/"
    signed_in(municipal_applicant).post(address, post_data(complete_values(open_questionnaire), action="einreichen"))
    client = signed_in(programme_manager, ministry=True)
    overview = client.get("/monitor/index/fragebogen/").content.decode()
    assert f'data-year="{open_questionnaire.year}"' in overview
    listing = client.get(f"/monitor/index/fragebogen/{open_questionnaire.year}/")
    assert listing.status_code == 200 and listing.context["submitted"] == 1 and len(listing.context["rows"]) == 443
    page = client.get(address)
    assert page.status_code == 200 and 'data-status="submitted"' in page.content.decode()
    assert client.post(address, post_data({"e-akte": D(0)})).status_code == 403


def test_an_unpublished_questionnaire_is_the_ministrys_only(open_questionnaire, municipal_applicant, programme_manager):
    Questionnaire.objects.filter(pk=open_questionnaire.pk).update(is_published=False)
    year = open_questionnaire.year
    assert signed_in(municipal_applicant).get(f"/monitor/index/fragebogen/{year}/").status_code == 404
    assert signed_in(programme_manager, ministry=True).get(f"/monitor/index/fragebogen/{year}/").status_code == 200


@pytest.mark.parametrize("path", ["1999/", f"1999/{BRUCHKOEBEL}/", "2024/06/", "2024/99999999/", "2024/06431/x/"])
def test_unknown_years_and_communes_are_not_found(path, municipal_applicant):
    assert signed_in(municipal_applicant).get(f"/monitor/index/fragebogen/{path}").status_code == 404


# The public index


def seed_a_few(organisation):
    """Three communes answered in 2024: one high, one in the middle, one low."""
    questionnaire = Questionnaire.objects.get(year=2024)
    moment = timezone.make_aware(datetime(2024, 10, 20, 10))
    for key, level in ((BRUCHKOEBEL, "high"), ("06435024", "middle"), ("06412000", "low")):
        signatory = _person(f"z{key}", Role.MUNICIPAL_SIGNATORY, key)
        values = {}
        for question in questions_of(questionnaire):
            high = question.max_value if question.kind == "number" else (D(1) if question.kind == "yes_no" else D(4))
            low = question.min_value if question.kind == "number" else D(0)
            values[question.code] = {"high": high, "low": low, "middle": low if question.kind == "yes_no" else D(2)
                                     if question.kind == "scale" else D(50)}[level]  # fmt: skip
        with clock.replaying(moment):
            submit_response(questionnaire=questionnaire, organisation=organisation(key), actor=signatory, values=values)


def test_the_public_index_shows_distribution_equality_and_each_commune(client, organisation):
    seed_a_few(organisation)
    page = client.get("/monitor/index/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('role="img"') == 4 and "<title id=" in html and "<desc id=" in html
    rows = page.context["rows"]
    assert page.context["year"] == 2024
    assert [row.organisation.key for row in rows] == ["06435006", "06412000", "06435024"]  # by name
    chosen = page.context["chosen"]
    assert chosen.distribution.count == 3 and chosen.gini > 0
    values = {row.organisation.key: row.index.value for row in rows}
    assert values["06435006"] == D("70.0") and values["06412000"] == D("0.0")
    # Sorted by index, highest first; the header says so.
    ordered = client.get("/monitor/index/?jahr=2024&sortierung=-index")
    assert [row.organisation.key for row in ordered.context["rows"]] == ["06435006", "06435024", "06412000"]
    assert 'aria-sort="descending"' in ordered.content.decode()
    earlier = client.get("/monitor/index/?jahr=2023&sortierung=name")
    assert earlier.context["rows"] == []


@pytest.mark.parametrize("query", ["jahr=1999", "jahr=abc", "jahr=2024&sortierung=drop", "jahr=2&sortierung=-index"])
def test_a_bad_choice_on_the_index_page_is_explained_not_an_error(client, query):
    page = client.get(f"/monitor/index/?{query}")
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert page.context["year"] == 2024


def test_the_public_index_reads_the_same_number_of_queries_for_few_or_all_communes(
    client, organisation, submitted, reviewer, programme_manager
):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    svc.release_decision(decision=decision, actor=programme_manager, on=date(2020, 9, 14))
    seed_a_few(organisation)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/monitor/index/?jahr=2024&sortierung=-index").status_code == 200
    from kommunalportal.monitor.demo import seed_demo_responses

    seed_demo_responses([2022, 2023])
    with CaptureQueriesContext(connection) as many:
        page = client.get("/monitor/index/?jahr=2023&sortierung=-index")
    assert len(page.context["rows"]) == 443
    # The years, the communes, the awards with their measures, and the answers.
    assert len(few) == len(many) == 5, [q["sql"] for q in many.captured_queries]


def test_the_ministrys_list_of_responses_reads_the_same_number_of_queries_for_few_or_many(
    programme_manager, organisation
):
    client = signed_in(programme_manager, ministry=True)
    seed_a_few(organisation)
    with CaptureQueriesContext(connection) as few:
        client.get("/monitor/index/fragebogen/2024/")
    from kommunalportal.monitor.demo import seed_demo_responses

    seed_demo_responses([2023])
    with CaptureQueriesContext(connection) as many:
        page = client.get("/monitor/index/fragebogen/2023/")
    assert page.context["submitted"] == 443
    assert len(few) == len(many) <= 7, [q["sql"] for q in many.captured_queries]


# The administration


def form_data(page) -> dict[str, object]:
    """What the admin's change form would send back unchanged: the main form and every inline form."""
    data: dict[str, object] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value if not hasattr(value, "isoformat") else value.isoformat()
    return data


@pytest.fixture
def operator(verified_client, registry):
    admin = create_ministry_admin(username="admin", email="a@example.org", password="Lang-und-sicher-2020", actor="t")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    return verified_client(admin)


def test_questions_are_edited_in_the_administration_with_an_audit_event(operator, open_questionnaire):
    address = f"/admin/monitor/questionnaire/{open_questionnaire.pk}/change/"
    page = operator.get(address)
    assert page.status_code == 200
    data = form_data(page)
    position = next(i for i, q in enumerate(questions_of(open_questionnaire)) if q.code == "schulung")
    data[f"questions-{position}-weight"] = "2.50"
    response = operator.post(address, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert open_questionnaire.questions.get(code="schulung").weight == D("2.50")
    event = AuditEvent.objects.get(action="monitor.question.changed")
    assert event.before["weight"] == "1.50" and event.after["weight"] == "2.50"
    assert AuditEvent.objects.filter(action="monitor.questionnaire.changed").count() == 1


def test_once_answered_a_questions_meaning_is_fixed_in_the_administration(
    operator, open_questionnaire, municipal_applicant, organisation
):
    save_draft(
        questionnaire=open_questionnaire, organisation=bruchkoebel_org(organisation), actor=municipal_applicant,
        values={"e-akte": D(2)},
    )  # fmt: skip
    address = f"/admin/monitor/questionnaire/{open_questionnaire.pk}/change/"
    data = form_data(operator.get(address))
    answered = next(i for i, q in enumerate(questions_of(open_questionnaire)) if q.code == "e-akte")
    refused = operator.post(address, {**data, f"questions-{answered}-kind": "yes_no"})
    assert refused.status_code == 200  # the form again, with the error
    assert open_questionnaire.questions.get(code="e-akte").kind == "scale"
    # A question nobody answered yet may still change; so may the answered one's weight.
    other = next(i for i, q in enumerate(questions_of(open_questionnaire)) if q.code == "strategie")
    changed = operator.post(
        address, {**data, f"questions-{other}-kind": "scale", f"questions-{answered}-weight": "2.50"}
    )
    assert changed.status_code == 302
    assert open_questionnaire.questions.get(code="strategie").kind == "scale"
    assert open_questionnaire.questions.get(code="e-akte").weight == D("2.50")
    # Responses are read there, never changed.
    response = Response.objects.get()
    assert operator.get(f"/admin/monitor/response/{response.pk}/change/").status_code == 200
    assert operator.post(f"/admin/monitor/response/{response.pk}/delete/", {"post": "yes"}).status_code == 403
