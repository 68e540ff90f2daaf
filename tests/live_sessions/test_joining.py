"""Participants join with a code and a name, from a phone without an account."""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import JOIN_CODE_ALPHABET, LiveSession, Participant

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def join_url(session):
    return reverse("live_sessions:join", args=[session.join_code])


def test_the_join_page_takes_a_code_in_any_case_with_spaces(client, live_session):
    typed = " ".join(live_session.join_code.lower())
    response = client.get(reverse("live_sessions:join-code"), {"code": typed})
    assert response.status_code == 302 and response.url == join_url(live_session)


def test_a_malformed_code_is_explained(client, db):
    response = client.get(reverse("live_sessions:join-code"), {"code": "AB"})
    assert "A join code has 6 characters" in response.content.decode()


def test_a_wrong_code_gets_a_clear_message(client, db):
    response = client.get(reverse("live_sessions:join", args=["ZZZZZZ"]))
    assert response.status_code == 404
    assert "No open session has the code ZZZZZZ" in response.content.decode()


def test_an_ended_session_no_longer_takes_new_people(client, live_session):
    live_session.end()
    response = client.post(join_url(live_session), {"display_name": "Late"})
    assert response.status_code == 404
    assert "That session has ended." in response.content.decode()
    assert not Participant.objects.exists()


def test_a_name_is_required_unless_the_session_allows_anonymous(client, live_session):
    response = client.post(join_url(live_session), {"display_name": "   "})
    assert "Tell the room your name" in response.content.decode()
    assert not live_session.participants.exists()
    live_session.anonymous_allowed = True
    live_session.save()
    response = client.post(join_url(live_session), {"display_name": ""})
    assert response.status_code == 302
    assert live_session.participants.get().is_anonymous


def test_an_over_long_name_is_refused_with_a_message(client, live_session):
    response = client.post(join_url(live_session), {"display_name": "x" * 41})
    assert "at most 40 characters" in response.content.decode()


def test_the_phone_remembers_its_participant_after_a_reload(phone, live_session):
    ana = phone(live_session, "Ana")
    page = ana.get(join_url(live_session)).content.decode()
    assert 'class="phone-header__me">Ana<' in page
    ana.get(join_url(live_session))
    assert live_session.participants.count() == 1


def test_a_room_of_a_thousand_behind_one_address_joins_with_nobody_refused(live_session):
    """Venue Wi-Fi puts the whole room behind one address: joining an open session is not a
    guess, and one address may add 1,000 people a minute to a session (JOIN_ADDRESS_RATE)."""
    refused = []
    for number in range(1000):
        phone = Client(REMOTE_ADDR="192.0.2.1")
        response = phone.post(join_url(live_session), {"display_name": f"Person {number}"})
        if response.status_code != 302:
            refused.append((number, response.status_code))
    assert refused == []
    assert live_session.participants.count() == 1000


def second_tap(browser, session, name):
    """The same phone's "Join" again before the first tap's answer came back: its browser
    (and CSRF cookie), but no session cookie yet. A script can send this as often as it likes."""
    browser.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    return browser.post(join_url(session), {"display_name": name})


def test_a_flood_of_mistakes_and_second_taps_from_one_address_locks_no_one_out(
    live_session, settings, time_machine
):
    """A script on the venue Wi-Fi (the code is on the projector) posting as fast as it can:
    the posts add nobody, so they use up nothing the room needs."""
    time_machine.move_to(START, tick=False)
    settings.JOIN_ADDRESS_RATE, settings.JOIN_SESSION_RATE = "10/m", "30/m"
    settings.JOIN_INVALID_RATE = "10/m"
    script = Client(REMOTE_ADDR="192.0.2.1")
    script.get(join_url(live_session))  # its CSRF cookie: the same browser every time
    taps = [second_tap(script, live_session, "Bot").status_code for _ in range(50)]
    assert taps == [302] * 50  # each tap is told it joined: the same participant
    mistakes = [
        Client(REMOTE_ADDR="192.0.2.1").post(join_url(live_session), {"display_name": name})
        for name in ["", "x" * 41] * 20
    ]
    assert "Tell the room your name" in mistakes[0].content.decode()
    assert [response.status_code for response in mistakes].count(429) == 30
    assert "Too many join forms with a mistake" in mistakes[-1].content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.post(join_url(live_session), {"display_name": ""}).status_code == 200
    assert elsewhere.post(join_url(live_session), {"display_name": "Ana"}).status_code == 302
    same_wifi = Client(REMOTE_ADDR="192.0.2.1")
    assert same_wifi.post(join_url(live_session), {"display_name": "Bo"}).status_code == 302
    assert sorted(live_session.participants.values_list("display_name", flat=True)) == [
        "Ana",
        "Bo",
        "Bot",
    ]


def test_one_address_adding_people_past_its_bound_is_refused_while_others_join(
    live_session, other_session, settings, time_machine
):
    """A script that adds made-up people from one network (each a fresh browser) uses up that
    network's share of the session, not the session: other networks still join, and so does
    the same network in its other sessions."""
    time_machine.move_to(START, tick=False)
    settings.JOIN_ADDRESS_RATE, settings.JOIN_SESSION_RATE = "5/m", "15/m"
    for number in range(5):
        response = Client(REMOTE_ADDR="192.0.2.1").post(
            join_url(live_session), {"display_name": f"Made up {number}"}
        )
        assert response.status_code == 302
    refused = Client(REMOTE_ADDR="192.0.2.1").post(
        join_url(live_session), {"display_name": "One more"}
    )
    assert refused.status_code == 429
    assert "joined this session from this network just now" in refused.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(join_url(live_session), {"display_name": "Ana"}).status_code == 302
    next_room = Client(REMOTE_ADDR="192.0.2.1")
    assert next_room.post(join_url(other_session), {"display_name": "Bo"}).status_code == 302
    assert live_session.participants.count() == 6
    time_machine.move_to(START + dt.timedelta(minutes=2), tick=False)
    later = Client(REMOTE_ADDR="192.0.2.1")
    assert later.post(join_url(live_session), {"display_name": "One more"}).status_code == 302


def wrong_codes(session, count):
    """`count` different well-formed codes, none of them the session's."""
    codes = (
        "".join(JOIN_CODE_ALPHABET[n // 31**i % 31] for i in range(6)) for n in range(count + 1)
    )
    return [code for code in codes if code != session.join_code][:count]


def test_a_room_that_mistypes_codes_is_not_locked_out(live_session, time_machine):
    """A few dozen different typos, and one typo made by many phones, from one address."""
    time_machine.move_to(START, tick=False)
    for code in wrong_codes(live_session, 40):
        response = Client().get(reverse("live_sessions:join", args=[code]), REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 404
    typo = wrong_codes(live_session, 41)[-1]
    for _phone in range(100):
        response = Client().get(reverse("live_sessions:join", args=[typo]), REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 404
        assert f"No open session has the code {typo}" in response.content.decode()
    response = Client().post(
        join_url(live_session), {"display_name": "Ana"}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302


def test_guessing_codes_from_one_address_stops_at_sixty_different_codes_in_ten_minutes(
    live_session, time_machine
):
    time_machine.move_to(START, tick=False)
    guesser = Client(REMOTE_ADDR="203.0.113.1")
    *guesses, one_more = wrong_codes(live_session, 61)
    for code in guesses:
        assert guesser.get(reverse("live_sessions:join", args=[code])).status_code == 404
    response = guesser.get(reverse("live_sessions:join", args=[one_more]))
    assert response.status_code == 429
    assert "Too many wrong join codes were tried from this network" in response.content.decode()
    assert guesser.get(join_url(live_session)).status_code == 200  # the right code still works
    other = Client(REMOTE_ADDR="203.0.113.2")
    assert other.get(reverse("live_sessions:join", args=[one_more])).status_code == 404
    time_machine.move_to(START + dt.timedelta(minutes=20), tick=False)
    assert guesser.get(reverse("live_sessions:join", args=[one_more])).status_code == 404


def test_guessing_codes_from_many_addresses_stops_at_six_hundred_codes_in_ten_minutes(
    live_session, time_machine
):
    time_machine.move_to(START, tick=False)
    *guesses, one_more = wrong_codes(live_session, 601)
    for number, code in enumerate(guesses):
        guesser = Client(REMOTE_ADDR=f"10.{number // 10 // 256}.{number // 10 % 256}.1")
        assert guesser.get(reverse("live_sessions:join", args=[code])).status_code == 404
    response = Client(REMOTE_ADDR="10.200.0.1").get(reverse("live_sessions:join", args=[one_more]))
    assert response.status_code == 429
    assert Client(REMOTE_ADDR="10.200.0.2").get(join_url(live_session)).status_code == 200


def test_people_added_to_one_session_are_limited_over_all_addresses(
    live_session, settings, time_machine
):
    time_machine.move_to(START, tick=False)
    settings.JOIN_SESSION_RATE = "2/m"
    for number in range(2):
        response = Client().post(
            join_url(live_session), {"display_name": f"P{number}"}, REMOTE_ADDR=f"10.7.0.{number}"
        )
        assert response.status_code == 302
    flood = Client().post(
        join_url(live_session),
        {"display_name": "P3"},
        REMOTE_ADDR="10.7.0.9",
        HTTP_REFERER="http://testserver" + join_url(live_session),
    )
    assert flood.status_code == 429
    assert "So many people joined this session just now" in flood.content.decode()
    assert f'href="http://testserver{join_url(live_session)}"' in flood.content.decode()
    assert live_session.participants.count() == 2


def test_the_slow_down_page_never_links_back_to_another_site(live_session, settings):
    settings.JOIN_SESSION_RATE = "0/m"
    response = Client().post(
        join_url(live_session), {"display_name": "P"}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 429
    assert "evil.example" not in response.content.decode()
    assert f'href="{reverse("home")}"' in response.content.decode()


def test_starting_a_session_from_a_library_deck(other_client, live_session):
    deck = live_session.deck
    deck.status = "approved"
    deck.save()
    response = other_client.post(
        reverse("live_sessions:session-start", args=[deck.slug]),
        {"is_shuffled": "on", "mode": "spread", "answers_live": "on"},
    )
    session = LiveSession.objects.exclude(pk=live_session.pk).get()
    assert response.url == session.get_absolute_url()
    assert (session.mode, session.is_shuffled, session.anonymous_allowed) == ("spread", True, False)
    assert session.cards.count() == 3


def test_a_private_deck_of_another_facilitator_cannot_be_started(other_client, live_session):
    response = other_client.post(
        reverse("live_sessions:session-start", args=[live_session.deck.slug]), {"mode": "reveal"}
    )
    assert response.status_code == 404


def test_editing_the_deck_never_changes_a_running_session(live_session):
    live_session.deck.cards.update(prompt="Changed later")
    live_session.deck.delete()
    live_session.refresh_from_db()
    assert live_session.cards.first().prompt == "What made you smile?"


def test_a_join_link_typed_in_lower_case_still_works(client, live_session):
    response = client.get(f"/join/{live_session.join_code.lower()}/")
    assert response.status_code == 302 and response.url == join_url(live_session)


def test_a_join_link_with_no_code_in_it_says_so(client, db):
    response = client.get("/join/--/")
    assert response.status_code == 404
    assert "No open session has the code" in response.content.decode()


def test_a_typed_code_with_look_alike_characters_is_explained(client, db):
    response = client.get(reverse("live_sessions:join-code"), {"code": "00000¹"})
    assert response.status_code == 200
    assert "A join code has 6 characters" in response.content.decode()
