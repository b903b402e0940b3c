from django.urls import path

from . import application_views as av
from . import competition_views as cv
from . import money_views as mv
from . import proof_views as pv
from . import views

app_name = "grants"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("geld/", mv.money, name="money"),
    path("geld/konto/", mv.account_propose, name="account_propose"),
    path("konten/", mv.accounts, name="accounts"),
    path("konten/<uuid:public_id>/", mv.account_decide, name="account_decide"),
    path("antraege/<uuid:public_id>/mittelabruf/", mv.drawdown_request, name="drawdown_request"),
    path("mittelabrufe/", mv.drawdowns, name="drawdowns"),
    path("mittelabrufe/<uuid:public_id>/entscheidung/", mv.drawdown_decide, name="drawdown_decide"),
    path("zahlungslaeufe/", mv.runs, name="payment_runs"),
    path("zahlungslaeufe/neu/", mv.run_create, name="payment_run_create"),
    path("zahlungslaeufe/<uuid:public_id>/", mv.run_detail, name="payment_run"),
    path("zahlungslaeufe/<uuid:public_id>/<str:act>/", mv.run_act, name="payment_run_act"),
    path("antraege/<uuid:public_id>/verwendungsnachweis/", pv.proof_submit, name="proof_submit"),
    path("verwendungsnachweise/", pv.proof_list, name="proofs"),
    path("verwendungsnachweise/<uuid:public_id>/", pv.proof_detail, name="proof"),
    path("verwendungsnachweise/<uuid:public_id>/<str:act>/", pv.proof_act, name="proof_act"),
    path("antraege/<uuid:public_id>/rueckforderung/", pv.recovery_start, name="recovery_start"),
    path("rueckforderungen/", pv.recovery_list, name="recoveries"),
    path("rueckforderungen/<uuid:public_id>/", pv.recovery_detail, name="recovery"),
    path("rueckforderungen/<uuid:public_id>/<str:act>/", pv.recovery_act, name="recovery_act"),
    path("basiszinssaetze/", pv.base_rates, name="base_rates"),
    path("programme/neu/", views.programme_create, name="programme_create"),
    path("programme/<uuid:public_id>/", views.programme_detail, name="programme"),
    path("programme/<uuid:public_id>/jahr/<int:year>/", views.year_budget_update, name="year_budget"),
    path("programme/<uuid:public_id>/aufruf/neu/", views.call_create, name="call_create"),
    path("aufrufe/<uuid:public_id>/", views.call_detail, name="call"),
    path("aufrufe/<uuid:public_id>/kontingente.csv", views.call_envelopes_csv, name="call_envelopes_csv"),
    path("aufrufe/<uuid:public_id>/finanzkraft/", views.call_import_capacity, name="call_import_capacity"),
    path("aufrufe/<uuid:public_id>/kontingente/", views.call_publish_envelopes, name="call_publish_envelopes"),
    path("aufrufe/<uuid:public_id>/veroeffentlichen/", views.call_publish, name="call_publish"),
    path("aufrufe/<uuid:public_id>/antrag/", av.application_start, name="application_start"),
    path("antraege/<uuid:public_id>/", av.application_detail, name="application"),
    path("antraege/<uuid:public_id>/plan/", av.application_plan, name="application_plan"),
    path("antraege/<uuid:public_id>/plan/pruefen/", av.application_plan_check, name="application_plan_check"),
    path("antraege/<uuid:public_id>/massnahmen/", av.application_measure_add, name="application_measure_add"),
    path(
        "antraege/<uuid:public_id>/massnahmen/<int:measure_id>/entfernen/",
        av.application_measure_remove,
        name="application_measure_remove",
    ),
    path("antraege/<uuid:public_id>/anlagen/", av.application_attachment_add, name="application_attachment_add"),
    path(
        "antraege/<uuid:public_id>/anlagen/<uuid:attachment_id>/",
        av.application_attachment_download,
        name="application_attachment",
    ),
    path(
        "antraege/<uuid:public_id>/anlagen/<uuid:attachment_id>/entfernen/",
        av.application_attachment_remove,
        name="application_attachment_remove",
    ),
    path(
        "antraege/<uuid:public_id>/fassungen/<int:number>/eingangsbestaetigung/",
        av.application_receipt,
        name="application_receipt",
    ),
    path("antraege/<uuid:public_id>/einreichen/", av.application_submit, name="application_submit"),
    path("antraege/<uuid:public_id>/zurueckziehen/", av.application_withdraw, name="application_withdraw"),
    path("antraege/<uuid:public_id>/nachforderung/", av.application_request_changes, name="application_changes"),
    path("antraege/<uuid:public_id>/pruefvermerk/", av.application_note, name="application_note"),
    path("antraege/<uuid:public_id>/entscheidung/", av.application_prepare_decision, name="application_prepare"),
    path("antraege/<uuid:public_id>/freigabe/", av.application_release_decision, name="application_release"),
    path("antraege/<uuid:public_id>/zurueckweisen/", av.application_send_back, name="application_send_back"),
    path("aufrufe/<uuid:public_id>/kriterien/", cv.criteria, name="call_criteria"),
    path("aufrufe/<uuid:public_id>/rangfolge/", cv.fund_ranking, name="call_fund_ranking"),
    path("antraege/<uuid:public_id>/partner/", cv.partner_add, name="application_partner_add"),
    path("antraege/<uuid:public_id>/bewertung/", cv.score, name="application_score"),
    path("antraege/<uuid:public_id>/aenderung/", av.application_amendment, name="application_amendment"),
    path(
        "antraege/<uuid:public_id>/aenderung/entscheidung/",
        av.application_amendment_decide,
        name="application_amendment_decide",
    ),
    path("pruefung/", av.review, name="review"),
    path("pruefung/sammelaktion/", av.review_bulk, name="review_bulk"),
]
