"""How many requests a caller may make: signed-in people per person, everyone else per client address, at the
rates of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("anon", "user"). Beyond the rate the answer is a 429 problem
with Retry-After (`problems.problem_response`).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class CurrentRates(SimpleRateThrottle):
    """Django REST framework's classes read the rates once, when they are imported; these read them for every
    request, so that a changed setting applies at once."""

    def get_rate(self) -> str | None:
        # The stubs type the rates as numbers; they are strings such as "60/minute".
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        return super().get_rate()


class AnonymousRateThrottle(CurrentRates, AnonRateThrottle):
    """Callers who are not signed in, counted per client address. Public endpoints read no credentials, so every
    caller of them counts here."""


class PersonRateThrottle(CurrentRates, UserRateThrottle):
    """Signed-in callers counted per person, by token or session alike (anyone else per client address)."""
