"""The grants tests' set-up, for the figures built on top of it."""

from kommunalportal.grants.tests import conftest as grants

call = grants.call
bruchkoebel = grants.bruchkoebel
submitted = grants.submitted
grant = grants.grant
account = grants.account
second_officer = grants.second_officer
rates_up_to_today = grants.rates_up_to_today
phase_one = grants.phase_one
paid = grants.paid
shortfall = grants.shortfall
hearing = grants.hearing
issued = grants.issued
approved = grants.approved
