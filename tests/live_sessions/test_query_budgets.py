"""How many database queries each request of a live session costs, and that the count does not
grow with the room: measured with 25 and with 50 people in it (both past the screens' first
page of answers, which costs one count more). The budgets are counts, not
timings; each covers the request and what it pushes to the screens after its commit, with a
phone, a console and the room listening (one language each)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import presence
from tests.live_sessions.conftest import start_session

# Queries per request; the pushed renders after its commit included.
BUDGETS = {
    "join page": 1,
    "join": 20,
    "phone page": 3,
    "reveal": 22,
    "phone page with a card": 5,
    "answer": 29,
    "pick": 24,
    "console page": 7,
    "room page": 7,
}


def room_of(facilitator, people, **options):
    session = start_session(facilitator, **options)
    cache.set(presence.language_key(session.pk, "host", "en"), 1)  # a console listens
    phones = []
    for number in range(people):
        phone = Client()
        join = reverse("live_sessions:join", args=[session.join_code])
        phone.post(join, {"display_name": f"Person {number}"})
        phones.append(phone)
    host = Client()
    host.force_login(facilitator)
    return session, phones, host


def cost(request, django_capture_on_commit_callbacks):
    """Queries of `request()` and of what it pushes once its transaction commits."""
    capture = django_capture_on_commit_callbacks(execute=True)
    with CaptureQueriesContext(connection) as queries, capture:
        response = request()
    assert response.status_code in (200, 302), response.content.decode()[:300]
    return len(queries)


def costs(facilitator, people, capture):
    session, phones, host = room_of(facilitator, people)
    newcomer = Client()
    join = reverse("live_sessions:join", args=[session.join_code])
    answer = reverse("live_sessions:answer", args=[session.join_code])
    found = {
        "join page": cost(lambda: newcomer.get(join), capture),
        "join": cost(lambda: newcomer.post(join, {"display_name": "Newcomer"}), capture),
        "phone page": cost(lambda: newcomer.get(join), capture),
        "reveal": cost(
            lambda: host.post(reverse("live_sessions:command", args=[session.pk, "next"])),
            capture,
        ),
        "phone page with a card": cost(lambda: newcomer.get(join), capture),
    }
    for phone in phones:
        phone.post(answer, {"text": "Kind words"})
    found["answer"] = cost(lambda: newcomer.post(answer, {"text": "A smile"}), capture)
    found["console page"] = cost(
        lambda: host.get(reverse("live_sessions:console", args=[session.pk])), capture
    )
    found["room page"] = cost(
        lambda: host.get(reverse("live_sessions:room", args=[session.pk])), capture
    )
    spread, spread_phones, _host = room_of(facilitator, people, mode="spread")
    spread.pass_turn()  # the first person's turn to pick a block
    block = spread.cards.first()
    pick = reverse("live_sessions:pick", args=[spread.join_code, block.pk])
    found["pick"] = cost(lambda: spread_phones[0].post(pick), capture)
    return found


@pytest.mark.django_db
def test_each_request_of_a_live_session_keeps_its_query_budget_whatever_the_rooms_size(
    facilitator, django_capture_on_commit_callbacks
):
    small = costs(facilitator, 25, django_capture_on_commit_callbacks)
    large = costs(facilitator, 50, django_capture_on_commit_callbacks)
    over = {name: (count, BUDGETS[name]) for name, count in large.items() if count > BUDGETS[name]}
    assert over == {}, "over budget (queries, budget)"
    assert large == small  # fifty people cost the same queries as twenty-five
