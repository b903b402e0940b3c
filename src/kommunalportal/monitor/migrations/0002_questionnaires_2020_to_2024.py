"""The self-assessment questionnaires 2020 to 2024 with their starting questions (editable data).

Every year asks the same ten questions so that the years can be compared; programme managers change
questions, weights and dates on the portal's questionnaire pages. Each questionnaire was open from 1 October to
15 December of its year.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

YEARS = range(2020, 2025)
TITLE = "Selbsteinschätzung Digitalisierung"
INTRODUCTION = (
    "Mit der jährlichen Selbsteinschätzung zeigt Ihre Kommune, wie weit die Digitalisierung der Verwaltung "
    "vorangekommen ist. Die Antworten fließen in den Digitalisierungsindex des Landes ein. Stichtag ist der "
    "30. September des Jahres."
)

# code, kind, area, weight, bounds and unit (numbers), German text, English text, German help text, English help text
QUESTIONS = [
    (
        "e-akte", "scale", "e-file", "2.00", None, None, "",
        "In welchem Umfang ist die elektronische Akte (E-Akte) im Einsatz?",
        "To what extent is the electronic file (e-file) in use?",
        "0 = nicht begonnen, 1 = geplant, 2 = in einzelnen Ämtern erprobt, 3 = in den meisten Ämtern, "
        "4 = in der gesamten Verwaltung.",
        "0 = not started, 1 = planned, 2 = piloted in some offices, 3 = in most offices, 4 = everywhere.",
    ),
    (
        "ozg-online", "number", "online-services", "3.00", "0", "100", "%",
        "Welcher Anteil der OZG-Leistungen Ihrer Kommune ist online beantragbar?",
        "What share of your commune's OZG services can be applied for online?",
        "Anteil in Prozent der Leistungen nach dem Onlinezugangsgesetz, für die Ihre Kommune zuständig ist.",
        "Per cent of the services under the Online Access Act that your commune is responsible for.",
    ),
    (
        "fachverfahren", "scale", "specialist-applications", "2.00", None, None, "",
        "In welchem Umfang arbeiten die Fachämter mit digitalen Fachverfahren ohne Medienbruch?",
        "To what extent do the specialist offices work with digital specialist applications end to end?",
        "Zum Beispiel Bauantrag, Gewerbe, Melde- und Personenstandswesen, Finanzwesen.",
        "For example building permits, trade register, residents' registration, civil status, finance.",
    ),
    (
        "schulung", "number", "skills", "1.50", "0", "100", "%",
        "Welcher Anteil der Beschäftigten wurde in den letzten zwei Jahren in digitalen Kompetenzen geschult?",
        "What share of the staff was trained in digital skills in the last two years?",
        "Anteil in Prozent aller Beschäftigten der Verwaltung.",
        "Per cent of all staff of the administration.",
    ),
    (
        "strategie", "yes_no", "strategy", "1.50", None, None, "",
        "Hat die Vertretungskörperschaft eine Digitalisierungsstrategie beschlossen?",
        "Has the council adopted a digitalisation strategy?",
        "Gemeindevertretung, Stadtverordnetenversammlung oder Kreistag.",
        "Municipal council, town council or district council.",
    ),
    (
        "zustaendigkeit", "yes_no", "strategy", "1.00", None, None, "",
        "Gibt es eine feste Zuständigkeit für die Digitalisierung (z. B. Digitalisierungsbeauftragte)?",
        "Is someone formally responsible for digitalisation (e.g. a digitalisation officer)?",
        "",
        "",
    ),
    (
        "mobiles-arbeiten", "number", "it-infrastructure", "1.50", "0", "100", "%",
        "Welcher Anteil der Büroarbeitsplätze ist für mobiles Arbeiten (Homeoffice) ausgestattet?",
        "What share of the office workplaces is equipped for mobile work (home office)?",
        "Anteil in Prozent der Büroarbeitsplätze mit mobilem Gerät und sicherem Fernzugang.",
        "Per cent of office workplaces with a mobile device and secure remote access.",
    ),
    (
        "arbeitsplaetze", "scale", "it-infrastructure", "1.00", None, None, "",
        "Wie modern sind die IT-Arbeitsplätze (Hardware, Betriebssystem, Videokonferenzen)?",
        "How modern are the IT workplaces (hardware, operating system, video conferencing)?",
        "0 = überwiegend veraltet … 4 = durchgehend aktuell und einheitlich verwaltet.",
        "0 = mostly outdated … 4 = up to date throughout and centrally managed.",
    ),
    (
        "barrierefreiheit", "yes_no", "website", "1.00", None, None, "",
        "Ist der Internetauftritt barrierefrei und eine Erklärung zur Barrierefreiheit veröffentlicht?",
        "Is the website accessible, with an accessibility statement published?",
        "Nach den Anforderungen der BITV 2.0 und der EN 301 549.",
        "Under the requirements of BITV 2.0 and EN 301 549.",
    ),
    (
        "serviceportal", "scale", "website", "1.00", None, None, "",
        "Wie weit bietet der Internetauftritt die Verwaltungsleistungen mit Zuständigkeiten und Online-Zugang an?",
        "How far does the website present the services with responsibilities and online access?",
        "0 = nur Kontaktdaten … 4 = vollständiges Serviceportal mit Verlinkung der Online-Dienste.",
        "0 = contact details only … 4 = complete service portal linking the online services.",
    ),
]  # fmt: skip


def add_questionnaires(apps, schema_editor):
    questionnaire_model = apps.get_model("monitor", "Questionnaire")
    question_model = apps.get_model("monitor", "Question")
    for year in YEARS:
        questionnaire, _created = questionnaire_model.objects.update_or_create(
            year=year,
            defaults={
                "title": TITLE,
                "introduction": INTRODUCTION,
                "opens_on": date(year, 10, 1),
                "closes_on": date(year, 12, 15),
                "is_published": True,
            },
        )
        for position, (code, kind, area, weight, low, high, unit, text, text_en, hint, hint_en) in enumerate(
            QUESTIONS, start=1
        ):
            question_model.objects.update_or_create(
                questionnaire=questionnaire,
                code=code,
                defaults={
                    "position": position,
                    "kind": kind,
                    "area": area,
                    "weight": Decimal(weight),
                    "min_value": Decimal(low) if low is not None else None,
                    "max_value": Decimal(high) if high is not None else None,
                    "unit": unit,
                    "text": text,
                    "text_en": text_en,
                    "help_text": hint,
                    "help_text_en": hint_en,
                },
            )


def remove_questionnaires(apps, schema_editor):
    questionnaire_model = apps.get_model("monitor", "Questionnaire")
    questionnaire_model.objects.filter(year__in=YEARS, responses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitor", "0001_questionnaires_and_responses")]

    operations = [migrations.RunPython(add_questionnaires, remove_questionnaires)]
