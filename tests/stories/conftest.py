"""Fixtures for the archive: stories from a real session, and the people who read them."""

import pytest
from django.urls import reverse

from tests.live_sessions.conftest import start_session

SECRET_NAME = "Zebedee Quill"


@pytest.fixture
def session_with_memory(facilitator):
    """A live session whose memory card is up."""
    session = start_session(facilitator)
    session.reveal_next()
    session.reveal_next()
    return session


@pytest.fixture
def share(phone, session_with_memory):
    """share("text", consent="anonymous", name=...) -> the Answer, through the real phone flow."""

    def answer(text, consent="named", name="Ana", **extra):
        browser = phone(session_with_memory, name)
        data = {"text": text, "valence": "valued", "archive_consent": consent, **extra}
        response = browser.post(
            reverse("live_sessions:answer", args=[session_with_memory.join_code]), data
        )
        assert response.status_code in (200, 302), response.content.decode()[:300]
        session_with_memory.refresh_from_db()
        return session_with_memory.current_card.answers.get(participant__display_name=name)

    return answer
