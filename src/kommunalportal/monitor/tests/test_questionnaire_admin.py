"""Maintaining the questionnaires: the policies, the services (a new year as a copy, the questions, the order,
publishing) with their refusals and audit events, the rule that an answered question's meaning is fixed, and the
ministry's pages per persona (programme managers change, other ministry roles read, everybody else is refused)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kommunalportal.core import clock
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.monitor import admin as monitor_admin
from kommunalportal.monitor import questionnaire_admin as qa
from kommunalportal.monitor.models import Question, Questionnaire, ResponseStatus
from kommunalportal.monitor.questionnaire import questions_of, save_draft, submit_response
from kommunalportal.monitor.questionnaire_admin import (
    InvalidInput,
    QuestionInput,
    can_manage_questionnaires,
    can_view_questionnaire_administration,
    create_questionnaire,
    delete_question,
    move_question,
    publish_questionnaire,
    save_question,
    unpublish_questionnaire,
    update_questionnaire,
)

pytestmark = pytest.mark.django_db

D = Decimal
BRUCHKOEBEL = "06435006"
BASE = "/monitor/index/fragebogen/verwaltung/"
MINISTRY_READERS = ["reviewer", "payment_officer", "auditor"]
OUTSIDERS = ["municipal_applicant", "municipal_signatory", "clerk", "service_designer", "citizen"]


def y2024() -> Questionnaire:
    return Questionnaire.objects.get(year=2024)


def codes(questionnaire: Questionnaire) -> list[str]:
    return [question.code for question in questions_of(questionnaire)]


def new_question(**changes: object) -> QuestionInput:
    values: dict[str, object] = {"code": "open-data", "text": "Veröffentlicht Ihre Kommune offene Daten?",
                                 "kind": "yes_no", "area": "strategy", "weight": D("1.00")}  # fmt: skip
    values.update(changes)
    return QuestionInput(**values)  # type: ignore[arg-type]  # the test's own values


def as_input(question: Question, **changes: object) -> QuestionInput:
    values = {name: getattr(question, name) for name in QuestionInput.__dataclass_fields__}
    values.update(changes)
    return QuestionInput(**values)


def answers_2024(questionnaire: Questionnaire) -> dict[str, Decimal | None]:
    return {
        question.code: question.max_value if question.kind == "number" else D(1)
        for question in questions_of(questionnaire)
    }


def while_2024_was_open():
    return clock.replaying(timezone.make_aware(datetime(2024, 10, 20, 10)))


@pytest.fixture
def drafted_2024(organisation, municipal_signatory) -> Questionnaire:
    """Bruchköbel's draft of 2024 answers one question, e-akte."""
    with while_2024_was_open():
        save_draft(
            questionnaire=y2024(), organisation=organisation(BRUCHKOEBEL), actor=municipal_signatory,
            values={"e-akte": D(2)},
        )  # fmt: skip
    return y2024()


@pytest.fixture
def submitted_2024(organisation, municipal_signatory) -> Questionnaire:
    """Bruchköbel submitted its self-assessment of 2024: every question is answered."""
    with while_2024_was_open():
        submit_response(
            questionnaire=y2024(), organisation=organisation(BRUCHKOEBEL), actor=municipal_signatory,
            values=answers_2024(y2024()),
        )  # fmt: skip
    return y2024()


@pytest.fixture
def draft_2025(programme_manager) -> Questionnaire:
    return create_questionnaire(
        actor=programme_manager, year=2025, title="Selbsteinschätzung 2025", opens_on=date(2025, 10, 1),
        closes_on=date(2025, 12, 15), copy_from=y2024(),
    )  # fmt: skip


# Policies


@pytest.mark.parametrize(
    ("persona", "manages", "reads"),
    [
        ("programme_manager", True, True), ("reviewer", False, True), ("payment_officer", False, True),
        ("auditor", False, True), ("municipal_applicant", False, False), ("municipal_signatory", False, False),
        ("clerk", False, False), ("service_designer", False, False), ("citizen", False, False),
    ],
)  # fmt: skip
def test_programme_managers_maintain_the_questionnaires_and_every_ministry_role_reads_them(
    request, persona, manages, reads
):
    user = request.getfixturevalue(persona)
    assert bool(can_manage_questionnaires(user)) is manages
    assert bool(can_view_questionnaire_administration(user)) is reads
    if not manages:
        assert can_manage_questionnaires(user).reason


# Services: the questionnaire


def test_a_new_year_is_set_up_unpublished_as_a_copy_of_the_year_before_with_audit_events(programme_manager):
    questionnaire = create_questionnaire(
        actor=programme_manager, year=2025, title=" Selbsteinschätzung 2025 ", introduction="Stichtag 30.9.",
        opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 15), copy_from=y2024(),
    )  # fmt: skip
    assert not questionnaire.is_published and questionnaire.title == "Selbsteinschätzung 2025"
    assert codes(questionnaire) == codes(y2024())
    for copy, source in zip(questions_of(questionnaire), questions_of(y2024()), strict=True):
        assert copy.pk != source.pk
        assert all(getattr(copy, name) == getattr(source, name) for name in qa.QUESTION_FIELDS)
    assert y2024().questions.count() == 10  # the source keeps its questions

    created = AuditEvent.objects.get(action="monitor.questionnaire.created")
    assert created.before is None and created.object_id == str(questionnaire.pk)
    assert created.after["year"] == 2025 and created.after["copied_from"] == 2024
    assert created.after["is_published"] is False and created.actor == programme_manager
    copied = AuditEvent.objects.filter(action="monitor.question.created")
    assert copied.count() == 10 and {event.after["code"] for event in copied} == set(codes(y2024()))


def test_a_new_year_can_start_without_questions(programme_manager):
    questionnaire = create_questionnaire(
        actor=programme_manager, year=2030, title="Neu", opens_on=date(2030, 1, 1), closes_on=date(2030, 1, 1)
    )
    assert questionnaire.questions.count() == 0
    assert not AuditEvent.objects.filter(action="monitor.question.created").exists()


@pytest.mark.parametrize(
    ("year", "title", "opens_on", "closes_on", "fields"),
    [
        (2024, "Doppelt", date(2024, 10, 1), date(2024, 12, 15), {"year"}),
        (1999, "Zu früh", date(1999, 10, 1), date(1999, 12, 15), {"year"}),
        (2025, "Verkehrt", date(2025, 12, 15), date(2025, 10, 1), {"closes_on"}),
        (2025, "  ", date(2025, 10, 1), date(2025, 12, 15), {"title"}),
        (2024, "", date(2024, 12, 15), date(2024, 10, 1), {"year", "title", "closes_on"}),
    ],
)
def test_a_year_is_set_up_once_with_a_title_and_its_dates_in_order(
    programme_manager, year, title, opens_on, closes_on, fields
):
    with pytest.raises(InvalidInput) as refused:
        create_questionnaire(actor=programme_manager, year=year, title=title, opens_on=opens_on, closes_on=closes_on)
    assert {field for field, _message in refused.value.errors} == fields
    assert Questionnaire.objects.count() == 5 and not AuditEvent.objects.filter(action__startswith="monitor.").exists()


def test_the_questionnaire_is_edited_with_before_and_after_and_an_unchanged_one_writes_nothing(programme_manager):
    questionnaire = y2024()
    changed = update_questionnaire(
        questionnaire=questionnaire, actor=programme_manager, title="Neuer Titel", introduction="",
        opens_on=date(2024, 9, 1), closes_on=date(2024, 12, 31),
    )  # fmt: skip
    assert changed.title == "Neuer Titel" and y2024().closes_on == date(2024, 12, 31)
    event = AuditEvent.objects.get(action="monitor.questionnaire.changed")
    assert event.before["title"] == "Selbsteinschätzung Digitalisierung" and event.after["title"] == "Neuer Titel"
    assert event.before["opens_on"] == "2024-10-01" and event.after["opens_on"] == "2024-09-01"
    assert event.after["year"] == 2024 and event.before["introduction"] and event.after["introduction"] == ""

    update_questionnaire(
        questionnaire=questionnaire, actor=programme_manager, title="Neuer Titel", introduction="",
        opens_on=date(2024, 9, 1), closes_on=date(2024, 12, 31),
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="monitor.questionnaire.changed").count() == 1

    with pytest.raises(InvalidInput) as refused:
        update_questionnaire(
            questionnaire=questionnaire, actor=programme_manager, title="x", introduction="",
            opens_on=date(2024, 12, 31), closes_on=date(2024, 1, 1),
        )  # fmt: skip
    assert refused.value.errors[0][0] == "closes_on" and y2024().opens_on == date(2024, 9, 1)


@pytest.mark.parametrize("persona", ["reviewer", "payment_officer", "auditor", "municipal_applicant", "citizen"])
def test_nobody_but_a_programme_manager_may_change_anything(request, persona, programme_manager):
    actor = request.getfixturevalue(persona)
    questionnaire = y2024()
    question = questionnaire.questions.get(code="strategie")
    attempts = [
        lambda: create_questionnaire(
            actor=actor, year=2025, title="x", opens_on=date(2025, 1, 1), closes_on=date(2025, 2, 1),
            copy_from=questionnaire,
        ),
        lambda: update_questionnaire(
            questionnaire=questionnaire, actor=actor, title="x", introduction="", opens_on=date(2024, 1, 1),
            closes_on=date(2024, 2, 1),
        ),
        lambda: save_question(questionnaire=questionnaire, actor=actor, data=new_question()),
        lambda: save_question(questionnaire=questionnaire, actor=actor, data=as_input(question, weight=D(5)),
                              question=question),
        lambda: delete_question(question=question, actor=actor),
        lambda: move_question(question=question, actor=actor, offset=-1),
        lambda: unpublish_questionnaire(questionnaire=questionnaire, actor=actor),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Questionnaire.objects.count() == 5 and questionnaire.questions.count() == 10
    assert y2024().is_published and question.weight == Question.objects.get(pk=question.pk).weight
    assert not AuditEvent.objects.filter(action__startswith="monitor.").exists()


# Services: the questions


def test_a_question_is_added_at_the_end_and_changed_with_audit_events(programme_manager, draft_2025):
    added = save_question(questionnaire=draft_2025, actor=programme_manager, data=new_question(weight=D("1.5")))
    assert added.position == 11 and codes(draft_2025)[-1] == "open-data" and added.weight == D("1.50")
    event = AuditEvent.objects.get(action="monitor.question.created", object_id=str(added.pk))
    assert event.before is None and event.after["code"] == "open-data" and event.after["weight"] == "1.50"

    changed = save_question(
        questionnaire=draft_2025, actor=programme_manager, question=added,
        data=as_input(added, weight=D(2), text_en="Does your commune publish open data?", kind="scale"),
    )  # fmt: skip
    assert changed.kind == "scale" and changed.text_en.startswith("Does")
    event = AuditEvent.objects.get(action="monitor.question.changed")
    assert event.before["weight"] == "1.50" and event.after["weight"] == "2.00"
    assert event.before["kind"] == "yes_no" and event.after["kind"] == "scale"

    # Saving it unchanged writes nothing.
    save_question(questionnaire=draft_2025, actor=programme_manager, question=changed, data=as_input(changed))
    assert AuditEvent.objects.filter(action="monitor.question.changed").count() == 1


def test_a_question_code_is_unique_within_its_questionnaire_only(programme_manager, draft_2025):
    with pytest.raises(InvalidInput) as refused:
        save_question(questionnaire=draft_2025, actor=programme_manager, data=new_question(code="e-akte"))
    assert refused.value.errors == [("code", refused.value.errors[0][1])]
    # Renaming one question to another's code is refused too; every year has its own e-akte.
    strategie = draft_2025.questions.get(code="strategie")
    with pytest.raises(InvalidInput):
        save_question(
            questionnaire=draft_2025, actor=programme_manager, question=strategie,
            data=as_input(strategie, code="e-akte"),
        )  # fmt: skip
    assert Question.objects.filter(code="e-akte").count() == 6
    assert draft_2025.questions.count() == 10


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "number"}, {"min_value"}),
        ({"kind": "number", "min_value": D(0)}, {"max_value"}),
        ({"kind": "number", "min_value": D(5), "max_value": D(5)}, {"max_value"}),
        ({"kind": "number", "min_value": D(10), "max_value": D(1)}, {"max_value"}),
        ({"weight": D(0)}, {"weight"}),
        ({"weight": D("1000")}, {"weight"}),
        ({"weight": D("1.555")}, {"weight"}),
        ({"code": "E Akte!"}, {"code"}),
        ({"code": "x" * 51}, {"code"}),
        ({"text": "  "}, {"text"}),
        ({"kind": "freitext", "area": "mond"}, {"kind", "area"}),
        ({"kind": "number", "min_value": D("1e12"), "max_value": D("2e12")}, {"min_value", "max_value"}),
    ],
)
def test_a_question_that_breaks_a_rule_is_refused_field_by_field(programme_manager, draft_2025, changes, fields):
    with pytest.raises(InvalidInput) as refused:
        save_question(questionnaire=draft_2025, actor=programme_manager, data=new_question(**changes))
    assert {field for field, _message in refused.value.errors} == fields
    assert draft_2025.questions.count() == 10


def test_yes_no_and_scale_questions_keep_no_bounds_and_numbers_keep_theirs(programme_manager, draft_2025):
    yes_no = save_question(
        questionnaire=draft_2025, actor=programme_manager,
        data=new_question(min_value=D(1), max_value=D(9), unit="%"),
    )  # fmt: skip
    assert (yes_no.min_value, yes_no.max_value, yes_no.unit) == (None, None, "")
    number = save_question(
        questionnaire=draft_2025, actor=programme_manager,
        data=new_question(code="quote", kind="number", min_value=D(0), max_value=D("12.5"), unit=" % "),
    )  # fmt: skip
    number.refresh_from_db()
    assert (number.min_value, number.max_value, number.unit) == (D(0), D("12.5"), "%")


def test_once_answered_a_questions_code_kind_and_bounds_are_fixed_but_texts_and_weight_change(
    programme_manager, submitted_2024
):
    questionnaire = submitted_2024
    e_akte = questionnaire.questions.get(code="e-akte")
    ozg = questionnaire.questions.get(code="ozg-online")
    for question, changes in (
        (e_akte, {"kind": "yes_no"}), (e_akte, {"code": "e-akte-neu"}),
        (ozg, {"max_value": D(200)}), (ozg, {"min_value": D(10)}), (ozg, {"kind": "scale"}),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            save_question(
                questionnaire=questionnaire, actor=programme_manager, question=question,
                data=as_input(question, **changes),
            )  # fmt: skip
        assert refused.value.errors == [(None, qa.ANSWERED_MEANING_FIXED)]
    assert Question.objects.get(pk=e_akte.pk).kind == "scale" and Question.objects.get(pk=ozg.pk).max_value == 100

    changed = save_question(
        questionnaire=questionnaire, actor=programme_manager, question=ozg,
        data=as_input(ozg, text="Neu formuliert?", text_en="Reworded?", help_text="", weight=D(4), unit="Prozent",
                      area="website", max_value=D("100.00")),
    )  # fmt: skip
    assert changed.text == "Neu formuliert?" and changed.weight == D(4) and changed.unit == "Prozent"
    event = AuditEvent.objects.get(action="monitor.question.changed")
    assert event.before["weight"] == "3.00" and event.after["weight"] == "4.00"


def test_an_unanswered_question_may_change_its_meaning_while_an_answered_one_of_the_same_year_may_not(
    programme_manager, drafted_2024
):
    strategie = drafted_2024.questions.get(code="strategie")
    save_question(
        questionnaire=drafted_2024, actor=programme_manager, question=strategie, data=as_input(strategie, kind="scale")
    )
    assert Question.objects.get(pk=strategie.pk).kind == "scale"
    assert not qa.can_change_meaning(drafted_2024.questions.get(code="e-akte"))  # a draft's answer counts


def test_an_answered_question_cannot_be_deleted_and_an_unanswered_one_can(programme_manager, drafted_2024):
    e_akte = drafted_2024.questions.get(code="e-akte")
    with pytest.raises(DomainError) as refused:
        delete_question(question=e_akte, actor=programme_manager)
    assert not isinstance(refused.value, PermissionDenied) and Question.objects.filter(pk=e_akte.pk).exists()

    strategie = drafted_2024.questions.get(code="strategie")
    pk = strategie.pk
    delete_question(question=strategie, actor=programme_manager)
    assert not Question.objects.filter(pk=pk).exists() and drafted_2024.questions.count() == 9
    event = AuditEvent.objects.get(action="monitor.question.deleted")
    assert event.object_type == "monitor.question" and event.object_id == str(pk)
    assert event.before["code"] == "strategie" and event.after is None
    with pytest.raises(DomainError):
        delete_question(question=strategie, actor=programme_manager)  # gone already


def test_questions_move_up_and_down_and_are_numbered_in_order(programme_manager, draft_2025):
    before = codes(draft_2025)
    move_question(question=draft_2025.questions.get(code=before[1]), actor=programme_manager, offset=-1)
    after = codes(draft_2025)
    assert after[:2] == [before[1], before[0]] and after[2:] == before[2:]
    assert [q.position for q in questions_of(draft_2025)] == list(range(1, 11))
    event = AuditEvent.objects.get(action="monitor.questionnaire.reordered")
    assert event.before == {"order": before} and event.after == {"order": after}

    move_question(question=draft_2025.questions.get(code=after[0]), actor=programme_manager, offset=1)
    assert codes(draft_2025) == before
    for code, offset in ((before[0], -1), (before[-1], 1), (before[3], 2)):
        with pytest.raises(DomainError):
            move_question(question=draft_2025.questions.get(code=code), actor=programme_manager, offset=offset)
    assert codes(draft_2025) == before


# Services: publishing


def test_publishing_needs_a_question_and_happens_once_with_an_audit_event(programme_manager):
    empty = create_questionnaire(
        actor=programme_manager, year=2025, title="Leer", opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 15)
    )
    with pytest.raises(DomainError):
        publish_questionnaire(questionnaire=empty, actor=programme_manager)
    save_question(questionnaire=empty, actor=programme_manager, data=new_question())
    publish_questionnaire(questionnaire=empty, actor=programme_manager)
    empty.refresh_from_db()
    assert empty.is_published
    event = AuditEvent.objects.get(action="monitor.questionnaire.published")
    assert event.before["is_published"] is False and event.after["is_published"] is True
    with pytest.raises(DomainError):
        publish_questionnaire(questionnaire=empty, actor=programme_manager)
    assert AuditEvent.objects.filter(action="monitor.questionnaire.published").count() == 1


def test_unpublishing_is_allowed_with_drafts_only(programme_manager, drafted_2024):
    unpublish_questionnaire(questionnaire=drafted_2024, actor=programme_manager)
    assert not y2024().is_published
    event = AuditEvent.objects.get(action="monitor.questionnaire.unpublished")
    assert event.before["is_published"] is True and event.after["is_published"] is False
    with pytest.raises(DomainError):
        unpublish_questionnaire(questionnaire=drafted_2024, actor=programme_manager)


def test_unpublishing_is_refused_once_a_commune_has_submitted(programme_manager, submitted_2024):
    assert submitted_2024.responses.get().status == ResponseStatus.SUBMITTED
    with pytest.raises(DomainError) as refused:
        unpublish_questionnaire(questionnaire=submitted_2024, actor=programme_manager)
    assert str(refused.value.message) == str(qa.can_unpublish(submitted_2024).reason)
    assert y2024().is_published and not AuditEvent.objects.filter(action="monitor.questionnaire.unpublished").exists()


def test_the_administration_uses_the_same_fields_and_rules(submitted_2024):
    assert monitor_admin.QUESTION_FIELDS is qa.QUESTION_FIELDS
    assert monitor_admin.QUESTIONNAIRE_FIELDS is qa.QUESTIONNAIRE_FIELDS
    assert monitor_admin.FIXED_ONCE_ANSWERED is qa.FIXED_ONCE_ANSWERED
    data = {name: getattr(submitted_2024, name) for name in qa.QUESTIONNAIRE_FIELDS} | {"is_published": False}
    form = monitor_admin.QuestionnaireForm(data=data, instance=submitted_2024)
    assert not form.is_valid() and form.non_field_errors()


# The pages


def manager_pages(year: int = 2024, code: str = "strategie") -> list[str]:
    return [
        f"{BASE}neu/", f"{BASE}{year}/bearbeiten/", f"{BASE}{year}/fragen/neu/", f"{BASE}{year}/fragen/{code}/",
        f"{BASE}{year}/fragen/{code}/loeschen/",
    ]  # fmt: skip


def manager_actions(year: int = 2024, code: str = "strategie") -> list[str]:
    return [
        f"{BASE}{year}/veroeffentlichen/", f"{BASE}{year}/zurueckziehen/", f"{BASE}{year}/fragen/{code}/verschieben/",
        f"{BASE}{year}/fragen/{code}/loeschen/",
    ]  # fmt: skip


READ_PAGES = [BASE, f"{BASE}2024/"]


def nothing_changed() -> None:
    assert Questionnaire.objects.count() == 5 and y2024().is_published and y2024().questions.count() == 10
    assert codes(y2024())[:2] == ["e-akte", "ozg-online"]
    assert not AuditEvent.objects.filter(action__startswith="monitor.").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, registry):
    for path in READ_PAGES + manager_pages():
        response = client.get(path)
        assert response.status_code == 302 and "/anmelden/" in response["Location"], path
    for path in manager_actions():
        response = client.post(path, {"richtung": "hoch"})
        assert response.status_code == 302 and "/anmelden/" in response["Location"], path
    nothing_changed()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_communes_and_people_without_a_ministry_role_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for path in READ_PAGES + manager_pages():
        assert client.get(path).status_code == 403, path
    for path in manager_actions():
        assert client.post(path, {"richtung": "hoch"}).status_code == 403, path
    assert client.post(f"{BASE}neu/", {"year": "2025", "title": "x"}).status_code == 403
    nothing_changed()


def test_ministry_staff_pass_the_second_factor_first(client, programme_manager):
    client.force_login(programme_manager)
    response = client.get(BASE)
    assert response.status_code == 302 and response["Location"].startswith("/zwei-faktor/")
    assert client.post(f"{BASE}2024/zurueckziehen/").status_code == 302
    assert y2024().is_published


@pytest.mark.parametrize("persona", MINISTRY_READERS)
def test_other_ministry_roles_read_the_questionnaires_but_change_nothing(verified_client, request, persona):
    client = verified_client(request.getfixturevalue(persona))
    listing = client.get(BASE)
    html = listing.content.decode()
    assert listing.status_code == 200 and 'data-year="2024"' in html and 'id="neuer-fragebogen"' not in html
    detail = client.get(f"{BASE}2024/")
    html = detail.content.decode()
    assert detail.status_code == 200 and 'data-code="e-akte"' in html
    assert f"{BASE}2024/fragen/e-akte/" not in html and 'name="richtung"' not in html and "veroeffentlichen" not in html
    for path in manager_pages():
        assert client.get(path).status_code == 403, path
    for path in manager_actions():
        assert client.post(path, {"richtung": "hoch"}).status_code == 403, path
    nothing_changed()


def test_the_list_shows_each_year_with_its_questions_and_submitted_responses(verified_client, programme_manager):
    client = verified_client(programme_manager)
    page = client.get(BASE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="neuer-fragebogen"' in html and f'href="{BASE}neu/"' in html and f'href="{BASE}2024/"' in html
    row = next(q for q in page.context["questionnaires"] if q.year == 2024)
    assert row.question_count == 10 and row.submitted_count == 0


def test_the_list_reads_the_same_number_of_queries_for_few_or_many_years(verified_client, programme_manager):
    client = verified_client(programme_manager)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE).status_code == 200
    for year in range(2025, 2035):
        create_questionnaire(
            actor=programme_manager, year=year, title="x", opens_on=date(year, 1, 1), closes_on=date(year, 2, 1),
            copy_from=y2024(),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get(BASE)
    assert len(page.context["questionnaires"]) == 15
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]


def test_the_programme_manager_sets_up_next_year_as_a_copy_and_publishes_it(verified_client, programme_manager):
    client = verified_client(programme_manager)
    form = client.get(f"{BASE}neu/")
    assert form.status_code == 200
    assert form.context["form"].initial["year"] == 2025 and form.context["form"].initial["copy_from"] == 2024
    assert form.context["form"].initial["opens_on"] == date(2025, 10, 1)
    created = client.post(
        f"{BASE}neu/",
        {"year": "2025", "copy_from": "2024", "title": "Selbsteinschätzung 2025", "introduction": "",
         "opens_on": "2025-10-01", "closes_on": "15.12.2025"},
    )  # fmt: skip
    assert created.status_code == 302 and created["Location"] == f"{BASE}2025/"
    questionnaire = Questionnaire.objects.get(year=2025)
    assert codes(questionnaire) == codes(y2024()) and questionnaire.closes_on == date(2025, 12, 15)
    detail = client.get(f"{BASE}2025/")
    html = detail.content.decode()
    assert detail.status_code == 200 and 'data-published="no"' in html and 'id="veroeffentlichen"' in html
    assert html.count('name="richtung"') == 18  # up for all but the first, down for all but the last

    published = client.post(f"{BASE}2025/veroeffentlichen/", follow=True)
    assert published.status_code == 200 and 'data-published="yes"' in published.content.decode()
    assert Questionnaire.objects.get(year=2025).is_published
    assert 'id="zurueckziehen"' in published.content.decode()
    withdrawn = client.post(f"{BASE}2025/zurueckziehen/")
    assert withdrawn.status_code == 302 and not Questionnaire.objects.get(year=2025).is_published
    assert client.get(f"{BASE}2025/veroeffentlichen/").status_code == 405


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"year": "2024"}, {"year"}),
        ({"year": "zwanzig"}, {"year"}),
        ({"year": "1999"}, {"year"}),
        ({"closes_on": "2025-09-01"}, {"closes_on"}),
        ({"opens_on": "31.02.2025"}, {"opens_on"}),
        ({"copy_from": "1990"}, {"copy_from"}),
        ({"title": ""}, {"title"}),
        ({"year": "2024", "title": " ", "closes_on": "01.01.2025"}, {"year", "title", "closes_on"}),
    ],
)
def test_a_taken_year_or_dates_out_of_order_are_form_errors_not_server_errors(
    verified_client, programme_manager, data, fields
):
    client = verified_client(programme_manager)
    values = {"year": "2025", "copy_from": "2024", "title": "x", "opens_on": "2025-10-01", "closes_on": "2025-12-15"}
    page = client.post(f"{BASE}neu/", {**values, **data})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == fields
    html = page.content.decode()
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert all(f'href="#id_{field}"' in html for field in fields)
    assert Questionnaire.objects.count() == 5


def test_the_questionnaire_is_edited_on_its_page(verified_client, programme_manager):
    client = verified_client(programme_manager)
    page = client.get(f"{BASE}2024/bearbeiten/")
    assert page.status_code == 200 and 'value="2024-10-01"' in page.content.decode()
    values = {
        "title": "Neu",
        "introduction": "Bitte bis Dezember.",
        "opens_on": "2024-10-01",
        "closes_on": "2024-12-31",
    }
    refused = client.post(f"{BASE}2024/bearbeiten/", {**values, "closes_on": "2024-01-01"})
    assert refused.status_code == 200 and "closes_on" in refused.context["form"].errors
    saved = client.post(f"{BASE}2024/bearbeiten/", values)
    assert saved.status_code == 302 and saved["Location"] == f"{BASE}2024/"
    assert y2024().title == "Neu" and y2024().closes_on == date(2024, 12, 31)


def question_data(**changes: str) -> dict[str, str]:
    values = {
        "code": "open-data", "text": "Veröffentlicht Ihre Kommune offene Daten?", "text_en": "", "help_text": "",
        "help_text_en": "", "kind": "number", "area": "strategy", "weight": "1,5", "min_value": "0",
        "max_value": "12,5", "unit": "%",
    }  # fmt: skip
    values.update(changes)
    return values


def test_questions_are_added_edited_moved_and_deleted_on_the_pages(verified_client, programme_manager, draft_2025):
    client = verified_client(programme_manager)
    assert client.get(f"{BASE}2025/fragen/neu/").status_code == 200
    added = client.post(f"{BASE}2025/fragen/neu/", question_data())
    assert added.status_code == 302 and added["Location"] == f"{BASE}2025/"
    question = draft_2025.questions.get(code="open-data")
    assert (question.weight, question.max_value, question.position) == (D("1.5"), D("12.5"), 11)

    for changes, field in (
        ({"code": "e-akte"}, "code"), ({"max_value": ""}, "max_value"), ({"max_value": "-1"}, "max_value"),
        ({"weight": "0"}, "weight"), ({"code": "mit leerzeichen"}, "code"), ({"kind": "freitext"}, "kind"),
    ):  # fmt: skip
        refused = client.post(f"{BASE}2025/fragen/neu/", question_data(**{**changes, "code": changes.get("code", "x")}))
        assert refused.status_code == 200 and field in refused.context["form"].errors, changes
        assert 'role="alert"' in refused.content.decode()
    assert draft_2025.questions.count() == 11

    edit = client.get(f"{BASE}2025/fragen/open-data/")
    assert edit.status_code == 200 and 'value="12,50"' in edit.content.decode()
    saved = client.post(f"{BASE}2025/fragen/open-data/", question_data(code="offene-daten", weight="2"))
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.code == "offene-daten" and question.weight == D(2)
    assert client.get(f"{BASE}2025/fragen/open-data/").status_code == 404

    moved = client.post(f"{BASE}2025/fragen/offene-daten/verschieben/", {"richtung": "hoch"})
    assert moved.status_code == 302 and moved["Location"].endswith("#frage-offene-daten")
    assert codes(draft_2025)[-2] == "offene-daten"
    odd = client.post(f"{BASE}2025/fragen/offene-daten/verschieben/", {"richtung": "seitwärts"}, follow=True)
    assert odd.status_code == 200 and 'role="alert"' in odd.content.decode()
    first = codes(draft_2025)[0]
    edge = client.post(f"{BASE}2025/fragen/{first}/verschieben/", {"richtung": "hoch"}, follow=True)
    assert 'role="alert"' in edge.content.decode() and codes(draft_2025)[0] == first

    confirm = client.get(f"{BASE}2025/fragen/offene-daten/loeschen/")
    assert confirm.status_code == 200 and 'id="loeschen"' in confirm.content.decode()
    deleted = client.post(f"{BASE}2025/fragen/offene-daten/loeschen/")
    assert deleted.status_code == 302 and not draft_2025.questions.filter(code="offene-daten").exists()
    assert AuditEvent.objects.filter(action="monitor.question.deleted").count() == 1


def test_an_answered_question_shows_its_meaning_fixed_and_cannot_be_deleted_on_the_pages(
    verified_client, programme_manager, submitted_2024
):
    client = verified_client(programme_manager)
    detail = client.get(f"{BASE}2024/").content.decode()
    assert 'data-code="e-akte" data-answered="yes"' in detail
    assert f"{BASE}2024/fragen/e-akte/loeschen/" not in detail and 'id="nicht-zurueckziehen"' in detail
    page = client.get(f"{BASE}2024/fragen/ozg-online/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="festgelegt"' in html
    assert all(page.context["form"].fields[name].disabled for name in qa.FIXED_ONCE_ANSWERED)
    # What a disabled field sends is ignored; the weight and the text change.
    saved = client.post(
        f"{BASE}2024/fragen/ozg-online/",
        question_data(code="anders", kind="scale", min_value="5", max_value="50", weight="4", text="Neu?", unit="%"),
    )  # fmt: skip
    assert saved.status_code == 302
    question = y2024().questions.get(code="ozg-online")
    assert (question.kind, question.min_value, question.max_value) == ("number", D(0), D(100))
    assert question.weight == D(4) and question.text == "Neu?"

    confirm = client.get(f"{BASE}2024/fragen/e-akte/loeschen/")
    assert confirm.status_code == 200 and 'id="nicht-loeschen"' in confirm.content.decode()
    assert 'id="loeschen"' not in confirm.content.decode()
    refused = client.post(f"{BASE}2024/fragen/e-akte/loeschen/", follow=True)
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert y2024().questions.filter(code="e-akte").exists()


def test_unpublishing_after_submissions_is_refused_on_the_page_with_a_reason(
    verified_client, programme_manager, submitted_2024
):
    client = verified_client(programme_manager)
    page = client.post(f"{BASE}2024/zurueckziehen/", follow=True)
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert y2024().is_published


def test_unknown_years_and_questions_are_not_found(verified_client, programme_manager):
    client = verified_client(programme_manager)
    for path in (f"{BASE}1999/", f"{BASE}1999/bearbeiten/", f"{BASE}2024/fragen/gibt-es-nicht/",
                 f"{BASE}2024/fragen/gibt-es-nicht/loeschen/"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.post(f"{BASE}1999/veroeffentlichen/").status_code == 404


def test_in_english_the_pages_name_their_buttons_and_errors(verified_client, programme_manager):
    client = verified_client(programme_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(f"{BASE}2024/").content.decode()
    assert "Move up" in detail and "Add a question" in detail and "Withdraw the publication" in detail
    refused = client.post(f"{BASE}2024/fragen/neu/", question_data(code="e-akte", weight="1.5", max_value="12.5"))
    assert "Please check your entries:" in refused.content.decode()
    assert "already has a question with the code e-akte" in refused.content.decode()
