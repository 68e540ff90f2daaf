"""Fixtures for the roles every test talks about."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def facilitator(db):
    return UserFactory()


@pytest.fixture
def other_facilitator(db):
    return UserFactory()


@pytest.fixture
def curator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture
def other_client(client, other_facilitator):
    client.force_login(other_facilitator)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
