"""Fixtures for the roles every test talks about."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing strength is Django's business; tests only need passwords to check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facilitator(db):
    return UserFactory()


@pytest.fixture
def other_facilitator(db):
    return UserFactory()


@pytest.fixture
def curator(db):
    return UserFactory(is_staff=True)


def logged_in(user):
    """A browser of its own for each role, so two roles can act in one test."""
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def facilitator_client(facilitator):
    return logged_in(facilitator)


@pytest.fixture
def other_client(other_facilitator):
    return logged_in(other_facilitator)


@pytest.fixture
def curator_client(curator):
    return logged_in(curator)
