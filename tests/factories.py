"""Factories that build valid objects; people with roles come from the services (see conftest)."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunalportal.accounts.models import User

TEST_PASSWORD = "Ein-sicheres-Testpasswort-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kommunalportal.invalid")
    password = factory.django.Password(TEST_PASSWORD)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator"
    confirmed = True
